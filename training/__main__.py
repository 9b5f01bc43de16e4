"""``python -m training build [--data-dir DIR] [...]``: a build that prints JSON-lines progress.

The console runs this in a subprocess (training never shares the GUI process) and reads one
JSON object per line from stdout: progress events, then ``{"stage": "done", ...}`` or
``{"stage": "error", "message": ...}``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys

from inference import SentideskError, data_dir
from training.build import DEFAULT_BUDGET_MINUTES, BuildConfig, build_model
from training.finetune import TrainingArguments


def emit_json_line(event: dict[str, object]) -> None:
    """One progress event per stdout line; flushed so a reading process sees it at once."""
    print(json.dumps(event, ensure_ascii=False), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training")
    parser.add_argument("command", choices=["build"])
    parser.add_argument("--data-dir")
    parser.add_argument("--base-model")
    parser.add_argument("--budget-minutes", type=float, default=DEFAULT_BUDGET_MINUTES)
    parser.add_argument("--epochs", type=float, default=TrainingArguments.epochs)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)

    config = BuildConfig(
        base_model=args.base_model,
        budget_minutes=args.budget_minutes,
        training=TrainingArguments(epochs=args.epochs),
    )
    try:
        build_model(data_dir(args.data_dir), config, emit_json_line)
    except SentideskError as exc:
        emit_json_line({"stage": "error", "message": str(exc)})
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
