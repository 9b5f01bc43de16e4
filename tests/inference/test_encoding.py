from __future__ import annotations

from pathlib import Path

import pytest

from inference import TextEncoder
from tests.helpers import write_tiny_tokenizer


def test_short_texts_are_kept_whole(tmp_path: Path) -> None:
    encoder = TextEncoder(write_tiny_tokenizer(tmp_path), max_length=64)
    text = "where my order"
    (encoded,) = encoder.encode([text])
    assert len(encoded.ids) == len(encoded.offsets) < 64
    assert encoded.ids[0] == 0 and encoded.ids[-1] == 2


def test_long_texts_keep_their_beginning_and_their_end(tmp_path: Path) -> None:
    encoder = TextEncoder(write_tiny_tokenizer(tmp_path), max_length=18)
    text = "质量" + "好" * 200 + "退款"
    (encoded,) = encoder.encode([text])
    assert len(encoded.ids) == len(encoded.offsets) == 18
    assert encoded.ids[0] == 0 and encoded.ids[-1] == 2
    starts = [a for a, _ in encoded.offsets[1:-1]]
    # a quarter of the 16 text tokens from the start, the other 12 from the end
    assert starts[0] == 0 and encoded.offsets[-2][1] == len(text)
    assert sum(a < len(text) // 2 for a in starts) == 4
    assert text[starts[-2] :] == "退款"


def test_huge_text_is_cut_to_the_budget(tmp_path: Path) -> None:
    encoder = TextEncoder(write_tiny_tokenizer(tmp_path), max_length=32)
    (encoded,) = encoder.encode(["bad " * 50_000])
    assert len(encoded.ids) == 32


def test_budget_must_leave_room_for_text(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="max_length"):
        TextEncoder(write_tiny_tokenizer(tmp_path), max_length=2)
