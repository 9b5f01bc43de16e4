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
TORCH="torch==2.13.0"
TORCH_CPU_INDEX="https://download.pytorch.org/whl/cpu"

# torch goes in first, pinned, and as the CPU build: on Linux, PyPI's torch is the CUDA build,
# which pulls several GB of NVIDIA libraries that a CPU-only console never uses.
#  1. Any build of the pinned release already installed is kept (a GPU user's CUDA build, put
#     there beforehand as the README says, must not be swapped for the CPU one).
#  2. Else the PyTorch CPU index, as the only index, so neither PyTorch nor its dependencies
#     can come from PyPI's CUDA side. --timeout/--retries 0 make an unreachable index fail
#     in seconds instead of retrying for minutes. Local wheels that pip's own configuration
#     names (find-links, a file:// mirror) still count, so an offline machine can pass here.
#  3. Only if that fails: the default index. Where it is a mirror holding the CPU wheel, that
#     is what gets installed; where it is PyPI, this is the CUDA build, which works on a CPU
#     too, only much larger, so the fallback says so instead of failing the whole setup.
# CPU index first is the safe order: the default index first would fetch the CUDA build
# wherever PyPI answers, which is almost everywhere.
install_torch() {
    if "$VENV/bin/python" - "$TORCH" <<'PY' 2>/dev/null; then
import sys
from importlib.metadata import version

wanted = sys.argv[1].split("==")[1]
sys.exit(0 if version("torch").split("+")[0] == wanted else 1)
PY
        return 0
    fi
    if "$VENV/bin/python" -m pip install --quiet --index-url "$TORCH_CPU_INDEX" \
        --timeout 15 --retries 0 "$TORCH"; then
        return 0
    fi
    echo "sentidesk: the PyTorch CPU index ($TORCH_CPU_INDEX) failed; installing $TORCH from" \
        "the default index (on PyPI that is the larger CUDA build)" >&2
    "$VENV/bin/python" -m pip install --quiet "$TORCH"
}
if [ ! -f "$STAMP" ] || [ "$ROOT/pyproject.toml" -nt "$STAMP" ]; then
    echo "sentidesk: installing dependencies (first run takes a few minutes)" >&2
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    install_torch
    "$VENV/bin/python" -m pip install --quiet -e "$ROOT${EXTRAS:+[$EXTRAS]}"
    touch "$STAMP"
fi
export PATH="$VENV/bin:$PATH"
