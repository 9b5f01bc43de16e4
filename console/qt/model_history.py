"""The model history (supervisors): every version with where it came from, its gold figures,
the disk it takes and who made it active, and the buttons to activate one, roll back, or
remove old versions.

The list is read and every switch or removal is made on the database worker
(:func:`console.services.models.model_history`, :func:`~console.services.models.
change_active_model`, :func:`~console.services.models.prune_models`); after a switch the
window loads the new model and re-scores the queue.
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
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from console.qt.reasons import gate_reasons
from console.qt.record_table import AnyIndex, RecordTableModel
from console.qt.retrain_flow import ask
from console.services.accounts import Account
from console.services.models import (
    ModelVersionInfo,
    PruneReport,
    change_active_model,
    loadable,
    megabytes,
    model_history,
    prune_models,
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
        "size",
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
            "size": tr("Disk use"),
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
        if role == Qt.ItemDataRole.TextAlignmentRole and column == "size":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
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
        if column == "size":
            return "—" if info.size_bytes is None else megabytes(info.size_bytes)
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
        note = _note(info)
        if note:
            lines.append(note)
        if info.gate_promote is not None:
            lines.append(
                tr("The promotion gate passed it:")
                if info.gate_promote
                else tr("The promotion gate refused it:")
            )
            lines += [f"• {r}" for r in gate_reasons(info.gate_reasons, info.gate_reason_texts)]
        lines += [
            tr("%s: %s by %s") % (a.at.replace("T", " ")[:16], action_name(a.action), a.actor)
            for a in info.activations
        ]
        return "\n".join(lines)


def _note(info: ModelVersionInfo) -> str:
    """The manifest's note, said in the interface's language where the version's data says
    what the note does (a retrain's, a provisional model's); a build's own note as written."""
    if info.parent is not None and info.corrections is not None:
        return tr("Retrained from %s on %d corrections") % (info.parent, info.corrections)
    if info.notes.startswith("provisional:"):
        return tr("Provisional: character n-grams only, until the default model is built")
    return info.notes


def _history(store: TicketStore, root: Path) -> list[ModelVersionInfo]:
    """Thread: database worker."""
    return model_history(store, ModelRegistry(models_dir(root)))


def _switch(store: TicketStore, root: Path, actor: Account, version: str | None) -> str:
    """Thread: database worker. Loading the version to check it takes a moment; the switch
    itself is one write."""
    registry = ModelRegistry(models_dir(root))
    return change_active_model(store, registry, actor, version, usable=loadable(registry))


def _plan(store: TicketStore, root: Path, actor: Account) -> PruneReport:
    """Thread: database worker. What removing old versions would remove now."""
    return prune_models(store, root, actor, dry_run=True)


def _prune(store: TicketStore, root: Path, actor: Account, versions: list[str]) -> PruneReport:
    """Thread: database worker. Remove ``versions`` (those the supervisor confirmed) where
    the policy still lets them go."""
    return prune_models(store, root, actor, only=versions)


class ModelHistoryDialog(QDialog):
    """The history of ``window``'s model registry, with Activate, Roll back and Remove old
    versions.

    Signals:
    loaded(): the list was (re)read.
    switched(str): a switch was stored; the version now active.
    pruned(object): old versions were removed (the :class:`PruneReport`).
    failed(str): a switch or a removal was refused or failed (the reason is shown).
    """

    loaded = Signal()
    switched = Signal(str)
    pruned = Signal(object)
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
        self.prune_button = QPushButton(tr("Remove old versions…"))
        self.prune_button.setObjectName("model-prune")
        self.prune_button.clicked.connect(lambda: self._spawn(self.prune()))
        #: the confirmation on screen while a removal is asked for
        self.confirm: QMessageBox | None = None
        self.refresh_button = QPushButton(tr("Refresh"))
        self.refresh_button.clicked.connect(lambda: self._spawn(self.refresh()))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("Close"))
        for button in (
            self.activate_button,
            self.rollback_button,
            self.prune_button,
            self.refresh_button,
        ):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.disk = QLabel()
        self.disk.setObjectName("model-history-disk")
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.disk)
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
        supervisor = self.window_.account.role == "supervisor"
        self.prune_button.setVisible(supervisor)
        self.prune_button.setEnabled(supervisor and len(self.model.records) > 1 and not self.busy)
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
        total = sum(v.size_bytes or 0 for v in versions)
        self.disk.setText(
            tr("%d model versions use %s on disk.") % (len(versions), megabytes(total))
        )
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

    async def prune(self) -> None:
        """Remove old versions by the pruning policy, after the supervisor confirmed the
        list of what goes; then read the history again."""
        store = self.window_.store
        if store is None or self.busy:
            return
        self.busy = True
        self._enable()
        try:
            await self._prune(store)
        finally:
            self.busy = False
            self._enable()

    async def _prune(self, store: TicketStore) -> None:
        account, root = self.window_.account, self.window_.root
        try:
            plan = await self.window_.workers.db(_plan, store, root, account)
        except SentideskError as exc:
            self._prune_failed(describe(exc))
            return
        if not plan.removed:
            self.status.setText(
                tr(
                    "No old versions to remove: the active version, the one a rollback goes "
                    "back to and the newest %d others are kept."
                )
                % plan.keep
            )
            return
        if not await self._confirmed(plan):
            self.status.setText(tr("No model version was removed."))
            return
        try:
            report = await self.window_.submit_write(
                _prune, store, root, account, [v.version for v in plan.removed]
            )
        except SentideskError as exc:
            self._prune_failed(describe(exc))
            return
        self.status.setText(
            tr("Removed %d old model versions, %s freed.")
            % (len(report.removed), megabytes(report.bytes_freed))
        )
        await self.refresh()
        self.pruned.emit(report)

    async def _confirmed(self, plan: PruneReport) -> bool:
        box = QMessageBox(self)
        box.setObjectName("model-prune-confirm")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(tr("Remove old versions"))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            tr("Remove these %d model versions? This frees %s and cannot be undone.")
            % (len(plan.removed), megabytes(plan.bytes_freed))
        )
        rollback = plan.rollback or "—"
        box.setInformativeText(
            "\n".join(f"{v.version}  ({megabytes(v.size_bytes)})" for v in plan.removed)
            + "\n\n"
            + tr("Kept: the active version %s, the rollback version %s and the newest %d others.")
            % (plan.active, rollback, plan.keep)
        )
        remove = box.addButton(tr("Remove"), QMessageBox.ButtonRole.DestructiveRole)
        remove.setObjectName("model-prune-remove")
        cancel = box.addButton(tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)
        self.confirm = box
        try:
            await ask(box)
            return box.clickedButton() is remove
        finally:
            self.confirm = None
            box.deleteLater()

    def _prune_failed(self, reason: str) -> None:
        text = tr("No model version was removed: %s") % reason
        self.status.setText(text)
        self.failed.emit(text)
