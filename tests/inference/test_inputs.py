from __future__ import annotations

import json
from pathlib import Path

import pytest

from inference import InputFileError
from inference.inputs import read_rows


def test_lines_skip_blank(tmp_path: Path) -> None:
    f = tmp_path / "t.txt"
    f.write_text("first\n\n  \nsecond\n", encoding="utf-8")
    rows = read_rows(f)
    assert [(r.line, r.text) for r in rows] == [(1, "first"), (4, "second")]


def test_csv_with_body_column_and_metadata(tmp_path: Path) -> None:
    f = tmp_path / "t.csv"
    f.write_text('id,subject,body,vip\nT1,Late,"where, is it",yes\n', encoding="utf-8")
    (row,) = read_rows(f)
    assert row.id == "T1" and row.text == "where, is it" and row.fields["vip"] == "yes"


def test_jsonl_and_bad_json_line(tmp_path: Path) -> None:
    f = tmp_path / "t.jsonl"
    f.write_text(json.dumps({"id": 7, "text": "好"}) + "\n{oops\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"t.jsonl:2: invalid JSON"):
        read_rows(f)


def test_gb18030_file_is_decoded(tmp_path: Path) -> None:
    f = tmp_path / "t.txt"
    f.write_bytes("质量太差了".encode("gb18030"))
    assert read_rows(f)[0].text == "质量太差了"


def test_binary_file_is_rejected(tmp_path: Path) -> None:
    f = tmp_path / "t.txt"
    f.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(InputFileError, match="binary"):
        read_rows(f)


def test_undecodable_text_is_rejected(tmp_path: Path) -> None:
    f = tmp_path / "t.txt"
    f.write_bytes(b"\xff\xfe\xfa\xfb hello \x81\x30")
    with pytest.raises(InputFileError, match="UTF-8"):
        read_rows(f)


def test_csv_without_text_column(tmp_path: Path) -> None:
    f = tmp_path / "t.csv"
    f.write_text("id,subject\n1,hi\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="no text column"):
        read_rows(f)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="cannot read"):
        read_rows(tmp_path / "missing.csv")
