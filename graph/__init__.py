"""Medical-aesthetics workforce knowledge graph: stores, query catalogue, analytics and the explorer.

Importing the package starts nothing and reads no file; see README.md for the public surface.
"""

__version__ = "1.0.0"
