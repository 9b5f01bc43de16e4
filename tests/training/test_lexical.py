from __future__ import annotations

from dataclasses import replace
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
    assert model.distinct  # trained and served on each n-gram once


def test_train_lexical_can_count_every_occurrence() -> None:
    model = train_lexical(TOY, SENTIMENTS, buckets=1 << 12, epochs=2, distinct=False)
    assert not model.distinct


def test_choose_blend_picks_a_grid_weight_and_reports_each(tiny_model: Path) -> None:
    model = train_lexical(TOY, SENTIMENTS, buckets=1 << 12, epochs=40, learning_rate=0.1)
    scorer = Scorer(tiny_model, backend="torch-cpu")
    labelled = [e for e in TOY if e.label]
    choice = choose_blend(scorer, model, [labelled])
    assert choice.weight in BLEND_GRID
    assert set(choice.dev_correct) == {"all", "en", "zh"}
    correct = choice.dev_correct["all"]
    assert set(correct) == {str(w) for w in BLEND_GRID}
    # the random tiny transformer knows nothing; the n-grams fit the toy set, so they win
    assert choice.weight > 0 and correct[str(choice.weight)] == len(labelled)
    assert np.isclose(max(correct.values()), correct[str(choice.weight)])


def test_choose_blend_weighs_each_language_on_its_own_rows(tiny_model: Path) -> None:
    # n-grams taught the opposite of the truth in English: blending them can only lose
    # English rows, so English keeps the transformer alone while Chinese still blends
    flipped = {"negative": "positive", "positive": "negative", "neutral": "neutral"}
    taught = [replace(e, label=flipped[e.label]) if e.lang == "en" and e.label else e for e in TOY]
    model = train_lexical(taught, SENTIMENTS, buckets=1 << 12, epochs=40, learning_rate=0.1)
    labelled = [e for e in TOY if e.label and e.label != "neutral"]
    choice = choose_blend(Scorer(tiny_model, backend="torch-cpu"), model, [labelled])
    assert choice.languages["en"] == 0.0
    assert choice.languages["zh"] > 0
    served = choice.apply(model)
    weights = served.blend_weights(["质量太差了", "terrible broken awful", "Привет"])
    assert list(weights) == [choice.languages["zh"], 0.0, choice.weight]
