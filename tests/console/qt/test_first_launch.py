"""The first launch: a window on a data directory without a model opens at once, scores with a
provisional model, builds the default model in the background and switches to it; a failed,
cancelled or interrupted build leaves the provisional model in place."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

import console.qt.first_launch as first_launch_module
from console.qt.app import build_window
from console.qt.first_launch import NOTICE
from console.qt.i18n import Translations
from console.qt.main_window import MainWindow
from console.qt.notices import NoticeBar
from console.qt.workers import Workers
from console.services.accounts import Account
from console.services.demo import DEMO_FILE
from console.services.first_launch import BuildOutcome
from inference import ModelRegistry, models_dir
from tests.helpers import write_tiny_base

#: A default build from the tiny base encoder that takes a minute or two, not 25.
BUILD_TIMEOUT_MS = 400_000


@pytest.fixture
def open_window(
    qtbot: QtBot,
    isolated_data_dir: Path,
    tmp_path: Path,
    run: Callable[..., Any],
    agent_account: Account,
) -> Iterator[Callable[..., MainWindow]]:
    """Start windows with the first launch on, as the application has it; each is shut down
    (cancelling what it builds) after the test.

    Not handed to ``qtbot.addWidget``: pytest-qt closes and deletes those before fixtures are
    torn down, which would destroy a build's process object while its end is awaited."""
    workers = Workers()
    started: list[MainWindow] = []

    def start(build_options: tuple[str, ...] = ()) -> MainWindow:
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        win = build_window(isolated_data_dir, settings, Translations(), workers, agent_account)
        win.first_launch.enabled = True
        win.first_launch.build_options = build_options
        win.show()
        run(win.start(DEMO_FILE))
        started.append(win)
        return win

    yield start
    for win in started:
        run(win.shutdown(), timeout=120_000)
        win.close()
        win.deleteLater()
    workers.shutdown()


def _fake_training(monkeypatch: pytest.MonkeyPatch, script: str) -> None:
    """Make "the default build" a Python snippet instead of ``python -m training build``."""
    monkeypatch.setattr(
        first_launch_module,
        "build_command",
        lambda _root, _options=(): (sys.executable, "-c", script),
    )


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _all_scored_by(win: MainWindow, run: Callable[..., Any], version: str) -> bool:
    assert win.store is not None
    return not run(win.workers.db(win.store.pending_scoring, version, 1000, frozenset()))


def _work_folders(root: Path) -> list[str]:
    return [p.name for p in models_dir(root).iterdir() if p.name.startswith(".") and p.is_dir()]


# -- quick: with what is there already, and with stand-in processes ------------------------
def test_a_real_model_is_loaded_as_before_and_nothing_is_built(
    qtbot: QtBot, open_window: Callable[..., MainWindow], active_model: str
) -> None:
    win = open_window()
    assert not win.first_launch.running and win.first_launch.job is None
    assert win.scorer is not None and win.scorer.version == active_model
    assert not win.scorer_provisional
    assert win.model_label.text().startswith(f"model {active_model} (")
    assert NOTICE not in win.notices.shown()


def test_a_failed_build_keeps_the_provisional_model_and_offers_to_build_again(
    qtbot: QtBot,
    open_window: Callable[..., MainWindow],
    provisional_model: str,
    isolated_data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _fake_training(
        monkeypatch,
        "import json; print(json.dumps({'stage': 'base'}), flush=True); "
        "print(json.dumps({'stage': 'error', 'message': 'no space left on device'}))",
    )
    win = open_window()
    # the provisional model scores at once; the build runs beside it
    assert win.scorer is not None and win.scorer.version == provisional_model
    assert win.scorer_provisional
    qtbot.waitUntil(lambda: win.notices.action_button(NOTICE) is not None, timeout=30_000)
    assert not win.first_launch.running
    text = win.notices.text(NOTICE) or ""
    assert "no space left on device" in text and "provisional model stays active" in text
    assert win.model_label.text() == "provisional model (character n-grams)"
    assert ModelRegistry(models_dir(isolated_data_dir)).active_version() == provisional_model
    assert not win.progress.isVisible()

    # "Build again" starts another build
    _fake_training(monkeypatch, "import time; time.sleep(60)")
    button = win.notices.action_button(NOTICE)
    assert button is not None and button.text() == "Build again"
    with qtbot.waitSignal(win.first_launch.buildStarted, timeout=10_000):
        button.click()
    assert NOTICE in win.notices.shown()  # says that the queue is scored provisionally meanwhile
    assert win.first_launch.building and win.progress.isVisible()
    assert win.model_label.text() == (
        "provisional model (character n-grams) — the default model is being built"
    )


def test_cancel_in_the_status_bar_stops_the_build_and_keeps_the_provisional_model(
    qtbot: QtBot,
    open_window: Callable[..., MainWindow],
    provisional_model: str,
    isolated_data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _fake_training(
        monkeypatch,
        "import json, time; print(json.dumps({'stage': 'base'}), flush=True); time.sleep(60)",
    )
    win = open_window()
    qtbot.waitUntil(lambda: win.first_launch.job is not None and win.first_launch.job.pid > 0)
    assert win.first_launch.building
    job = win.first_launch.job
    assert job is not None
    pid = job.pid
    qtbot.waitUntil(lambda: win.progress.progress.stage == "base", timeout=10_000)
    assert win.progress.title.text() == "Building the default model:"
    with qtbot.waitSignal(win.first_launch.buildFinished, timeout=30_000):
        win.progress.cancel_button.click()
    assert _gone(pid)
    text = win.notices.text(NOTICE) or ""
    assert text.startswith("Building the default model was cancelled.")
    assert win.notices.action_button(NOTICE) is not None
    assert ModelRegistry(models_dir(isolated_data_dir)).active_version() == provisional_model


def test_closing_the_window_stops_the_build_first(
    qtbot: QtBot,
    open_window: Callable[..., MainWindow],
    provisional_model: str,
    isolated_data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _fake_training(monkeypatch, "import time; time.sleep(60)")
    win = open_window()
    qtbot.waitUntil(lambda: win.first_launch.job is not None and win.first_launch.job.pid > 0)
    job = win.first_launch.job
    assert job is not None
    pid = job.pid
    with qtbot.waitSignal(win.closed, timeout=30_000):
        win.close()
        assert win.isVisible()
    assert _gone(pid) and not win.first_launch.running
    assert ModelRegistry(models_dir(isolated_data_dir)).active_version() == provisional_model
    assert NOTICE not in win.notices.shown() or "cancelled" not in (win.notices.text(NOTICE) or "")


def test_retrain_waits_for_the_first_real_model(
    qtbot: QtBot,
    isolated_data_dir: Path,
    tmp_path: Path,
    run: Callable[..., Any],
    supervisor_account: Account,
    provisional_model: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _fake_training(monkeypatch, "import time; time.sleep(60)")
    workers = Workers()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = build_window(isolated_data_dir, settings, Translations(), workers, supervisor_account)
    win.first_launch.enabled = True
    win.show()
    try:
        run(win.start(DEMO_FILE))
        qtbot.waitUntil(lambda: win.first_launch.building)
        assert win.retrain_action.isVisible() and not win.retrain_action.isEnabled()
    finally:
        run(win.shutdown())
        win.close()
        win.deleteLater()
        workers.shutdown()
    assert not win.first_launch.running


def test_a_notice_button_runs_its_action_and_takes_the_notice_down(qtbot: QtBot) -> None:
    bar = NoticeBar()
    qtbot.addWidget(bar)
    pressed: list[str] = []
    bar.show_notice("k", "first", "info", action=("Do it", lambda: pressed.append("yes")))
    bar.show_notice("k", "second", "error", action=("Do it again", lambda: pressed.append("2")))
    button = bar.action_button("k")
    assert isinstance(button, QPushButton) and button.text() == "Do it again"
    assert bar.text("k") == "second"
    button.click()
    assert pressed == ["2"] and bar.text("k") is None
    bar.show_notice("k", "plain")
    assert bar.action_button("k") is None


# -- real processes -------------------------------------------------------------------------
@pytest.mark.integration
def test_first_launch_scores_provisionally_then_switches_to_the_built_model(
    qtbot: QtBot,
    open_window: Callable[..., MainWindow],
    isolated_data_dir: Path,
    tmp_path: Path,
    run: Callable[..., Any],
) -> None:
    base = write_tiny_base(tmp_path / "tiny-base")
    registry = ModelRegistry(models_dir(isolated_data_dir))
    t0 = time.monotonic()
    win = open_window(("--base-model", str(base), "--budget-minutes", "1", "--epochs", "0.05"))
    # the queue is on screen at once; the provisional model is being made behind it
    assert time.monotonic() - t0 < 30
    assert win.model.rowCount() == 300
    qtbot.waitUntil(lambda: win.first_launch.job is not None)
    assert win.notices.text(NOTICE) == "Preparing a provisional model…"
    assert win.progress.isVisible() and win.progress.title.text() == "Provisional model:"
    assert win.model_label.text() == "preparing a provisional model…"

    with qtbot.waitSignal(win.first_launch.provisionalFinished, timeout=180_000) as made:
        pass
    assert made.args[0].ok
    provisional = registry.active_version()
    assert provisional is not None and registry.is_provisional(provisional)
    assert win.scorer is not None and win.scorer.version == provisional
    assert win.scorer_provisional
    qtbot.waitUntil(lambda: win.first_launch.building, timeout=10_000)
    assert win.model_label.text() == (
        "provisional model (character n-grams) — the default model is being built"
    )
    assert "default model is built in the background" in (win.notices.text(NOTICE) or "")
    qtbot.waitUntil(lambda: _all_scored_by(win, run, provisional), timeout=120_000)
    assert win.model.index(0, 0).data() != "…"

    with qtbot.waitSignal(win.first_launch.buildFinished, timeout=BUILD_TIMEOUT_MS) as built:
        pass
    outcome = built.args[0]
    assert isinstance(outcome, BuildOutcome) and outcome.version is not None
    assert registry.active_version() == outcome.version
    assert not registry.is_provisional(outcome.version)
    assert win.scorer is not None and win.scorer.version == outcome.version
    assert not win.scorer_provisional
    assert win.model_label.text().startswith(f"model {outcome.version} (")
    assert f"The default model {outcome.version} is now active" in (win.notices.text(NOTICE) or "")
    # the queue is re-scored by the new model in the background
    qtbot.waitUntil(lambda: _all_scored_by(win, run, outcome.version), timeout=120_000)
    assert _work_folders(isolated_data_dir) == []


@pytest.mark.integration
def test_closing_during_the_build_cancels_it_and_keeps_the_provisional_model(
    qtbot: QtBot,
    open_window: Callable[..., MainWindow],
    provisional_model: str,
    isolated_data_dir: Path,
    tmp_path: Path,
) -> None:
    base = write_tiny_base(tmp_path / "tiny-base")
    win = open_window(("--base-model", str(base), "--budget-minutes", "5"))
    qtbot.waitUntil(lambda: win.first_launch.job is not None)
    job = win.first_launch.job
    assert job is not None and win.first_launch.building
    stages: list[object] = []
    job.eventReceived.connect(lambda event: stages.append(event.get("stage")))
    qtbot.waitUntil(lambda: job.pid > 0)
    pid = job.pid
    # wait until the build has a half-made version on disk
    qtbot.waitUntil(lambda: bool(_work_folders(isolated_data_dir)), timeout=120_000)
    with qtbot.waitSignal(win.closed, timeout=60_000):
        win.close()
        assert win.isVisible()  # until the build has stopped
        qtbot.waitUntil(lambda: win.notices.text("closing") is not None)
        assert win.notices.text("closing") == "Stopping the model build before closing…"
    assert _gone(pid)
    assert _work_folders(isolated_data_dir) == []
    registry = ModelRegistry(models_dir(isolated_data_dir))
    assert registry.active_version() == provisional_model
    assert registry.names() == [provisional_model]
    assert stages[-1] == "cancelled"  # it cleaned up on the way out, not killed
