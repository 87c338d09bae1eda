"""Pure analytics over role-item projections: overlap, gap, cover, paths, transferable items, communities.

Every function takes projections built by graph.network and returns new plain values; none reads a
store or mutates its input, so small hand-built inputs test them. One module per topic; this
package names their public surface.
"""

from graph.analysis.bridges import Bridge, communities, transferable
from graph.analysis.connections import MAPPING_PHRASES, Step, sentence, shortest_paths
from graph.analysis.cover import COVER_CATEGORIES, Cover, cover
from graph.analysis.gap import GAP_ORDER, CredentialStep, Gap, GapStep, gap
from graph.analysis.overlap import (
    ESSENTIAL_WEIGHT,
    OPTIONAL_WEIGHT,
    CategoryOverlap,
    OverlapMatrix,
    PairOverlap,
    overlap_matrix,
    overlap_pair,
)

__all__ = [
    "COVER_CATEGORIES",
    "ESSENTIAL_WEIGHT",
    "GAP_ORDER",
    "MAPPING_PHRASES",
    "OPTIONAL_WEIGHT",
    "Bridge",
    "CategoryOverlap",
    "Cover",
    "CredentialStep",
    "Gap",
    "GapStep",
    "OverlapMatrix",
    "PairOverlap",
    "Step",
    "communities",
    "cover",
    "gap",
    "overlap_matrix",
    "overlap_pair",
    "sentence",
    "shortest_paths",
    "transferable",
]
