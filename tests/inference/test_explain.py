from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from inference.encoding import Encoded
from inference.explain import log_odds, occlusion_spans, word_units


def _encoded(text: str, pieces: list[tuple[int, int]]) -> Encoded:
    return Encoded(tuple(range(len(pieces) + 2)), ((0, 0), *pieces, (0, 0)))


def test_latin_pieces_join_into_words_and_cjk_stays_apart() -> None:
    text = "refunded 差评"
    enc = _encoded(text, [(0, 6), (6, 8), (9, 10), (10, 11)])
    units = word_units(text, enc)
    assert [(a, b) for a, b, _ in units] == [(0, 8), (9, 10), (10, 11)]


def test_weights_are_the_log_odds_drop_when_a_unit_is_removed() -> None:
    text = "bad 好"
    enc = Encoded((0, 10, 11, 2), ((0, 0), (0, 3), (4, 5), (0, 0)))
    seen: list[str] = []

    def negativity(rows: Sequence[Sequence[int]], texts: Sequence[str]) -> np.ndarray:
        # "bad" (id 10) adds 0.6 negativity, "好" (id 11) removes 0.3
        seen.extend(texts)
        return np.array([0.3 + 0.6 * (10 in r) - 0.3 * (11 in r) for r in rows], np.float32)

    spans = occlusion_spans(text, enc, negativity)
    assert seen == ["bad 好", " 好", "bad "]  # the lexical model sees each unit removed too
    assert [(s.start, s.end) for s in spans] == [(0, 3), (4, 5)]
    full, without_bad, without_good = log_odds(np.array([0.6, 0.0, 0.9], np.float32))
    assert spans[0].weight == round(float(full - without_bad), 3)
    assert spans[1].weight == round(float(full - without_good), 3) < 0


def test_confident_predictions_still_get_explained() -> None:
    text = "terrible ok"
    enc = Encoded((0, 10, 11, 2), ((0, 0), (0, 8), (9, 11), (0, 0)))

    def negativity(rows: Sequence[Sequence[int]], texts: Sequence[str]) -> np.ndarray:
        # saturated: 0.9995 with "terrible", 0.99 without: a tiny probability change
        return np.array([0.9995 if 10 in r else 0.99 for r in rows], np.float32)

    spans = occlusion_spans(text, enc, negativity)
    assert [(s.start, s.end) for s in spans] == [(0, 8)]
    assert spans[0].weight > 2


def test_bare_metaspace_piece_folds_into_the_next_character() -> None:
    text = "质量 bad"
    enc = _encoded(text, [(0, 1), (0, 1), (1, 2), (2, 6)])
    units = word_units(text, enc)
    assert [(a, b, p) for a, b, p in units] == [(0, 1, [1, 2]), (1, 2, [3]), (3, 6, [4])]


def test_no_units_no_spans() -> None:
    enc = Encoded((0, 2), ((0, 0), (0, 0)))
    assert occlusion_spans("", enc, lambda rows, texts: np.zeros(len(rows), np.float32)) == ()
