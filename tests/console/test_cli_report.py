"""``sentidesk report``: the HTML page with its numbers and embedded charts (nothing
external, customer and account strings escaped), ``--json``, and who may export."""

from __future__ import annotations

import json
import os
import re
import stat
import time
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import pytest

from console.cli import main
from console.services.desk import open_store
from console.services.flags import load_flag_settings
from console.services.report import report_html
from console.services.trends import AgentFigures, TrendsQuery, compute_trends
from tests.console.services.test_trends import DAY, NOW, T0, build_known_store
from tests.console.test_cli import ANN_PASSWORD, BOB_PASSWORD, _as, accounts  # noqa: F401


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Dates on the command line are local days: the known store's are UTC ones."""
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def known(accounts: None, isolated_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    store = open_store(isolated_data_dir)
    try:
        with monkeypatch.context() as patch:
            build_known_store(store, patch)
    finally:
        store.close()


def _report(monkeypatch: pytest.MonkeyPatch, user: str, password: str, *args: str) -> int:
    return _as(
        monkeypatch,
        user,
        password,
        "report",
        "--since",
        "2026-11-02",
        "--until",
        "2026-11-04",
        *args,
    )


def test_the_report_holds_the_numbers_and_loads_nothing_external(
    known: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    isolated_data_dir: Path,
) -> None:
    out, numbers = tmp_path / "report.html", tmp_path / "report.json"
    code = _report(monkeypatch, "ann", ANN_PASSWORD, "--out", str(out), "--json", str(numbers))
    assert code == 0, capsys.readouterr().err
    assert capsys.readouterr().out == (
        f"wrote the report of 7 tickets (3 negative) to {out} and its numbers to {numbers}\n"
    )
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    # readable like any file the user makes (the umask's), not the owner's alone
    umask = os.umask(0o022)
    os.umask(umask)
    for written in (out, numbers):
        assert stat.S_IMODE(written.stat().st_mode) == 0o666 & ~umask
    assert "<title>Sentidesk report 2026-11-02 – 2026-11-04</title>" in page
    # the summary and the per-day table carry the dashboard's numbers
    assert '<tr><td>tickets</td><td class="n">7</td></tr>' in page
    assert '<tr><td>negative share</td><td class="n">50.0%</td></tr>' in page
    assert (
        '<tr><td>2026-11-02 (Mon)</td><td class="n">3</td><td class="n">3</td>'
        '<td class="n">2</td><td class="n">66.7%</td>'
    ) in page
    assert "<td>tpl-a</td>" in page and "<td>ann</td>" in page
    # charts are embedded images; nothing is fetched from anywhere
    assert page.count('src="data:image/png;base64,') == 13
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "<script" not in page and "<link" not in page and "@import" not in page

    data = json.loads(numbers.read_text(encoding="utf-8"))
    assert set(data) == {
        "since",
        "until",
        "generated_at",
        "timezone",
        "sla_hours",
        "heavy_edit_threshold",
        "totals",
        "days",
        "hours",
        "phrases",
        "agents",
        "templates",
    }
    assert data["since"] == "2026-11-02T00:00:00+00:00"
    assert data["until"] == "2026-11-05T00:00:00+00:00"
    assert data["totals"]["volume"] == 7 and data["totals"]["negatives"] == 3
    assert set(data["days"]) == {
        "starts",
        "ends",
        "overall",
        "category",
        "channel",
        "language",
        "waiting",
    }
    assert [p["volume"] for p in data["days"]["overall"]["all"]] == [3, 3, 1]
    assert [a["agent"] for a in data["agents"]] == ["ann", "bob"]
    assert set(data["agents"][0]) >= {"tickets", "override_rate", "median_first_reply_hours"}
    assert data["templates"][0]["template"] == "tpl-a"

    store = open_store(isolated_data_dir)
    try:
        (entry,) = store.audit_entries(["report_export"])
    finally:
        store.close()
    assert entry["actor"] == "ann"
    assert entry["details"]["files"] == ["report.html", "report.json"]
    assert entry["details"]["tickets"] == 7


def test_json_to_stdout(
    known: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.html"
    assert _report(monkeypatch, "ann", ANN_PASSWORD, "--out", str(out), "--json", "-") == 0
    assert json.loads(capsys.readouterr().out)["totals"]["volume"] == 7
    assert out.exists()


def test_an_agent_is_refused_and_nothing_is_written(
    known: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "report.html"
    assert _report(monkeypatch, "bob", BOB_PASSWORD, "--out", str(out)) == 2
    assert capsys.readouterr().err == (
        "sentidesk: error: exporting a report needs a supervisor account; bob is an agent\n"
    )
    assert not out.exists()


def test_bad_dates_and_outputs_are_refused_before_any_work(
    known: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = str(tmp_path / "r.html")
    assert main(["report", "--since", "last week", "--out", out]) == 2
    assert "--since 'last week' is not a date" in capsys.readouterr().err
    assert main(["report", "--since", "2026-11-04", "--until", "2026-11-02", "--out", out]) == 2
    assert "the range is empty" in capsys.readouterr().err
    missing = str(tmp_path / "no" / "such" / "r.html")
    assert main(["report", "--since", "2026-11-02", "--out", missing]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_customer_and_account_strings_are_escaped(known: None, isolated_data_dir: Path) -> None:
    store = open_store(isolated_data_dir)
    try:
        trends = compute_trends(
            store,
            TrendsQuery(T0, T0 + 3 * DAY, min_phrase_tickets=1),
            load_flag_settings(None),
            titles={"tpl-a": '<img src="https://evil.example/x.png">'},
            tz=UTC,
            now=lambda: NOW,
        )
    finally:
        store.close()
    hostile = AgentFigures("<script>alert(1)</script>", 1, 1, 0, 0, 0, None, None, 0, ("A1",))
    trends = type(trends)(**{**trends.__dict__, "agents": (hostile,)})
    page = report_html(trends, {}, author="<b>sue</b>", tz=UTC)
    assert "<script>" not in page and "<img src=" not in page and "<b>sue" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=&quot;https://evil.example/x.png&quot;&gt;" in page
