"""Evaluation metrics, in plain numpy (no scikit-learn dependency for a handful of formulas)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from inference import SENTIMENTS


def roc_auc(scores: Sequence[float], positives: Sequence[bool]) -> float | None:
    """Area under the ROC curve (rank formulation, ties averaged); None if one class is absent."""
    y = np.asarray(positives, dtype=bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return None
    ranks = _ranks(scores)
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _ranks(values: Sequence[float]) -> npt.NDArray[np.float64]:
    """1-based ranks, ties given their average rank."""
    s = np.asarray(values, dtype=np.float64)
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s), dtype=np.float64)
    sorted_s = s[order]
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and sorted_s[j + 1] == sorted_s[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(a: Sequence[float], b: Sequence[float]) -> float | None:
    """Spearman's rank correlation (ties averaged); None when either side is constant."""
    if len(a) != len(b):
        raise ValueError("spearman needs two sequences of one length")
    if len(a) < 2:
        return None
    ra, rb = _ranks(a), _ranks(b)
    if ra.std() == 0 or rb.std() == 0:
        return None
    return float(np.corrcoef(ra, rb)[0, 1])


#: Displayed negativity is P(negative) in whole percent: at or above this it reads "100".
DISPLAYED_MAX = 0.995


def displayed_100_share(negativity: npt.ArrayLike) -> float:
    """The share of rows whose negativity the queue shows as 100 (0.0 without rows)."""
    values = np.asarray(negativity, dtype=np.float64)
    return float((values >= DISPLAYED_MAX).mean()) if values.size else 0.0


#: Annotator agreement at which a negative grade counts as "clearly negative".
CLEAR_AGREEMENT = 0.8


def severity_metrics(
    gold: Sequence[str], agreement: Sequence[float], negativity: Sequence[float]
) -> dict[str, float | None]:
    """Does negativity rank *how* negative a text is, not only whether?

    ``agreement`` is the share of annotators behind each gold label, read as intensity: a
    human rating of -agreement for negative, +agreement for positive, 0 for neutral.
    * ``negativity_auc_clear``: clearly negative (agreement ≥ 0.8) against everything else;
    * ``spearman_rating``: negativity against the negated rating, over all rows;
    * ``spearman_within_negative``: negativity against agreement among negative rows;
    * ``displayed_100_share``: rows whose negativity would be shown as 100.
    """
    rating = [
        a if g == "negative" else -a if g == "positive" else 0.0
        for g, a in zip(gold, agreement, strict=True)
    ]
    negative = [i for i, g in enumerate(gold) if g == "negative"]
    clear = roc_auc(negativity, [r >= CLEAR_AGREEMENT for r in rating])
    overall = spearman(negativity, rating)
    within = spearman([negativity[i] for i in negative], [agreement[i] for i in negative])
    return {
        "negativity_auc_clear": None if clear is None else round(clear, 4),
        "spearman_rating": None if overall is None else round(overall, 4),
        "spearman_within_negative": None if within is None else round(within, 4),
        "displayed_100_share": round(displayed_100_share(negativity), 4),
    }


def classification_report(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> dict[str, Any]:
    """Accuracy, macro-F1 over the labels present in ``gold``, per-class P/R/F1, confusion."""
    index = {label: i for i, label in enumerate(labels)}
    confusion: npt.NDArray[np.int64] = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for g, p in zip(gold, predicted, strict=True):
        confusion[index[g], index[p]] += 1
    per_class: dict[str, dict[str, float | int]] = {}
    f1s = []
    for label, i in index.items():
        tp = int(confusion[i, i])
        support = int(confusion[i].sum())
        predicted_n = int(confusion[:, i].sum())
        precision = tp / predicted_n if predicted_n else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": support,
        }
        if support:
            f1s.append(f1)
    n = len(gold)
    return {
        "n": n,
        "accuracy": round(float(np.trace(confusion)) / n, 4) if n else None,
        "macro_f1": round(float(np.mean(f1s)), 4) if f1s else None,
        "per_class": per_class,
        "confusion": {
            "labels": list(labels),
            "matrix": confusion.tolist(),
        },
    }


def sentiment_metrics(
    gold: Sequence[str],
    probabilities: Sequence[dict[str, float]],
    gold_categories: Sequence[str | None] | None = None,
    predicted_categories: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The metric block of ``sentidesk eval`` for one group of rows.

    Binary gold labels (only negative/positive) are scored by comparing P(negative) with
    P(positive), so a three-class model is not penalised for a "neutral" it was never asked.
    """
    binary = set(gold) <= {"negative", "positive"}
    if binary:
        labels: Sequence[str] = ("negative", "positive")
        predicted = [
            "negative" if p["negative"] >= p["positive"] else "positive" for p in probabilities
        ]
    else:
        labels = SENTIMENTS
        predicted = [max(p, key=p.__getitem__) for p in probabilities]
    report = classification_report(gold, predicted, labels)
    auc = roc_auc([p["negative"] for p in probabilities], [g == "negative" for g in gold])
    report["negativity_auc"] = round(auc, 4) if auc is not None else None
    report["label_set"] = "binary" if binary else "three-class"
    report["category_accuracy"] = None
    if gold_categories is not None and predicted_categories is not None:
        pairs = [(g, p) for g, p in zip(gold_categories, predicted_categories, strict=True) if g]
        if pairs:
            report["category_accuracy"] = round(sum(g == p for g, p in pairs) / len(pairs), 4)
            report["category_n"] = len(pairs)
    return report
