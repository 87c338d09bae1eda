#!/usr/bin/env bash
# Install everything the tests need (Debian packages, a virtual environment) and run them all.
# Idempotent; runs as root on Debian (uses sudo when it is not root).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

need=""
command -v chromium >/dev/null 2>&1 || need="$need chromium"
command -v chromedriver >/dev/null 2>&1 || need="$need chromium-driver"
command -v virtuoso-t >/dev/null 2>&1 || need="$need virtuoso-opensource"
command -v npm >/dev/null 2>&1 || need="$need npm"
if [ -n "$need" ]; then
  echo "== [1/5] installing Debian packages:$need (apt-get; a minute or two)"
  # Virtuoso asks for a DBA password at install time: preseed an empty one (tests run a private instance).
  printf '%s\n' \
    'virtuoso-opensource-7 virtuoso-opensource-7/dba-password password' \
    'virtuoso-opensource-7 virtuoso-opensource-7/dba-password-again password' \
    | $SUDO debconf-set-selections
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $need
  # Tests start their own Virtuoso; the packaged service is not needed.
  if [ -x /etc/init.d/virtuoso-opensource-7 ]; then $SUDO /etc/init.d/virtuoso-opensource-7 stop >/dev/null 2>&1 || true; fi
else
  echo "== [1/5] Debian packages: chromium, chromium-driver, virtuoso-opensource, npm installed"
fi

echo "== [2/5] Python"
make_venv
pip_install requirements-test.txt .venv/.requirements.sha

# From the npm registry into a project-local (gitignored) directory, pinned: axe-core for the accessibility
# test, Comunica for the federation test (4.x: 5.x needs Node 22), YASGUI for the SPARQL tab (the app serves it)
NPM_PACKAGES="axe-core@4.14.1 @comunica/query-sparql@4.5.0 @zazuko/yasgui@4.6.2"
npm_state="installed"
for spec in $NPM_PACKAGES; do
  name=${spec%@*}
  if [ "$(node -p "require('./node_env/node_modules/$name/package.json').version" 2>/dev/null)" != "${spec##*@}" ]; then
    echo "== [3/5] installing $NPM_PACKAGES (npm, into node_env/)"
    npm install --no-audit --no-fund --prefix node_env $NPM_PACKAGES
    npm_state="just installed"
    break
  fi
done
[ "$npm_state" = "installed" ] && echo "== [3/5] npm packages $NPM_PACKAGES: installed"

echo "== [4/5] ruff (lint and format check)"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

echo "== [5/5] pytest $*"
exec .venv/bin/python -m pytest "$@"
