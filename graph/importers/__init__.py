"""Importers converting ESCO v1.1.1 and O*NET 29.3 to N-Triples aligned with the ontology."""

from graph.importers.esco import import_esco
from graph.importers.onet import import_onet
from graph.importers.writer import ImportFailed, ImportSummary, RowError

__all__ = ["ImportFailed", "ImportSummary", "RowError", "import_esco", "import_onet"]
