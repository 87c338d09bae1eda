#!/usr/bin/env bash
# Install the app's packages (.venv; YASGUI for the SPARQL tab into node_env/) and serve it with waitress.
# Usage: scripts/run.sh [--host H] [--port N] [--data FILE…] [--store memory|oxigraph|URL]
# Runs as the user who starts it; needs python3 with its venv module (Debian: python3-venv).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh

make_venv
pip_install requirements.txt .venv/.runtime.sha
# The SPARQL tab's editor, served by the app itself from node_env/ (gitignored): pinned, from the npm registry.
YASGUI=@zazuko/yasgui@4.6.2
if [ "$(node -p "require('./node_env/node_modules/@zazuko/yasgui/package.json').version" 2>/dev/null)" != "${YASGUI##*@}" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "== installing npm (apt-get), for the SPARQL editor"
      apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends npm
    else
      echo "error: npm is needed to install the SPARQL editor ($YASGUI): install Node.js and npm (Debian: apt-get install npm), then run this again" >&2
      exit 1
    fi
  fi
  echo "== installing the SPARQL editor $YASGUI (npm, into node_env/)"
  npm install --no-audit --no-fund --prefix node_env "$YASGUI"
else
  echo "== SPARQL editor $YASGUI: installed"
fi
echo "== starting the app (python app.py $*)"
exec .venv/bin/python app.py "$@"
