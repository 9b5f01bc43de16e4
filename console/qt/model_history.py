"""The model history (supervisors): every version with where it came from, its gold figures
and who made it active, and the buttons to activate one or roll back.

The list is read and every switch is made on the database worker
(:func:`console.services.models.model_history`, :func:`~console.services.models.
change_active_model`); after a switch the window loads the new model and re-scores the queue.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QCoreApplication,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from console.qt.record_table import AnyIndex, RecordTableModel
from console.services.accounts import Account
from console.services.models import (
    ModelVersionInfo,
    change_active_model,
    loadable,
    model_history,
)
from console.services.scoring_loop import describe
from console.store import TicketStore
from inference import ModelRegistry, SentideskError, models_dir

if TYPE_CHECKING:
    from pathlib import Path

    from console.qt.main_window import MainWindow

log = logging.getLogger(__name__)


def tr(text: str) -> str:
    return QCoreApplication.translate("ModelHistory", text)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _count(value: int | None) -> str:
    return "—" if value is None else str(value)


def action_name(action: str) -> str:
    """An audit action that switched the model, as the interface names it."""
    names = {
        "model_activate": tr("activated"),
        "model_rollback": tr("rolled back to"),
        "model_promote": tr("promoted"),
        "model_promote_forced": tr("promoted against the gate"),
        "model_build_activate": tr("built and activated"),
    }
    return names.get(action, action)


class ModelHistoryModel(RecordTableModel[ModelVersionInfo]):
    """The versions, oldest first, one per row.

    Roles besides display: :attr:`InfoRole` (the :class:`ModelVersionInfo`),
    :attr:`VersionRole` (str), :attr:`ActiveRole` (bool), :attr:`ProblemRole` (str or None).
    """

    InfoRole = Qt.ItemDataRole.UserRole + 1
    VersionRole = Qt.ItemDataRole.UserRole + 2
    ActiveRole = Qt.ItemDataRole.UserRole + 3
    ProblemRole = Qt.ItemDataRole.UserRole + 4

    COLUMNS = (
        "version",
        "created",
        "parent",
        "base",
        "corrections",
        "accuracy",
        "macro_f1",
        "activated",
        "state",
    )

    def headers(self) -> dict[str, str]:
        return {
            "version": tr("Version"),
            "created": tr("Created"),
            "parent": tr("Parent"),
            "base": tr("Base data"),
            "corrections": tr("Corrections"),
            "accuracy": tr("Gold accuracy"),
            "macro_f1": tr("Gold macro-F1"),
            "activated": tr("Made active by"),
            "state": tr("State"),
        }

    def key(self, record: ModelVersionInfo) -> str:
        return record.version

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        info = self.row_record(index)
        if info is None:
            return None
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(info, column)
        if role == self.InfoRole:
            return info
        if role == self.VersionRole:
            return info.version
        if role == self.ActiveRole:
            return info.active
        if role == self.ProblemRole:
            return info.problem
        if role == Qt.ItemDataRole.FontRole and info.active:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and info.problem is not None:
            return QColor("#b3261e")
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(info)
        return None

    def _display(self, info: ModelVersionInfo, column: str) -> str:
        if column == "version":
            return info.version
        if column == "created":
            return (info.created or "—").replace("T", " ")[:19]
        if column == "parent":
            return info.parent or "—"
        if column == "base":
            return _count(info.base_examples)
        if column == "corrections":
            return _count(info.corrections)
        if column == "accuracy":
            return _percent(info.gold_accuracy)
        if column == "macro_f1":
            return _percent(info.gold_macro_f1)
        if column == "activated":
            last = info.last_activation
            if last is None:
                return "—"
            return tr("%s, %s (%s)") % (
                last.actor,
                last.at.replace("T", " ")[:16],
                action_name(last.action),
            )
        if info.problem is not None:
            return tr("broken")
        return tr("active") if info.active else ""

    def _tooltip(self, info: ModelVersionInfo) -> str:
        lines = [info.problem] if info.problem else []
        if info.notes:
            lines.append(info.notes)
        lines += [
            tr("%s: %s by %s") % (a.at.replace("T", " ")[:16], action_name(a.action), a.actor)
            for a in info.activations
        ]
        return "\n".join(lines)


def _history(store: TicketStore, root: Path) -> list[ModelVersionInfo]:
    """Thread: database worker."""
    return model_history(store, ModelRegistry(models_dir(root)))


def _switch(store: TicketStore, root: Path, actor: Account, version: str | None) -> str:
    """Thread: database worker. Loading the version to check it takes a moment; the switch
    itself is one write."""
    registry = ModelRegistry(models_dir(root))
    return change_active_model(store, registry, actor, version, usable=loadable(registry))


class ModelHistoryDialog(QDialog):
    """The history of ``window``'s model registry, with Activate and Roll back.

    Signals:
    loaded(): the list was (re)read.
    switched(str): a switch was stored; the version now active.
    failed(str): a switch was refused or failed (the reason is shown).
    """

    loaded = Signal()
    switched = Signal(str)
    failed = Signal(str)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("model-history")
        self.setWindowTitle(tr("Model history"))
        self.window_ = window
        self.busy = False
        # asyncio keeps only weak references to tasks
        self._tasks: set[asyncio.Future[Any]] = set()
        self.model = ModelHistoryModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        self.status = QLabel()
        self.status.setObjectName("model-history-status")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # error messages are not markup
        self.activate_button = QPushButton(tr("Activate"))
        self.activate_button.setObjectName("model-activate")
        self.activate_button.clicked.connect(lambda: self._spawn(self.activate_selected()))
        self.rollback_button = QPushButton(tr("Roll back"))
        self.rollback_button.setObjectName("model-rollback")
        self.rollback_button.clicked.connect(lambda: self._spawn(self.switch(None)))
        self.refresh_button = QPushButton(tr("Refresh"))
        self.refresh_button.clicked.connect(lambda: self._spawn(self.refresh()))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("Close"))
        for button in (self.activate_button, self.rollback_button, self.refresh_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(980, 420)
        self._enable()

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def selected_version(self) -> str | None:
        index = self.view.currentIndex()
        value = index.data(ModelHistoryModel.VersionRole) if index.isValid() else None
        return value if isinstance(value, str) else None

    def _enable(self) -> None:
        index = self.view.currentIndex()
        usable = (
            index.isValid()
            and not index.data(ModelHistoryModel.ActiveRole)
            and index.data(ModelHistoryModel.ProblemRole) is None
        )
        self.activate_button.setEnabled(bool(usable) and not self.busy)
        self.rollback_button.setEnabled(len(self.model.records) > 1 and not self.busy)
        self.refresh_button.setEnabled(not self.busy)

    async def refresh(self) -> None:
        """Read the history again (database worker), keeping the selected version."""
        store = self.window_.store
        if store is None:
            return
        keep = self.selected_version()
        try:
            versions = await self.window_.workers.db(_history, store, self.window_.root)
        except SentideskError as exc:
            self.status.setText(tr("The model history cannot be read: %s") % describe(exc))
            return
        self.model.set_records(versions)
        active = next((v.version for v in versions if v.active), None)
        row = self.model.row_of(keep or active or "")
        if row >= 0:
            self.view.selectRow(row)
        self._enable()
        self.loaded.emit()

    async def activate_selected(self) -> None:
        version = self.selected_version()
        if version is not None:
            await self.switch(version)

    async def switch(self, version: str | None) -> None:
        """Make ``version`` active, or roll back when it is None; then reload the window's
        model so the queue is re-scored in the background."""
        store = self.window_.store
        if store is None or self.busy:
            return
        self.busy = True
        self._enable()
        self.status.setText(tr("Checking the model…"))
        try:
            active = await self.window_.submit_write(
                _switch, store, self.window_.root, self.window_.account, version
            )
        except SentideskError as exc:
            text = tr("The active model was not changed: %s") % describe(exc)
            self.status.setText(text)
            self.failed.emit(text)
            return
        finally:
            self.busy = False
            self._enable()
        self.status.setText(tr("Model %s is now active.") % active)
        await self.window_.reload_model()
        self.window_.notices.show_notice(
            "retrain",
            tr("Model %s is now active. The open queue is being re-scored in the background.")
            % active,
            "info",
        )
        await self.refresh()
        self.switched.emit(active)
