from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from console.cli import main
from console.services.demo import DEMO_FILE
from console.services.flags import escalation_phrases, load_flag_settings


def customer_text(ticket: dict[str, Any]) -> str:
    if "text" in ticket:
        return str(ticket["text"])
    return "\n".join(m["text"] for m in ticket["messages"] if m["author"] == "customer")


def assert_escalating_rows(rows: list[dict[str, Any]], tickets: Path, root: Path) -> set[str]:
    """Escalating rows are exactly those read as negative whose customer's words hold an
    escalation phrase; returns their ids."""
    settings = load_flag_settings(root)
    lines = tickets.read_text(encoding="utf-8").splitlines()
    texts = {t["id"]: customer_text(t) for t in map(json.loads, lines)}
    expected = {
        r["id"]
        for r in rows
        if r["sentiment"] == "negative" and escalation_phrases(texts[r["id"]], settings)
    }
    assert {r["id"] for r in rows if r["escalating"]} == expected
    return expected


def test_headless_lists_escalating_customers_first(
    provisional_model: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tickets = tmp_path / "tickets.jsonl"
    texts = {
        "calm": "Thanks, the parcel arrived early and works well.",
        "angry": "Terrible quality, it broke after two days, I am so angry!",
        "threat-zh": "今天不解决我就打12315投诉你们，太差了！",
        "threat-en": "This is a scam and awful service, I will file a chargeback with my bank.",
    }
    tickets.write_text(
        "".join(
            json.dumps({"id": k, "subject": "", "text": v}, ensure_ascii=False) + "\n"
            for k, v in texts.items()
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    assert main(["headless", "--tickets", str(tickets), "--out", str(out)]) == 0
    capsys.readouterr()
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    escalating = assert_escalating_rows(rows, tickets, tmp_path)
    # the small test model reads the Chinese threat as negative (the English one may not be)
    assert "threat-zh" in escalating
    assert [r["escalating"] for r in rows] == sorted((r["escalating"] for r in rows), reverse=True)


def test_headless_run_writes_queue_with_predictions_and_suggestions(
    active_model: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.jsonl"
    assert main(["headless", "--tickets", str(DEMO_FILE), "--out", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(rows) == 300
    assert [r["queue_position"] for r in rows] == list(range(1, 301))
    # escalating customers first, each part most negative first
    escalating = [r["escalating"] for r in rows]
    assert escalating == sorted(escalating, reverse=True)
    for part in (True, False):
        negativity = [r["prediction"]["negativity"] for r in rows if r["escalating"] is part]
        assert negativity == sorted(negativity, reverse=True)
    assert_escalating_rows(rows, DEMO_FILE, tmp_path)
    first = rows[0]
    assert first["prediction"]["model_version"] == active_model
    assert first["suggestion"]
    assert isinstance(first["unfilled_placeholders"], list)
    assert all("{" + name + "}" in first["suggestion"] for name in first["unfilled_placeholders"])
    for span in first["explanation"]:
        assert {"part", "start", "end", "weight"} <= set(span)
    summary = json.loads(capsys.readouterr().err)
    assert summary["imported"] == 300
    assert summary["scored"] == 300

    # the same file again updates nothing and fails nothing
    assert main(["headless", "--tickets", str(DEMO_FILE), "--out", str(out)]) == 0
    summary = json.loads(capsys.readouterr().err)
    assert (summary["imported"], summary["unchanged"], summary["scored"]) == (0, 300, 0)
    assert len(out.read_text("utf-8").splitlines()) == 300


def test_import_command_reports_rejections(
    active_model: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "t.csv"
    f.write_text("id,text\nA,where is my order\nB,\n", encoding="utf-8")
    assert main(["import", str(f)]) == 0
    out = capsys.readouterr().out
    assert "1 new" in out
    assert "rejected t.csv:3: empty text" in out
    assert "scored 1 tickets" in out
