#!/usr/bin/env bash
# Run the Sentidesk console on the embedded defaults: the demo queue and the offline default
# model. The first run creates .venv/, installs Sentidesk and builds the default model
# (about 25 minutes on 2 CPU cores); later runs start in seconds.
# Extra arguments go to `sentidesk gui`, e.g. --language zh_CN or --data-dir DIR.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
data_args=()
for ((i = 1; i <= $#; i++)); do
    if [ "${!i}" = "--data-dir" ]; then j=$((i + 1)); data_args=(--data-dir "${!j}"); fi
done
sentidesk model build --if-missing "${data_args[@]}"
exec sentidesk gui "$@"
