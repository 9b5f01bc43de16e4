"""The review of flagged conversations: the list model, its filters, every decision through
the view (buttons and keys), who gets it, and flags that follow the window's own writes."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, QSettings, Qt
from PySide6.QtWidgets import QComboBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from console.qt.app import build_window
from console.qt.i18n import Translations
from console.qt.main_window import MainWindow
from console.qt.review_view import (
    FlagListModel,
    FlagRole,
    ReasonsRole,
    ReviewWindow,
    TicketIdRole,
    diff_html,
)
from console.qt.workers import Workers
from console.services import add_user
from console.services import scoring_loop as scoring_loop_module
from console.services.accounts import Account
from console.services.desk import open_store
from console.services.flags import SETTINGS_FILE, load_flag_settings, refresh_flags
from console.services.review import DiffSegment, list_flagged
from console.store import FlagFilter, FlaggedTicket, TicketStore
from inference import SentideskError
from tests.console.services.test_flags import NOW, draft, score

#: Only the rules whose outcome does not depend on the tiny model's scores, nor on the clock.
DETERMINISTIC_FLAGS = """
[negativity]
enabled = false
[low_confidence]
enabled = false
[repeat_contact]
enabled = false
[reply_sla]
enabled = false
"""
LAWYER, COMPLAINT, CALM = "R-1", "R-2", "R-3"


# -- the list model, without a window ---------------------------------------------------
def test_the_list_model_passes_the_model_tester_and_shows_reasons(
    qtmodeltester: ModelTester, store: TicketStore
) -> None:
    settings = dataclasses.replace(load_flag_settings(None), reply_sla_enabled=False)
    store.import_tickets(
        [
            draft("T1", "I will call my lawyer", customer="ann"),
            draft("T2", "where is my parcel", customer="bo"),
            draft("T3", "lovely, thanks", customer="cy"),
        ],
        "f",
    )
    score(store, "T1", 0.95)
    score(store, "T2", 0.9)
    score(store, "T3", 0.1)
    refresh_flags(store, settings, now=lambda: NOW)
    model = FlagListModel()
    qtmodeltester.check(model)
    model.set_records(list_flagged(store))
    qtmodeltester.check(model)
    assert model.rowCount() == 2 and model.row_of("T3") == -1
    row = model.row_of("T1")
    reasons = model.index(row, FlagListModel.COLUMNS.index("reasons"))
    assert reasons.data(ReasonsRole) == ("negativity", "escalation")
    assert reasons.data() == "Very negative, Escalation language"
    # the detail quotes the customer: escaped, as Qt would take it for markup
    assert "mentions &quot;lawyer&quot;" in reasons.data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(row, 0).data(TicketIdRole) == "T1"
    flag = model.index(row, 0).data(FlagRole)
    assert isinstance(flag, FlaggedTicket) and flag.status == "open"
    assert model.index(row, FlagListModel.COLUMNS.index("negativity")).data() == "95"
    assert model.index(row, FlagListModel.COLUMNS.index("status")).data() == "open"
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Reasons"


def test_a_reply_diff_strikes_out_what_was_removed_and_greens_what_was_added() -> None:
    html = diff_html(
        (
            DiffSegment("equal", "We ship "),
            DiffSegment("delete", "today"),
            DiffSegment("insert", "<tomorrow>"),
        )
    )
    assert html.startswith("We ship ")
    assert "line-through" in html and ">today</span>" in html
    assert "#1b5e20" in html and "&lt;tomorrow&gt;" in html


# -- the review window ------------------------------------------------------------------
@pytest.fixture
def desk(isolated_data_dir: Path, supervisor_account: Account) -> Account:
    """A data directory with a supervisor, an agent's relabel, and three tickets: two with
    escalation language (flagged whatever the model says) and a calm one."""
    isolated_data_dir.mkdir(parents=True, exist_ok=True)
    (isolated_data_dir / SETTINGS_FILE).write_text(DETERMINISTIC_FLAGS, encoding="utf-8")
    store = open_store(isolated_data_dir)
    try:
        add_user(store, supervisor_account.name, "supervisor", "a long password 1", None)
        store.import_tickets(
            [
                draft(LAWYER, "My lawyer will hear about this parcel", customer="ann"),
                draft(COMPLAINT, "再不退款我就投诉到12315", customer="li"),
                draft(CALM, "The parcel arrived, thank you", customer="bo"),
            ],
            "test",
        )
        store.correct(LAWYER, "category", "refund", "Max Agent")
    finally:
        store.close()
    return supervisor_account


@pytest.fixture
def open_window(
    qtbot: QtBot,
    isolated_data_dir: Path,
    tmp_path: Path,
    run: Callable[..., Any],
    active_model: str,
) -> Iterator[Callable[[Account], MainWindow]]:
    """Start windows for an account on the test's data directory, scored by the tiny model;
    each is shut down after the test."""
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
        rows = win.model.rowCount
        qtbot.waitUntil(
            lambda: rows() > 0 and all(win.model.index(r, 0).data() != "…" for r in range(rows())),
            timeout=60_000,
        )
        return win

    yield start
    for win, workers in started:
        run(win.shutdown())
        workers.shutdown()
        win.hide()
        win.deleteLater()


def _open_review(qtbot: QtBot, win: MainWindow) -> ReviewWindow:
    review = win.review.open()
    assert review is not None
    # the list is read in the background: nothing runs before the wait starts
    with qtbot.waitSignal(review.loaded, timeout=30_000):
        pass
    return review


def _ids(review: ReviewWindow) -> set[str]:
    return {f.id for f in review.model.records}


def _select(qtbot: QtBot, review: ReviewWindow, ticket_id: str) -> None:
    review.view.selectRow(review.model.row_of(ticket_id))
    qtbot.waitUntil(
        lambda: review.panel.detail is not None and review.panel.detail.ticket.id == ticket_id
    )


def _rows(run: Callable[..., Any], win: MainWindow, table: str) -> list[dict[str, Any]]:
    assert win.store is not None
    rows: list[dict[str, Any]] = run(win.workers.db(win.store.rows, table))
    return rows


def test_filters(qtbot: QtBot, desk: Account, open_window: Callable[[Account], MainWindow]) -> None:
    win = open_window(desk)
    review = _open_review(qtbot, win)
    assert _ids(review) == {LAWYER, COMPLAINT}
    reasons = review.model.index(review.model.row_of(COMPLAINT), 0).data(ReasonsRole)
    assert "escalation" in reasons

    def current(where: FlagFilter) -> bool:
        # other reads (after a scoring round, say) may come back meanwhile
        return where == review.current_filter()

    def after(change: Callable[[], object]) -> set[str]:
        """The list once the read that ``change`` asked for has come back."""
        with qtbot.waitSignal(review.loaded, timeout=10_000, check_params_cb=current):
            change()
        return _ids(review)

    def pick(combo: QComboBox, value: str) -> Callable[[], None]:
        return lambda: combo.setCurrentIndex(combo.findData(value))

    both = {LAWYER, COMPLAINT}
    assert after(pick(review.agent_filter, "Max Agent")) == {LAWYER}
    assert after(pick(review.agent_filter, "")) == both
    assert LAWYER in after(pick(review.category_filter, "refund"))
    assert all(f.category == "refund" for f in review.model.records)
    assert after(pick(review.category_filter, "")) == both
    assert after(pick(review.reason_filter, "reply_edit")) == set()
    assert after(pick(review.reason_filter, "escalation")) == both
    # the tickets were written on 2026-11-28
    assert after(lambda: review.since_filter.setDate(QDate(2026, 11, 29))) == set()
    assert after(lambda: review.since_filter.setDate(QDate(2026, 11, 28))) == both
    assert after(lambda: review.until_filter.setDate(QDate(2026, 11, 27))) == set()
    assert after(lambda: review.until_filter.setDate(QDate(2026, 11, 28))) == both
    assert after(pick(review.state_filter, "closed")) == set()
    assert after(pick(review.state_filter, "")) == both


def test_every_decision_through_the_view(
    qtbot: QtBot,
    desk: Account,
    open_window: Callable[[Account], MainWindow],
    run: Callable[..., Any],
    qtmodeltester: ModelTester,
) -> None:
    win = open_window(desk)
    review = _open_review(qtbot, win)
    qtmodeltester.check(review.model)
    _select(qtbot, review, LAWYER)
    panel = review.panel
    assert "Escalation language" in panel.reasons.text()
    assert "Max Agent set the category to <b>refund</b>" in panel.override.text()
    assert "Model" in panel.prediction.text()
    assert review.buttons["confirm_agent"].isEnabled()

    # confirm the agent's label: a button, with the note kept as the decision's comment
    review.note.setPlainText("right call")
    with qtbot.waitSignal(review.acted, timeout=10_000) as acted:
        review.buttons["confirm_agent"].click()
    assert acted.args == ["confirm_agent", LAWYER]
    assert review.note.toPlainText() == ""
    mine = [c for c in _rows(run, win, "corrections") if c["agent"] == desk.name]
    assert [(c["ticket_id"], c["field"], c["new_value"]) for c in mine] == [
        (LAWYER, "category", "refund")
    ]
    audit = [r for r in _rows(run, win, "audit") if r["action"] == "review_confirm_agent"]
    assert len(audit) == 1 and audit[0]["actor"] == desk.name
    assert "right call" in panel.history.toPlainText()

    # confirm the model by key
    review.view.setFocus()
    _select(qtbot, review, COMPLAINT)
    with qtbot.waitSignal(review.acted, timeout=10_000) as acted:
        qtbot.keyClick(review.view, Qt.Key.Key_M)
    assert acted.args == ["confirm_model", COMPLAINT]
    assert any(r["action"] == "review_confirm_model" for r in _rows(run, win, "audit"))

    # relabel: Alt+2 for the sentiment, the chooser and R for the category
    with qtbot.waitSignal(review.acted, timeout=10_000):
        qtbot.keyClick(review.view, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    review.category_choice.setCurrentIndex(review.category_choice.findData("payment"))
    with qtbot.waitSignal(review.acted, timeout=10_000):
        qtbot.keyClick(review.view, Qt.Key.Key_R)
    relabels = [
        (c["field"], c["new_value"])
        for c in _rows(run, win, "corrections")
        if c["agent"] == desk.name and c["ticket_id"] == COMPLAINT
    ]
    assert ("sentiment", "neutral") in relabels and relabels[-1] == ("category", "payment")
    assert review.model.index(review.model.row_of(COMPLAINT), 0).data(FlagRole).category == (
        "payment"
    )

    # a comment, by the button
    review.note.setPlainText("ask Max about the refund policy")
    with qtbot.waitSignal(review.acted, timeout=10_000):
        review.buttons["comment"].click()
    comments = [r for r in _rows(run, win, "reviews") if r["action"] == "comment"]
    assert [c["comment"] for c in comments] == ["ask Max about the refund policy"]

    # coaching by key
    with qtbot.waitSignal(review.acted, timeout=10_000) as acted:
        qtbot.keyClick(review.view, Qt.Key.Key_G)
    assert acted.args == ["coaching", COMPLAINT]
    flag = review.model.index(review.model.row_of(COMPLAINT), 0).data(FlagRole)
    assert flag.coaching

    # close by key: the flag leaves the open list, and the next one is selected
    with qtbot.waitSignal(review.acted, timeout=10_000) as acted:
        qtbot.keyClick(review.view, Qt.Key.Key_X)
    assert acted.args == ["close", COMPLAINT]
    assert _ids(review) == {LAWYER}
    assert review.selected_id() == LAWYER
    closes = [r for r in _rows(run, win, "audit") if r["action"] == "review_close"]
    assert [r["ticket_id"] for r in closes] == [COMPLAINT]
    review.state_filter.setCurrentIndex(review.state_filter.findData("closed"))
    qtbot.waitUntil(lambda: _ids(review) == {COMPLAINT})
    closed = review.model.index(0, 0).data(FlagRole)
    assert closed.status == "closed" and closed.closed_by == desk.name


def test_a_refused_decision_is_shown(
    qtbot: QtBot,
    desk: Account,
    open_window: Callable[[Account], MainWindow],
    agent_account: Account,
    caplog: pytest.LogCaptureFixture,
) -> None:
    win = open_window(desk)
    review = _open_review(qtbot, win)
    _select(qtbot, review, LAWYER)
    # an account the services do not take for a supervisor (as if demoted meanwhile)
    win.account = agent_account
    with qtbot.waitSignal(review.failed, timeout=10_000) as failed:
        review.buttons["close"].click()
    assert "supervisor" in failed.args[0]
    (key,) = [k for k in win.notices.shown() if k.startswith("write:")]
    assert "not saved" in (win.notices.text(key) or "")
    assert LAWYER in _ids(review)
    caplog.clear()  # the refusal is logged as a warning, as every refused write is


def test_an_agent_does_not_get_the_review(
    qtbot: QtBot,
    desk: Account,
    open_window: Callable[[Account], MainWindow],
    agent_account: Account,
) -> None:
    win = open_window(agent_account)
    assert win.review.open() is None
    assert not win.review.action.isVisible()
    assert not win.review.toolbar.isVisible()
    assert win.review.menu_action is not None and not win.review.menu_action.isVisible()
    # a supervisor logging in gets it; an agent after them closes it
    win.set_account(desk)
    assert win.review.action.isVisible()
    review = _open_review(qtbot, win)
    assert review.isVisible()
    win.set_account(agent_account)
    assert not review.isVisible()


def test_a_malformed_flag_settings_file_shows_a_notice_and_keeps_everything(
    qtbot: QtBot,
    desk: Account,
    isolated_data_dir: Path,
    open_window: Callable[[Account], MainWindow],
) -> None:
    (isolated_data_dir / SETTINGS_FILE).write_text(
        '[negativity]\nthreshold = "high"\n', encoding="utf-8"
    )
    win = open_window(desk)
    notice = win.notices.text("flag-settings") or ""
    assert SETTINGS_FILE in notice and "negativity.threshold" in notice
    assert win.flag_settings is None
    assert win.model.rowCount() == 3
    review = _open_review(qtbot, win)
    assert _ids(review) == set()  # nothing was flagged with settings nobody chose


def test_an_override_raises_the_override_flag(
    qtbot: QtBot,
    desk: Account,
    open_window: Callable[[Account], MainWindow],
    agent_account: Account,
    run: Callable[..., Any],
) -> None:
    win = open_window(agent_account)
    assert win.store is not None
    store = win.store
    flagged = run(win.workers.db(store.flagged, FlagFilter(), [CALM]))
    assert flagged == []
    detail = run(win.workers.db(store.ticket, CALM))
    other = "positive" if detail.sentiment != "positive" else "negative"
    with qtbot.waitSignal(win.storeChanged, timeout=10_000):
        win.apply_override(CALM, "sentiment", other)
    (flag,) = run(win.workers.db(store.flagged, FlagFilter(), [CALM]))
    assert [r.reason for r in flag.reasons] == ["override"]
    assert "Max Agent changed sentiment" in flag.reasons[0].detail


def test_flags_that_cannot_be_updated_after_scoring_are_shown(
    qtbot: QtBot,
    desk: Account,
    open_window: Callable[[Account], MainWindow],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def locked(*_args: object, **_kwargs: object) -> int:
        raise SentideskError("database is locked")

    monkeypatch.setattr(scoring_loop_module, "refresh_flags", locked)
    win = open_window(desk)
    qtbot.waitUntil(lambda: win.notices.text("flags") is not None)
    assert "locked" in (win.notices.text("flags") or "")
    assert win.model.rowCount() == 3  # the predictions themselves were stored
    caplog.clear()  # the scoring loop logs the failure as a warning
