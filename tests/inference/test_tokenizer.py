from __future__ import annotations

from pathlib import Path

from tokenizers import Tokenizer

from tests.helpers import write_tiny_tokenizer


def test_tokenizer_applies_normalization_and_metaspace(tmp_path: Path) -> None:
    tok = Tokenizer.from_file(str(write_tiny_tokenizer(tmp_path)))
    enc = tok.encode("where  my order，谢谢")
    assert enc.tokens[0] == "<s>" and enc.tokens[-1] == "</s>"
    # runs of spaces fold, full-width comma becomes ASCII, metaspace prefixes words
    assert enc.tokens[1:4] == ["▁where", "▁my", "▁order"]
    assert "," in enc.tokens
    assert enc.tokens[-3:-1] == ["谢", "谢"]


def test_offsets_point_into_the_original_text(tmp_path: Path) -> None:
    tok = Tokenizer.from_file(str(write_tiny_tokenizer(tmp_path)))
    text = "质量太差了！refund"
    enc = tok.encode(text)
    assert enc.tokens[1] == "▁"
    assert [text[a:b] for a, b in enc.offsets[2:8]] == list("质量太差了！")
    assert enc.tokens[7] == "!"  # normalized, but the offset still points at "！"


def test_zero_width_characters_are_dropped(tmp_path: Path) -> None:
    tok = Tokenizer.from_file(str(write_tiny_tokenizer(tmp_path)))
    assert tok.encode("bad\u200b").tokens == tok.encode("bad").tokens


def test_unknown_characters_map_to_unk(tmp_path: Path) -> None:
    tok = Tokenizer.from_file(str(write_tiny_tokenizer(tmp_path)))
    assert tok.token_to_id("<unk>") in tok.encode("Ω").ids
