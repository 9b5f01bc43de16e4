from __future__ import annotations

from pathlib import Path

import numpy as np

from inference import SENTIMENTS, Scorer
from training import Example, choose_blend, train_lexical
from training.lexical import BLEND_GRID

TOY = [
    Example("terrible broken awful", "negative", None, "en", "toy"),
    Example("质量太差了 垃圾", "negative", None, "zh", "toy"),
    Example("great love thanks", "positive", None, "en", "toy"),
    Example("很好 满意 好评", "positive", None, "zh", "toy"),
    Example("where is my package", "neutral", "logistics", "en", "toy"),
    Example("什么时候发货", "neutral", "logistics", "zh", "toy"),
    Example("no label here", None, "other", "en", "toy"),
]


def test_train_lexical_learns_a_toy_task() -> None:
    model = train_lexical(TOY, SENTIMENTS, buckets=1 << 12, epochs=40, learning_rate=0.1)
    labelled = [e for e in TOY if e.label]
    predicted = model.logits([e.text for e in labelled]).argmax(axis=1)
    assert [SENTIMENTS[i] for i in predicted] == [e.label for e in labelled]
    assert model.blend == 0.0 and model.weights.shape == (1 << 12, 3)


def test_choose_blend_picks_a_grid_weight_and_reports_each(tiny_model: Path) -> None:
    model = train_lexical(TOY, SENTIMENTS, buckets=1 << 12, epochs=40, learning_rate=0.1)
    scorer = Scorer(tiny_model, backend="torch-cpu")
    labelled = [e for e in TOY if e.label]
    weight, correct = choose_blend(scorer, model, [labelled])
    assert weight in BLEND_GRID
    assert set(correct) == {str(w) for w in BLEND_GRID}
    # the random tiny transformer knows nothing; the n-grams fit the toy set, so they win
    assert weight > 0 and correct[str(weight)] == len(labelled)
    assert np.isclose(max(correct.values()), correct[str(weight)])
