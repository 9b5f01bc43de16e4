"""Occlusion explanations: which words or characters pushed a ticket's negativity up.

Each word (English) or piece (Chinese) is dropped from the token sequence (and its characters
from the text, for the lexical model) in turn, and the change in the log-odds of "negative"
is its weight. Log-odds rather than probability: on a
ticket the model is sure about (P = 0.999) no single word moves the probability visibly,
but the words that make it sure still move the log-odds. One batched forward pass over all
variants is cheaper than integrated gradients and works the same on every backend.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from inference.encoding import Encoded
from inference.prediction import Span

#: Texts with more units than this are explained on their first MAX_UNITS units only.
MAX_UNITS = 96
#: Spans whose |weight| (log-odds) is below this are noise, not explanation.
MIN_WEIGHT = 0.2
#: At most this many spans are returned, strongest first in importance, text order kept.
MAX_SPANS = 12


def log_odds(p: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    q = np.clip(p.astype(np.float64), 1e-7, 1 - 1e-7)
    return np.asarray(np.log(q) - np.log1p(-q))


def word_units(text: str, encoded: Encoded) -> list[tuple[int, int, list[int]]]:
    """Group token positions into units: a Latin word may span pieces, CJK pieces stand alone.

    Offsets of metaspace pieces include the space before a word; spans are trimmed to the
    visible characters, and a bare "▁" piece sharing its character with the next piece is
    folded into that piece's unit.
    """
    units: list[tuple[int, int, list[int]]] = []
    last = len(encoded.ids) - 1  # </s>
    for pos in range(1, last):
        start, end = encoded.offsets[pos]
        while start < end and text[start].isspace():
            start += 1
        if end <= start:
            continue
        if units and start < units[-1][1]:
            first, prev_end, positions = units[-1]
            units[-1] = (first, max(prev_end, end), [*positions, pos])
            continue
        fragment = text[start:end]
        previous = text[units[-1][1] - 1] if units else ""
        joins_previous = (
            units
            and units[-1][1] == start
            and fragment[0].isascii()
            and fragment[0].isalnum()
            and previous.isascii()
            and previous.isalnum()
        )
        if joins_previous:
            first, _, positions = units[-1]
            units[-1] = (first, end, [*positions, pos])
        else:
            units.append((start, end, [pos]))
    return units


def occlusion_spans(
    text: str,
    encoded: Encoded,
    negativity: Callable[[Sequence[Sequence[int]], Sequence[str]], npt.NDArray[np.float32]],
    max_units: int = MAX_UNITS,
    min_weight: float = MIN_WEIGHT,
) -> tuple[Span, ...]:
    units = word_units(text, encoded)[:max_units]
    if not units:
        return ()
    rows: list[Sequence[int]] = [encoded.ids]
    texts = [text]
    for start, end, positions in units:
        drop = set(positions)
        rows.append([t for i, t in enumerate(encoded.ids) if i not in drop])
        texts.append(text[:start] + text[end:])
    return _strongest([(s, e) for s, e, _ in units], negativity(rows, texts), min_weight)


#: Units of a text for a model that reads characters: a Latin word (with an apostrophe
#: suffix), a number, or any other single letter (each Chinese character on its own, since
#: without a tokenizer there is no honest way to group them into words).
_TEXT_UNIT = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:'[A-Za-z]+)?|[0-9]+|[^\W_]")


def text_units(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _TEXT_UNIT.finditer(text)]


def text_occlusion_spans(
    text: str,
    negativity: Callable[[Sequence[str]], npt.NDArray[np.float32]],
    max_units: int = MAX_UNITS,
    min_weight: float = MIN_WEIGHT,
) -> tuple[Span, ...]:
    """:func:`occlusion_spans` for a model that reads raw text: each unit of
    :func:`text_units` is cut out of the text in turn."""
    units = text_units(text)[:max_units]
    if not units:
        return ()
    texts = [text, *(text[:start] + text[end:] for start, end in units)]
    return _strongest(units, negativity(texts), min_weight)


def _strongest(
    units: Sequence[tuple[int, int]],
    negativity: npt.NDArray[np.float32],
    min_weight: float,
) -> tuple[Span, ...]:
    """Spans from P(negative) of the whole text (first) and of each unit left out."""
    scores = log_odds(negativity)
    base = float(scores[0])
    spans = [
        Span(start, end, round(base - float(s), 3))
        for (start, end), s in zip(units, scores[1:], strict=True)
    ]
    strong = sorted((s for s in spans if abs(s.weight) >= min_weight), key=lambda s: -abs(s.weight))
    return tuple(sorted(strong[:MAX_SPANS], key=lambda s: s.start))
