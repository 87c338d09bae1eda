"""The explorer's callbacks, one module per tab plus the URL and the shared pickers.

The modules declare them with Dash's module-level @callback; Dash hands those to the first app
that starts serving, so this package takes them over once, on import, and `register` gives every
app its own copy (the factory can build several apps in one process: tests, gunicorn reloads).
Each tab's module is found by its name in graph.ui.tabs.TABS.
"""

from __future__ import annotations

import importlib

from dash import Dash, _callback

from graph.ui.callbacks import pickers, url
from graph.ui.tabs import TABS

TAB_MODULES = {t.name: importlib.import_module(f"graph.ui.callbacks.{t.name}_tab") for t in TABS}

_MAP = dict(_callback.GLOBAL_CALLBACK_MAP)
_LIST = list(_callback.GLOBAL_CALLBACK_LIST)
_SCRIPTS = list(_callback.GLOBAL_INLINE_SCRIPTS)
for _key in _MAP:
    del _callback.GLOBAL_CALLBACK_MAP[_key]
_callback.GLOBAL_CALLBACK_LIST.clear()
_callback.GLOBAL_INLINE_SCRIPTS.clear()


def register(app: Dash) -> None:
    """Give an app the explorer's callbacks (server and clientside)."""
    app.callback_map.update(_MAP)
    app._callback_list.extend(_LIST)
    app._inline_scripts.extend(_SCRIPTS)


__all__ = ["TAB_MODULES", "pickers", "register", "url"]
