from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.cli import main
from console.services.demo import DEMO_FILE


def test_headless_run_writes_queue_with_predictions_and_suggestions(
    active_model: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.jsonl"
    assert main(["headless", "--tickets", str(DEMO_FILE), "--out", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(rows) == 300
    assert [r["queue_position"] for r in rows] == list(range(1, 301))
    negativity = [r["prediction"]["negativity"] for r in rows]
    assert negativity == sorted(negativity, reverse=True)
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
