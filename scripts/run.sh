#!/usr/bin/env bash
# Install the app's packages into .venv and serve it with waitress (production: debug off).
# Usage: scripts/run.sh [--host H] [--port N] [--data FILE…] [--store memory|oxigraph|URL]
# Runs as the user who starts it; needs python3 with its venv module (Debian: python3-venv).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh

make_venv
pip_install requirements.txt .venv/.runtime.sha
echo "== starting the app (python app.py $*)"
exec .venv/bin/python app.py "$@"
