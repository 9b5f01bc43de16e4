"""Who is working: the login dialog, the first supervisor account, and the window's account."""

from __future__ import annotations

import asyncio
import getpass
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

import console.qt.app as app_module
from console.qt.app import build_window, log_in, run_app
from console.qt.i18n import Translations
from console.qt.login import LAST_NAME_SETTING, LoginDialog, choose_account
from console.qt.main_window import MainWindow
from console.qt.workers import Workers
from console.services.accounts import Account, add_user
from console.services.demo import DEMO_FILE
from console.services.desk import open_store
from console.store import ReplyDraft, TicketStore

PASSWORD = "correct horse"


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def workers() -> Iterator[Workers]:
    w = Workers()
    yield w
    w.shutdown()


@pytest.fixture
def db(isolated_data_dir: Path, workers: Workers, run: Callable[..., Any]) -> Iterator[TicketStore]:
    """The store the dialog checks against, opened on the database worker like the app does."""
    store: TicketStore = run(workers.db(open_store, isolated_data_dir))
    yield store
    run(workers.db(store.close))


def _add(isolated_data_dir: Path, name: str, role: str, actor: Account | None = None) -> Account:
    """Set up an account directly in the store file (the test's own connection)."""
    store = open_store(isolated_data_dir)
    try:
        return add_user(store, name, role, PASSWORD, actor)
    finally:
        store.close()


class Clock:
    """Epoch seconds that move only when a test says so, for the login throttle."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def _visible_dialog(qtbot: QtBot) -> LoginDialog:
    found: list[LoginDialog] = []

    def shown() -> bool:
        found[:] = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, LoginDialog) and w.isVisible()
        ]
        return len(found) == 1

    qtbot.waitUntil(shown)
    return found[0]


def _settled(dialog: LoginDialog) -> Callable[[], bool]:
    return lambda: not dialog.busy and dialog.error.text() not in ("", "Checking…")


def test_first_launch_creates_a_supervisor_and_logs_in(
    qtbot: QtBot,
    db: TicketStore,
    workers: Workers,
    settings: QSettings,
    isolated_data_dir: Path,
) -> None:
    future = asyncio.ensure_future(choose_account(db, workers, settings))
    dialog = _visible_dialog(qtbot)
    assert dialog.first_launch
    assert dialog.repeat.isVisible()
    assert dialog.ok_button.text() == "Create and log in"

    dialog.name.setText("Ann Lee")
    dialog.password.setText("short")
    dialog.repeat.setText("short")
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    assert dialog.error.text() == "The password needs at least 8 characters."
    dialog.password.setText(PASSWORD)
    dialog.repeat.setText(PASSWORD + "!")
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    assert dialog.error.text() == "The two passwords differ."
    assert not future.done()

    dialog.repeat.setText(PASSWORD)
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    qtbot.waitUntil(future.done)
    account = future.result()
    assert isinstance(account, Account)
    assert (account.name, account.role, account.is_supervisor) == ("Ann Lee", "supervisor", True)
    assert settings.value(LAST_NAME_SETTING) == "Ann Lee"
    store = open_store(isolated_data_dir)
    try:
        assert [(u.name, u.role) for u in store.users()] == [("Ann Lee", "supervisor")]
        # the password itself is stored nowhere, only its hash
        assert PASSWORD not in repr(store.rows("users")) + repr(store.rows("audit"))
    finally:
        store.close()


def test_wrong_password_is_refused_then_throttled_then_accepted(
    qtbot: QtBot,
    db: TicketStore,
    workers: Workers,
    settings: QSettings,
    isolated_data_dir: Path,
    run: Callable[..., Any],
) -> None:
    _add(isolated_data_dir, "Ann", "supervisor")
    clock = Clock()
    dialog: LoginDialog = run(LoginDialog.for_store(db, workers, settings, clock=clock))
    assert not dialog.first_launch
    assert not dialog.repeat.isVisible()
    future = asyncio.ensure_future(dialog.wait())
    qtbot.waitUntil(dialog.isVisible)
    # the button is disabled while the database worker checks the password
    busy: list[tuple[bool, bool]] = []
    dialog.busyChanged.connect(lambda b: busy.append((b, dialog.ok_button.isEnabled())))

    dialog.name.setText("Ann")
    dialog.password.setText("wrong password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(_settled(dialog))
    assert dialog.error.text() == "Wrong name or password."
    assert busy == [(True, False), (False, True)]
    assert dialog.ok_button.isEnabled()
    assert dialog.password.text() == ""  # typed again from scratch
    assert dialog.account is None and dialog.isVisible() and not future.done()

    # right away, even the right password waits out the pause the failure started
    dialog.error.clear()
    dialog.password.setText(PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(_settled(dialog))
    assert dialog.error.text() == "Too many failed logins for Ann: wait 0.5 s before trying again."
    assert not future.done()

    clock.now += 1
    dialog.password.setText(PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(future.done)
    account = future.result()
    assert account is not None and account.name == "Ann"
    assert not dialog.isVisible()


def test_unknown_names_and_disabled_accounts_are_refused(
    qtbot: QtBot,
    db: TicketStore,
    workers: Workers,
    settings: QSettings,
    isolated_data_dir: Path,
    run: Callable[..., Any],
) -> None:
    ann = _add(isolated_data_dir, "Ann", "supervisor")
    _add(isolated_data_dir, "Bob", "agent", ann)
    store = open_store(isolated_data_dir)
    try:
        with store.conn:  # no service disables accounts yet
            store.conn.execute("UPDATE users SET disabled = 1 WHERE name = 'Bob'")
    finally:
        store.close()
    dialog: LoginDialog = run(LoginDialog.for_store(db, workers, settings, clock=Clock()))
    future = asyncio.ensure_future(dialog.wait())
    qtbot.waitUntil(dialog.isVisible)

    dialog.name.setText("Nobody")
    dialog.password.setText(PASSWORD)
    dialog.submit()
    qtbot.waitUntil(_settled(dialog))
    assert dialog.error.text() == "Wrong name or password."  # same answer as a wrong password

    dialog.error.clear()
    dialog.name.setText("Bob")
    dialog.password.setText(PASSWORD)
    dialog.submit()
    qtbot.waitUntil(_settled(dialog))
    assert dialog.error.text() == "The account Bob is disabled; ask a supervisor to enable it."

    dialog.error.clear()
    dialog.name.setText("")
    dialog.submit()
    assert dialog.error.text() == "Type your name."
    assert not future.done() and dialog.account is None
    dialog.reject()
    qtbot.waitUntil(future.done)
    assert future.result() is None


def test_the_last_name_that_logged_in_is_offered_again(
    qtbot: QtBot,
    db: TicketStore,
    workers: Workers,
    settings: QSettings,
    isolated_data_dir: Path,
    run: Callable[..., Any],
) -> None:
    ann = _add(isolated_data_dir, "Ann", "supervisor")
    _add(isolated_data_dir, "Bob", "agent", ann)
    settings.setValue(LAST_NAME_SETTING, "Ann")
    dialog: LoginDialog = run(LoginDialog.for_store(db, workers, settings))
    future = asyncio.ensure_future(dialog.wait())
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.name.text() == "Ann"
    assert dialog.focusWidget() is dialog.password  # only the password is left to type

    dialog.name.setText("Bob")
    dialog.password.setText(PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Enter)  # the keypad's Enter logs in too
    qtbot.waitUntil(future.done)
    bob = future.result()
    assert bob is not None and bob.role == "agent"
    assert settings.value(LAST_NAME_SETTING) == "Bob"

    again: LoginDialog = run(LoginDialog.for_store(db, workers, settings))
    assert again.name.text() == "Bob"
    again.deleteLater()


def test_cancelling_returns_no_account_and_remembers_nothing(
    qtbot: QtBot,
    qloop: object,
    workers: Workers,
    settings: QSettings,
    isolated_data_dir: Path,
) -> None:
    _add(isolated_data_dir, "Ann", "supervisor")
    future = asyncio.ensure_future(log_in(isolated_data_dir, settings, workers))
    dialog = _visible_dialog(qtbot)
    assert dialog.cancel_button.text() == "Quit"
    dialog.name.setText("Ann")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Escape)
    qtbot.waitUntil(future.done)
    assert future.result() is None
    assert settings.value(LAST_NAME_SETTING) is None


def test_run_app_quits_cleanly_when_the_login_is_cancelled(
    qtbot: QtBot,
    qapp: QApplication,
    tmp_path: Path,
    isolated_data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the user's real settings stay untouched
    monkeypatch.setattr(
        app_module,
        "QSettings",
        lambda: QSettings(str(tmp_path / "app.ini"), QSettings.Format.IniFormat),
    )
    cancelled: list[str] = []

    def cancel_once_shown() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, LoginDialog) and widget.isVisible():
                cancelled.append(widget.windowTitle())
                widget.reject()
                return
        QTimer.singleShot(20, cancel_once_shown)

    QTimer.singleShot(0, cancel_once_shown)
    try:
        assert run_app(isolated_data_dir, demo=True, language="en") == 0
    finally:
        asyncio.set_event_loop(None)
        qapp.setQuitOnLastWindowClosed(True)
    assert cancelled == ["Sentidesk: the first supervisor account"]
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]


# -- the window's account ---------------------------------------------------------------
@pytest.fixture
def open_window(
    qtbot: QtBot,
    isolated_data_dir: Path,
    settings: QSettings,
    workers: Workers,
    run: Callable[..., Any],
) -> Iterator[Callable[[Account], MainWindow]]:
    started: list[MainWindow] = []

    def start(account: Account) -> MainWindow:
        win = build_window(isolated_data_dir, settings, Translations(), workers, account)
        qtbot.addWidget(win)
        win.show()
        run(win.start(DEMO_FILE))
        started.append(win)
        return win

    yield start
    for win in started:
        run(win.shutdown())


def _first_ticket(qtbot: QtBot, win: MainWindow) -> str:
    win.view.selectRow(0)
    ticket_id = win.model.ticket_id(0)
    assert ticket_id is not None
    qtbot.waitUntil(lambda: win.panel.detail is not None and win.panel.detail.id == ticket_id)
    return ticket_id


def test_the_window_works_as_the_account_that_logged_in(
    qtbot: QtBot,
    open_window: Callable[[Account], MainWindow],
    supervisor_account: Account,
    isolated_data_dir: Path,
) -> None:
    win = open_window(supervisor_account)
    assert win.account is supervisor_account
    assert win.agent_name == "Sue Supervisor"
    assert win.account_label.text() == "Logged in: Sue Supervisor (supervisor)"
    assert "Sue Supervisor" in win.windowTitle()

    ticket_id = _first_ticket(qtbot, win)
    with qtbot.waitSignal(win.storeChanged, timeout=10_000):
        win.apply_override(ticket_id, "category", "refund")
    with qtbot.waitSignal(win.storeChanged, timeout=10_000):
        win.apply_status(ticket_id, "solved")
    with qtbot.waitSignal(win.storeChanged, timeout=10_000):
        win.send_reply(
            ReplyDraft(ticket_id, "Sorry for the wait, the refund is on its way.", None, None, 5.0)
        )

    store = TicketStore(isolated_data_dir / "sentidesk.db")
    try:
        (correction,) = store.rows("corrections")
        (reply,) = store.rows("replies")
        audit = [r for r in store.rows("audit") if r["ticket_id"] == ticket_id]
        actions = {r["action"] for r in audit}
    finally:
        store.close()
    assert correction["agent"] == "Sue Supervisor"
    assert reply["agent"] == "Sue Supervisor"
    assert {"correct_category", "status", "reply"} <= actions
    assert {r["actor"] for r in audit} == {"Sue Supervisor"}
    assert getpass.getuser() != "Sue Supervisor"


def test_switching_users_changes_who_is_working(
    qtbot: QtBot,
    open_window: Callable[[Account], MainWindow],
    isolated_data_dir: Path,
    settings: QSettings,
) -> None:
    ann = _add(isolated_data_dir, "Ann", "supervisor")
    _add(isolated_data_dir, "Bob", "agent", ann)
    win = open_window(ann)
    ticket_id = _first_ticket(qtbot, win)

    # cancelling a switch keeps whoever was working
    switching = asyncio.ensure_future(win.switch_user())
    dialog = _visible_dialog(qtbot)
    assert dialog.cancel_button.text() == "Cancel"
    qtbot.keyClick(dialog.password, Qt.Key.Key_Escape)
    qtbot.waitUntil(switching.done)
    assert switching.result() is None and win.account is ann

    with qtbot.waitSignal(win.accountChanged, timeout=10_000) as changed:
        switching = asyncio.ensure_future(win.switch_user())
        dialog = _visible_dialog(qtbot)
        dialog.name.setText("Bob")
        dialog.password.setText(PASSWORD)
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    bob = changed.args[0]
    assert (bob.name, bob.role) == ("Bob", "agent")
    assert win.account == bob and not win.account.is_supervisor
    assert win.account_label.text() == "Logged in: Bob (agent)"
    assert settings.value(LAST_NAME_SETTING) == "Bob"

    with qtbot.waitSignal(win.storeChanged, timeout=10_000):
        win.apply_override(ticket_id, "category", "refund")
    store = TicketStore(isolated_data_dir / "sentidesk.db")
    try:
        (correction,) = store.rows("corrections")
    finally:
        store.close()
    assert correction["agent"] == "Bob"


def test_logging_out_and_cancelling_closes_the_window(
    qtbot: QtBot,
    open_window: Callable[[Account], MainWindow],
    isolated_data_dir: Path,
) -> None:
    ann = _add(isolated_data_dir, "Ann", "supervisor")
    win = open_window(ann)
    with qtbot.waitSignal(win.closed, timeout=10_000):
        leaving = asyncio.ensure_future(win.log_out())
        dialog = _visible_dialog(qtbot)
        assert not win.isVisible()  # nobody's queue is on screen while nobody is logged in
        assert dialog.cancel_button.text() == "Quit"
        dialog.reject()
        qtbot.waitUntil(leaving.done)
    assert leaving.result() is None
