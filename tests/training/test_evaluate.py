from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from inference import Scorer
from inference.prediction import Prediction
from training.evaluate import MemoScorer


class CountingScorer(Scorer):
    """The tiny real model, counting the texts it is asked to score."""

    def __init__(self, model_dir: Path) -> None:
        super().__init__(model_dir, backend="torch-cpu")
        self.scored: list[str] = []

    def predict(self, texts: Sequence[str], explain: bool = False) -> list[Prediction]:
        self.scored += texts
        return super().predict(texts, explain)


def test_memo_scorer_scores_each_text_once_and_keeps_order(tiny_model: Path) -> None:
    inner = CountingScorer(tiny_model)
    memo = MemoScorer(inner)
    first = memo.predict(["a late parcel", "thanks a lot", "a late parcel"])
    second = memo.predict(["thanks a lot", "where is my refund"])
    assert inner.scored == ["a late parcel", "thanks a lot", "where is my refund"]
    assert first[0] == first[2] and second[0] == first[1]
    fresh = inner.predict(["thanks a lot", "where is my refund"])
    assert [p.label for p in second] == [p.label for p in fresh]
    assert memo.version == inner.version and memo.layout == inner.layout
