"""The model card: what one model version is, what it was trained on, how it measured when
it was made, how calibrated its probabilities are, and how often people have disagreed with
it since it was activated: the nearest thing to real-world accuracy a shop has.

Everything comes from the version's manifest and the store, except the scoring speed on
this machine, which the caller measures (:func:`measure_speed`, a few seconds of scoring)
and passes in: the speed a build recorded was measured on whatever machine built it.

Thread: the database worker (it reads the store and the model folder).
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from console.services.models import ACTIVATING_ACTIONS
from console.store import PredictionOutcome, TicketStore
from inference import (
    Manifest,
    ModelNotFoundError,
    ModelRegistry,
    SentideskError,
    SentimentScorer,
    read_calibration,
)
from inference.base import base_model_name

log = logging.getLogger(__name__)

#: Where :attr:`LiveAgreement.since` comes from: the version's last audited activation, or,
#: when none was audited (the first build of a data directory, a provisional model), the
#: time it was made, before which it cannot have scored anything.
SINCE_ACTIVATION = "activation"
SINCE_CREATED = "created"
#: Manifest metrics that are evaluations of a fixed set (``_summary`` of the build): they
#: are recognised by their keys rather than listed, so sets added later show up too.
_EVALUATION_KEYS = frozenset({"n", "accuracy", "macro_f1", "by_lang"})


@dataclass(frozen=True)
class ClassAgreement:
    """Tickets the version put in one class, and how many of them a person moved out."""

    label: str
    scored: int
    overridden: int

    @property
    def share_overridden(self) -> float | None:
        return self.overridden / self.scored if self.scored else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "scored": self.scored,
            "overridden": self.overridden,
            "share_overridden": _round(self.share_overridden),
        }


@dataclass(frozen=True)
class FieldAgreement:
    """Overrides of one field (sentiment or category), overall and per predicted class
    (most scored first)."""

    scored: int
    overridden: int
    by_class: tuple[ClassAgreement, ...]

    @property
    def share_overridden(self) -> float | None:
        return self.overridden / self.scored if self.scored else None

    @property
    def agreement(self) -> float | None:
        """The share of scored tickets nobody moved out of the predicted class."""
        share = self.share_overridden
        return None if share is None else 1 - share

    def to_dict(self) -> dict[str, Any]:
        return {
            "scored": self.scored,
            "overridden": self.overridden,
            "share_overridden": _round(self.share_overridden),
            "agreement": _round(self.agreement),
            "by_class": {c.label: c.to_dict() for c in self.by_class},
        }


@dataclass(frozen=True)
class LiveAgreement:
    """How often people overrode the version's predictions on the tickets it scored since
    ``since``. A ticket counts once, with its latest prediction by the version; it counts as
    overridden when the last label a person gave that prediction differs from it (an agent's
    override a supervisor then reverted is agreement). Overrides made under an earlier model
    and kept through re-scoring judged that model, not this one, and do not count."""

    since: str | None
    since_source: str
    sentiment: FieldAgreement
    category: FieldAgreement

    def to_dict(self) -> dict[str, Any]:
        return {
            "since": self.since,
            "since_source": self.since_source,
            "sentiment": self.sentiment.to_dict(),
            "category": self.category.to_dict(),
        }


@dataclass(frozen=True)
class ModelCard:
    """One version as Help → About this model and ``sentidesk model card`` show it.

    ``metrics``, ``calibration`` and the speeds are the manifest's own figures (see
    :meth:`to_dict` for their shape); a figure a version's manifest lacks is None."""

    version: str
    base_model: str
    created: str
    parent: str | None
    active: bool
    provisional: bool
    notes: str
    #: training rows per source (a retrain's replay sample counts as one source)
    data: dict[str, int]
    #: what a source is made of, where the manifest says (a replay sample's sources)
    data_detail: dict[str, dict[str, int]]
    metrics: dict[str, Any]
    calibration: dict[str, Any]
    live_agreement: LiveAgreement
    #: scoring speed the build measured, and the one measured here (None: not measured)
    speed_at_build: dict[str, Any] | None = None
    speed_here: dict[str, Any] | None = None
    activations: tuple[dict[str, str], ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "base_model": self.base_model,
            "created": self.created,
            "parent": self.parent,
            "active": self.active,
            "provisional": self.provisional,
            "notes": self.notes,
            "data": dict(self.data),
            "data_detail": {k: dict(v) for k, v in self.data_detail.items()},
            "metrics": self.metrics,
            "calibration": self.calibration,
            "latency": {"build": self.speed_at_build, "this_machine": self.speed_here},
            "live_agreement": self.live_agreement.to_dict(),
            "activations": [dict(a) for a in self.activations],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)


def model_card(
    store: TicketStore,
    registry: ModelRegistry,
    version: str | None = None,
    speed_here: Mapping[str, Any] | None = None,
) -> ModelCard:
    """The card of ``version`` (default: the active one). Raises
    :class:`ModelNotFoundError` without a version, :class:`inference.ModelFileError` when its
    manifest cannot be read.

    Thread: the database worker."""
    active = _quiet_active(registry)
    version = version or active
    if version is None:
        raise ModelNotFoundError(
            "there is no active model to describe; build one with `sentidesk model build`"
        )
    manifest = registry.manifest(version)
    activations = _activations(store, version)
    if activations:
        since, source = activations[-1]["at"], SINCE_ACTIVATION
    else:
        since, source = manifest.created, SINCE_CREATED
    outcomes = store.prediction_outcomes(version, since)
    live = LiveAgreement(
        since=since,
        since_source=source,
        sentiment=_agreement(outcomes, "sentiment"),
        category=_agreement(outcomes, "category"),
    )
    data, detail = _data(manifest)
    speed = manifest.metrics.get("speed")
    return ModelCard(
        version=version,
        base_model=base_model_name(manifest.base_model),
        created=manifest.created,
        parent=manifest.parent,
        active=version == active,
        provisional=manifest.provisional,
        notes=manifest.notes,
        data=data,
        data_detail=detail,
        metrics=_metrics(manifest),
        calibration=_calibration(registry, manifest),
        live_agreement=live,
        speed_at_build=dict(speed) if isinstance(speed, Mapping) else None,
        speed_here=dict(speed_here) if speed_here is not None else None,
        activations=tuple(activations),
    )


def measure_speed(scorer: SentimentScorer) -> dict[str, Any]:
    """Tickets per second of ``scorer`` on this machine, on the same fixed batch a build
    times (a few seconds).

    Thread: the model worker (it runs the model)."""
    from training.bench import scoring_speed

    return scoring_speed(scorer)


def format_card(card: ModelCard) -> str:
    """The card as plain text (English), for ``sentidesk model card``."""
    lines = [
        f"model {card.version}{' (active)' if card.active else ''}"
        f"{' — provisional' if card.provisional else ''}",
        f"  base model: {card.base_model}",
        f"  made: {card.created}",
        f"  parent: {card.parent or '—'}",
    ]
    if card.notes:
        lines.append(f"  notes: {card.notes}")
    lines.append("")
    lines.append("training data (rows per source)")
    if not card.data:
        lines.append("  not recorded")
    for name, count in card.data.items():
        lines.append(f"  {name:<24} {count:>8,}")
        for part, n in card.data_detail.get(name, {}).items():
            lines.append(f"    {part:<22} {n:>8,}")
    lines += ["", *_format_metrics(card.metrics), "", *_format_calibration(card.calibration)]
    lines += ["", "scoring speed"]
    for label, speed in (("when built", card.speed_at_build), ("this machine", card.speed_here)):
        lines.append(f"  {label:<13} {_format_speed(speed)}")
    lines += ["", *_format_live(card.live_agreement)]
    return "\n".join(lines)


def _format_metrics(metrics: Mapping[str, Any]) -> list[str]:
    lines = ["measured when it was made"]
    evaluation = metrics.get("evaluation") or {}
    if evaluation:
        lines.append(
            f"  {'set':<18} {'rows':>6} {'accuracy':>9} {'macro-F1':>9} {'neg. AUC':>9} "
            f"{'category':>9}"
        )
    for name, block in evaluation.items():
        lines.append(_metric_row(name, block, 2))
        for lang, sub in (block.get("by_lang") or {}).items():
            lines.append(_metric_row(lang, sub, 4))
        per_class = block.get("per_class") or {}
        for label, figures in per_class.items():
            if figures.get("support"):
                lines.append(
                    f"    {label:<16} precision {_pct(figures.get('precision'))}  recall "
                    f"{_pct(figures.get('recall'))}  F1 {_pct(figures.get('f1'))}  "
                    f"({figures.get('support')} rows)"
                )
    gold = metrics.get("gold")
    if gold:
        recall = ", ".join(f"{k} {_pct(v)}" for k, v in (gold.get("recall") or {}).items())
        lines.append(
            f"  gold set (pooled, {gold.get('n')} rows): accuracy {_pct(gold.get('accuracy'))}, "
            f"macro-F1 {_pct(gold.get('macro_f1'))}; recall {recall or '—'}"
        )
    if not evaluation and not gold:
        lines.append("  not recorded")
    agreement = metrics.get("int8_fp32_agreement")
    parity = metrics.get("onnx_parity")
    if agreement:
        lines.append(
            f"  int8 vs fp32 ({agreement.get('texts')} held-out texts): sentiment "
            f"{_pct(agreement.get('sentiment'))}, category {_pct(agreement.get('category'))} "
            f"the same; negativity differs by {agreement.get('negativity_max_abs_diff')} at most"
        )
    elif parity:
        lines.append(
            f"  int8 vs PyTorch on the fixed parity texts: labels "
            f"{_pct(parity.get('int8_label_agreement'))} the same"
        )
    else:
        lines.append("  int8 vs fp32: not recorded")
    return lines


def _metric_row(name: str, block: Mapping[str, Any], indent: int) -> str:
    pad = " " * indent
    return (
        f"{pad}{name:<{20 - indent}} {block.get('n') or 0:>6} {_pct(block.get('accuracy')):>9} "
        f"{_pct(block.get('macro_f1')):>9} {_num(block.get('negativity_auc')):>9} "
        f"{_pct(block.get('category_accuracy')):>9}"
    )


def temperatures_text(calibration: Mapping[str, Any]) -> str:
    """The temperature of a calibration entry, with each language's where it has them:
    ``1.474 (en 1.213, zh 1.531)``."""
    return _per_language(calibration, "temperature", "by_language")


def compression_text(calibration: Mapping[str, Any]) -> str | None:
    """The compression of the most certain rows, with each language's: ``0.324 (en 0.400,
    zh 0.491)``; None for a calibration without a knee (see :func:`knee_probability`)."""
    if knee_probability(calibration) is None:
        return None
    return _per_language(calibration, "compression", "compression_by_language")


def _per_language(calibration: Mapping[str, Any], default: str, by_language: str) -> str:
    text = _num(calibration.get(default))
    values = calibration.get(by_language)
    if isinstance(values, Mapping) and values:
        text += f" ({', '.join(f'{k} {_num(v)}' for k, v in sorted(values.items()))})"
    return text


def knee_probability(calibration: Mapping[str, Any]) -> float | None:
    """The top-class probability above which a calibration compresses rows (its knee)."""
    knee = calibration.get("knee")
    if not isinstance(knee, int | float) or isinstance(knee, bool):
        return None
    return 1 / (1 + math.exp(-knee))


def _format_calibration(calibration: Mapping[str, Any]) -> list[str]:
    if not calibration.get("calibrated"):
        return ["calibration", f"  none: {calibration.get('note', 'not calibrated')}"]
    fitted = ", ".join(calibration.get("fitted_on") or []) or "dev splits"
    lines = [
        "calibration",
        f"  {calibration.get('method')} scaling, T = {temperatures_text(calibration)} "
        f"(fitted on {fitted}; {calibration.get('fit', '')})",
        *(
            [f"  above {_pct(knee_probability(calibration))} compressed by {compressed}"]
            if (compressed := compression_text(calibration))
            else []
        ),
        f"  {'rows':<18} {'n':>6} {'ECE before':>11} {'after':>7} {'neg. ECE before':>16} "
        f"{'after':>7} {'shown 100':>10}",
    ]
    for group in ("dev", "test"):
        for name, block in (calibration.get(group) or {}).items():
            label = f"{group} {name}" if name == "pooled" else name
            lines.append(
                f"  {label:<18} {block.get('n'):>6} {_num(block.get('ece_before')):>11} "
                f"{_num(block.get('ece_after')):>7} {_num(block.get('negativity_ece_before')):>16} "
                f"{_num(block.get('negativity_ece_after')):>7} "
                f"{_pct(block.get('displayed_100_after')):>10}"
            )
    return lines


def _format_speed(speed: Mapping[str, Any] | None) -> str:
    if not speed:
        return "not measured"
    return (
        f"{speed.get('tickets_per_s')} tickets/s ({speed.get('backend')}, "
        f"{speed.get('cpu_count')} CPUs, {speed.get('texts')} texts, {speed.get('measured_at')})"
    )


def _format_live(live: LiveAgreement) -> list[str]:
    origin = "its activation" if live.since_source == SINCE_ACTIVATION else "it was made"
    lines = [f"live agreement: tickets it scored since {origin} ({live.since})"]
    for name, agreement in (("sentiment", live.sentiment), ("category", live.category)):
        lines.append(
            f"  {name}: {agreement.scored} scored, {agreement.overridden} overridden "
            f"({_pct(agreement.share_overridden)})"
        )
        for c in agreement.by_class:
            lines.append(
                f"    {c.label:<14} {c.scored:>6} scored {c.overridden:>5} overridden "
                f"{_pct(c.share_overridden):>7}"
            )
    return lines


def _pct(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "—"
    return f"{value * 100:.1f} %"


def _num(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "—"
    return f"{value:.3f}"


# -- parts ----------------------------------------------------------------------------------
def _quiet_active(registry: ModelRegistry) -> str | None:
    try:
        return registry.active_version()
    except SentideskError as exc:
        log.info("the active model cannot be read: %s", exc)
        return None


def _activations(store: TicketStore, version: str) -> list[dict[str, str]]:
    found = []
    for row in store.audit_entries(ACTIVATING_ACTIONS):
        after = row["after"] if isinstance(row["after"], dict) else {}
        if (after.get("active") or row["details"].get("version")) == version:
            found.append(
                {"at": str(row["at"]), "actor": str(row["actor"]), "action": row["action"]}
            )
    return found


def _agreement(outcomes: Sequence[PredictionOutcome], field_name: str) -> FieldAgreement:
    scored: dict[str, int] = {}
    moved: dict[str, int] = {}
    for outcome in outcomes:
        if field_name == "sentiment":
            predicted, human = outcome.sentiment, outcome.human_sentiment
        else:
            predicted, human = outcome.category, outcome.human_category
        scored[predicted] = scored.get(predicted, 0) + 1
        if human is not None and human != predicted:
            moved[predicted] = moved.get(predicted, 0) + 1
    by_class = tuple(
        ClassAgreement(label, n, moved.get(label, 0))
        for label, n in sorted(scored.items(), key=lambda item: (-item[1], item[0]))
    )
    return FieldAgreement(sum(scored.values()), sum(moved.values()), by_class)


def _data(manifest: Manifest) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    sources = manifest.data.get("sources")
    data: dict[str, int] = {}
    detail: dict[str, dict[str, int]] = {}
    if not isinstance(sources, Mapping):
        return data, detail
    for name, source in sources.items():
        if not isinstance(source, Mapping):
            continue
        count = _count(source.get("count"))
        if count is not None:
            data[str(name)] = count
        parts = source.get("by_source")
        if isinstance(parts, Mapping):
            detail[str(name)] = {
                str(k): n for k, v in parts.items() if (n := _count(v)) is not None
            }
    return data, detail


def _metrics(manifest: Manifest) -> dict[str, Any]:
    """``evaluation``: each fixed set's figures (per class and per language where the
    build kept them); ``gold``, ``gold_sets``: the promotion gate's pooled and per-set
    figures; ``int8_fp32_agreement`` and ``onnx_parity``: the quantized model against the
    full-precision one."""
    metrics = manifest.metrics
    evaluation = {
        str(k): dict(v)
        for k, v in metrics.items()
        if isinstance(v, Mapping) and set(v) >= _EVALUATION_KEYS
    }
    gate = metrics.get("gate")
    gate = gate if isinstance(gate, Mapping) else {}
    gold = gate.get("gold")
    gold_sets = gate.get("sets")
    agreement = metrics.get("int8_fp32_agreement")
    parity = metrics.get("onnx_parity")
    return {
        "evaluation": evaluation,
        "gold": dict(gold) if isinstance(gold, Mapping) else None,
        "gold_sets": dict(gold_sets) if isinstance(gold_sets, Mapping) else None,
        "int8_fp32_agreement": dict(agreement) if isinstance(agreement, Mapping) else None,
        "onnx_parity": dict(parity) if isinstance(parity, Mapping) else None,
    }


def _calibration(registry: ModelRegistry, manifest: Manifest) -> dict[str, Any]:
    """The manifest's calibration entry, with ``calibrated``, the temperature the model's
    folder applies (``applied_temperature``, per language ``applied_by_language``) and, for
    an uncalibrated version, why:
    ``uncalibrated`` is one of :data:`UNCALIBRATED_REASONS`, ``note`` says it in English."""
    out: dict[str, Any] = {"ece_before": None, "ece_after": None, **manifest.calibration}
    try:
        applied = read_calibration(registry.path(manifest.version))
    except SentideskError as exc:
        out.update(
            calibrated=False,
            applied_temperature=None,
            applied_by_language={},
            uncalibrated="unreadable",
        )
        out["note"] = str(exc)
        return out
    out["calibrated"] = applied.calibrated
    out["applied_temperature"] = applied.temperature
    out["applied_by_language"] = dict(applied.by_language)
    if not applied.calibrated:
        reason = "provisional" if manifest.provisional else "older"
        out.setdefault("method", applied.method)
        out["uncalibrated"] = reason
        out["note"] = UNCALIBRATED_REASONS[reason]
    return out


#: Why a version's probabilities are not calibrated (``calibration["uncalibrated"]``).
UNCALIBRATED_REASONS = {
    "provisional": "provisional model (character n-grams): its probabilities are not calibrated",
    "older": "made before calibration existed: its probabilities are not calibrated",
    "unreadable": "its calibration file cannot be read",
}


def _count(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
