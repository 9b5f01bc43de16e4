from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.cli import main
from inference import Manifest, ModelRegistry, models_dir
from tests.helpers import TINY_LAYOUT
from training import export_and_quantize


@pytest.fixture
def registered(tiny_model: Path, isolated_data_dir: Path) -> str:
    export_and_quantize(tiny_model, TINY_LAYOUT)
    registry = ModelRegistry(models_dir(isolated_data_dir))
    registry.register(tiny_model, Manifest("m1", "2026-11-28T00:00:00", "tiny"))
    registry.activate("m1")
    return "m1"


def test_score_writes_one_json_line_per_row(
    registered: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "tickets.csv"
    src.write_text("id,text\nA,where is my order\nB,\nC,质量太差了\n", encoding="utf-8")
    assert main(["score", str(src), "--explain", "--backend", "onnx-int8"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in lines] == ["A", "B", "C"]
    assert lines[1] == {"id": "B", "line": 3, "error": "empty text"}
    assert lines[0]["model_version"] == registered
    assert lines[2]["language"] == "zh"
    assert {"label", "probabilities", "negativity", "category", "explanation"} <= set(lines[0])


def test_eval_prints_table_and_writes_json(
    registered: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "eval.jsonl"
    rows = [
        {"text": "where is my order", "label": "neutral", "category": "logistics"},
        {"text": "terrible broken", "label": "negative", "category": "quality"},
        {"text": "thanks great", "label": "positive"},
        {"text": "质量太差了", "label": "negative", "lang": "zh"},
    ]
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    out = tmp_path / "report.json"
    assert main(["eval", "--data", str(data), "--json", str(out)]) == 0
    report = json.loads(out.read_text("utf-8"))
    for key in (
        "n",
        "accuracy",
        "macro_f1",
        "negativity_auc",
        "category_accuracy",
        "per_class",
        "confusion",
        "by_lang",
    ):
        assert key in report
    assert report["n"] == 4
    assert set(report["by_lang"]) == {"en", "zh"}
    assert report["by_lang"]["zh"]["n"] == 1
    assert "macroF1" in capsys.readouterr().out


def test_eval_rejects_unknown_labels(
    registered: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "eval.jsonl"
    data.write_text('{"text": "hi", "label": "angry"}\n', "utf-8")
    assert main(["eval", "--data", str(data)]) == 2
    assert "unknown label 'angry'" in capsys.readouterr().err


def test_commands_without_a_model_explain_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "t.txt"
    src.write_text("hello\n", "utf-8")
    assert main(["score", str(src)]) == 2
    assert "sentidesk model build" in capsys.readouterr().err


def test_data_dir_option_after_the_subcommand(
    registered: str, isolated_data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["model", "list", "--data-dir", str(isolated_data_dir)]) == 0
    assert "* m1" in capsys.readouterr().out
    assert main(["--data-dir", str(tmp_path / "elsewhere"), "model", "list"]) == 0
    assert capsys.readouterr().out == ""
