#!/usr/bin/env bash
# Run the Sentidesk console on the embedded defaults: the demo queue and the offline default
# model. The first run creates .venv/ and installs Sentidesk; the window opens within a
# minute even on a data directory without a model: it scores with a provisional model
# trained in seconds while the default model builds in the background (about 25 minutes on
# 2 CPU cores, once per data directory).
# Extra arguments go to `sentidesk gui`, e.g. --language zh_CN or --data-dir DIR.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
exec sentidesk gui "$@"
