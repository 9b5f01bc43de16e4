"""``sentidesk templates list|export|import``: the template library headless, and imports
that only a supervisor may run, all or nothing."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from console.cli import main
from console.services import add_user
from console.services.desk import open_store
from console.services.template_edits import packaged_templates

DELAY = "en-logistics-delay-apology"
SUPERVISOR_PASSWORD = "supervisor-pass"
AGENT_PASSWORD = "agent-password"


@pytest.fixture
def desk(isolated_data_dir: Path) -> Path:
    store = open_store(isolated_data_dir)
    try:
        ann = add_user(store, "ann", "supervisor", SUPERVISOR_PASSWORD, None)
        add_user(store, "bob", "agent", AGENT_PASSWORD, ann)
    finally:
        store.close()
    return isolated_data_dir


def as_user(monkeypatch: pytest.MonkeyPatch, user: str, password: str, *args: str) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
    return main([*args, "--user", user, "--password-stdin"])


def listed(capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, object]]:
    assert main(["templates", "list", "--json", "-"]) == 0
    return {row["id"]: row for row in json.loads(capsys.readouterr().out)}


def test_list_as_a_table_and_as_json(
    desk: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["templates", "list"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:3] == ["id", "lang", "state"]
    assert any(line.startswith(DELAY) and " default " in line for line in table)
    rows = listed(capsys)
    assert len(rows) == len(packaged_templates().templates)
    row = rows[DELAY]
    assert row["state"] == "default" and row["language"] == "en" and row["retired"] is False
    assert row["sentiments"] == ["negative"] and "customer_name" in row["placeholders"]  # type: ignore[operator]
    assert {"title", "body", "categories", "updated_by", "updated_at", "uses"} <= set(row)
    out = tmp_path / "t.json"
    assert main(["templates", "list", "--json", str(out)]) == 0
    assert capsys.readouterr().out == f"wrote {len(rows)} templates to {out}\n"
    assert len(json.loads(out.read_text("utf-8"))) == len(rows)


def test_export_edit_import_round_trip(
    desk: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "templates.toml"
    assert main(["templates", "export", "--out", str(out)]) == 0
    count = len(packaged_templates().templates)
    assert capsys.readouterr().out == f"exported {count} templates to {out}\n"
    text = out.read_text("utf-8")
    shipped_title = packaged_templates().by_id[DELAY].title
    text = text.replace(f'title = "{shipped_title}"', 'title = "Late order"', 1)
    text += (
        '\n[[template]]\nid = "en-custom"\nlanguage = "en"\ntitle = "Custom"\n'
        'sentiments = ["neutral"]\ncategories = ["other"]\nbody = "Hi {customer_name}"\n'
    )
    out.write_text(text, encoding="utf-8")
    assert as_user(monkeypatch, "ann", SUPERVISOR_PASSWORD, "templates", "import", str(out)) == 0
    assert capsys.readouterr().out == f"templates.toml: 1 new, 1 updated, {count - 1} unchanged\n"
    rows = listed(capsys)
    assert rows[DELAY]["title"] == "Late order" and rows[DELAY]["state"] == "edited"
    assert rows[DELAY]["updated_by"] == "ann"
    assert rows["en-custom"]["state"] == "new"

    # what was exported imports unchanged, into the same store or another
    again = tmp_path / "again.toml"
    assert main(["templates", "export", "--out", str(again)]) == 0
    capsys.readouterr()
    assert as_user(monkeypatch, "ann", SUPERVISOR_PASSWORD, "templates", "import", str(again)) == 0
    assert capsys.readouterr().out == f"again.toml: 0 new, 0 updated, {count + 1} unchanged\n"
    store = open_store(desk)
    try:
        audited = store.audit_entries(["template_create", "template_edit"])
    finally:
        store.close()
    assert sorted(r["details"]["template"] for r in audited) == ["en-custom", DELAY]
    assert all(r["actor"] == "ann" and r["details"]["file"] == "templates.toml" for r in audited)


def test_import_is_for_supervisors_and_a_bad_file_changes_nothing(
    desk: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "templates.toml"
    assert main(["templates", "export", "--out", str(out)]) == 0
    capsys.readouterr()
    assert as_user(monkeypatch, "bob", AGENT_PASSWORD, "templates", "import", str(out)) == 2
    err = capsys.readouterr().err
    assert err.startswith("sentidesk: error: editing reply templates needs a supervisor")

    text = out.read_text("utf-8")
    shipped_title = packaged_templates().by_id[DELAY].title
    bad = text.replace(f'title = "{shipped_title}"', 'title = "Late"', 1).replace(
        "number is {tracking_number}", "number is {tracking}", 1
    )
    out.write_text(bad, encoding="utf-8")
    assert as_user(monkeypatch, "ann", SUPERVISOR_PASSWORD, "templates", "import", str(out)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "templates.toml: template 1 (en-logistics-delay-apology): unknown placeholder" in err
    out.write_text(text.replace("[[template]]", "[[template]", 1), encoding="utf-8")
    assert as_user(monkeypatch, "ann", SUPERVISOR_PASSWORD, "templates", "import", str(out)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a valid TOML file" in err
    assert all(row["state"] == "default" for row in listed(capsys).values())
    # the import option is required
    with pytest.raises(SystemExit):
        main(["templates", "import", str(out)])
    capsys.readouterr()
