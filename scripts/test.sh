#!/usr/bin/env bash
# Run every quality gate and the test suite (unit + integration on the real packaged model).
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -m "not integration"` for a quick run.
set -euo pipefail
SENTIDESK_EXTRAS=dev
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
export QT_QPA_PLATFORM=offscreen
echo "== ruff check"; ruff check .
echo "== ruff format --check"; ruff format --check .
echo "== mypy"; mypy inference training console tests scripts
echo "== import-linter"; lint-imports
echo "== pytest"; python -m pytest "$@"
