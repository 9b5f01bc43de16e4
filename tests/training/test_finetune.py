from __future__ import annotations

from pathlib import Path

import pytest

from inference import Scorer
from tests.helpers import TINY_LAYOUT, write_tiny_base
from training import Example, TrainingArguments, finetune

TOY = [
    Example("terrible broken bad", "negative", "quality", "en", "toy"),
    Example("bad money back", "negative", "refund", "en", "toy"),
    Example("great love thanks", "positive", None, "en", "toy"),
    Example("good thanks", "positive", None, "en", "toy"),
    Example("where is my package", "neutral", "logistics", "en", "toy"),
    Example("when will it ship", "neutral", "logistics", "en", "toy"),
]


def test_finetune_learns_a_toy_task_and_saves_a_loadable_model(tmp_path: Path) -> None:
    base = write_tiny_base(tmp_path / "base")
    events: list[dict] = []  # type: ignore[type-arg]
    args = TrainingArguments(
        epochs=60,
        batch_size=6,
        learning_rate=3e-3,
        warmup_ratio=0.0,
        ema_decay=None,
        freeze_layers=0,
    )
    result = finetune(str(base), TINY_LAYOUT, TOY, tmp_path / "out", args, events.append)
    assert result.steps == 60
    assert events[0]["event"] == "start" and events[-1]["step"] == 60
    scorer = Scorer(tmp_path / "out", backend="torch-cpu")
    predictions = scorer.predict([e.text for e in TOY])
    assert [p.label for p in predictions] == [e.label for e in TOY]
    assert predictions[0].category == "quality"


def test_fewer_layers_and_no_dropout_are_what_the_version_is_served_with(
    tmp_path: Path,
) -> None:
    import json

    from safetensors.torch import load_file

    base = write_tiny_base(tmp_path / "base")
    args = TrainingArguments(epochs=1, batch_size=6, dropout=0.0, encoder_layers=1)
    finetune(str(base), TINY_LAYOUT, TOY, tmp_path / "out", args)
    config = json.loads((tmp_path / "out" / "config.json").read_text())
    assert config["num_hidden_layers"] == 1
    assert config["hidden_dropout_prob"] == config["attention_probs_dropout_prob"] == 0.0
    names = load_file(str(tmp_path / "out" / "model.safetensors"))
    assert not any(".layer.1." in name for name in names)
    (p,) = Scorer(tmp_path / "out", backend="torch-cpu").predict(["bad money back"])
    assert p.label in TINY_LAYOUT.sentiments
    # a start model with fewer layers than asked for keeps what it has
    again = TrainingArguments(epochs=1, batch_size=6, encoder_layers=5)
    finetune(str(tmp_path / "out"), TINY_LAYOUT, TOY, tmp_path / "again", again)
    config = json.loads((tmp_path / "again" / "config.json").read_text())
    assert config["num_hidden_layers"] == 1


@pytest.mark.parametrize(
    "args", [TrainingArguments(dropout=1.0), TrainingArguments(encoder_layers=0)]
)
def test_impossible_dropout_or_depth_is_refused(tmp_path: Path, args: TrainingArguments) -> None:
    base = write_tiny_base(tmp_path / "base")
    with pytest.raises(ValueError, match=r"dropout|encoder_layers"):
        finetune(str(base), TINY_LAYOUT, TOY, tmp_path / "out", args)


def test_time_budget_cuts_the_schedule(tmp_path: Path) -> None:
    base = write_tiny_base(tmp_path / "base")
    args = TrainingArguments(epochs=10_000, batch_size=2, budget_seconds=0.5)
    result = finetune(str(base), TINY_LAYOUT, TOY, tmp_path / "out", args)
    assert result.steps < 10_000 * 3
    assert result.seconds < 30


def test_ema_and_frozen_layers(tmp_path: Path) -> None:
    import torch
    from safetensors.torch import load_file

    base = write_tiny_base(tmp_path / "base")
    args = TrainingArguments(
        epochs=80,
        batch_size=6,
        learning_rate=3e-3,
        warmup_ratio=0.0,
        ema_decay=0.9,
        freeze_layers=1,
    )
    finetune(str(base), TINY_LAYOUT, TOY, tmp_path / "out", args)
    before = load_file(str(base / "model.safetensors"))
    after = load_file(str(tmp_path / "out" / "model.safetensors"))
    frozen = "encoder.layer.0.attention.self.query.weight"
    trained = "encoder.layer.1.attention.self.query.weight"
    assert torch.equal(before[frozen], after[f"bert.{frozen}"])
    assert not torch.equal(before[trained], after[f"bert.{trained}"])
    predictions = Scorer(tmp_path / "out", backend="torch-cpu").predict([e.text for e in TOY])
    assert sum(p.label == e.label for p, e in zip(predictions, TOY, strict=True)) >= 5


def test_precision_is_reported_and_validated(tmp_path: Path) -> None:

    base = write_tiny_base(tmp_path / "base")
    for precision in ("fp32", "bf16"):
        args = TrainingArguments(epochs=2, batch_size=6, precision=precision)
        result = finetune(str(base), TINY_LAYOUT, TOY, tmp_path / precision, args)
        assert result.precision == precision
        assert (tmp_path / precision / "model.safetensors").is_file()
    with pytest.raises(ValueError, match="precision"):
        finetune(str(base), TINY_LAYOUT, TOY, tmp_path / "x", TrainingArguments(precision="fp8"))


def test_soft_targets_put_the_annotators_agreement_on_the_label() -> None:
    import numpy as np

    from training.finetune import soft_targets

    sentiments = ("negative", "neutral", "positive")
    rows = [
        Example("a", "negative", None, "en", "t"),
        Example("b", "positive", None, "en", "t", confidence=0.6),
        Example("c", None, "logistics", "en", "t"),
    ]
    targets = soft_targets(rows, sentiments)
    assert targets[0].tolist() == [1.0, 0.0, 0.0]
    assert np.allclose(targets[1], [0.2, 0.2, 0.6])
    # rows without a sentiment are left out of the sentiment loss
    assert targets[2].tolist() == [0.0, 0.0, 0.0]
