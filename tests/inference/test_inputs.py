from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

import pytest

from inference import InputFileError
from inference.inputs import ENDS_MID_ROW, decode_bytes, decode_text, read_rows

# Realistic rows: encoding detectors need real words, and GBK files from Chinese Windows
# users are often only a line or two.
ZH_ROWS = [
    "我的订单还没到，已经等了一个星期了",
    "请尽快给我退款，商品质量太差了",
    "请问这个可以开发票吗",
]
TW_ROWS = [
    "我的訂單還沒到，已經等了一個星期了",
    "請盡快給我退款，商品品質太差了",
    "請問這個可以開發票嗎",
]
WESTERN_ROWS = [
    "Très déçu, le colis est arrivé cassé",
    "Die Bestellung ist noch nicht angekommen",
    "¿Dónde está mi pedido? Llevo una semana esperando",
]


def _csv(texts: list[str], customer: str = "Ann") -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "customer", "text"])
    writer.writerows([f"T{i}", customer, t] for i, t in enumerate(texts))
    return out.getvalue()


def test_lines_skip_blank(tmp_path: Path) -> None:
    f = tmp_path / "t.txt"
    f.write_text("first\n\n  \nsecond\n", encoding="utf-8")
    result = read_rows(f)
    assert [(r.line, r.text) for r in result.rows] == [(1, "first"), (4, "second")]
    assert result.errors == ()


def test_csv_with_body_column_and_metadata(tmp_path: Path) -> None:
    f = tmp_path / "t.csv"
    f.write_text('id,subject,body,vip\nT1,Late,"where, is it",yes\n', encoding="utf-8")
    (row,) = read_rows(f).rows
    assert row.id == "T1" and row.text == "where, is it" and row.fields["vip"] == "yes"
    assert row.text_column == "body"


def test_a_bad_json_line_is_a_row_error_not_a_refusal(tmp_path: Path) -> None:
    f = tmp_path / "t.jsonl"
    f.write_text(
        json.dumps({"id": 7, "text": "好"}) + "\n{oops\n" + json.dumps({"text": "ok"}) + "\n",
        encoding="utf-8",
    )
    result = read_rows(f)
    assert [(r.line, r.id, r.text) for r in result.rows] == [(1, "7", "好"), (3, "3", "ok")]
    (error,) = result.errors
    assert error.line == 2 and error.reason.startswith("invalid JSON")


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("[1, 2]", "expected a JSON object, not a list"),
        ('{"id": {"a": 1}, "text": "x"}', "id must be text or a number, not an object"),
        ('{"id": true, "text": "x"}', "id must be text or a number, not true/false"),
        ('{"text": 5}', "column 'text' is not text but int"),
        ('{"text": "a", "text": "b"}', "key 'text' appears twice"),
        ('{"text": "\\ud800"}', "text holds an unpaired surrogate escape (\\ud800-\\udfff)"),
        ('{"text": "x", "n": ' + "9" * 5000 + "}", "invalid JSON (a number with too many digits)"),
        ('{"subject": "no text"}', "no text column (expected one of text, body, message, "),
        ("[" * 100_000 + "]" * 100_000, "invalid JSON (nested too deeply)"),
        ('{"text": "x", "m": ' + "[" * 40 + "]" * 40 + "}", "nested deeper than 32 levels"),
    ],
)
def test_malformed_json_rows_are_row_errors(tmp_path: Path, line: str, reason: str) -> None:
    f = tmp_path / "t.jsonl"
    f.write_text('{"text": "fine"}\n' + line + "\n", encoding="utf-8")
    result = read_rows(f)
    assert [r.text for r in result.rows] == ["fine"]
    assert [e.line for e in result.errors] == [2]
    assert result.errors[0].reason.startswith(reason)


def test_a_json_array_file_gives_one_row_per_object(tmp_path: Path) -> None:
    """Exports from other tools are often one JSON array, pretty-printed."""
    f = tmp_path / "export.json"
    items = [{"id": "A", "text": "物流太慢"}, 5, {"id": "B", "body": "where is it"}]
    f.write_text(json.dumps(items, ensure_ascii=False, indent=2), encoding="utf-8")
    result = read_rows(f)
    assert [(r.line, r.id, r.text) for r in result.rows] == [
        (2, "A", "物流太慢"),
        (7, "B", "where is it"),
    ]
    (error,) = result.errors
    assert (error.line, error.reason) == (6, "expected a JSON object, not int")
    f.write_text("[]", encoding="utf-8")
    assert read_rows(f).rows == () and read_rows(f).errors == ()


def test_a_broken_json_array_keeps_the_objects_before_the_damage(tmp_path: Path) -> None:
    f = tmp_path / "export.json"
    f.write_text('[{"text": "one"},\n {"text": oops},\n {"text": "three"}]', encoding="utf-8")
    result = read_rows(f)
    assert [r.text for r in result.rows] == ["one"]
    (error,) = result.errors
    assert error.line == 2 and error.reason.startswith("invalid JSON")
    # what could not be read after it is said, not dropped without a word
    assert error.reason.endswith("nothing after it in the file was read")
    f.write_text('[{"text": "one"},\n {"text": "tw', encoding="utf-8")
    result = read_rows(f)
    assert [r.text for r in result.rows] == ["one"]
    assert [(e.line, e.reason) for e in result.errors] == [(2, ENDS_MID_ROW)]
    # never silently dropped: what follows the array
    f.write_text('[{"text": "one"}]\n{"text": "two"}\n', encoding="utf-8")
    result = read_rows(f)
    assert [r.text for r in result.rows] == ["one"]
    (error,) = result.errors
    assert error.line == 2 and error.reason.startswith("more text after the JSON array")
    f.write_text('[{"text": "one"} {"text": "two"}]', encoding="utf-8")
    assert read_rows(f).errors[0].reason == "invalid JSON (expected ',' or ']' after an object)"


def test_a_pretty_printed_single_object_is_one_row(tmp_path: Path) -> None:
    f = tmp_path / "one.json"
    f.write_text(json.dumps({"id": "T9", "text": "refund please"}, indent=2), encoding="utf-8")
    result = read_rows(f)
    assert [(r.line, r.id, r.text) for r in result.rows] == [(1, "T9", "refund please")]
    assert result.errors == ()


def test_jsonl_line_separators_inside_strings_do_not_split_rows(tmp_path: Path) -> None:
    # json.dumps(ensure_ascii=False) writes U+2028 raw; str.splitlines would cut the row.
    f = tmp_path / "t.jsonl"
    f.write_text(json.dumps({"text": "a\u2028b\x85c"}, ensure_ascii=False) + "\n", "utf-8")
    assert [r.text for r in read_rows(f).rows] == ["a\u2028b\x85c"]


def test_csv_rows_with_wrong_field_counts_are_row_errors(tmp_path: Path) -> None:
    f = tmp_path / "t.csv"
    f.write_text("id,text\nA,one\nB,two,extra\nC\nD,four,,\nE,five\n", encoding="utf-8")
    result = read_rows(f)
    assert [r.id for r in result.rows] == ["A", "D", "E"]
    assert [(e.line, e.reason) for e in result.errors] == [
        (3, "row has 3 fields, the header has 2"),
        (4, "row has 1 fields, the header has 2"),
    ]


@pytest.mark.parametrize(
    "tail",
    [
        "C,Ca",  # cut inside the id/customer fields: fewer fields, no newline
        'C,Carl,"still typ',  # an unterminated quoted field at the end
        'C,Carl,"line one\nline tw',  # the same over two lines
        'C,Carl,"done"\nD,Dan,"open\n',  # ends with a newline, yet inside quotes
    ],
)
def test_half_written_csv_rejects_its_last_row(tmp_path: Path, tail: str) -> None:
    f = tmp_path / "t.csv"
    f.write_text("id,customer,text\nA,Ann,first\nB,Bob,second\n" + tail, encoding="utf-8")
    result = read_rows(f)
    assert [r.id for r in result.rows][:2] == ["A", "B"]
    assert [e.reason for e in result.errors] == [ENDS_MID_ROW]
    assert result.errors[0].line == max(r.line for r in result.rows) + 1


def test_a_last_row_without_newline_but_complete_is_kept(tmp_path: Path) -> None:
    f = tmp_path / "t.csv"
    f.write_text('id,text\nA,first\nB,"second, quoted"', encoding="utf-8")
    result = read_rows(f)
    assert [r.text for r in result.rows] == ["first", "second, quoted"]
    assert result.errors == ()


def test_half_written_jsonl_rejects_its_last_row(tmp_path: Path) -> None:
    f = tmp_path / "t.jsonl"
    f.write_text('{"text": "first"}\n{"text": "sec', encoding="utf-8")
    result = read_rows(f)
    assert [r.text for r in result.rows] == ["first"]
    assert [(e.line, e.reason) for e in result.errors] == [(2, ENDS_MID_ROW)]


def test_utf8_cut_inside_a_character_rejects_the_last_row(tmp_path: Path) -> None:
    f = tmp_path / "t.csv"
    data = "id,text\nA,质量太差了\nB,还没到\n".encode()
    f.write_bytes(data[:-2])  # cut inside 到, the last character
    result = read_rows(f)
    assert [r.text for r in result.rows] == ["质量太差了"]
    assert [(e.line, e.reason) for e in result.errors] == [(3, ENDS_MID_ROW)]


def test_a_foreign_row_in_a_utf8_file_is_rejected_alone(tmp_path: Path) -> None:
    f = tmp_path / "t.csv"
    f.write_bytes(
        "id,text\nA,质量太差了，我要退货\nB,物流太慢了\n".encode()
        + "C,Très déçu\n".encode("cp1252")
        + "D,谢谢\n".encode()
    )
    result = read_rows(f)
    assert [r.id for r in result.rows] == ["A", "B", "D"]
    assert [e.line for e in result.errors] == [4]
    assert "not valid UTF-8" in result.errors[0].reason


@pytest.mark.parametrize(
    ("encoding", "texts", "customer"),
    [
        ("utf-8", ZH_ROWS + WESTERN_ROWS, "Müller"),
        ("utf-8-sig", ZH_ROWS, "张三"),
        ("utf-16", ZH_ROWS + WESTERN_ROWS, "Müller"),
        ("utf-16-be", ZH_ROWS, "张三"),  # written with a BOM below
        ("utf-32", WESTERN_ROWS, "Zoë"),
        ("gb18030", ZH_ROWS, "张三"),
        ("gbk", ZH_ROWS[:1], "张三"),
        ("gbk", ["质量太差了"], "李"),  # short GBK, the usual file of a Chinese Windows user
        ("gbk", ["好"], "王"),
        ("big5", TW_ROWS, "陳大文"),
        ("big5", ["品質太差了"], "陳"),
        ("cp1252", WESTERN_ROWS, "Jürgen Müller"),
        ("cp1252", ["Très déçu"], "Müller"),
    ],
)
def test_encodings_are_decoded_exactly(
    tmp_path: Path, encoding: str, texts: list[str], customer: str
) -> None:
    content = _csv(texts, customer)
    data = content.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    f = tmp_path / "t.csv"
    f.write_bytes(data)
    result = read_rows(f)
    assert [r.text for r in result.rows] == texts
    assert {r.fields["customer"] for r in result.rows} == {customer}
    assert result.errors == ()


def test_gb18030_file_is_decoded(tmp_path: Path) -> None:
    f = tmp_path / "t.txt"
    f.write_bytes("质量太差了".encode("gb18030"))
    assert read_rows(f).rows[0].text == "质量太差了"


def test_binary_file_is_rejected(tmp_path: Path) -> None:
    f = tmp_path / "t.txt"
    f.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(InputFileError, match="binary"):
        read_rows(f)


@pytest.mark.parametrize("size", [200, 2000, 20_000])
def test_random_garbage_without_nul_bytes_is_refused(tmp_path: Path, size: int) -> None:
    rng = random.Random(size)
    data = bytes(rng.randrange(1, 256) for _ in range(size))
    f = tmp_path / "t.csv"
    f.write_bytes(data)
    with pytest.raises(InputFileError, match="re-save it as UTF-8"):
        read_rows(f)


def test_undecodable_text_is_rejected(tmp_path: Path) -> None:
    f = tmp_path / "t.txt"
    f.write_bytes(b"\xfa\xfb hello \x81\x30\xfe")
    with pytest.raises(InputFileError, match="UTF-8"):
        read_rows(f)


def test_binary_after_a_utf16_mark_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "t.csv"
    rng = random.Random(1)
    f.write_bytes(b"\xff\xfe" + bytes(rng.randrange(256) for _ in range(400)))
    with pytest.raises(InputFileError, match="byte-order mark"):
        read_rows(f)


def test_utf16_cut_mid_character_rejects_the_last_row(tmp_path: Path) -> None:
    f = tmp_path / "t.csv"
    f.write_bytes("id,text\nA,质量太差了\nB,还没到\n".encode("utf-16")[:-3])
    result = read_rows(f)
    assert [r.text for r in result.rows] == ["质量太差了"]
    assert [(e.line, e.reason) for e in result.errors] == [(3, ENDS_MID_ROW)]


def test_refusal_names_the_encodings_tried() -> None:
    # Shift-JIS is none of the encodings tried; guessing would store mojibake.
    data = "id,text\n1,注文した商品がまだ届きません。返金してください\n".encode("shift_jis")
    with pytest.raises(InputFileError) as info:
        decode_bytes(data, "k.csv")
    assert "GB18030" in str(info.value) and "Big5" in str(info.value)
    assert "re-save it as UTF-8" in str(info.value)


def test_utf8_mojibake_is_never_guessed() -> None:
    # UTF-8 with one stray Windows-1252 byte must not be read whole as Windows-1252 ("Ã©").
    data = "id,text\n1,Très déçu\n2,Müller\n".encode() + b"3,caf\xe9\n"
    decoded = decode_text(data, "m.csv")
    assert decoded.encoding == "utf-8" and decoded.invalid
    assert "Très déçu" in decoded.text


def test_utf16_without_bom_is_explained() -> None:
    with pytest.raises(InputFileError, match="UTF-16 without a byte-order mark"):
        decode_text("id,text\n1,hello\n".encode("utf-16-le"), "t.csv")


def test_csv_without_text_column(tmp_path: Path) -> None:
    f = tmp_path / "t.csv"
    f.write_text("id,subject\n1,hi\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="no text column"):
        read_rows(f)


def test_csv_with_duplicate_columns_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "t.csv"
    f.write_text("id,text,text\n1,a,b\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"t.csv:1: column 'text' appears twice"):
        read_rows(f)


def test_csv_field_larger_than_the_csv_module_default(tmp_path: Path) -> None:
    f = tmp_path / "t.csv"
    big = "x\n" * 80_000
    f.write_text(f'id,text\nA,"{big}"\nB,after\n', encoding="utf-8")
    result = read_rows(f)
    assert [r.id for r in result.rows] == ["A", "B"]
    assert result.rows[0].text == big and result.rows[1].line == 80_003


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="cannot read"):
        read_rows(tmp_path / "missing.csv")


def test_csv_header_names_are_matched_whatever_their_case(tmp_path: Path) -> None:
    f = tmp_path / "export.csv"
    f.write_text("ID,Subject,Text\nT1,Late,where is my parcel\n", encoding="utf-8")
    (row,) = read_rows(f).rows
    assert (row.id, row.text, row.fields["subject"]) == ("T1", "where is my parcel", "Late")


@pytest.mark.parametrize("separator", [";", "\t"])
def test_a_csv_with_another_separator_is_told_so(tmp_path: Path, separator: str) -> None:
    f = tmp_path / "export.csv"
    f.write_text(f"id{separator}text\nT1{separator}where is it\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="separated by ';' or tabs") as caught:
        read_rows(f)
    assert "the header read was" in str(caught.value)
