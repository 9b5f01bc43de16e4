from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.store import parse_file
from inference import InputFileError


def test_csv_columns_metadata_and_threads(tmp_path: Path) -> None:
    f = tmp_path / "t.csv"
    f.write_text(
        "id,subject,body,customer,order_id,channel,created_at,vip\n"
        "A,Late,where is it,Ann,SD1,chat,2026-11-28T10:00:00Z,yes\n"
        "A,Late,any news?,Ann,SD1,chat,2026-11-28T12:00:00Z,yes\n"
        "B,,,Bob,,,,\n"
        "C,Hi,hello,Cy,,,yesterday,\n",
        encoding="utf-8",
    )
    drafts, rejected = parse_file(f)
    assert [d.id for d in drafts] == ["A"]
    assert [m.body for m in drafts[0].messages] == ["where is it", "any news?"]
    assert drafts[0].metadata == {"vip": "yes"}
    assert drafts[0].channel == "chat"
    assert [(r.where, r.reason) for r in rejected] == [
        ("t.csv:4", "empty text"),
        ("t.csv:5", "unreadable created_at 'yesterday'"),
    ]


def test_jsonl_threads_with_messages(tmp_path: Path) -> None:
    f = tmp_path / "t.jsonl"
    rows = [
        {
            "id": "T1",
            "subject": "物流",
            "messages": [
                {"author": "customer", "text": "还没到", "created_at": "2026-11-28T10:00:00"},
                {"author": "agent", "text": "正在查"},
            ],
        },
        {"id": "T2", "messages": [{"author": "robot", "text": "?"}]},
        {"text": "no id"},
    ]
    f.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    drafts, rejected = parse_file(f)
    assert len(drafts) == 1
    assert [m.author for m in drafts[0].messages] == ["customer", "agent"]
    assert [r.reason for r in rejected] == ["message 1 has unknown author 'robot'", "missing id"]


def test_eml_message(tmp_path: Path) -> None:
    f = tmp_path / "m.eml"
    f.write_text(
        "From: Ann Lee <ann@example.com>\nSubject: Broken kettle\n"
        "Date: Sat, 28 Nov 2026 10:00:00 +0000\nMessage-ID: <abc@example.com>\n"
        "Content-Type: text/plain; charset=utf-8\n\nIt arrived broken.\n> old quoted text\n",
        encoding="utf-8",
    )
    (draft,), rejected = parse_file(f)
    assert not rejected
    assert draft.customer == "Ann Lee"
    assert draft.subject == "Broken kettle"
    assert draft.messages[0].body == "It arrived broken."
    assert draft.id == "eml-abc@example.com"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bad.jsonl", b'{"id": 1, "text": "ok"}\n{broken\n'),
        ("bin.csv", b"\x00\x01\x02PK\x03\x04"),
        ("notes.docx", b"whatever"),
        ("x.eml", b"just some text without headers"),
    ],
)
def test_unreadable_files_are_refused_whole(tmp_path: Path, name: str, content: bytes) -> None:
    f = tmp_path / name
    f.write_bytes(content)
    with pytest.raises(InputFileError):
        parse_file(f)


def test_huge_text_row_is_rejected_not_fatal(tmp_path: Path) -> None:
    f = tmp_path / "t.jsonl"
    f.write_text(
        json.dumps({"id": "A", "text": "x" * 200_001})
        + "\n"
        + json.dumps({"id": "B", "text": "fine"})
        + "\n",
        encoding="utf-8",
    )
    drafts, rejected = parse_file(f)
    assert [d.id for d in drafts] == ["B"]
    assert "exceeds" in rejected[0].reason
