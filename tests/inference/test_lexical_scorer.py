"""The n-gram-only scorer of provisional versions, and how the registry treats them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from inference import (
    CATEGORY_FILE,
    LEXICAL_FILE,
    PROVISIONAL,
    SENTIMENTS,
    EmptyTextError,
    LexicalModel,
    LexicalScorer,
    Manifest,
    ModelFileError,
    ModelNotFoundError,
    ModelRegistry,
    Scorer,
    SentimentScorer,
    load_scorer,
    ngram_ids,
    open_active_scorer,
)
from inference.explain import explanation_units
from tests.helpers import TINY_LAYOUT

BUCKETS = 256
#: A word the hand-made sentiment model below finds very negative.
BAD = "zzq"


def _model(classes: tuple[str, ...], seed: int) -> LexicalModel:
    rng = np.random.default_rng(seed)
    weights = rng.normal(scale=0.1, size=(BUCKETS, len(classes))).astype(np.float32)
    return LexicalModel(weights, np.zeros(len(classes), np.float32), classes, blend=0.0)


def write_provisional(folder: Path) -> Path:
    """A provisional model folder with small hand-made n-gram tables: every n-gram of
    :data:`BAD` pushes hard towards "negative"."""
    folder.mkdir(parents=True, exist_ok=True)
    sentiment = _model(SENTIMENTS, 0)
    for row in set(ngram_ids(BAD, BUCKETS)):
        sentiment.weights[row] = [4.0, 0.0, -4.0]
    sentiment.save(folder / LEXICAL_FILE)
    _model(TINY_LAYOUT.categories, 1).save(folder / CATEGORY_FILE)
    (folder / "config.json").write_text(json.dumps({"sentidesk": TINY_LAYOUT.to_config()}))
    return folder


def _manifest(version: str, provisional: bool, parent: str | None = None) -> Manifest:
    return Manifest(
        version=version,
        created=f"2026-11-28T10:00:0{version[-1]}",
        base_model="lexical" if provisional else "tiny",
        parent=parent,
        data={"kind": PROVISIONAL} if provisional else {},
    )


@pytest.fixture
def scorer(tmp_path: Path) -> LexicalScorer:
    return LexicalScorer(write_provisional(tmp_path / "m1"), version="m1")


def test_predictions_have_the_full_shape(scorer: LexicalScorer) -> None:
    texts = ["where is my order", "快递太慢了，差评", BAD]
    predictions = scorer.predict(texts)
    assert len(predictions) == 3
    for p in predictions:
        assert set(p.probabilities) == set(SENTIMENTS)
        assert sum(p.probabilities.values()) == pytest.approx(1.0, abs=1e-5)
        assert p.label == max(p.probabilities, key=p.probabilities.__getitem__)
        assert p.negativity == p.probabilities["negative"]
        assert set(p.category_probabilities) == set(TINY_LAYOUT.categories)
        assert sum(p.category_probabilities.values()) == pytest.approx(1.0, abs=1e-5)
        assert p.category == max(p.category_probabilities, key=p.category_probabilities.__getitem__)
        assert p.model_version == "m1"
        assert p.explanation == ()
    assert [p.language for p in predictions] == ["en", "zh", "en"]
    assert predictions[2].label == "negative"
    assert scorer.backend.name == "lexical"
    assert scorer.layout == TINY_LAYOUT
    assert scorer.predict([]) == []


def test_both_scorers_satisfy_the_protocol(scorer: LexicalScorer, tiny_model: Path) -> None:
    # mypy checks these assignments where the package uses them; here they must hold at runtime
    scorers: list[SentimentScorer] = [scorer, Scorer(tiny_model, backend="torch-cpu")]
    for each in scorers:
        assert each.predict(["refund please"])[0].model_version == each.version
        assert isinstance(each.backend.name, str)


def test_empty_texts_are_refused(scorer: LexicalScorer) -> None:
    with pytest.raises(EmptyTextError, match=r"position\(s\) \[1\]"):
        scorer.predict(["ok", "  "])
    with pytest.raises(EmptyTextError):
        scorer.explain("\n")


def test_explanation_marks_the_word_that_made_a_ticket_negative(scorer: LexicalScorer) -> None:
    text = f"hello {BAD} thanks"
    spans = scorer.explain(text)
    strongest = max(spans, key=lambda s: s.weight)
    assert text[strongest.start : strongest.end] == BAD
    assert strongest.weight > 0.5  # the n-grams are averaged over the whole text
    (p,) = scorer.predict([text], explain=True)
    assert p.explanation == spans


def test_text_units_are_words_numbers_and_han_words_between_function_words() -> None:
    text = "I can't wait 3 days, 快递慢了!"
    assert [(text[u.start : u.end], u.function) for u in explanation_units(text)] == [
        ("I", True),
        ("can't", False),
        ("wait", False),
        ("3", False),
        ("days", False),
        ("快递慢", False),
        ("了", True),
    ]


@pytest.mark.parametrize("name", [LEXICAL_FILE, CATEGORY_FILE])
@pytest.mark.parametrize(
    ("damage", "reason"),
    [("truncate", "cannot read lexical model"), ("delete", "is missing")],
)
def test_a_damaged_model_file_is_a_clear_error_naming_it(
    tmp_path: Path, name: str, damage: str, reason: str
) -> None:
    folder = write_provisional(tmp_path / "m1")
    if damage == "truncate":
        data = (folder / name).read_bytes()
        (folder / name).write_bytes(data[: len(data) // 2])
    else:
        (folder / name).unlink()
    with pytest.raises(ModelFileError, match=reason) as info:
        LexicalScorer(folder)
    assert name in str(info.value)


def test_a_model_trained_for_other_labels_is_refused(tmp_path: Path) -> None:
    folder = write_provisional(tmp_path / "m1")
    _model(("refund", "other"), 2).save(folder / CATEGORY_FILE)
    with pytest.raises(ModelFileError, match=r"differ from config\.json"):
        LexicalScorer(folder)


# -- the registry ---------------------------------------------------------------------------


def _registry(tmp_path: Path) -> ModelRegistry:
    return ModelRegistry(tmp_path / "models")


def _add_provisional(registry: ModelRegistry, tmp_path: Path, version: str) -> None:
    folder = write_provisional(tmp_path / "staging" / version)
    registry.register(folder, _manifest(version, provisional=True))


def _add_tiny(registry: ModelRegistry, source: Path, version: str, parent: str | None) -> None:
    staging = Path(shutil.copytree(source, source.parent / f"staging-{version}"))
    registry.register(staging, _manifest(version, provisional=False, parent=parent))


def test_check_accepts_a_provisional_version_without_transformer_files(tmp_path: Path) -> None:
    registry = _registry(tmp_path)
    _add_provisional(registry, tmp_path, "m1")
    assert registry.check("m1").provisional
    assert registry.is_provisional("m1")
    registry.activate("m1")
    assert [e.problem for e in registry.entries()] == [None]
    (registry.path("m1") / CATEGORY_FILE).write_bytes(b"")
    with pytest.raises(ModelFileError, match=f"{CATEGORY_FILE} is empty"):
        registry.check("m1")


def test_n_gram_files_do_not_make_a_real_version_usable(tmp_path: Path) -> None:
    registry = _registry(tmp_path)
    folder = write_provisional(tmp_path / "staging" / "m1")
    registry.register(folder, _manifest("m1", provisional=False))
    assert not registry.is_provisional("m1")
    with pytest.raises(ModelFileError, match=r"tokenizer\.json is missing"):
        registry.check("m1")


def test_open_active_scorer_loads_a_provisional_version_when_asked(tmp_path: Path) -> None:
    registry = _registry(tmp_path)
    _add_provisional(registry, tmp_path, "m1")
    registry.activate("m1")
    active = open_active_scorer(registry.root, provisional=True)
    assert isinstance(active.scorer, LexicalScorer)
    assert (active.version, active.provisional, active.fallback) == ("m1", True, None)
    assert active.scorer.backend.name == "lexical"
    assert active.scorer.predict(["ok"])[0].model_version == "m1"
    assert isinstance(load_scorer(registry, "m1"), LexicalScorer)


def test_without_asking_a_provisional_version_is_no_model(tmp_path: Path) -> None:
    registry = _registry(tmp_path)
    _add_provisional(registry, tmp_path, "m1")
    registry.activate("m1")
    with pytest.raises(ModelNotFoundError, match=r"provisional.*sentidesk model build"):
        open_active_scorer(registry.root)


def test_transformer_callers_fall_back_from_a_provisional_to_a_real_version(
    tmp_path: Path, tiny_model: Path
) -> None:
    registry = _registry(tmp_path)
    _add_tiny(registry, tiny_model, "m1", None)
    _add_provisional(registry, tmp_path, "m2")
    registry.activate("m2")
    active = open_active_scorer(registry.root, backend="torch-cpu")
    assert isinstance(active.scorer, Scorer)
    assert (active.version, active.provisional) == ("m1", False)
    assert active.fallback is not None and "provisional" in active.fallback.reason
    assert open_active_scorer(registry.root, provisional=True).version == "m2"


def test_a_broken_real_version_falls_back_to_the_provisional_one(
    tmp_path: Path, tiny_model: Path
) -> None:
    registry = _registry(tmp_path)
    _add_provisional(registry, tmp_path, "m1")
    _add_tiny(registry, tiny_model, "m2", "m1")
    registry.activate("m2")
    (registry.path("m2") / "config.json").write_text("[]")
    active = open_active_scorer(registry.root, backend="torch-cpu", provisional=True)
    assert (active.version, active.provisional) == ("m1", True)
    assert active.fallback is not None and active.fallback.used == "m1"


def test_a_corrupt_provisional_version_alone_is_a_model_file_error(tmp_path: Path) -> None:
    registry = _registry(tmp_path)
    _add_provisional(registry, tmp_path, "m1")
    registry.activate("m1")
    (registry.path("m1") / LEXICAL_FILE).write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(ModelFileError, match=f"cannot read lexical model .*{LEXICAL_FILE}"):
        open_active_scorer(registry.root, provisional=True)


def test_rollback_from_the_first_real_model_returns_to_its_provisional_parent(
    tmp_path: Path, tiny_model: Path
) -> None:
    registry = _registry(tmp_path)
    _add_provisional(registry, tmp_path, "m1")
    _add_tiny(registry, tiny_model, "m2", "m1")
    registry.activate("m2")
    assert registry.rollback() == "m1"
    assert open_active_scorer(registry.root, provisional=True).provisional
    registry.activate("m2")
    (registry.path("m1") / CATEGORY_FILE).unlink()
    with pytest.raises(ModelNotFoundError, match="no earlier version"):
        registry.rollback()
