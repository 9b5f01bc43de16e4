"""The drift set in ``resources/drift/`` (sarcasm, slang, the shop's own terms, a new complaint
type) is well formed, and its held-out part measures generalisation: no held-out text repeats a
correction, and no text is one the models are evaluated on."""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from functools import cache
from typing import Any

import pytest

from inference.labels import DEFAULT_CATEGORIES, SENTIMENTS
from inference.resources import resource_path
from training.corpora import evaluation_texts

SPLITS = ("corrections", "held_out")
FIELDS = {"id", "text", "label", "category", "language", "kind"}
KINDS = {"sarcasm", "slang", "shop-term", "new-complaint"}
ID = re.compile(r"^drift-(zh|en)-\d{4}$")


@cache
def rows(split: str) -> tuple[dict[str, Any], ...]:
    text = resource_path("drift", f"{split}.jsonl").read_text(encoding="utf-8")
    return tuple(json.loads(line) for line in text.splitlines())


def normalized(text: str) -> str:
    """Case, spacing and punctuation do not make two texts different."""
    return re.sub(r"[\W_]+", "", text.casefold())


@pytest.mark.parametrize("split", SPLITS)
def test_every_row_is_valid(split: str) -> None:
    data = rows(split)
    assert data
    for row in data:
        assert FIELDS - {"category"} <= set(row) <= FIELDS, row
        assert row["label"] in SENTIMENTS, row
        assert row.get("category", "other") in DEFAULT_CATEGORIES, row
        assert row["kind"] in KINDS, row
        assert isinstance(row["text"], str), row
        assert row["text"].strip() == row["text"] and row["text"], row
        match = ID.match(row["id"])
        assert match and match.group(1) == row["language"], row


@pytest.mark.parametrize("split", SPLITS)
def test_languages_kinds_and_labels_are_balanced(split: str) -> None:
    data = rows(split)
    languages = Counter(row["language"] for row in data)
    assert set(languages) == {"zh", "en"}
    assert abs(languages["zh"] - languages["en"]) <= len(data) // 10
    for language in ("zh", "en"):
        mine = [row for row in data if row["language"] == language]
        assert {row["kind"] for row in mine} == KINDS
        labels = Counter(row["label"] for row in mine)
        assert set(labels) == set(SENTIMENTS)
        # The default model's errors run both ways (positive slang and mock complaints read as
        # negative, praise-wrapped complaints and shop terms read as positive or neutral), so
        # no label is a majority and a model that always answers one label stays below half.
        for label in SENTIMENTS:
            assert 0.15 <= labels[label] / len(mine) <= 0.5, (language, labels)


def test_ids_and_texts_are_unique_across_both_files() -> None:
    every = rows("corrections") + rows("held_out")
    assert len({row["id"] for row in every}) == len(every)
    assert len({normalized(row["text"]) for row in every}) == len(every)


def test_held_out_texts_are_not_near_copies_of_corrections() -> None:
    corrections = [normalized(row["text"]) for row in rows("corrections")]
    for row in rows("held_out"):
        text = normalized(row["text"])
        matcher = difflib.SequenceMatcher(None, "", text, autojunk=False)
        for other in corrections:
            matcher.set_seq1(other)
            assert matcher.ratio() <= 0.8, (row["text"], other)


def test_no_text_is_an_evaluation_text() -> None:
    evaluation = evaluation_texts()
    evaluation_normalized = {normalized(text) for text in evaluation}
    for row in rows("corrections") + rows("held_out"):
        assert row["text"] not in evaluation, row
        assert normalized(row["text"]) not in evaluation_normalized, row
