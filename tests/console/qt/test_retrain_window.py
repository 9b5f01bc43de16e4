"""Retraining from the window: who sees it, the verdict dialog, and real short retrains of
the tiny model (progress, cancel, close, promote)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QTableWidgetItem
from pytestqt.qtbot import QtBot

from console.qt.app import build_window
from console.qt.i18n import Translations
from console.qt.main_window import MainWindow
from console.qt.retrain_flow import (
    RetrainDialog,
    ScheduleDialog,
    VerdictDialog,
    load_schedule,
    save_schedule,
)
from console.qt.workers import Workers
from console.services import add_user
from console.services.accounts import Account
from console.services.demo import DEMO_FILE
from console.services.desk import open_store
from console.services.retrain import Promotion, RetrainOutcome
from console.services.retrain_schedule import RetrainSchedule, ScheduleState, retrain_due
from inference import ModelRegistry, models_dir
from training import RetrainResult

#: a retrain of the tiny model that takes a minute or two, not ten
SHORT = (
    "--replay-size", "64", "--lexical-size", "200", "--epochs", "1",
    "--batch-size", "16", "--max-length", "32",
)  # fmt: skip
RETRAIN_TIMEOUT_MS = 400_000


@pytest.fixture
def open_window(
    qtbot: QtBot,
    active_model: str,
    isolated_data_dir: Path,
    tmp_path: Path,
    run: Callable[..., Any],
) -> Iterator[Callable[[Account], MainWindow]]:
    workers = Workers()
    windows: list[MainWindow] = []
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)

    def start(account: Account) -> MainWindow:
        win = build_window(isolated_data_dir, settings, Translations(), workers, account)
        win.retrain.options = SHORT
        qtbot.addWidget(win)
        win.show()
        run(win.start(DEMO_FILE))
        windows.append(win)
        return win

    yield start
    for win in windows:
        run(win.shutdown(), timeout=120_000)
    workers.shutdown()


@pytest.fixture
def supervisor(isolated_data_dir: Path, supervisor_account: Account) -> Account:
    """The supervisor account, stored: the services check the actor again in the store."""
    store = open_store(isolated_data_dir)
    try:
        add_user(store, supervisor_account.name, "supervisor", "a long password 1", None)
    finally:
        store.close()
    return supervisor_account


def _correct_some(win: MainWindow, run: Callable[..., Any], count: int = 12) -> None:
    assert win.store is not None
    for row in range(count):
        ticket_id = win.model.ticket_id(row)
        assert ticket_id is not None
        label = ("negative", "neutral", "positive")[row % 3]
        run(win.workers.db(win.store.correct, ticket_id, "sentiment", label, win.agent_name))


def _audit(win: MainWindow, run: Callable[..., Any], action: str) -> list[dict[str, Any]]:
    assert win.store is not None
    return list(run(win.workers.db(win.store.audit_entries, (action,))))


def _dialog(qtbot: QtBot, win: MainWindow, kind: type[QDialog], timeout: int) -> Any:
    qtbot.waitUntil(lambda: isinstance(win.retrain.dialog, kind), timeout=timeout)
    dialog = win.retrain.dialog
    assert isinstance(dialog, kind)
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def _start(qtbot: QtBot, win: MainWindow) -> None:
    """Press Retrain and confirm."""
    win.retrain_action.trigger()
    dialog = _dialog(qtbot, win, RetrainDialog, 30_000)
    assert dialog.budget.value() == 10
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: win.retrain.job is not None, timeout=30_000)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


# -- who may ------------------------------------------------------------------------------
def test_agents_are_not_offered_retrain_or_history_and_are_refused(
    qtbot: QtBot, open_window: Callable[[Account], MainWindow], agent_account: Account
) -> None:
    win = open_window(agent_account)
    for action in (win.retrain_action, win.schedule_action, win.history_action):
        assert not action.isVisible()
        assert not action.isEnabled()
    assert not win.model_menu.menuAction().isVisible()
    assert win.model_toolbar.isHidden()
    assert win.open_model_history() is None
    # the service refuses agents, whatever the window offers
    with qtbot.waitSignal(win.retrain.finished, timeout=30_000) as blocker:
        win.retrain.begin()
    assert blocker.args == [None]
    text = win.notices.text("retrain")
    assert text is not None and "Retrain refused" in text and "supervisor" in text


def test_supervisors_see_the_model_actions(
    open_window: Callable[[Account], MainWindow], supervisor: Account, agent_account: Account
) -> None:
    win = open_window(supervisor)
    assert win.retrain_action.isVisible() and win.retrain_action.isEnabled()
    assert win.model_menu.menuAction().isVisible()
    assert not win.model_toolbar.isHidden()
    win.set_account(agent_account)
    assert not win.retrain_action.isVisible()


def test_nothing_to_retrain_on_says_so(
    qtbot: QtBot, open_window: Callable[[Account], MainWindow], supervisor: Account
) -> None:
    win = open_window(supervisor)
    with qtbot.waitSignal(win.retrain.finished, timeout=30_000):
        win.retrain.begin()
    text = win.notices.text("retrain")
    assert text is not None and "no corrections" in text


def test_cancelling_the_confirmation_starts_nothing(
    qtbot: QtBot,
    open_window: Callable[[Account], MainWindow],
    supervisor: Account,
    run: Callable[..., Any],
    isolated_data_dir: Path,
) -> None:
    win = open_window(supervisor)
    _correct_some(win, run)
    win.retrain_action.trigger()
    dialog = _dialog(qtbot, win, RetrainDialog, 30_000)
    with qtbot.waitSignal(win.retrain.finished, timeout=30_000):
        dialog.reject()
    assert win.retrain.job is None
    assert not list(models_dir(isolated_data_dir).glob(".corrections-*"))
    assert _audit(win, run, "retrain") == []


# -- the verdict --------------------------------------------------------------------------
def _result(promote: bool) -> RetrainResult:
    def side(accuracy: float, correct: int) -> dict[str, Any]:
        return {
            "gold": {
                "n": 100,
                "accuracy": accuracy,
                "macro_f1": accuracy - 0.1,
                "recall": {"negative": 0.9, "neutral": 0.4, "positive": accuracy},
                "category_accuracy": 0.5,
            },
            "held_out": {"n": 4, "labels": 4, "correct": correct, "accuracy": 0.5},
        }

    checks = [
        {"name": "gold macro-F1", "champion": 0.6, "challenger": 0.62, "limit": 0.595,
         "passed": True},
        {"name": "gold recall of positive", "champion": 0.7, "challenger": 0.5,
         "limit": 0.68, "passed": promote},
        {"name": "corrections hold-out labels correct", "champion": 2.0, "challenger": 3.0,
         "limit": 2.0, "passed": True},
    ]  # fmt: skip
    return RetrainResult(
        champion="m-old",
        challenger="m-new",
        promote=promote,
        reasons=("because",),
        metrics={"champion": side(0.7, 2), "challenger": side(0.72, 3)},
        seconds=12.0,
        corrections=10,
        held_out=4,
        gate={"promote": promote, "reasons": ["because"], "checks": checks},
    )


@pytest.mark.parametrize(
    ("promote", "button", "expected"),
    [
        (True, "promote", Promotion.GATE),
        (True, "keep", Promotion.NEVER),
        (True, "close", Promotion.NEVER),
        (False, "keep", Promotion.GATE),
        (False, "promote", Promotion.FORCE),
        (False, "close", Promotion.GATE),
    ],
)
def test_verdict_buttons_map_to_a_promotion(
    qtbot: QtBot, promote: bool, button: str, expected: Promotion
) -> None:
    dialog = VerdictDialog(_result(promote))
    qtbot.addWidget(dialog)
    dialog.show()
    default = dialog.promote_button if promote else dialog.keep_button
    assert default.isDefault()
    assert dialog.promote_button.text() == ("Promote" if promote else "Promote anyway")
    assert dialog.keep_button.text() == "Keep current model"
    if button == "promote":
        dialog.promote_button.click()
    elif button == "keep":
        dialog.keep_button.click()
    else:
        dialog.reject()  # Esc or the window's close button
    assert dialog.promotion is expected


def _text(item: QTableWidgetItem | None) -> str:
    assert item is not None
    return item.text()


def test_verdict_shows_both_models_and_every_check(qtbot: QtBot) -> None:
    dialog = VerdictDialog(_result(False))
    qtbot.addWidget(dialog)
    metrics = dialog.metrics
    header = [_text(metrics.horizontalHeaderItem(c)) for c in range(3)]
    assert header[1:] == ["Current model (m-old)", "New model (m-new)"]
    rows = {
        _text(metrics.item(r, 0)): (_text(metrics.item(r, 1)), _text(metrics.item(r, 2)))
        for r in range(metrics.rowCount())
    }
    assert rows["Gold accuracy"] == ("70.0%", "72.0%")
    assert rows["Gold macro-F1"] == ("60.0%", "62.0%")
    assert rows["Gold recall: negative"] == ("90.0%", "90.0%")
    assert rows["Gold category accuracy"] == ("50.0%", "50.0%")
    assert rows["Held-out corrections right"] == ("2 / 4", "3 / 4")
    checks = dialog.checks
    table = [[_text(checks.item(r, c)) for c in range(5)] for r in range(checks.rowCount())]
    assert table == [
        ["Gold macro-F1", "60.0%", "62.0%", "59.5%", "ok"],
        ["Gold recall: positive", "70.0%", "50.0%", "68.0%", "worse"],
        ["Held-out corrections right", "2", "3", "2", "ok"],
    ]


# -- the schedule -------------------------------------------------------------------------
def test_schedule_is_off_by_default_and_kept_per_machine(qtbot: QtBot, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    assert not load_schedule(settings).enabled
    dialog = ScheduleDialog(load_schedule(settings))
    qtbot.addWidget(dialog)
    dialog.after_enabled.setChecked(True)
    dialog.after.setValue(50)
    dialog.nightly_enabled.setChecked(True)
    dialog.nightly.setValue(3)
    save_schedule(settings, dialog.schedule())
    assert load_schedule(settings) == RetrainSchedule(50, 3, 10.0)


def test_schedule_rules() -> None:
    night = datetime(2026, 12, 1, 3, 15)
    nightly = RetrainSchedule(nightly_hour=3)
    assert retrain_due(nightly, night, None, None) == "nightly"
    assert retrain_due(nightly, night, None, "2026-12-01") is None  # ran tonight already
    assert retrain_due(nightly, night.replace(hour=4), None, None) is None
    after = RetrainSchedule(after_corrections=10)
    assert retrain_due(after, night, ScheduleState(9, None), None) is None
    assert retrain_due(after, night, ScheduleState(10, None), None) == "corrections"
    assert retrain_due(after, night, ScheduleState(25, 16), None) is None
    assert retrain_due(after, night, ScheduleState(26, 16), None) == "corrections"
    assert retrain_due(RetrainSchedule(), night, ScheduleState(99, None), None) is None


# -- real retrains of the tiny model ------------------------------------------------------
@pytest.mark.integration
def test_retrain_progress_and_cancel(
    qtbot: QtBot,
    open_window: Callable[[Account], MainWindow],
    supervisor: Account,
    run: Callable[..., Any],
    isolated_data_dir: Path,
    active_model: str,
) -> None:
    win = open_window(supervisor)
    _correct_some(win, run)
    _start(qtbot, win)
    assert not win.retrain_action.isEnabled()  # one at a time
    assert not win.progress.isHidden()
    qtbot.waitUntil(lambda: win.progress.progress.stage is not None, timeout=120_000)
    assert win.progress.stage.text() != "Starting…"
    # the queue stays usable meanwhile
    win.view.selectRow(3)
    qtbot.waitUntil(lambda: win.panel.detail is not None, timeout=30_000)
    job = win.retrain.job
    assert job is not None
    pid = job.pid
    with qtbot.waitSignal(win.retrain.finished, timeout=60_000) as blocker:
        win.progress.cancel_button.click()
    assert blocker.args == [None]
    assert _gone(pid)
    text = win.notices.text("retrain")
    assert text is not None and "cancelled" in text
    assert win.progress.isHidden()
    assert win.retrain_action.isEnabled()
    registry = ModelRegistry(models_dir(isolated_data_dir))
    assert registry.active_version() == active_model
    assert registry.names() == [active_model]
    (row,) = _audit(win, run, "retrain")
    assert row["details"]["failure"] and row["after"] == {"active": active_model}
    assert not list(registry.root.glob(".corrections-*"))


@pytest.mark.integration
def test_closing_the_window_cancels_a_running_retrain(
    qtbot: QtBot,
    open_window: Callable[[Account], MainWindow],
    supervisor: Account,
    run: Callable[..., Any],
    isolated_data_dir: Path,
    active_model: str,
) -> None:
    win = open_window(supervisor)
    _correct_some(win, run)
    _start(qtbot, win)
    job = win.retrain.job
    assert job is not None
    qtbot.waitUntil(lambda: job.pid > 0, timeout=30_000)
    pid = job.pid
    with qtbot.waitSignal(win.closed, timeout=60_000):
        win.close()
    assert _gone(pid)
    assert not win.retrain.running
    registry = ModelRegistry(models_dir(isolated_data_dir))
    assert registry.active_version() == active_model
    assert registry.names() == [active_model]
    store = open_store(isolated_data_dir)
    try:
        (row,) = store.audit_entries(("retrain",))
    finally:
        store.close()
    assert row["details"]["failure"]


@pytest.mark.integration
def test_a_retrain_promoted_from_the_verdict_rescoring_the_queue(
    qtbot: QtBot,
    open_window: Callable[[Account], MainWindow],
    supervisor: Account,
    run: Callable[..., Any],
    isolated_data_dir: Path,
    active_model: str,
) -> None:
    win = open_window(supervisor)
    _correct_some(win, run)
    stages: list[str] = []
    _start(qtbot, win)
    job = win.retrain.job
    assert job is not None
    job.eventReceived.connect(lambda event: stages.append(event["stage"]))
    verdict = _dialog(qtbot, win, VerdictDialog, RETRAIN_TIMEOUT_MS)
    assert "train" in stages
    assert verdict.metrics.rowCount() >= 4
    challenger = verdict.retrain_result.challenger
    assert verdict.checks.rowCount() == len(verdict.retrain_result.gate["checks"])
    with qtbot.waitSignal(win.retrain.finished, timeout=120_000) as blocker:
        verdict.promote_button.click()
    outcome = blocker.args[0]
    assert isinstance(outcome, RetrainOutcome) and outcome.promoted
    assert outcome.promotion is (Promotion.GATE if outcome.result.promote else Promotion.FORCE)
    assert win.scorer is not None and win.scorer.version == challenger
    text = win.notices.text("retrain")
    assert text is not None and challenger in text and "re-scored" in text
    assert ModelRegistry(models_dir(isolated_data_dir)).active_version() == challenger
    promoted = _audit(win, run, "model_promote") + _audit(win, run, "model_promote_forced")
    assert [json.dumps(r["after"]) for r in promoted] == [json.dumps({"active": challenger})]

    # the open queue is re-scored by the new model in the background
    store = open_store(isolated_data_dir)
    try:
        qtbot.waitUntil(
            lambda: store.pending_scoring(challenger, 10, frozenset()) == [], timeout=120_000
        )
    finally:
        store.close()


def test_a_due_schedule_starts_a_retrain_without_asking(
    qtbot: QtBot,
    open_window: Callable[[Account], MainWindow],
    supervisor: Account,
    agent_account: Account,
) -> None:
    win = open_window(supervisor)
    now = datetime(2026, 12, 1, 3, 15)
    win.retrain.clock = lambda: now
    save_schedule(win.settings, RetrainSchedule(nightly_hour=3))
    win.set_account(agent_account)
    win.retrain.check_schedule()  # nobody to run it for
    assert not win.retrain.running
    win.set_account(supervisor)
    with qtbot.waitSignal(win.retrain.finished, timeout=30_000) as blocker:
        win.retrain.check_schedule()
    # nothing to learn from: skipped quietly, and not again tonight
    assert blocker.args == [None]
    assert win.retrain.dialog is None
    assert win.notices.text("retrain") is None
    assert win.settings.value("retrain/last_nightly") == "2026-12-01"


@pytest.mark.integration
def test_after_a_switch_to_an_agent_the_gate_decides_not_the_person_at_the_keyboard(
    qtbot: QtBot,
    open_window: Callable[[Account], MainWindow],
    supervisor: Account,
    agent_account: Account,
    run: Callable[..., Any],
) -> None:
    """The verdict is audited in the name of the supervisor who started the retrain, so an
    agent who took over the window must not be the one to force or refuse it."""
    win = open_window(supervisor)
    _correct_some(win, run)
    _start(qtbot, win)
    win.set_account(agent_account)
    shown: list[object] = []

    def finished() -> bool:
        shown.append(win.retrain.dialog)
        return not win.retrain.running

    with qtbot.waitSignal(win.retrain.finished, timeout=RETRAIN_TIMEOUT_MS) as blocker:
        qtbot.waitUntil(finished, timeout=RETRAIN_TIMEOUT_MS)
    assert not [d for d in shown if isinstance(d, VerdictDialog)]
    outcome = blocker.args[0]
    assert isinstance(outcome, RetrainOutcome) and outcome.promotion is Promotion.GATE
