#!/usr/bin/env bash
# Install the app's packages into .venv and serve it with waitress (production: debug off).
# Usage: scripts/run.sh [--host H] [--port N] [--data FILE…] [--store memory|oxigraph|URL]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
stamp=.venv/.runtime.sha
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
  echo "$want" > "$stamp"
fi
exec .venv/bin/python app.py "$@"
