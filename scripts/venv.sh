# Sourced by run.sh and test.sh: a virtual environment made whole or not at all, and installs that say what they do.

# .venv with a working pip, or one line naming the Debian package that is missing (and no .venv left behind).
make_venv() {
  if [ -f .venv/pyvenv.cfg ] && [ -x .venv/bin/pip ] && .venv/bin/python -m pip --version >/dev/null 2>&1; then
    return 0
  fi
  if ! command -v python3 >/dev/null 2>&1; then
    echo "error: python3 is not installed; on Debian: apt-get install python3 python3-venv" >&2
    exit 1
  fi
  [ -e .venv ] && echo "== .venv is incomplete (no pip): making it again"
  rm -rf .venv
  echo "== creating the virtual environment .venv ($(python3 --version 2>&1); ensurepip installs pip into it: seconds, a minute on a busy machine)"
  if ! python3 -m venv .venv >/dev/null 2>&1; then
    rm -rf .venv
    echo "error: python3 cannot create a virtual environment (no ensurepip): install Debian's python3-venv (apt-get install python3-venv), then run this again" >&2
    exit 1
  fi
}

# pip_install REQUIREMENTS STAMP: install the pinned packages when the requirements changed, one line a package.
pip_install() {
  local want
  want=$(cat "$1" requirements.txt | sha256sum | cut -d' ' -f1)
  if [ "$(cat "$2" 2>/dev/null)" = "$want" ]; then
    echo "== Python packages of $1: installed"
    return 0
  fi
  echo "== installing the Python packages of $1 into .venv (pinned; each with its dependencies; about 30 s the first time)"
  # unbuffered, so each package shows as pip reaches it (through a pipe Python would hold the lines back)
  PYTHONUNBUFFERED=1 .venv/bin/pip install --disable-pip-version-check --progress-bar off -r "$1" 2>&1 \
    | { grep --line-buffered -v -e '^Requirement already satisfied' -e "^WARNING: Location '" || true; }
  echo "$want" > "$2"
}
