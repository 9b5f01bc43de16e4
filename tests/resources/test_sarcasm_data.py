"""The authored sarcasm sets ``resources/data/sarcasm_<lang>.tsv`` are well formed, varied,
big enough to hold a measurable part out by the fixed sha1 split, and kept apart from the
drift set, which measures something else and must stay unseen by training."""

from __future__ import annotations

import difflib
import json
import re
import string
from collections import Counter
from functools import cache

import pytest

from inference.labels import DEFAULT_CATEGORIES, SENTIMENTS
from inference.resources import resource_path
from training.corpora import normalize_text, split_of

LANGS = ("en", "zh")
PLACEHOLDERS = {"order", "product", "tracking", "amount", "days", "name"}

Row = tuple[str, str, str]


@cache
def lines(lang: str) -> tuple[str, ...]:
    path = resource_path("data", f"sarcasm_{lang}.tsv")
    return tuple(path.read_text(encoding="utf-8").splitlines())


@cache
def rows(lang: str) -> tuple[Row, ...]:
    out = []
    for line in lines(lang):
        if line.strip() and not line.startswith("#"):
            label, category, template = line.split("\t")
            out.append((label, category, template))
    return tuple(out)


@cache
def drift_texts(lang: str) -> frozenset[str]:
    """The drift set's texts in ``lang``, normalized."""
    found = set()
    for name in ("corrections", "held_out"):
        text = resource_path("drift", f"{name}.jsonl").read_text(encoding="utf-8")
        for line in text.splitlines():
            row = json.loads(line)
            if row["language"] == lang:
                found.add(normalize_text(row["text"]))
    return frozenset(found)


def fields(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]


def loose(text: str) -> str:
    """Case, spacing and punctuation do not make two lines different."""
    return re.sub(r"[\W_]+", "", normalize_text(text))


def near_copies(texts: list[str], others: list[str], limit: float) -> list[tuple[str, str]]:
    """Pairs (text, other) whose difflib ratio is above ``limit``; ``quick_ratio`` bounds the
    ratio from above, so most pairs are ruled out without the full comparison."""
    found = []
    for text in texts:
        matcher = difflib.SequenceMatcher(None, "", text, autojunk=False)
        for other in others:
            if other is text:
                continue
            matcher.set_seq1(other)
            if matcher.quick_ratio() > limit and matcher.ratio() > limit:
                found.append((text, other))
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_every_line_is_a_comment_or_three_known_fields(lang: str) -> None:
    assert lines(lang)[0].startswith("#"), "the file opens with a header comment"
    for number, line in enumerate(lines(lang), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        assert len(parts) == 3, (number, line)
        label, category, template = parts
        assert label in SENTIMENTS, (number, line)
        assert category in DEFAULT_CATEGORIES, (number, line)
        assert template.strip() == template and template, (number, line)
        # Filled with str.format: only the known names, no stray braces, conversions or specs.
        assert set(fields(template)) <= PLACEHOLDERS, (number, line)
        template.format(**{name: "x" for name in PLACEHOLDERS})


@pytest.mark.parametrize("lang", LANGS)
def test_labels_categories_and_splits_are_balanced(lang: str) -> None:
    data = rows(lang)
    assert 140 <= len(data) <= 300
    labels = Counter(label for label, _, _ in data)
    # Mostly sarcastic complaints, with enough sincere and neutral look-alikes that a praise
    # word with an exclamation mark is no shortcut to either class.
    assert 0.55 <= labels["negative"] / len(data) <= 0.75, labels
    assert 0.18 <= labels["positive"] / len(data) <= 0.32, labels
    assert 0.06 <= labels["neutral"] / len(data) <= 0.15, labels
    assert {category for _, category, _ in data} == set(DEFAULT_CATEGORIES)
    splits = Counter(split_of(template) for _, _, template in data)
    assert splits["dev"] + splits["test"] >= 25, splits
    held_out = {label for label, _, template in data if split_of(template) != "train"}
    assert held_out == set(SENTIMENTS)


def test_no_two_lines_are_duplicates_or_near_copies() -> None:
    every = [template for lang in LANGS for _, _, template in rows(lang)]
    assert len({normalize_text(t) for t in every}) == len(every)
    for lang in LANGS:
        texts = [loose(template) for _, _, template in rows(lang)]
        assert not near_copies(texts, texts, 0.8)


@pytest.mark.parametrize("lang", LANGS)
def test_no_line_repeats_or_copies_a_drift_text(lang: str) -> None:
    drift = drift_texts(lang)
    assert drift
    for _, _, template in rows(lang):
        text = normalize_text(template)
        assert not any(d in text for d in drift), template
    # Nor a reworded copy: the closest pairs today score about 0.6 (en) and 0.4 (zh).
    templates = [loose(template) for _, _, template in rows(lang)]
    assert not near_copies(templates, [loose(text) for text in drift], 0.75)


@pytest.mark.parametrize("lang", LANGS)
def test_no_line_repeats_an_authored_ticket(lang: str) -> None:
    path = resource_path("data", f"tickets_{lang}.tsv")
    tickets = {
        loose(line.split("\t")[2])
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    for _, _, template in rows(lang):
        assert loose(template) not in tickets, template
