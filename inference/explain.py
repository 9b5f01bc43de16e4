"""Occlusion explanations: which words or characters pushed a ticket's negativity up.

Each word (English) or piece (Chinese) is dropped from the token sequence in turn, and the
change in P(negative) is its weight. One batched forward pass over all variants is cheaper
than integrated gradients and works the same on every backend, ONNX included.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from inference.encoding import Encoded
from inference.prediction import Span

#: Texts with more units than this are explained on their first MAX_UNITS units only.
MAX_UNITS = 96
#: Spans whose |weight| is below this are noise, not explanation.
MIN_WEIGHT = 0.02


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
    negativity: Callable[[Sequence[Sequence[int]]], npt.NDArray[np.float32]],
    max_units: int = MAX_UNITS,
    min_weight: float = MIN_WEIGHT,
) -> tuple[Span, ...]:
    units = word_units(text, encoded)[:max_units]
    if not units:
        return ()
    rows: list[Sequence[int]] = [encoded.ids]
    for _, _, positions in units:
        drop = set(positions)
        rows.append([t for i, t in enumerate(encoded.ids) if i not in drop])
    scores = negativity(rows)
    base = float(scores[0])
    spans = [
        Span(start, end, round(base - float(s), 4))
        for (start, end, _), s in zip(units, scores[1:], strict=True)
    ]
    return tuple(s for s in spans if abs(s.weight) >= min_weight)
