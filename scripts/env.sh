# Sourced by the other scripts: create .venv/ in the checkout and install Sentidesk into it.
# Safe to run repeatedly; a stamp file skips the install when pyproject.toml is unchanged.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
# Extras to install (e.g. "dev" for the test tools); a variable, not "$1", because a sourced
# script sees its caller's arguments.
EXTRAS="${SENTIDESK_EXTRAS:-}"
PYTHON="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/python" ]; then
    echo "sentidesk: creating $VENV" >&2
    "$PYTHON" -m venv "$VENV"
fi
STAMP="$VENV/.sentidesk-installed${EXTRAS:+-$EXTRAS}"
if [ ! -f "$STAMP" ] || [ "$ROOT/pyproject.toml" -nt "$STAMP" ]; then
    echo "sentidesk: installing dependencies (first run takes a few minutes)" >&2
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    # torch first and pinned: the CPU wheel. An unpinned torch would pull a CUDA build of
    # several GB. GPU users install the CUDA build of the same release beforehand (README).
    "$VENV/bin/python" -m pip install --quiet "torch==2.13.0"
    "$VENV/bin/python" -m pip install --quiet -e "$ROOT${EXTRAS:+[$EXTRAS]}"
    touch "$STAMP"
fi
export PATH="$VENV/bin:$PATH"
