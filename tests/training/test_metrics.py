from __future__ import annotations

import pytest

from training import classification_report, roc_auc, sentiment_metrics


def test_roc_auc_known_values() -> None:
    assert roc_auc([0.9, 0.8, 0.2, 0.1], [True, True, False, False]) == 1.0
    assert roc_auc([0.1, 0.2, 0.8, 0.9], [True, True, False, False]) == 0.0
    assert roc_auc([0.5, 0.5], [True, False]) == 0.5
    assert roc_auc([0.3, 0.4], [True, True]) is None


def test_classification_report_counts() -> None:
    report = classification_report(
        ["negative", "negative", "neutral", "positive"],
        ["negative", "neutral", "neutral", "positive"],
        ["negative", "neutral", "positive"],
    )
    assert report["accuracy"] == 0.75
    assert report["confusion"]["matrix"] == [[1, 1, 0], [0, 1, 0], [0, 0, 1]]
    assert report["per_class"]["negative"]["recall"] == 0.5
    assert report["per_class"]["neutral"]["precision"] == 0.5
    assert report["macro_f1"] == pytest.approx((2 / 3 + 2 / 3 + 1) / 3, abs=1e-4)


def test_binary_labels_compare_negative_with_positive_only() -> None:
    probs = [
        {"negative": 0.4, "neutral": 0.5, "positive": 0.1},  # argmax neutral, but neg > pos
        {"negative": 0.1, "neutral": 0.6, "positive": 0.3},
    ]
    report = sentiment_metrics(["negative", "positive"], probs)
    assert report["label_set"] == "binary"
    assert report["accuracy"] == 1.0
    assert report["negativity_auc"] == 1.0


def test_category_accuracy_ignores_rows_without_category() -> None:
    probs = [{"negative": 0.8, "neutral": 0.1, "positive": 0.1}] * 3
    report = sentiment_metrics(
        ["negative", "neutral", "negative"],
        probs,
        ["refund", None, "logistics"],
        ["refund", "refund", "refund"],
    )
    assert report["label_set"] == "three-class"
    assert report["category_accuracy"] == 0.5


def test_spearman_known_values() -> None:
    from training import spearman

    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([1, 1, 1], [1, 2, 3]) is None


def test_severity_metrics_rank_intensity_and_count_saturation() -> None:
    from training import severity_metrics

    gold = ["negative", "negative", "negative", "neutral", "positive"]
    agreement = [1.0, 0.9, 0.6, 1.0, 1.0]
    negativity = [0.999, 0.9, 0.6, 0.2, 0.01]
    report = severity_metrics(gold, agreement, negativity)
    # the two clearly negative rows (agreement ≥ 0.8) score above everything else
    assert report["negativity_auc_clear"] == 1.0
    assert report["spearman_rating"] == pytest.approx(1.0)
    assert report["spearman_within_negative"] == pytest.approx(1.0)
    assert report["displayed_100_share"] == pytest.approx(0.2)
