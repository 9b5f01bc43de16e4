from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from inference import LEXICAL_FILE, SENTIMENTS, LexicalModel, ModelFileError, Scorer, ngram_ids
from inference.lexical import MAX_CHARS, text_window


def _model(
    blend: float = 1.0, buckets: int = 64, languages: dict[str, float] | None = None
) -> LexicalModel:
    rng = np.random.default_rng(0)
    return LexicalModel(
        weights=rng.normal(size=(buckets, 3)).astype(np.float32),
        bias=np.zeros(3, np.float32),
        classes=SENTIMENTS,
        blend=blend,
        language_blends=languages or {},
    )


def test_ngram_ids_are_stable_and_cover_orders_one_to_three() -> None:
    ids = ngram_ids("Bad!", 1 << 18)
    assert len(ids) == 4 + 3 + 2
    assert ids == ngram_ids("bad!", 1 << 18)  # lower-cased
    assert ngram_ids("", 16) == [0]  # an empty text still has a (neutral) bag


def test_distinct_ngram_ids_count_each_ngram_once() -> None:
    every = ngram_ids("bad bad bad", 1 << 18)
    distinct = ngram_ids("bad bad bad", 1 << 18, distinct=True)
    assert sorted(set(every)) == distinct and len(every) > len(distinct)
    assert ngram_ids("", 16, distinct=True) == [0]


def test_a_distinct_model_scores_a_repeated_phrase_like_a_single_one() -> None:
    model = replace(_model(), distinct=True)
    counting = _model()
    np.testing.assert_allclose(model.logits(["bad bad bad"]), model.logits(["bad bad"]), rtol=1e-5)
    assert not np.allclose(counting.logits(["bad bad bad"]), counting.logits(["bad bad"]))


def test_window_keeps_start_and_end_of_huge_texts() -> None:
    text = "开头" + "x" * 100_000 + "结尾"
    window = text_window(text)
    assert len(window) == MAX_CHARS + 1
    assert window.startswith("开头") and window.endswith("结尾")


def test_logits_are_the_mean_of_the_ngram_rows(tmp_path: Path) -> None:
    model = _model()
    texts = ["ab", "好评", "a"]
    expected = [model.weights[ngram_ids(t, model.buckets)].mean(axis=0) for t in texts]
    np.testing.assert_allclose(model.logits(texts), np.stack(expected), rtol=1e-5)


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    model = _model(blend=0.5)
    model.save(tmp_path / LEXICAL_FILE)
    loaded = LexicalModel.load(tmp_path / LEXICAL_FILE)
    assert loaded.classes == SENTIMENTS and loaded.blend == 0.5
    assert loaded.language_blends == {}
    np.testing.assert_allclose(loaded.weights, model.weights, atol=2e-3)  # stored as float16


def test_distinct_round_trips_under_a_name_older_versions_refuse(tmp_path: Path) -> None:
    replace(_model(), distinct=True).save(tmp_path / LEXICAL_FILE)
    assert LexicalModel.load(tmp_path / LEXICAL_FILE).distinct
    with np.load(tmp_path / LEXICAL_FILE) as data:
        # the name older versions read is absent: they refuse the file instead of counting
        assert "weights" not in data


def test_language_weights_round_trip(tmp_path: Path) -> None:
    _model(blend=0.25, languages={"zh": 1.5, "en": 0.0}).save(tmp_path / LEXICAL_FILE)
    loaded = LexicalModel.load(tmp_path / LEXICAL_FILE)
    assert loaded.language_blends == {"zh": 1.5, "en": 0.0} and loaded.blend == 0.25
    assert loaded.blends


def test_a_folder_from_before_language_weights_still_loads_and_counts(tmp_path: Path) -> None:
    model = _model(blend=0.5)
    with (tmp_path / LEXICAL_FILE).open("wb") as handle:
        np.savez(
            handle,
            weights=model.weights.astype(np.float16),
            bias=model.bias,
            classes=np.asarray(model.classes),
            blend=np.float32(0.5),
        )
    loaded = LexicalModel.load(tmp_path / LEXICAL_FILE)
    assert loaded.blend == 0.5 and loaded.language_blends == {}
    assert list(loaded.blend_weights(["好评", "great"])) == [0.5, 0.5]
    # it was trained on every occurrence of an n-gram, and is still scored so
    assert not loaded.distinct
    np.testing.assert_allclose(
        loaded.logits(["bad bad bad"]), model.logits(["bad bad bad"]), atol=1e-2
    )


def test_a_negative_language_weight_is_a_clear_error(tmp_path: Path) -> None:
    _model(languages={"zh": -1.0}).save(tmp_path / LEXICAL_FILE)
    with pytest.raises(ModelFileError, match="for zh must be >= 0"):
        LexicalModel.load(tmp_path / LEXICAL_FILE)


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 not a zip", b"\x00" * 100])
def test_corrupt_file_is_a_clear_error(tmp_path: Path, content: bytes) -> None:
    (tmp_path / LEXICAL_FILE).write_bytes(content)
    with pytest.raises(ModelFileError, match="lexical"):
        LexicalModel.load(tmp_path / LEXICAL_FILE)


def test_scorer_blends_the_lexical_model(tiny_model: Path) -> None:
    texts = ["terrible broken", "thanks great", "where is my package"]
    alone = Scorer(tiny_model, backend="torch-cpu").predict(texts)
    _model(blend=1.0).save(tiny_model / LEXICAL_FILE)
    scorer = Scorer(tiny_model, backend="torch-cpu")
    blended = scorer.predict(texts, explain=True)
    assert scorer.lexical is not None
    for a, b in zip(alone, blended, strict=True):
        assert sum(b.probabilities.values()) == pytest.approx(1.0, abs=1e-5)
        assert b.probabilities != pytest.approx(a.probabilities)
        assert b.category_probabilities == pytest.approx(a.category_probabilities)


def test_scorer_blends_each_text_by_its_language(tiny_model: Path) -> None:
    texts = ["质量太差了，垃圾", "terrible broken"]
    alone = Scorer(tiny_model, backend="torch-cpu").predict(texts)
    _model(blend=1.0, languages={"zh": 0.0}).save(tiny_model / LEXICAL_FILE)
    blended = Scorer(tiny_model, backend="torch-cpu").predict(texts)
    # Chinese is weighted 0: the transformer alone; English falls back to the pooled 1.0
    assert blended[0].probabilities == pytest.approx(alone[0].probabilities, abs=1e-5)
    assert blended[1].probabilities != pytest.approx(alone[1].probabilities)


def test_scorer_refuses_a_lexical_model_for_other_classes(tiny_model: Path) -> None:
    model = _model()
    LexicalModel(model.weights[:, :2], model.bias[:2], ("negative", "positive"), 1.0).save(
        tiny_model / LEXICAL_FILE
    )
    with pytest.raises(ModelFileError, match="classes"):
        Scorer(tiny_model, backend="torch-cpu")
