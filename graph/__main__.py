"""python -m graph: the command line."""

import sys

from graph.cli import main

sys.exit(main())
