"""Nothing the agent did is lost or fails silently; bad files and broken models never stop
the console from starting."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

import console.qt.main_window as main_window_module
from console.qt.app import build_window
from console.qt.i18n import Translations
from console.qt.main_window import MainWindow
from console.qt.workers import Workers
from console.services import inbox as inbox_module
from console.services.accounts import Account
from console.services.demo import DEMO_FILE
from console.store import ReplyDraft, StoreError, TicketStore
from console.store import store as store_module
from inference import ModelRegistry, models_dir


@pytest.fixture
def open_window(
    qtbot: QtBot,
    isolated_data_dir: Path,
    tmp_path: Path,
    run: Callable[..., Any],
    agent_account: Account,
) -> Iterator[Callable[..., MainWindow]]:
    """Start windows on the test's data directory; each is shut down after the test."""
    started: list[tuple[MainWindow, Workers]] = []

    def start(demo: bool = True) -> MainWindow:
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        workers = Workers()
        win = build_window(isolated_data_dir, settings, Translations(), workers, agent_account)
        qtbot.addWidget(win)
        win.show()
        run(win.start(DEMO_FILE if demo else None))
        started.append((win, workers))
        return win

    yield start
    for win, workers in started:
        run(win.shutdown())
        workers.shutdown()


def _first_ticket(qtbot: QtBot, win: MainWindow) -> str:
    win.view.selectRow(0)
    ticket_id = win.model.ticket_id(0)
    assert ticket_id is not None
    qtbot.waitUntil(lambda: win.panel.detail is not None and win.panel.detail.id == ticket_id)
    return ticket_id


def _wait_scored(qtbot: QtBot, win: MainWindow) -> None:
    rows = win.model.rowCount
    qtbot.waitUntil(
        lambda: rows() > 0 and all(win.model.index(r, 0).data() != "…" for r in range(rows())),
        timeout=60_000,
    )


def _hold_write_lock(path: Path, seconds: float, started: threading.Event) -> None:
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    started.set()
    time.sleep(seconds)
    other.execute("ROLLBACK")
    other.close()


def test_a_failed_write_is_shown_and_the_widget_shows_the_stored_value(
    qtbot: QtBot,
    open_window: Callable[..., MainWindow],
    active_model: str,
    isolated_data_dir: Path,
    run: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    win = open_window()
    _wait_scored(qtbot, win)  # no scoring writes compete for the lock below
    _first_ticket(qtbot, win)
    assert win.store is not None
    run(win.workers.db(win.store.conn.execute, "PRAGMA busy_timeout = 50"))
    monkeypatch.setattr(store_module, "_RETRY_PAUSE_SECONDS", 0.01)
    before = win.panel.sentiment.currentData()
    target = "positive" if before != "positive" else "neutral"
    started = threading.Event()
    holder = threading.Thread(
        target=_hold_write_lock, args=(isolated_data_dir / "sentidesk.db", 2.0, started)
    )
    holder.start()
    started.wait()
    try:
        with qtbot.waitSignal(win.writeFailed, timeout=10_000) as failed:
            win.panel.relabel(target)
            assert win.panel.sentiment.currentData() == target  # what the agent picked…
    finally:
        holder.join()
    assert "not saved" in failed.args[0] and "locked" in failed.args[0]
    assert "could not save the sentiment" in caplog.text  # and in the log
    caplog.clear()
    (key,) = [k for k in win.notices.shown() if k.startswith("write:")]
    assert "locked" in (win.notices.text(key) or "")
    # …and, once the store refused it, what is really stored
    qtbot.waitUntil(lambda: win.panel.sentiment.currentData() == before)
    assert run(win.workers.db(win.store.rows, "corrections")) == []

    ticket_id = win.panel.detail.id if win.panel.detail else ""
    with qtbot.waitSignal(win.storeChanged, timeout=10_000):
        win.apply_status(ticket_id, "solved")  # another change that works…
    assert win.notices.text(key) is not None  # …does not hide that this one failed
    with qtbot.waitSignal(win.storeChanged, timeout=10_000):
        win.panel.relabel(target)  # the lock is gone: the same action now works
    assert win.notices.text(key) is None


def test_closing_right_after_send_waits_for_the_reply(
    qtbot: QtBot,
    open_window: Callable[..., MainWindow],
    active_model: str,
    isolated_data_dir: Path,
    run: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    win = open_window()
    ticket_id = _first_ticket(qtbot, win)
    real_send = main_window_module.send_reply  # type: ignore[attr-defined]

    def slow_send(*args: Any) -> None:
        time.sleep(1.0)  # a slow disk, or a write waiting for another process's lock
        real_send(*args)

    monkeypatch.setattr(main_window_module, "send_reply", slow_send)
    notes: list[str] = []
    win.notices.changed.connect(lambda: notes.extend(win.notices.shown()))
    body = "Dear customer," + " we are sorry for the delay." * 200
    with qtbot.waitSignal(win.closed, timeout=20_000):
        win.send_reply(ReplyDraft(ticket_id, body, None, None, 3.0))
        assert not win.panel.send.isEnabled()  # a second press would store it twice
        win.close()
    assert "closing" in notes  # it said why the window did not close at once
    run(win.shutdown())
    store = TicketStore(isolated_data_dir / "sentidesk.db")
    try:
        (reply,) = store.rows("replies")
        assert reply["body"] == body
        assert store.ticket(ticket_id).messages[-1].body == body
    finally:
        store.close()


def test_a_write_failing_while_closing_keeps_the_window_open_once(
    qtbot: QtBot,
    open_window: Callable[..., MainWindow],
    active_model: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    win = open_window()
    ticket_id = _first_ticket(qtbot, win)

    def locked(*args: Any) -> None:
        time.sleep(0.2)
        raise StoreError("could not save the reply: the database is locked by another program")

    monkeypatch.setattr(main_window_module, "send_reply", locked)
    closed: list[bool] = []
    win.closed.connect(lambda: closed.append(True))
    win.send_reply(ReplyDraft(ticket_id, "Sorry for the wait!", None, None, 3.0))
    win.close()
    qtbot.waitUntil(lambda: "stayed open" in (win.notices.text("closing") or ""))
    assert win.isVisible() and closed == []
    assert any(k.startswith("write:") for k in win.notices.shown())
    assert "locked" in caplog.text
    caplog.clear()
    with qtbot.waitSignal(win.closed, timeout=5_000):
        win.close()  # the agent has seen why, and closes anyway


def test_several_inbox_files_at_start_are_all_taken_once(
    qtbot: QtBot,
    open_window: Callable[..., MainWindow],
    active_model: str,
    isolated_data_dir: Path,
) -> None:
    inbox = isolated_data_dir / "inbox"
    inbox.mkdir(parents=True)
    for number in range(4):
        (inbox / f"f{number}.csv").write_text(f"id,text\nI{number},parcel late\n", "utf-8")
    old = time.time() - 60
    for path in inbox.iterdir():
        os.utime(path, (old, old))
    win = open_window()
    qtbot.waitUntil(lambda: len(list((inbox / "imported").glob("*.csv"))) == 4, timeout=10_000)
    qtbot.wait(300)  # let any second scan the moves triggered run
    assert win.notices.text("inbox") is None
    assert all(win.model.row_of(f"I{n}") >= 0 for n in range(4))


def test_bad_inbox_files_never_stop_the_console_from_starting(
    qtbot: QtBot,
    open_window: Callable[..., MainWindow],
    active_model: str,
    isolated_data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    inbox = isolated_data_dir / "inbox"
    inbox.mkdir(parents=True)
    (inbox / "garbage.csv").write_bytes(bytes(range(256)) * 20)
    (inbox / "notes.docx").write_bytes(b"PK\x03\x04 not tickets")
    (inbox / "buggy.jsonl").write_text('{"id": "B1", "text": "hello"}\n', "utf-8")
    old = time.time() - 60
    for path in inbox.iterdir():
        os.utime(path, (old, old))
    real_import = inbox_module.import_path  # type: ignore[attr-defined]

    def importer_bug(store: TicketStore, path: Path) -> Any:
        if path.name == "buggy.jsonl":
            raise OverflowError("timestamp out of range")  # a bug, not a SentideskError
        return real_import(store, path)

    monkeypatch.setattr(inbox_module, "import_path", importer_bug)

    win = open_window()

    failed = inbox / "failed"
    qtbot.waitUntil(lambda: len(list(failed.glob("*.reason.txt"))) == 3, timeout=10_000)
    assert sorted(p.name for p in inbox.iterdir() if p.is_file()) == []
    reason = (failed / "buggy.jsonl.reason.txt").read_text("utf-8")
    assert "OverflowError" in reason
    assert "unsupported file type" in (failed / "notes.docx.reason.txt").read_text("utf-8")
    assert win.notices.text("inbox") is not None
    assert win.model.rowCount() == 300  # the queue is there
    # the importer bug's trace goes to the log
    assert any(r.exc_info and "buggy.jsonl" in r.getMessage() for r in caplog.records)
    caplog.clear()


def test_inbox_takes_a_second_file_of_the_same_name(
    qtbot: QtBot,
    open_window: Callable[..., MainWindow],
    active_model: str,
    isolated_data_dir: Path,
) -> None:
    win = open_window()
    inbox = isolated_data_dir / "inbox"
    for number, text in enumerate(("the parcel is late", "the parcel is broken"), 1):
        with qtbot.waitSignal(win.importFinished, timeout=20_000) as done:
            (inbox / "new.csv").write_text(f"id,text\nS{number},{text}\n", "utf-8")
        assert done.args[0].added == 1
    assert sorted(p.name for p in (inbox / "imported").iterdir()) == ["new-2.csv", "new.csv"]
    assert win.model.row_of("S1") >= 0 and win.model.row_of("S2") >= 0


def test_scoring_failures_are_shown_and_retried(
    qtbot: QtBot,
    open_window: Callable[..., MainWindow],
    active_model: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls = {"n": 0}
    real = TicketStore.pending_scoring

    def flaky(self: TicketStore, *args: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise StoreError("could not save the new predictions: the database is locked")
        return real(self, *args)

    monkeypatch.setattr(TicketStore, "pending_scoring", flaky)
    win = open_window()
    qtbot.waitUntil(lambda: win.notices.text("scoring") is not None, timeout=10_000)
    assert "Retrying in 1 s" in (win.notices.text("scoring") or "")
    _wait_scored(qtbot, win)
    assert win.notices.text("scoring") is None
    assert any("scoring round failed" in r.getMessage() for r in caplog.records)
    caplog.clear()


def test_without_a_model_the_queue_opens_unscored_with_a_notice(
    qtbot: QtBot, open_window: Callable[..., MainWindow]
) -> None:
    win = open_window()
    assert win.model.rowCount() == 300
    notice = win.notices.text("model") or ""
    assert "sentidesk model build" in notice
    assert win.model_label.text() == "No model"


def test_a_missing_active_model_falls_back_to_the_previous_version(
    qtbot: QtBot,
    open_window: Callable[..., MainWindow],
    active_model: str,
    isolated_data_dir: Path,
) -> None:
    registry = ModelRegistry(models_dir(isolated_data_dir))
    newer = registry.path("m-tiny-2")
    shutil.copytree(registry.path(active_model), newer)
    manifest = (newer / "manifest.json").read_text("utf-8")
    (newer / "manifest.json").write_text(manifest.replace("m-tiny", "m-tiny-2"), "utf-8")
    registry.activate("m-tiny-2")
    shutil.rmtree(newer)

    win = open_window()

    notice = win.notices.text("model") or ""
    assert "m-tiny-2" in notice and "using m-tiny" in notice
    assert win.scorer is not None and win.scorer.version == active_model


def test_customer_strings_are_never_rendered_as_rich_text(
    qtbot: QtBot,
    open_window: Callable[..., MainWindow],
    isolated_data_dir: Path,
    run: Callable[..., Any],
    tmp_path: Path,
) -> None:
    hostile = "<b>Mallory</b><img src='x'>"
    win = open_window(demo=False)
    tickets = tmp_path / "hostile.jsonl"
    row = {"id": "H1", "customer": hostile, "subject": hostile, "text": "hello"}
    tickets.write_text(json.dumps(row) + "\n", "utf-8")
    run(win.import_files([tickets]))
    _first_ticket(qtbot, win)
    subject = win.model.index(0, win.model.COLUMNS.index("subject"))
    tooltip = subject.data(Qt.ItemDataRole.ToolTipRole)
    assert "Mallory" in tooltip and "<b>Mallory" not in tooltip  # escaped, not markup
    for label in win.findChildren(QLabel):
        text = label.text()
        if "Mallory" not in text:
            continue
        if label.textFormat() != Qt.TextFormat.PlainText:
            assert hostile not in text, f"{label.objectName() or label} renders {text!r}"


def _listening_inodes() -> set[str]:
    inodes = set()
    for table in ("tcp", "tcp6", "udp", "udp6"):
        path = Path("/proc/net") / table
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            # TCP LISTEN is state 0A; any bound UDP socket receives from the network
            if table.startswith("udp") or fields[3] == "0A":
                inodes.add(fields[9])
    return inodes


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux /proc")
def test_the_running_console_listens_on_no_network_port(
    qtbot: QtBot, open_window: Callable[..., MainWindow], active_model: str
) -> None:
    win = open_window()
    qtbot.waitUntil(lambda: win.scorer is not None, timeout=20_000)
    ours = set()
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            ours.add(target[len("socket:[") : -1])
    assert ours & _listening_inodes() == set()
