"""``python -m training build|retrain|provisional [...]``: work that prints JSON-lines progress.

The console runs these in a subprocess (training never shares the GUI process) and reads one
JSON object per line from stdout: progress events, then ``{"stage": "done", ...}`` or
``{"stage": "error", "message": ...}``. A retrain's ``done`` line carries its result (see
:meth:`training.retrain.RetrainResult.to_dict`).

SIGTERM (how the console cancels) ends the process through the normal exception path, so a
half-made version's work folder is removed on the way out.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
from dataclasses import replace
from pathlib import Path
from types import FrameType

from inference import SentideskError, data_dir
from training.build import DEFAULT_BUDGET_MINUTES, BuildConfig, build_model
from training.corrections import CorrectionSet
from training.finetune import TrainingArguments
from training.provisional import build_provisional
from training.retrain import RETRAIN_TRAINING, RetrainConfig, retrain

#: Exit status of a process stopped by SIGTERM, as a shell reports it.
CANCELLED_STATUS = 128 + signal.SIGTERM


class Cancelled(BaseException):
    """Raised in the main thread on SIGTERM; a BaseException so no ``except Exception``
    on the way swallows it."""


def emit_json_line(event: dict[str, object]) -> None:
    """One progress event per stdout line; flushed so a reading process sees it at once."""
    print(json.dumps(event, ensure_ascii=False), flush=True)


def _cancel(_signum: int, _frame: FrameType | None) -> None:
    raise Cancelled


def read_corrections(path: str) -> CorrectionSet:
    try:
        return CorrectionSet.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise SentideskError(f"cannot read corrections from {path}: {exc}") from exc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training")
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build a model from the base encoder")
    build.add_argument("--data-dir")
    build.add_argument("--base-model")
    build.add_argument("--budget-minutes", type=float, default=DEFAULT_BUDGET_MINUTES)
    build.add_argument("--epochs", type=float, default=TrainingArguments.epochs)
    build.add_argument(
        "--no-activate", action="store_true", help="register the model without activating it"
    )
    again = sub.add_parser("retrain", help="fine-tune the active model on corrections")
    again.add_argument("--data-dir")
    again.add_argument(
        "--corrections", required=True, help="a correction set as JSON (CorrectionSet.to_dict)"
    )
    again.add_argument("--budget-minutes", type=float, default=RetrainConfig.budget_minutes)
    again.add_argument("--replay-size", type=int, default=RetrainConfig.replay_size)
    again.add_argument(
        "--lexical-size", type=int, help="base rows for the n-gram model (default: all)"
    )
    again.add_argument("--epochs", type=float, default=RETRAIN_TRAINING.epochs)
    again.add_argument("--batch-size", type=int, default=RETRAIN_TRAINING.batch_size)
    again.add_argument("--max-length", type=int, default=RETRAIN_TRAINING.max_length)
    stopgap = sub.add_parser(
        "provisional",
        help="train the n-gram model a fresh machine scores with until its first build is done",
    )
    stopgap.add_argument("--data-dir")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    signal.signal(signal.SIGTERM, _cancel)

    try:
        if args.command == "build":
            config = BuildConfig(
                base_model=args.base_model,
                budget_minutes=args.budget_minutes,
                training=TrainingArguments(epochs=args.epochs),
                activate=not args.no_activate,
            )
            build_model(data_dir(args.data_dir), config, emit_json_line)
        elif args.command == "provisional":
            build_provisional(data_dir(args.data_dir), emit_json_line)
        else:
            result = retrain(
                data_dir(args.data_dir),
                read_corrections(args.corrections),
                RetrainConfig(
                    budget_minutes=args.budget_minutes,
                    replay_size=args.replay_size,
                    lexical_size=args.lexical_size,
                    training=replace(
                        RETRAIN_TRAINING,
                        epochs=args.epochs,
                        batch_size=args.batch_size,
                        max_length=args.max_length,
                    ),
                ),
                emit_json_line,
            )
            emit_json_line({"stage": "done", **result.to_dict()})
    except SentideskError as exc:
        emit_json_line({"stage": "error", "message": str(exc)})
        return 2
    except Cancelled:
        emit_json_line({"stage": "cancelled"})
        return CANCELLED_STATUS
    except Exception as exc:
        # a defect, not bad input: the console shows the message, the log keeps the trace
        logging.getLogger(__name__).exception("%s failed", args.command)
        emit_json_line({"stage": "error", "message": f"{type(exc).__name__}: {exc}"})
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
