from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from inference import Scorer, Span
from inference import explain as module
from inference.encoding import Encoded
from inference.explain import (
    explanation_units,
    function_words,
    occlusion_spans,
    segments,
    text_occlusion_spans,
)

SENTIMENTS = ("negative", "neutral", "positive")
BOS, EOS = 0, 2
_TOKEN = re.compile(r"[A-Za-z']+|[^\sA-Za-z']")


class FakeModel:
    """A deterministic scorer over a word-level "tokenizer" (one token per word or per
    punctuation mark) whose log-odds of "negative" are ``rule(words)``. Neutral scores 0 and
    positive 1, so a ticket is positive when the rule gives less than about -0.3 and
    negative above."""

    def __init__(self, rule: Callable[[list[str]], float]) -> None:
        self.rule = rule
        self.vocab: dict[str, int] = {}
        self.rows: list[list[int]] = []

    def encode(self, text: str) -> Encoded:
        ids, offsets = [BOS], [(0, 0)]
        for match in _TOKEN.finditer(text):
            ids.append(self.vocab.setdefault(match.group().lower(), len(self.vocab) + 10))
            offsets.append((match.start(), match.end()))
        return Encoded((*ids, EOS), (*offsets, (0, 0)))

    def words(self, row: Sequence[int]) -> list[str]:
        names = {i: w for w, i in self.vocab.items()}
        return [names[i] for i in row if i in names]

    def evidence(
        self, rows: Sequence[Sequence[int]], texts: Sequence[str]
    ) -> npt.NDArray[np.float64]:
        self.rows += [list(r) for r in rows]
        rest = np.log(1 + np.e)  # logsumexp of the neutral (0) and positive (1) scores
        return np.array([[self.rule(self.words(r)) + rest, 0.0, 1.0] for r in rows])

    def explain(self, text: str) -> tuple[Span, ...]:
        return occlusion_spans(text, self.encode(text), self.evidence, SENTIMENTS)


def shown(text: str, spans: Sequence[Span]) -> dict[str, float]:
    return {text[s.start : s.end]: s.weight for s in spans}


# -- units ----------------------------------------------------------------------------------
def test_english_units_are_words_with_contractions_hyphens_and_numbers_whole() -> None:
    text = "I'm sure it can't be copy-paste: 49.9 dollars, not 1,000!"
    units = explanation_units(text)
    assert [text[u.start : u.end] for u in units] == [
        "I'm",
        "sure",
        "it",
        "can't",
        "be",
        "copy-paste",
        "49.9",
        "dollars",
        "not",
        "1,000",
    ]
    function = {text[u.start : u.end] for u in units if u.function}
    assert function == {"I'm", "it", "be"}  # negation ("can't", "not") carries sentiment


def test_curly_apostrophes_and_case_do_not_hide_a_function_word() -> None:
    text = "You’re THE best"
    assert [u.function for u in explanation_units(text)] == [True, True, False]


def cuts(text: str, pieces: str) -> list[int]:
    """Piece starts of ``text`` written as ``pieces`` with | between pieces."""
    assert pieces.replace("|", "") == text
    starts, at = [], 0
    for piece in pieces.split("|"):
        starts.append(at)
        at += len(piece)
    return starts


def words(text: str, units: Sequence[module.Unit]) -> list[str]:
    return [("_" if u.function else "") + text[u.start : u.end] for u in units]


def test_chinese_units_follow_the_pieces_joining_single_characters() -> None:
    text = "尺码严重偏小，客服态度太差了！"
    pieces = "尺|码|严重|偏|小|，|客服|态度|太|差|了|！"
    units = explanation_units(text, cuts=cuts(text, pieces))
    assert words(text, units) == ["尺码", "严重", "偏小", "客服", "态度", "太差", "_了"]


def test_function_words_are_split_off_pieces_that_hold_a_longer_word() -> None:
    text = "说是我的问题，到底也不发"
    pieces = "说|是我|的问题|，|到底|也不|发"
    units = explanation_units(text, cuts=cuts(text, pieces))
    # 到底 and 也不 keep their one character after the function word: no word is left
    assert words(text, units) == ["说", "_是我", "_的", "问题", "到底", "也不", "发"]


def test_chinese_without_pieces_is_cut_at_function_words_then_in_pairs() -> None:
    text = "客服态度太差了，我们要投诉"
    assert words(text, explanation_units(text)) == [
        "客服",
        "态度",
        "太差",
        "_了",
        "_我们",
        "_要",
        "投诉",
    ]


def test_punctuation_is_no_unit_but_an_emoji_is() -> None:
    text = "ok!!! 😊 ，。"
    assert [text[u.start : u.end] for u in explanation_units(text)] == ["ok", "😊"]


def test_units_can_be_read_from_part_of_a_text() -> None:
    text = "first part. second part"
    units = explanation_units(text, 12, len(text))
    assert [(u.start, text[u.start : u.end]) for u in units] == [(12, "second"), (19, "part")]


def test_function_words_hold_no_negation_and_both_languages() -> None:
    words = function_words()
    assert {"the", "a", "was", "i'm", "your", "的", "了", "我"} <= words
    assert not {"not", "no", "never", "can't", "don't", "rude", "不", "没", "没有", "别"} & words


def test_segments_are_sentences_and_long_sentences_are_cut_at_clauses() -> None:
    text = "It cost 49.9 dollars. Then it broke, it leaked, it burnt and I want a refund!"
    units = explanation_units(text)
    parts = [text[a:b].strip() for a, b in segments(text, units, max_units=24)]
    assert parts == [
        "It cost 49.9 dollars.",
        "Then it broke, it leaked, it burnt and I want a refund!",
    ]
    parts = [text[a:b].strip() for a, b in segments(text, units, max_units=7)]
    assert parts == [
        "It cost 49.9 dollars.",
        "Then it broke, it leaked,",
        "it burnt and I want a refund!",
    ]
    # a clause longer than the limit is cut every max_units units
    parts = [text[a:b].strip() for a, b in segments(text, units, max_units=3)]
    assert parts[-3:] == ["it burnt and", "I want a", "refund!"]


# -- weights ---------------------------------------------------------------------------------
def test_an_additive_model_gets_its_own_word_weights_back() -> None:
    weights = {"late": 2.0, "broken": 1.5, "thanks": -0.5}
    model = FakeModel(lambda words: sum(weights.get(w, 0.0) for w in words))
    text = "the parcel came late, the lid broken"
    assert shown(text, model.explain(text)) == {"late": 2.0, "broken": 1.5}


def test_a_cue_repeated_by_another_is_still_marked() -> None:
    """Leaving out one of two words that each suffice changes nothing; putting one back
    alone does, so both carry half the verdict."""
    model = FakeModel(lambda words: 6.0 if {"rude", "fault"} & set(words) else -2.0)
    text = "Your staff was rude and told me it was my fault."
    assert shown(text, model.explain(text)) == {"rude": 4.0, "fault": 4.0}


def test_function_words_get_no_weight_even_when_the_model_leans_on_them() -> None:
    model = FakeModel(lambda words: 3.0 * words.count("was") + 1.0 * ("rude" in words))
    text = "Your staff was rude."
    spans = model.explain(text)
    assert shown(text, spans) == {"rude": 1.0}
    # and "was" stays in every variant of the sentence
    assert all(model.vocab["was"] in row for row in model.rows)


def test_neighbouring_words_become_one_span_across_function_words_only() -> None:
    weights = {"filing": 1.0, "complaint": 2.0, "lawyer": 1.5}
    model = FakeModel(lambda words: sum(weights.get(w, 0.0) for w in words))
    text = "I'm filing a complaint, lawyer next"
    assert shown(text, model.explain(text)) == {"filing a complaint": 3.0, "lawyer": 1.5}


def test_only_words_pushing_towards_the_label_are_shown() -> None:
    weights = {"great": -3.0, "fast": -2.0, "late": 1.0}
    model = FakeModel(lambda words: sum(weights.get(w, 0.0) for w in words) - 1.0)
    text = "great, fast, a bit late"
    # positive ticket (negativity log-odds < 0): "late" raised negativity, so it is not why
    assert shown(text, model.explain(text)) == {"great": -3.0, "fast": -2.0}
    neutral = FakeModel(lambda words: -20.0 + sum(weights.get(w, 0.0) for w in words))
    neutral_scores = neutral.evidence

    def mostly_neutral(
        rows: Sequence[Sequence[int]], texts: Sequence[str]
    ) -> npt.NDArray[np.float64]:
        scores = neutral_scores(rows, texts)
        scores[:, 1] = 5.0  # neutral wins: both ways are shown
        return scores

    spans = occlusion_spans(text, neutral.encode(text), mostly_neutral, SENTIMENTS)
    assert set(shown(text, spans)) == {"great", "fast", "late"}


def test_weak_spans_next_to_a_strong_one_are_left_out() -> None:
    weights = {"terrible": 8.0, "slow": 1.0, "box": 0.1}
    model = FakeModel(lambda words: sum(weights.get(w, 0.0) for w in words))
    text = "terrible service, slow box"
    # 1.0 < RELATIVE_WEIGHT * 8; 0.1 < MIN_WEIGHT
    assert shown(text, model.explain(text)) == {"terrible": 8.0}


def test_confident_predictions_are_measured_in_log_space() -> None:
    """Probabilities of 1 - 1e-13 and 1 - 1e-9 are both 1.0 in float32; the scores still
    tell them apart."""
    model = FakeModel(lambda words: 30.0 + 9.0 * ("terrible" in words))
    text = "terrible ok"
    assert shown(text, model.explain(text)) == {"terrible": 9.0}


def test_a_ticket_over_the_budget_weighs_its_strongest_segments_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    weights = {"crushed": 3.0, "wet": 2.0, "broken": 1.5}
    model = FakeModel(lambda words: sum(weights.get(w, 0.0) for w in words))
    text = (
        "The parcel arrived on Monday. The box was crushed and wet. "
        "I opened it in the kitchen. The lid was broken."
    )
    everything = {"crushed and wet": 5.0, "broken": 1.5}
    assert shown(text, model.explain(text)) == everything
    unscreened = sum(len(r) for r in model.rows)
    # the segments whole and without their words, then the words of the strongest one only
    monkeypatch.setattr(module, "TOKEN_BUDGET", 1)
    model.rows.clear()
    assert shown(text, model.explain(text)) == {"crushed and wet": 5.0}
    assert sum(len(r) for r in model.rows) < unscreened
    # as many segments as fit: here all that push towards negative
    monkeypatch.setattr(module, "TOKEN_BUDGET", unscreened - 1)
    model.rows.clear()
    assert shown(text, model.explain(text)) == everything
    assert sum(len(r) for r in model.rows) <= unscreened - 1


def test_a_truncated_middle_is_not_explained() -> None:
    model = FakeModel(lambda words: 2.0 * ("bad" in words) + 2.0 * ("awful" in words))
    text = "bad start. awful middle. end"
    full = model.encode(text)
    keep = [i for i, (a, _) in enumerate(full.offsets) if not 11 <= a < 24]  # drop the middle
    cut = Encoded(tuple(full.ids[i] for i in keep), tuple(full.offsets[i] for i in keep))
    spans = occlusion_spans(text, cut, model.evidence, SENTIMENTS)
    assert shown(text, spans) == {"bad": 2.0}


def test_nothing_to_weigh_gives_no_spans() -> None:
    model = FakeModel(lambda words: 5.0)
    assert model.explain("") == ()
    assert model.explain("it was the, of") == ()
    assert model.rows == []  # not even scored


def test_a_text_model_is_explained_the_same_way() -> None:
    def evidence(texts: Sequence[str]) -> npt.NDArray[np.float64]:
        return np.array([[3.0 * ("太差" in t) + 2.0 * ("投诉" in t), 0.0, 0.5] for t in texts])

    text = "客服态度太差了，我要投诉！"
    spans = text_occlusion_spans(text, evidence, SENTIMENTS)
    assert shown(text, spans) == {"太差": 3.0, "投诉": 2.0}


# -- a real model -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Your staff was rude and told me it was my fault. I'm filing a complaint.",
        "客服态度太差了，说是我的问题，我要投诉！",
        "亲 都一个礼拜了还没发货 到底还发不发了？？？不发我就投诉了",
    ],
)
def test_spans_of_a_real_model_never_mark_function_words_or_punctuation(
    tiny_model: Path, text: str
) -> None:
    """The tiny model is random, so what it marks means nothing; what it may not mark holds
    for any model."""
    spans = Scorer(tiny_model, backend="torch-cpu").explain(text)
    function = {(u.start, u.end) for u in explanation_units(text) if u.function}
    for span in spans:
        piece = text[span.start : span.end]
        assert piece == piece.strip() and piece[0].isalnum() and piece[-1].isalnum()
        assert (span.start, span.end) not in function
