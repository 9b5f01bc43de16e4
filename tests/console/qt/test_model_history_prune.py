"""Removing old model versions from the model history: disk use, the confirmation listing
what goes, and the removal itself."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from console.qt.app import build_window
from console.qt.i18n import Translations
from console.qt.main_window import MainWindow
from console.qt.model_history import ModelHistoryDialog, ModelHistoryModel
from console.qt.workers import Workers
from console.services import add_user
from console.services.accounts import Account
from console.services.desk import open_store
from console.services.models import PRUNE_ACTION
from inference import Manifest, ModelRegistry, models_dir

OLD = ("m-tiny-a", "m-tiny-b")


@pytest.fixture
def versions(exported_model_template: Path, isolated_data_dir: Path, active_model: str) -> None:
    """Two old copies of the tiny model beside the active one; pruning keeps no others."""
    registry = ModelRegistry(models_dir(isolated_data_dir))
    for version in OLD:
        staging = isolated_data_dir / "staging" / version
        shutil.copytree(exported_model_template, staging)
        registry.register(staging, Manifest(version, "2026-11-01T00:00:00+00:00", "tiny"))
    (isolated_data_dir / "flags.toml").write_text("[models]\nkeep = 0\n", encoding="utf-8")


@pytest.fixture
def window(
    qtbot: QtBot,
    versions: None,
    isolated_data_dir: Path,
    supervisor_account: Account,
    tmp_path: Path,
    run: Callable[..., Any],
) -> Iterator[MainWindow]:
    store = open_store(isolated_data_dir)
    try:
        add_user(store, supervisor_account.name, "supervisor", "a long password 1", None)
    finally:
        store.close()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    workers = Workers()
    win = build_window(isolated_data_dir, settings, Translations(), workers, supervisor_account)
    # not qtbot.addWidget: it would delete the window before the shutdown below
    win.show()
    run(win.start(None))
    yield win
    run(win.shutdown())
    workers.shutdown()
    win.hide()
    win.deleteLater()


def _history(qtbot: QtBot, window: MainWindow) -> ModelHistoryDialog:
    history = window.open_model_history()
    assert history is not None
    qtbot.waitUntil(lambda: history.model.rowCount() == 3, timeout=30_000)
    return history


def _confirm(qtbot: QtBot, history: ModelHistoryDialog) -> Any:
    history.prune_button.click()
    qtbot.waitUntil(lambda: history.confirm is not None and history.confirm.isVisible())
    assert history.confirm is not None
    return history.confirm


def test_the_history_shows_disk_use_and_removes_what_was_confirmed(
    qtbot: QtBot,
    window: MainWindow,
    isolated_data_dir: Path,
    qtmodeltester: ModelTester,
) -> None:
    history = _history(qtbot, window)
    qtmodeltester.check(history.model)
    size = ModelHistoryModel.COLUMNS.index("size")
    assert history.model.headerData(size, Qt.Orientation.Horizontal) == "Disk use"
    assert all(history.model.index(r, size).data().endswith(" MB") for r in range(3))
    assert history.disk.text().startswith("3 model versions use ")
    assert history.prune_button.isVisible() and history.prune_button.isEnabled()

    confirm = _confirm(qtbot, history)
    listed = confirm.informativeText()
    assert all(version in listed for version in OLD)
    assert "m-tiny " not in listed  # the active version is not on the list
    with qtbot.waitSignal(history.pruned, timeout=30_000) as pruned:
        confirm.findChild(QPushButton, "model-prune-remove").click()
    assert [v.version for v in pruned.args[0].removed] == list(OLD)
    assert ModelRegistry(models_dir(isolated_data_dir)).names() == ["m-tiny"]
    qtbot.waitUntil(lambda: history.model.rowCount() == 1, timeout=30_000)
    assert "Removed 2 old model versions" in history.status.text()
    assert history.disk.text().startswith("1 model versions use ")
    assert window.store is not None
    (row,) = [r for r in window.store.rows("audit") if r["action"] == PRUNE_ACTION]
    assert json.loads(str(row["details"]))["removed"] == list(OLD)
    assert row["actor"] == window.account.name


def test_cancelling_the_confirmation_removes_nothing(
    qtbot: QtBot, window: MainWindow, isolated_data_dir: Path
) -> None:
    history = _history(qtbot, window)
    confirm = _confirm(qtbot, history)
    confirm.reject()
    qtbot.waitUntil(lambda: history.confirm is None and not history.busy)
    assert history.status.text() == "No model version was removed."
    assert ModelRegistry(models_dir(isolated_data_dir)).names() == ["m-tiny", *OLD]


def test_a_removal_refused_meanwhile_is_shown(
    qtbot: QtBot, window: MainWindow, isolated_data_dir: Path, supervisor_account: Account
) -> None:
    history = _history(qtbot, window)
    confirm = _confirm(qtbot, history)
    assert window.store is not None
    # another console disabled this supervisor while the confirmation was on screen
    window.store.conn.execute(
        "UPDATE users SET disabled = 1 WHERE name = ?", (supervisor_account.name,)
    )
    with qtbot.waitSignal(history.failed, timeout=30_000):
        confirm.findChild(QPushButton, "model-prune-remove").click()
    assert history.status.text().startswith("No model version was removed: ")
    assert ModelRegistry(models_dir(isolated_data_dir)).names() == ["m-tiny", *OLD]
