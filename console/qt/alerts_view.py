"""Spike alerts in the console: a banner in the notice bar when one fires, and the Alerts
list (View → Spike alerts…) with the tickets behind each and an Acknowledge button for
supervisors.

After each scoring round the main window calls :meth:`AlertsEntry.check`, which runs the
detector (:func:`~console.services.alerts.check_alerts`) on the database worker over the
recent tickets; the alerts it stores are new ones only, so each incident shows one banner.
Acknowledging is a write through :meth:`MainWindow.run_write` (a failure, such as an agent
trying, is shown in the notice bar; the service refuses anyone but a supervisor).
"""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QCoreApplication,
    QDateTime,
    QModelIndex,
    QObject,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.qt.record_table import AnyIndex, RecordTableModel
from console.services.alerts import (
    ALL,
    AlertSettings,
    acknowledge_alert,
    check_alerts,
    list_alerts,
    load_alert_settings,
)
from console.services.queue import QueueScope
from console.services.scoring_loop import describe
from console.store import AlertRecord
from inference import SentideskError

if TYPE_CHECKING:
    from console.qt.main_window import MainWindow

log = logging.getLogger(__name__)


#: Custom roles, for the views and tests.
AlertIdRole = Qt.ItemDataRole.UserRole + 1
AlertRole = Qt.ItemDataRole.UserRole + 2
TicketsRole = Qt.ItemDataRole.UserRole + 3
AcknowledgedRole = Qt.ItemDataRole.UserRole + 4


def tr(text: str) -> str:
    return QCoreApplication.translate("AlertsView", text)


def category_name(category: str) -> str:
    if category == ALL:
        return tr("all tickets")
    return QCoreApplication.translate("QueueModel", category)


def _local(epoch: float, with_date: bool = True) -> str:
    moment = QDateTime.fromSecsSinceEpoch(round(epoch))
    return moment.toString("yyyy-MM-dd HH:mm" if with_date else "HH:mm")


def alert_summary(record: AlertRecord) -> str:
    """One line for the banner: what jumped, by how much, when."""
    a = record.alert
    return tr("Spike alert: %s — %d%% negative in %s–%s (%d of %d tickets), baseline %d%%") % (
        category_name(a.category),
        round(100 * a.share),
        _local(a.window_start),
        _local(a.window_end, with_date=False),
        a.negatives,
        a.volume,
        round(100 * a.baseline),
    )


class AlertListModel(RecordTableModel[AlertRecord]):
    """The stored alerts, latest first.

    Roles besides display: :data:`AlertIdRole` (int), :data:`AlertRole` (the
    :class:`AlertRecord`), :data:`TicketsRole` (the ticket ids behind it, a list of str),
    :data:`AcknowledgedRole` (bool)."""

    COLUMNS = ("fired", "category", "window", "share", "baseline", "tickets", "status")

    def headers(self) -> dict[str, str]:
        return {
            "fired": tr("Fired"),
            "category": tr("Category"),
            "window": tr("Window"),
            "share": tr("Negative share"),
            "baseline": tr("Baseline"),
            "tickets": tr("Negative tickets"),
            "status": tr("Status"),
        }

    def key(self, record: AlertRecord) -> int:
        return record.id

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        record = self.row_record(index)
        if record is None:
            return None
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(record, column)
        if role == AlertIdRole:
            return record.id
        if role == AlertRole:
            return record
        if role == TicketsRole:
            return list(record.alert.tickets)
        if role == AcknowledgedRole:
            return record.acknowledged_by is not None
        if role == Qt.ItemDataRole.ToolTipRole and column == "share":
            a = record.alert
            return tr("%d of %d tickets negative; one-sided p = %.1e") % (
                a.negatives,
                a.volume,
                a.p_value,
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and column in ("share", "baseline"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, record: AlertRecord, column: str) -> str:
        a = record.alert
        if column == "fired":
            return _local(a.fired_at)
        if column == "category":
            return category_name(a.category)
        if column == "window":
            return f"{_local(a.window_start, with_date=False)}–{_local(a.window_end, False)}"
        if column == "share":
            return f"{a.share:.0%}"
        if column == "baseline":
            return f"{a.baseline:.0%}"
        if column == "tickets":
            return str(len(a.tickets))
        if record.acknowledged_by is None:
            return tr("new")
        return tr("acknowledged by %s") % record.acknowledged_by


class AlertsWindow(QWidget):
    """The Alerts list: alerts on the left, the tickets behind the selected one on the
    right (double-click or Open to show one in the main window), Acknowledge for
    supervisors. Activating an alert (double-click, Enter) or Show in queue narrows the
    main window's queue to the tickets behind it.

    Signals:
    refreshed(): the list was read afresh.
    """

    refreshed = Signal()

    def __init__(self, window: MainWindow) -> None:
        # a window of its own, owned by the main window: it goes when the main window does
        super().__init__(window, Qt.WindowType.Window)
        self.window_ = window
        self.setObjectName("alerts-window")
        self.resize(900, 420)
        self.model = AlertListModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_tickets())
        self.table.activated.connect(lambda _index: self.show_in_queue())
        self.tickets = QListWidget()
        self.tickets.setObjectName("alert-tickets")
        self.tickets.itemActivated.connect(self._open_item)
        self.tickets_label = QLabel()
        self.open_button = QPushButton()
        self.open_button.clicked.connect(self.open_selected_ticket)
        self.ack_button = QPushButton()
        self.ack_button.setObjectName("acknowledge")
        self.ack_button.clicked.connect(self.acknowledge_selected)
        self.refresh_button = QPushButton()
        self.refresh_button.clicked.connect(self.schedule_refresh)
        self.queue_button = QPushButton()
        self.queue_button.setObjectName("alert-in-queue")
        self.queue_button.clicked.connect(self.show_in_queue)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)

        right = QWidget()
        side = QVBoxLayout(right)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.tickets_label)
        side.addWidget(self.tickets, 1)
        side.addWidget(self.open_button)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.queue_button)
        buttons.addWidget(self.ack_button)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        window.accountChanged.connect(lambda _account: self._enable())
        self._select_after_refresh: int | None = None
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Spike alerts"))
        self.tickets_label.setText(tr("Negative tickets behind the alert:"))
        self.open_button.setText(tr("Open ticket"))
        self.ack_button.setText(tr("Acknowledge"))
        self.refresh_button.setText(tr("Refresh"))
        self.queue_button.setText(tr("Show in queue"))
        self.model.retranslate()

    def selected(self) -> AlertRecord | None:
        return self.model.record(self.table.currentIndex().row())

    def select(self, alert_id: int) -> None:
        row = self.model.row_of(alert_id)
        if row < 0:
            self._select_after_refresh = alert_id
            return
        self.table.setCurrentIndex(self.model.index(row, 0))

    def schedule_refresh(self) -> None:
        self.window_.spawn(self.refresh())

    async def refresh(self) -> None:
        """Read the alerts afresh (database worker), keeping the selection."""
        store = self.window_.store
        if store is None:
            return
        keep = self.selected()
        try:
            alerts = await self.window_.workers.db(list_alerts, store)
        except SentideskError as exc:
            self.status.setText(tr("The alerts could not be read: %s") % describe(exc))
            return
        self.model.set_records(alerts)
        wanted = self._select_after_refresh or (keep.id if keep is not None else None)
        self._select_after_refresh = None
        if wanted is not None and self.model.row_of(wanted) >= 0:
            self.select(wanted)
        elif alerts:
            self.table.setCurrentIndex(self.model.index(0, 0))
        self.status.setText(tr("%d alerts") % len(alerts) if alerts else tr("No alerts yet"))
        self._show_tickets()
        self.refreshed.emit()

    def _show_tickets(self) -> None:
        self.tickets.clear()
        record = self.selected()
        if record is not None:
            for ticket_id in record.alert.tickets:
                item = QListWidgetItem(ticket_id)
                item.setData(Qt.ItemDataRole.UserRole, ticket_id)
                self.tickets.addItem(item)
            if record.alert.tickets:
                self.tickets.setCurrentRow(0)
        self._enable()

    def _enable(self) -> None:
        record = self.selected()
        supervisor = self.window_.account.role == "supervisor"
        self.ack_button.setVisible(supervisor)
        self.ack_button.setEnabled(
            supervisor and record is not None and record.acknowledged_by is None
        )
        self.open_button.setEnabled(self.tickets.currentItem() is not None)
        self.queue_button.setEnabled(record is not None and bool(record.alert.tickets))

    def _open_item(self, item: QListWidgetItem) -> None:
        self._open(str(item.data(Qt.ItemDataRole.UserRole)))

    def open_selected_ticket(self) -> None:
        item = self.tickets.currentItem()
        if item is not None:
            self._open_item(item)

    def _open(self, ticket_id: str) -> None:
        """Show the ticket in the main window: selected in the queue when the queue's
        filters show it, otherwise opened with nothing selected there."""
        win = self.window_
        row = win.model.row_of(ticket_id)
        if row >= 0:
            win.view.selectRow(row)
        else:
            win.view.setCurrentIndex(QModelIndex())
            win.spawn(win.open_ticket(ticket_id))
        win.activateWindow()

    def show_in_queue(self) -> None:
        """Narrow the main window's queue to the tickets behind the selected alert."""
        record = self.selected()
        if record is None or not record.alert.tickets:
            return
        a = record.alert
        label = tr("alert on %s, %s–%s") % (
            category_name(a.category),
            _local(a.window_start),
            _local(a.window_end, with_date=False),
        )
        self.window_.apply_scope(QueueScope(label=label, ids=frozenset(a.tickets)))

    def acknowledge_selected(self) -> None:
        """Acknowledge the selected alert as the logged-in account (the service refuses
        anyone but a supervisor; the refusal shows in the main window's notice bar)."""
        record = self.selected()
        store = self.window_.store
        if record is None or store is None:
            return
        account = self.window_.account
        self.ack_button.setEnabled(False)
        self.window_.run_write(
            "acknowledging an alert",
            lambda: acknowledge_alert(store, account, record.id),
            done=self._acknowledged(record.id),
        )

    def _acknowledged(self, alert_id: int) -> Any:
        def done() -> None:
            self.window_.notices.clear(f"alert-{alert_id}")
            self.schedule_refresh()

        return done


class AlertsEntry(QObject):
    """The way into the alerts from the main window: the View menu's entry, the banners,
    and the check after each scoring round.

    Signals:
    raised(list): new alerts were stored (a list of :class:`AlertRecord`).
    """

    raised = Signal(list)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.view: AlertsWindow | None = None
        self.action = QAction(window)
        self.action.setObjectName("open-alerts")
        self.action.triggered.connect(lambda _checked=False: self.open())
        window.closed.connect(self.close)
        #: a check is running; rounds scored meanwhile make it run once more, not queue up
        self._checking = False
        self._again = False

    def add_action(self, menu: QMenu) -> None:
        """Add the entry to ``menu`` (the window rebuilds its menus on a language switch, so
        this also sets every text in the current language)."""
        self.action.setText(tr("Spike &alerts…"))
        menu.addAction(self.action)
        if self.view is not None:
            self.view.retranslate()

    def open(self, alert_id: int | None = None) -> AlertsWindow:
        """Show the Alerts list, read afresh, with ``alert_id`` selected when given."""
        if self.view is None:
            self.view = AlertsWindow(self.window_)
        if alert_id is not None:
            self.view.select(alert_id)
        self.view.show()
        self.view.activateWindow()
        self.view.schedule_refresh()
        return self.view

    def close(self) -> None:
        if self.view is not None:
            self.view.close()

    async def check(self) -> list[AlertRecord]:
        """Run the detector over the recent tickets (database worker) and show a banner for
        each new alert; returns them. Unusable settings show a notice naming the file and
        key. Called while a check runs, it makes that one run again instead."""
        if self._checking:
            self._again = True
            return []
        self._checking = True
        found: list[AlertRecord] = []
        try:
            self._again = True
            while self._again:
                self._again = False
                found += await self._check_once()
        finally:
            self._checking = False
        return found

    async def _check_once(self) -> list[AlertRecord]:
        store = self.window_.store
        if store is None:
            return []
        notices = self.window_.notices
        try:
            settings: AlertSettings = await self.window_.workers.db(
                load_alert_settings, self.window_.root
            )
        except SentideskError as exc:
            notices.show_notice(
                "alert-settings",
                tr("Spike alerts are off until the settings are fixed: %s") % exc,
                "error",
            )
            return []
        notices.clear("alert-settings")
        try:
            new = await self.window_.workers.db(check_alerts, store, settings)
        except SentideskError as exc:
            log.info("spike alerts not checked: %s", exc)
            notices.show_notice(
                "alerts", tr("Spike alerts could not be checked: %s") % describe(exc)
            )
            return []
        notices.clear("alerts")
        for record in new:
            notices.show_notice(
                f"alert-{record.id}",
                alert_summary(record),
                "warning",
                action=(tr("Show"), functools.partial(self.open, record.id)),
            )
        if new:
            self.raised.emit(new)
            if self.view is not None and self.view.isVisible():
                self.view.schedule_refresh()
        return new
