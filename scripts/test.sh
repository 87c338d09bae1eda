#!/usr/bin/env bash
# Install everything the tests need (Debian packages, a virtual environment) and run them all.
# Idempotent; runs as root on Debian (uses sudo when it is not root).
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

need=""
command -v chromium >/dev/null 2>&1 || need="$need chromium"
command -v chromedriver >/dev/null 2>&1 || need="$need chromium-driver"
command -v virtuoso-t >/dev/null 2>&1 || need="$need virtuoso-opensource"
command -v npm >/dev/null 2>&1 || need="$need npm"
if [ -n "$need" ]; then
  echo "== installing Debian packages:$need"
  # Virtuoso asks for a DBA password at install time: preseed an empty one (tests run a private instance).
  printf '%s\n' \
    'virtuoso-opensource-7 virtuoso-opensource-7/dba-password password' \
    'virtuoso-opensource-7 virtuoso-opensource-7/dba-password-again password' \
    | $SUDO debconf-set-selections
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
  # Tests start their own Virtuoso; the packaged service is not needed.
  if [ -x /etc/init.d/virtuoso-opensource-7 ]; then $SUDO /etc/init.d/virtuoso-opensource-7 stop >/dev/null 2>&1 || true; fi
fi

if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  python3 -m venv .venv
fi
stamp=.venv/.requirements.sha
want=$(cat requirements.txt requirements-test.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "== installing Python packages"
  .venv/bin/pip install -q --disable-pip-version-check -r requirements-test.txt
  echo "$want" > "$stamp"
fi

# From the npm registry into a project-local (gitignored) directory, pinned: axe-core for the accessibility
# test, Comunica for the federation test (4.x: 5.x needs Node 22), YASGUI for the SPARQL tab (the app serves it)
NPM_PACKAGES="axe-core@4.14.1 @comunica/query-sparql@4.5.0 @zazuko/yasgui@4.6.2"
for spec in $NPM_PACKAGES; do
  name=${spec%@*}
  if [ "$(node -p "require('./node_env/node_modules/$name/package.json').version" 2>/dev/null)" != "${spec##*@}" ]; then
    echo "== installing $NPM_PACKAGES (npm)"
    npm install --silent --no-audit --no-fund --prefix node_env $NPM_PACKAGES >/dev/null
    break
  fi
done

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

echo "== pytest"
exec .venv/bin/python -m pytest "$@"
