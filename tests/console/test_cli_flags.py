"""``sentidesk flags``: flagged conversations listed headless, as a table or as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.cli import main
from console.services.desk import open_store
from tests.console.services.test_flags import draft, score


@pytest.fixture
def flagged_store(isolated_data_dir: Path) -> Path:
    store = open_store(isolated_data_dir)
    try:
        store.import_tickets(
            [draft("T1", "我要去12315投诉你们"), draft("T2", "thanks", customer="bo")], "f"
        )
        score(store, "T1", 0.95)
        score(store, "T2", 0.1)
    finally:
        store.close()
    # replies and waits depend on the clock; these checks are about the listing
    (isolated_data_dir / "flags.toml").write_text(
        "[reply_sla]\nenabled = false\n", encoding="utf-8"
    )
    return isolated_data_dir


def test_flags_as_json(flagged_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "flags.json"
    assert main(["flags", "--json", str(out)]) == 0
    (row,) = json.loads(out.read_text("utf-8"))
    assert row["id"] == "T1"
    assert row["status"] == "open"
    assert (row["sentiment"], row["category"], row["agent"]) == ("negative", "logistics", None)
    assert row["negativity"] == pytest.approx(0.95)
    assert [r["reason"] for r in row["reasons"]] == ["negativity", "escalation"]
    assert row["reasons"][1]["detail"] == 'mentions "12315", "投诉"'
    assert {"customer", "subject", "created_at", "coaching", "closed_by"} <= set(row)


def test_flags_to_stdout_and_as_a_table(
    flagged_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["flags", "--json", "-", "--reason", "escalation"]) == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)] == ["T1"]
    assert main(["flags", "--reason", "override"]) == 0
    assert capsys.readouterr().out == "no flagged tickets\n"
    assert main(["flags"]) == 0
    table = capsys.readouterr().out
    assert "T1" in table and "escalation: mentions" in table and "T2" not in table


def test_flags_refuse_bad_settings_and_reasons(
    flagged_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["flags", "--reason", "nope"]) == 2
    assert "unknown flag reason nope" in capsys.readouterr().err
    settings = flagged_store / "flags.toml"
    settings.write_text("[reply_sla]\nenabeld = false\n", encoding="utf-8")
    assert main(["flags"]) == 2
    err = capsys.readouterr().err
    assert str(settings) in err and "unknown key reply_sla.enabeld" in err


def test_an_unwritable_json_path_is_a_clear_error(
    flagged_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["flags", "--json", str(tmp_path / "missing" / "x.json")]) == 2
    assert "cannot write" in capsys.readouterr().err
