"""Spike alerts in the console: the list model, the banner after a check, the Alerts list
with the tickets behind an alert, and acknowledging it (supervisors only)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from console.qt import alerts_view
from console.qt.alerts_view import (
    AcknowledgedRole,
    AlertIdRole,
    AlertListModel,
    AlertRole,
    TicketsRole,
)
from console.qt.app import build_window
from console.qt.i18n import Translations
from console.qt.main_window import MainWindow
from console.qt.workers import Workers
from console.services import add_user
from console.services.accounts import Account
from console.services.alerts import check_alerts, detect, load_alert_settings
from console.services.desk import open_store
from console.store import (
    AlertRecord,
    MessageDraft,
    StreamTicket,
    TicketDraft,
    TicketStore,
    iso_time,
)
from tests.console.qt.conftest import make_account
from tests.console.services.test_alerts import as_prediction, stream
from tests.console.store.test_store_alerts import alert


def test_the_list_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = AlertListModel()
    qtmodeltester.check(model)
    records = [
        AlertRecord(2, alert("all", tickets=("T9",)), "2026-11-28T10:00:00+00:00"),
        AlertRecord(1, alert(), "2026-11-28T09:00:00+00:00", "sue", "2026-11-28T11:00:00+00:00"),
    ]
    model.set_records(records)
    qtmodeltester.check(model)
    assert model.rowCount() == 2 and model.row_of(1) == 1 and model.row_of(7) == -1
    first = model.index(0, 0)
    assert first.data(AlertIdRole) == 2 and first.data(AlertRole) == records[0]
    assert first.data(TicketsRole) == ["T9"] and first.data(AcknowledgedRole) is False
    column = AlertListModel.COLUMNS.index
    assert model.index(0, column("category")).data() == "all tickets"
    assert model.index(1, column("category")).data() == "logistics"
    assert model.index(1, column("share")).data() == "60%"
    assert model.index(1, column("baseline")).data() == "20%"
    assert model.index(1, column("status")).data() == "acknowledged by sue"
    assert model.index(0, column("status")).data() == "new"
    assert "12 of 20 tickets negative" in model.index(1, column("share")).data(
        Qt.ItemDataRole.ToolTipRole
    )
    assert model.headerData(column("share"), Qt.Orientation.Horizontal) == "Negative share"


def _fill(store: TicketStore, ticks: list[StreamTicket], version: str) -> None:
    """The tickets as if the active model had scored them, so the window does not re-score."""
    store.import_tickets(
        [
            TicketDraft(
                id=t.id,
                subject="",
                messages=(MessageDraft("customer", f"ticket {t.id}", iso_time(t.at)),),
                created_at=iso_time(t.at),
            )
            for t in ticks
        ],
        "f",
    )
    texts = {tid: text for tid, text, _ in store.pending_scoring(version, limit=len(ticks))}
    predictions = [(t.id, texts[t.id], as_prediction(t, version)) for t in ticks]
    store.save_predictions(predictions)


@pytest.fixture
def spiky_window(
    qtbot: QtBot,
    isolated_data_dir: Path,
    tmp_path: Path,
    run: Callable[..., Any],
    active_model: str,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Callable[[Account], MainWindow]]:
    """Windows on a store whose logistics tickets spike; the live check runs as of just
    after the first alert would have fired."""
    ticks = stream(6, 6, 0.2, spike=(140, 4, 2, 0.7), seed=9)
    first = detect(ticks, load_alert_settings(None))[0]
    store = open_store(isolated_data_dir)
    try:
        add_user(store, "Sue Supervisor", "supervisor", "a long password 1", None)
        _fill(store, ticks, active_model)
    finally:
        store.close()
    now = first.fired_at + 600
    monkeypatch.setattr(
        alerts_view, "check_alerts", functools.partial(check_alerts, now=lambda: now)
    )
    started: list[tuple[MainWindow, Workers]] = []

    def start(account: Account) -> MainWindow:
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        workers = Workers()
        win = build_window(isolated_data_dir, settings, Translations(), workers, account)
        # not qtbot.addWidget: pytest-qt would delete the window before this fixture's
        # teardown shuts it down, under a review refresh still in flight
        win.show()
        run(win.start(None))
        started.append((win, workers))
        return win

    yield start
    for win, workers in started:
        run(win.shutdown())
        workers.shutdown()
        win.hide()
        win.deleteLater()


def test_a_new_alert_shows_a_banner_once_and_the_list_acknowledges_it(
    qtbot: QtBot, spiky_window: Callable[[Account], MainWindow], run: Callable[..., Any]
) -> None:
    win = spiky_window(make_account("Sue Supervisor", "supervisor"))
    new: list[AlertRecord] = run(win.alerts.check())
    assert new and new[0].alert.category == "logistics"
    key = f"alert-{new[0].id}"
    assert key in win.notices.shown()
    text = win.notices.text(key) or ""
    assert text.startswith("Spike alert: logistics") and "baseline" in text
    # the next round sees the same incident: no second banner
    win.notices.clear(key)
    assert run(win.alerts.check()) == []
    assert key not in win.notices.shown()

    # the banner's button opens the list on that alert
    win.notices.show_notice(key, "again", action=("Show", lambda: win.alerts.open(new[0].id)))
    button = win.notices.action_button(key)
    assert button is not None
    button.click()
    view = win.alerts.view
    assert view is not None
    qtbot.waitUntil(lambda: view.model.rowCount() == len(new) and view.selected() is not None)
    selected = view.selected()
    assert selected is not None and selected.id == new[0].id
    assert view.tickets.count() == len(new[0].alert.tickets)
    assert view.tickets.item(0).text() == new[0].alert.tickets[0]
    assert view.open_button.isEnabled()

    # a ticket behind it opens in the main window
    view.open_selected_ticket()
    qtbot.waitUntil(
        lambda: win.panel.detail is not None and win.panel.detail.id == new[0].alert.tickets[0]
    )

    assert view.ack_button.isVisible() and view.ack_button.isEnabled()
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        view.ack_button.click()
    row = view.model.row_of(new[0].id)
    assert view.model.index(row, 0).data(AcknowledgedRole) is True
    assert not view.ack_button.isEnabled()
    assert win.store is not None
    entries = run(win.workers.db(win.store.audit_entries, ["alert_acknowledge"]))
    assert [e["actor"] for e in entries] == ["Sue Supervisor"]


def test_agents_see_alerts_but_cannot_acknowledge(
    qtbot: QtBot, spiky_window: Callable[[Account], MainWindow], run: Callable[..., Any]
) -> None:
    win = spiky_window(make_account("Max Agent", "agent"))
    assert run(win.alerts.check())
    view = win.alerts.open()
    qtbot.waitUntil(lambda: view.model.rowCount() > 0 and view.selected() is not None)
    assert not view.ack_button.isVisible() and not view.ack_button.isEnabled()


def test_bad_settings_turn_alerts_off_under_a_notice(
    spiky_window: Callable[[Account], MainWindow],
    run: Callable[..., Any],
    isolated_data_dir: Path,
) -> None:
    win = spiky_window(make_account("Sue Supervisor", "supervisor"))
    (isolated_data_dir / "flags.toml").write_text("[alerts]\nmin_volume = 0\n", "utf-8")
    assert run(win.alerts.check()) == []
    text = win.notices.text("alert-settings") or ""
    assert "alerts.min_volume must be a whole number" in text


def test_a_scoring_round_checks_for_alerts(
    qtbot: QtBot,
    spiky_window: Callable[[Account], MainWindow],
    run: Callable[..., Any],
    tmp_path: Path,
) -> None:
    win = spiky_window(make_account("Sue Supervisor", "supervisor"))
    path = tmp_path / "new.jsonl"
    path.write_text('{"id": "NEW-1", "text": "where is my parcel"}\n', encoding="utf-8")
    with qtbot.waitSignal(win.alerts.raised, timeout=60_000) as raised:
        run(win.import_files([path]))
    assert raised.args is not None
    (records,) = raised.args
    assert records and f"alert-{records[0].id}" in win.notices.shown()
