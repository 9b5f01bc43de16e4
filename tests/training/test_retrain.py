"""Retraining on the tiny model: what the challenger is trained on, how it is registered,
and that a failed or stopped retrain leaves the registry as it was."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from inference import ModelRegistry, models_dir
from tests.helpers import register_tiny_model
from training import (
    CorrectionSet,
    Example,
    NothingToLearnError,
    RetrainConfig,
    TrainingArguments,
    evaluation_texts,
    normalize_text,
    retrain,
    retrain_data,
)

FAST = RetrainConfig(
    budget_minutes=None,
    replay_size=64,
    lexical_size=200,
    training=TrainingArguments(epochs=1, batch_size=16, max_length=32, freeze_layers=0),
)
#: the same, as options of ``python -m training retrain``
FAST_OPTIONS = [
    "--replay-size", "64", "--lexical-size", "200", "--epochs", "1",
    "--batch-size", "16", "--max-length", "32",
]  # fmt: skip


def _corrections(n: int = 12, held_out: int = 2) -> CorrectionSet:
    train = tuple(
        Example(f"great, another week of waiting {i}", "negative", "shipping", "en", "correction")
        for i in range(n)
    )
    held = tuple(
        Example(f"wow, still no refund {i}", "negative", None, "en", "correction-supervisor")
        for i in range(held_out)
    )
    return CorrectionSet(train=train, held_out=held, events=n + held_out, sha1="abc")


def test_replay_data_mixes_the_base_sample_and_repeated_corrections() -> None:
    config = RetrainConfig(replay_size=400, correction_share=0.25, max_repeats=8)
    data = retrain_data(_corrections(20), config)
    replay = data.sources["replay"]["count"]
    assert replay == 400
    # 25 % corrections: 400 * 1/3 ≈ 133 rows wanted from 20 corrections → 7 repeats
    assert data.sources["corrections"]["repeats"] == 7
    assert len(data.examples) == 400 + 20 * 7
    assert data.sources["corrections"]["sha1"] == "abc"
    evaluation = {normalize_text(t) for t in evaluation_texts()}
    assert not any(normalize_text(e.text) in evaluation for e in data.examples)
    assert not any(normalize_text(e.text) in evaluation for e in data.lexical)
    many = retrain_data(_corrections(2000), config)
    assert many.sources["corrections"]["repeats"] == 1  # never cut, never repeated


def test_nothing_to_learn_and_no_active_model_are_refused(
    isolated_data_dir: Path, tiny_model: Path
) -> None:
    with pytest.raises(NothingToLearnError):
        retrain(isolated_data_dir, _corrections(0), FAST)
    with pytest.raises(Exception, match="no active model"):
        retrain(isolated_data_dir, _corrections(), FAST)


def test_retrain_registers_an_inactive_challenger_with_its_history(
    isolated_data_dir: Path, tiny_model: Path
) -> None:
    champion = register_tiny_model(isolated_data_dir, tiny_model)
    events: list[dict[str, object]] = []
    result = retrain(isolated_data_dir, _corrections(), FAST, events.append)

    registry = ModelRegistry(models_dir(isolated_data_dir))
    assert registry.active_version() == champion  # activating is the console's decision
    assert result.champion == champion and result.challenger in registry.names()
    manifest = registry.check(result.challenger)
    assert manifest.parent == champion
    corrections = manifest.data["sources"]["corrections"]
    assert corrections["count"] == 12 and corrections["sha1"] == "abc"
    assert corrections["held_out"] == 2
    assert manifest.metrics["gate_decision"]["champion"] == champion
    assert manifest.metrics["gate"]["held_out"]["labels"] == 2
    assert set(result.metrics) == {"champion", "challenger"}
    assert result.reasons and isinstance(result.promote, bool)
    stages = [e["stage"] for e in events if e.get("event") == "start"]
    assert stages == [
        "prepare", "evaluate-champion", "train", "export", "lexical", "evaluate", "register",
    ]  # fmt: skip
    assert not [p for p in registry.root.iterdir() if p.name.startswith(".retrain")]
    assert json.loads(json.dumps(result.to_dict()))["challenger"] == result.challenger


def _state(registry: ModelRegistry) -> tuple[list[str], str | None]:
    return registry.names(), registry.active_version()


@pytest.mark.integration
@pytest.mark.parametrize(
    ("stage", "sig"),
    [
        ("evaluate-champion", signal.SIGKILL),
        ("train", signal.SIGKILL),
        ("export", signal.SIGKILL),
        ("lexical", signal.SIGKILL),
        ("evaluate", signal.SIGKILL),
        ("prepare", signal.SIGKILL),
        ("train", signal.SIGTERM),
        ("evaluate", signal.SIGTERM),
    ],
)
def test_a_retrain_stopped_at_any_stage_changes_nothing(
    isolated_data_dir: Path, tiny_model: Path, tmp_path: Path, stage: str, sig: int
) -> None:
    register_tiny_model(isolated_data_dir, tiny_model)
    registry = ModelRegistry(models_dir(isolated_data_dir))
    before = _state(registry)
    file = tmp_path / "corrections.json"
    file.write_text(json.dumps(_corrections().to_dict()), encoding="utf-8")
    command = [sys.executable, "-m", "training", "retrain", "--data-dir", str(isolated_data_dir)]
    command += ["--corrections", str(file), *FAST_OPTIONS]
    seen = []
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, text=True, env=os.environ.copy()
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            event = json.loads(line)
            seen.append(event["stage"])
            if event["stage"] == stage:
                proc.send_signal(sig)
                break
        rest = proc.stdout.read()
        status = proc.wait(timeout=120)
    assert stage in seen, seen
    assert status == (-sig if sig == signal.SIGKILL else 128 + sig)
    if sig == signal.SIGTERM:
        assert json.loads(rest.splitlines()[-1]) == {"stage": "cancelled"}
        leftovers = [p.name for p in registry.root.iterdir() if p.name.startswith(".retrain")]
        assert leftovers == []  # the process removed its own work folder
    registry.remove_abandoned()
    assert _state(registry) == before
    assert [p.name for p in registry.root.iterdir() if p.name.startswith(".")] == []
