"""The explorer's callbacks, one module per tab plus the URL and the shared pickers.

Importing this package registers them all (Dash's module-level @callback); each tab's module is
found by its name in graph.ui.tabs.TABS.
"""

from __future__ import annotations

import importlib

from graph.ui.callbacks import pickers, url
from graph.ui.tabs import TABS

TAB_MODULES = {t.name: importlib.import_module(f"graph.ui.callbacks.{t.name}_tab") for t in TABS}

__all__ = ["TAB_MODULES", "pickers", "url"]
