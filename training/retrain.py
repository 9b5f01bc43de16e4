"""Retraining: the active model, fine-tuned further on corrections, judged by the gate.

The challenger starts from the active model's weights (not from the base encoder) and sees a
replay sample of the base training data next to the corrections, so it learns what agents and
supervisors corrected without forgetting what it knew. It is exported and quantized like a
built model, registered as a new version whose manifest records its parent, what it was
trained on and the gate's verdict, and never activated here: activating is a supervisor's
action, taken by the console after reading the verdict.

A retrain that fails or is stopped leaves nothing behind: the version is made in a private
work folder and only renamed into the registry once complete.
"""

from __future__ import annotations

import logging
import random
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from inference import (
    LogitsMemo,
    Manifest,
    ModelNotFoundError,
    ModelRegistry,
    Scorer,
    SentideskError,
    models_dir,
    new_version_name,
    read_model_config,
)
from training.build import GOLD_METRICS, train_version
from training.corpora import Example, fingerprint
from training.corrections import CorrectionSet
from training.dataset import build_training_set
from training.finetune import Progress, TrainingArguments
from training.gate import GatePolicy, decide, gate_metrics

log = logging.getLogger(__name__)

#: Continued training moves an already trained model: a tenth of a fresh build's rates.
RETRAIN_TRAINING = TrainingArguments(
    learning_rate=5e-5,
    head_learning_rate=5e-4,
    epochs=2.0,
    ema_decay=0.99,
    # the champion's depth, whatever the build that made it kept
    encoder_layers=None,
)
#: Seconds a retrain needs after training (export, n-gram model, blend, calibration, int8
#: checks, evaluation): 292 s measured on an idle 2-core machine with the tweets' dev split
#: in the blend and calibration. What came before training is measured, not guessed.
NON_TRAINING_SECONDS = 300


class NothingToLearnError(SentideskError):
    """There are no corrections to retrain on."""


@dataclass(frozen=True)
class RetrainConfig:
    budget_minutes: float | None = 10.0
    #: base training rows replayed next to the corrections (drawn from a build's training set)
    replay_size: int = 2500
    #: the share of training rows that are corrections; few corrections are repeated up to
    #: ``max_repeats`` times to reach it, many are not cut
    correction_share: float = 0.5
    max_repeats: int = 12
    #: the same share for the n-gram model, which sees the whole base training set: the
    #: words a shop's customers coin (slang, product nicknames) are its to learn
    lexical_correction_share: float = 0.3
    #: base training rows the n-gram model is retrained on next to the corrections (None:
    #: all of them, about 30 s on 2 cores; it is cheap, and it is where slang is learnt)
    lexical_size: int | None = None
    training: TrainingArguments = field(default_factory=lambda: RETRAIN_TRAINING)
    policy: GatePolicy = field(default_factory=GatePolicy)
    seed: int = 13


@dataclass(frozen=True)
class RetrainResult:
    """The outcome; :meth:`to_dict` is the ``--json`` report of ``sentidesk retrain``."""

    champion: str
    challenger: str
    promote: bool
    reasons: tuple[str, ...]
    metrics: dict[str, Any]
    seconds: float
    #: correction examples trained on
    corrections: int
    held_out: int
    gate: dict[str, Any]
    #: ``reasons`` as data, in the same order (see :attr:`training.gate.GateDecision.details`)
    reason_details: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "champion": self.champion,
            "challenger": self.challenger,
            "promote": self.promote,
            "reasons": list(self.reasons),
            "reason_details": list(self.reason_details),
            "metrics": self.metrics,
            "seconds": self.seconds,
            "corrections": self.corrections,
            "held_out": self.held_out,
            "gate": self.gate,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RetrainResult:
        return cls(
            champion=str(data["champion"]),
            challenger=str(data["challenger"]),
            promote=bool(data["promote"]),
            reasons=tuple(str(r) for r in data["reasons"]),
            metrics=dict(data["metrics"]),
            seconds=float(data["seconds"]),
            corrections=int(data["corrections"]),
            held_out=int(data["held_out"]),
            gate=dict(data.get("gate", {})),
            reason_details=tuple(
                dict(d) for d in data.get("reason_details", []) if isinstance(d, dict)
            ),
        )


@dataclass(frozen=True)
class RetrainData:
    examples: tuple[Example, ...]
    #: the n-gram model is cheap to train: it sees the whole base training set
    lexical: tuple[Example, ...]
    sources: dict[str, dict[str, Any]]


def retrain_data(corrections: CorrectionSet, config: RetrainConfig) -> RetrainData:
    """Replay sample + repeated corrections; evaluation texts are never among them (the base
    rows come from train splits, corrections were filtered by :mod:`training.corrections`)."""
    rng = random.Random(config.seed)
    # the build's own training set, so the replay keeps its mix of sources
    base = list(build_training_set().examples)
    replay = rng.sample(base, min(len(base), config.replay_size))
    rows = list(corrections.train)
    wanted = config.correction_share / (1 - config.correction_share) * len(replay)
    repeats = max(1, min(config.max_repeats, round(wanted / max(1, len(rows)))))
    examples = replay + rows * repeats
    if config.lexical_size is not None:
        base = rng.sample(base, min(len(base), config.lexical_size))
    wanted_lexical = config.lexical_correction_share / (1 - config.lexical_correction_share)
    lexical_repeats = max(1, round(wanted_lexical * len(base) / max(1, len(rows))))
    lexical = base + rows * lexical_repeats
    sources = {
        "replay": {
            "count": len(replay),
            "sha1": fingerprint(replay),
            "labels": dict(Counter(e.label or "-" for e in replay)),
            "by_source": dict(Counter(e.source for e in replay)),
        },
        "corrections": {
            "count": len(rows),
            "repeats": repeats,
            "lexical_repeats": lexical_repeats,
            "sha1": corrections.sha1,
            "labels": dict(Counter(e.label or "-" for e in rows)),
            **corrections.manifest(),
        },
    }
    return RetrainData(tuple(examples), tuple(lexical), sources)


def retrain(
    root: Path,
    corrections: CorrectionSet,
    config: RetrainConfig | None = None,
    progress: Progress | None = None,
) -> RetrainResult:
    """Train a challenger from the active model in data directory ``root``, evaluate both
    on the gold set and the corrections hold-out, and register the challenger (inactive).

    Raises :class:`NothingToLearnError` without corrections, ``ModelNotFoundError`` without
    an active model; any failure leaves the registry as it was.
    """
    config = config or RetrainConfig()
    emit = progress or (lambda _e: None)
    started = time.perf_counter()
    registry = ModelRegistry(models_dir(root))
    if not corrections.train:
        raise NothingToLearnError(
            "there are no corrections to learn from yet: override labels in the queue or "
            "import them with `sentidesk labels import`"
        )
    champion = registry.active_version()
    if champion is None:
        raise ModelNotFoundError("there is no active model to retrain; build one first")
    champion_manifest = registry.check(champion)
    if registry.is_provisional(champion):
        raise ModelNotFoundError(
            f"the active model {champion} is the provisional n-gram model, which is not "
            "retrained; wait for the default model to finish building"
        )
    champion_path = registry.path(champion)
    layout = read_model_config(champion_path).layout
    budget = None if config.budget_minutes is None else config.budget_minutes * 60

    def stage(name: str, **extra: Any) -> None:
        event: dict[str, Any] = {"stage": name, "event": "start", **extra}
        event["elapsed_s"] = round(time.perf_counter() - started, 1)
        if budget is not None:
            event["budget_s"] = budget
        emit(event)

    stage("prepare", corrections=len(corrections.train), held_out=len(corrections.held_out))
    data = retrain_data(corrections, config)
    stage("evaluate-champion", version=champion)
    champion_metrics = gate_metrics(
        Scorer(champion_path, backend="onnx-int8", version=champion), corrections.held_out
    )

    args = config.training
    if budget is not None:
        spent = time.perf_counter() - started
        args = replace(args, budget_seconds=max(30.0, budget - NON_TRAINING_SECONDS - spent))
    version = new_version_name()
    registry.remove_abandoned()
    work = registry.work_folder("retrain", version)
    try:
        memo: LogitsMemo = {}
        made = train_version(
            str(champion_path), layout, data.examples, data.lexical, work, args, emit, memo=memo
        )
        stage("evaluate", version=version)
        challenger_metrics = gate_metrics(
            Scorer(work, backend="onnx-int8", version=version, memo=memo), corrections.held_out
        )
        decision = decide(champion_metrics, challenger_metrics, config.policy)
        stage("register", version=version)
        manifest = Manifest(
            version=version,
            created=datetime.now(UTC).isoformat(timespec="seconds"),
            base_model=champion_manifest.base_model,
            parent=champion,
            data={"sources": data.sources, "train_size": len(data.examples)},
            hyperparameters={**args.to_dict(), "categories": list(layout.categories)},
            metrics={
                GOLD_METRICS: challenger_metrics,
                "onnx_parity": made.parity.__dict__,
                "lexical_blend": made.blend.to_dict(),
                "training": made.training.__dict__,
                **made.serving,
                "gate_decision": {
                    **decision.to_dict(),
                    "champion": champion,
                    "policy": config.policy.to_dict(),
                },
            },
            notes=f"retrained from {champion} on {len(corrections.train)} corrections",
            calibration=made.calibration,
        )
        registry.register(work, manifest)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    result = RetrainResult(
        champion=champion,
        challenger=version,
        promote=decision.promote,
        reasons=decision.reasons,
        metrics={"champion": champion_metrics, "challenger": challenger_metrics},
        seconds=round(time.perf_counter() - started, 1),
        corrections=len(corrections.train),
        held_out=len(corrections.held_out),
        gate=decision.to_dict(),
        reason_details=decision.details,
    )
    log.info("retrained %s → %s: promote=%s", champion, version, decision.promote)
    return result
