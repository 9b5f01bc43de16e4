"""The model history: what the service reads, the table model, and switching from the view."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from console.qt.app import build_window
from console.qt.i18n import Translations
from console.qt.main_window import MainWindow
from console.qt.model_history import ModelHistoryDialog, ModelHistoryModel
from console.qt.workers import Workers
from console.services import add_user
from console.services.accounts import Account, PermissionDenied
from console.services.demo import DEMO_FILE
from console.services.desk import open_store
from console.services.models import change_active_model, loadable, model_history
from console.store import TicketStore
from inference import Manifest, ModelRegistry, models_dir

RETRAINED = "m-tiny-2"


@pytest.fixture
def versions(exported_model_template: Path, isolated_data_dir: Path, active_model: str) -> str:
    """A retrained version next to the active tiny model, and a broken one."""
    registry = ModelRegistry(models_dir(isolated_data_dir))
    staging = isolated_data_dir / "staging" / RETRAINED
    shutil.copytree(exported_model_template, staging)
    registry.register(
        staging,
        Manifest(
            RETRAINED,
            "2026-12-01T10:00:00+00:00",
            "tiny",
            parent=active_model,
            data={"sources": {"replay": {"count": 64}, "corrections": {"count": 12}}},
            metrics={"gate": {"gold": {"accuracy": 0.75, "macro_f1": 0.625}}},
            notes="retrained from m-tiny on 12 corrections",
        ),
    )
    broken = registry.root / "m-broken"
    broken.mkdir()
    (broken / "manifest.json").write_text("{", encoding="utf-8")
    return RETRAINED


@pytest.fixture
def supervisor(isolated_data_dir: Path, supervisor_account: Account) -> Account:
    store = open_store(isolated_data_dir)
    try:
        add_user(store, supervisor_account.name, "supervisor", "a long password 1", None)
    finally:
        store.close()
    return supervisor_account


@pytest.fixture
def store(isolated_data_dir: Path) -> Iterator[TicketStore]:
    store = open_store(isolated_data_dir)
    yield store
    store.close()


def test_history_lists_every_version_with_who_made_it_active(
    versions: str, supervisor: Account, store: TicketStore, isolated_data_dir: Path
) -> None:
    registry = ModelRegistry(models_dir(isolated_data_dir))
    change_active_model(
        store, registry, supervisor, versions, usable=loadable(registry), action="model_promote"
    )
    history = {v.version: v for v in model_history(store, registry)}
    assert set(history) == {"m-tiny", "m-tiny-2", "m-broken"}
    new = history[versions]
    assert new.active and new.parent == "m-tiny"
    assert (new.base_examples, new.corrections) == (64, 12)
    assert (new.gold_accuracy, new.gold_macro_f1) == (0.75, 0.625)
    assert new.last_activation is not None
    assert (new.last_activation.actor, new.last_activation.action) == (
        supervisor.name,
        "model_promote",
    )
    old = history["m-tiny"]
    # built before the gate's figures were kept: nothing to show, not zero
    assert not old.active and old.gold_accuracy is None and old.base_examples is None
    assert old.activations == ()
    assert history["m-broken"].problem is not None
    assert history["m-broken"].created is None


def test_the_table_model_passes_the_model_tester(
    qtbot: QtBot, qtmodeltester: ModelTester, versions: str, store: TicketStore,
    isolated_data_dir: Path,
) -> None:  # fmt: skip
    model = ModelHistoryModel()
    qtmodeltester.check(model)
    model.set_records(model_history(store, ModelRegistry(models_dir(isolated_data_dir))))
    qtmodeltester.check(model)
    assert model.rowCount() == 3
    row = model.row_of(versions)
    index = model.index(row, ModelHistoryModel.COLUMNS.index("accuracy"))
    assert index.data() == "75.0%"
    assert model.index(row, 0).data(ModelHistoryModel.VersionRole) == versions
    assert model.index(row, 0).data(ModelHistoryModel.ActiveRole) is False
    active = model.row_of("m-tiny")
    assert model.index(active, 0).data(ModelHistoryModel.ActiveRole) is True
    assert model.index(active, 0).data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(active, ModelHistoryModel.COLUMNS.index("accuracy")).data() == "—"
    broken = model.index(model.row_of("m-broken"), 0)
    assert broken.data(ModelHistoryModel.ProblemRole)
    assert model.index(broken.row(), ModelHistoryModel.COLUMNS.index("state")).data() == "broken"
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Version"


def test_agents_cannot_change_the_model(
    versions: str, store: TicketStore, isolated_data_dir: Path, agent_account: Account
) -> None:
    registry = ModelRegistry(models_dir(isolated_data_dir))
    with pytest.raises(PermissionDenied):
        change_active_model(store, registry, agent_account, versions)


@pytest.fixture
def window(
    qtbot: QtBot,
    versions: str,
    supervisor: Account,
    isolated_data_dir: Path,
    tmp_path: Path,
    run: Callable[..., Any],
) -> Iterator[MainWindow]:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    workers = Workers()
    win = build_window(isolated_data_dir, settings, Translations(), workers, supervisor)
    qtbot.addWidget(win)
    win.show()
    run(win.start(DEMO_FILE))
    yield win
    run(win.shutdown())
    workers.shutdown()


def _select(dialog: ModelHistoryDialog, version: str) -> None:
    dialog.view.selectRow(dialog.model.row_of(version))


def test_activate_and_roll_back_from_the_view(
    qtbot: QtBot,
    window: MainWindow,
    versions: str,
    isolated_data_dir: Path,
    qtmodeltester: ModelTester,
) -> None:
    qtbot.waitUntil(lambda: window.scorer is not None, timeout=60_000)
    history = window.open_model_history()
    assert history is not None
    qtbot.waitUntil(lambda: history.model.rowCount() == 3, timeout=30_000)
    qtmodeltester.check(history.model)
    # the active version is selected, and cannot be activated again
    assert history.selected_version() == "m-tiny"
    assert not history.activate_button.isEnabled()
    _select(history, "m-broken")
    assert not history.activate_button.isEnabled()
    _select(history, versions)
    assert history.activate_button.isEnabled()

    with qtbot.waitSignal(history.switched, timeout=60_000) as switched:
        history.activate_button.click()
    assert switched.args == [versions]
    assert window.scorer is not None and window.scorer.version == versions
    text = window.notices.text("retrain")
    assert text is not None and versions in text and "re-scored" in text
    qtbot.waitUntil(
        lambda: (
            history.model.index(history.model.row_of(versions), 0).data(
                ModelHistoryModel.ActiveRole
            )
            is True
        ),
        timeout=30_000,
    )
    info = history.model.records[history.model.row_of(versions)]
    assert info.last_activation is not None
    assert info.last_activation.actor == window.account.name
    assert info.last_activation.action == "model_activate"

    with qtbot.waitSignal(history.switched, timeout=60_000) as switched:
        history.rollback_button.click()
    assert switched.args == ["m-tiny"]
    assert window.scorer is not None and window.scorer.version == "m-tiny"
    assert ModelRegistry(models_dir(isolated_data_dir)).active_version() == "m-tiny"
    qtbot.waitUntil(lambda: history.selected_version() is not None, timeout=30_000)
    assert window.store is not None


def test_a_refused_switch_is_shown_and_changes_nothing(
    qtbot: QtBot,
    window: MainWindow,
    versions: str,
    isolated_data_dir: Path,
    store: TicketStore,
    supervisor: Account,
) -> None:
    history = window.open_model_history()
    assert history is not None
    qtbot.waitUntil(lambda: history.model.rowCount() == 3, timeout=30_000)
    # another console disabled this supervisor meanwhile: the service refuses the switch
    store.conn.execute("UPDATE users SET disabled = 1 WHERE name = ?", (supervisor.name,))
    _select(history, versions)
    with qtbot.waitSignal(history.failed, timeout=60_000):
        history.activate_button.click()
    assert "not changed" in history.status.text()
    assert ModelRegistry(models_dir(isolated_data_dir)).active_version() == "m-tiny"
