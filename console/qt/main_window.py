"""The main window: filters, the queue, the ticket panel, and the background work behind them.

Everything slow is awaited on a worker (see :mod:`console.qt.workers`); this module only
moves results into widgets.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import logging
import time
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import shiboken6
from PySide6.QtCore import (
    QCoreApplication,
    QFileSystemWatcher,
    QModelIndex,
    QSettings,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from console.qt.alerts_view import AlertsEntry
from console.qt.first_launch import FirstLaunch
from console.qt.i18n import LANGUAGES, SETTING, Translations
from console.qt.login import choose_account, role_name
from console.qt.model_card_view import ModelCardDialog
from console.qt.model_history import ModelHistoryDialog
from console.qt.notices import NoticeBar
from console.qt.queue_model import ESCALATION_MARK, QueueModel
from console.qt.queue_view import QueueView
from console.qt.record_table import step_selection
from console.qt.retrain_flow import RetrainFlow
from console.qt.review_view import ReviewEntry
from console.qt.scope_chip import ScopeChip
from console.qt.template_editor import OPEN_TEMPLATES_KEY, TemplatesEntry
from console.qt.ticket_panel import TicketPanel
from console.qt.training_job import TrainingProgress
from console.qt.trends_view import OPEN_TRENDS_KEY, TrendsEntry
from console.qt.workers import Workers
from console.services import TemplateCatalog, TemplateLibrary, spans_by_part
from console.services.accounts import Account
from console.services.desk import (
    DeskPaths,
    background_threads,
    import_path,
    open_scorer,
    open_store,
    send_reply,
    suggest_for,
)
from console.services.flags import FlagSettings, load_flag_settings, refresh_flags
from console.services.inbox import SETTLE_SECONDS, Inbox, InboxOutcome
from console.services.queue import QueueFilter, QueueOrder, QueueScope, changed_rows
from console.services.scoring import explain_ticket
from console.services.scoring_loop import RoundFailure, RoundResult, ScoringLoop, describe
from console.store import SUPPORTED_SUFFIXES, ImportReport, ReplyDraft, TicketStore, spans_from_json
from inference import SENTIMENTS, SentideskError, SentimentScorer

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

#: rows handed to the queue model per event-loop turn when a large file is imported
UPSERT_SLICE = 400
#: after this long, closing the window says that it is still saving
SAVING_NOTE_AFTER_SECONDS = 0.3

SHORTCUTS = (
    ("J / K", "Next / previous ticket"),
    ("Enter", "Open the ticket and start replying"),
    ("Ctrl+Enter", "Send the reply"),
    ("Alt+1 / Alt+2 / Alt+3", "Relabel negative / neutral / positive"),
    ("Ctrl+F", "Search the queue"),
    ("Esc", "Back to the queue"),
    ("Ctrl+O", "Import tickets from a file"),
    ("Ctrl+Shift+R", "Review flagged conversations (supervisors)"),
    (OPEN_TEMPLATES_KEY, "Reply templates (supervisors edit them)"),
    (OPEN_TRENDS_KEY, "Trends dashboard"),
    ("F1", "This help"),
)


def tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


class MainWindow(QMainWindow):
    """Signals:
    ticketShown(str): a ticket's detail is on screen.
    explanationShown(str, float): its highlights are on screen, with ms since selection.
    importFinished(object): an :class:`ImportReport` after each imported file.
    scoringIdle(): the scoring loop has nothing left to score.
    storeChanged(): a correction, reply or status change was written.
    writeFailed(str): a write the agent asked for was not stored (the reason is shown).
    accountChanged(object): another :class:`Account` logged in (switching users).
    modelReloaded(str): the scorer was loaded again (after a promotion or a switch); the
        version now scoring, or "" when none loads.
    closed(): the window was closed (after its pending writes were stored and a running
        retrain was cancelled).

    ``account`` is who is working: replies, overrides, status changes and audit rows carry
    its name, and views for supervisors check its role.
    """

    closed = Signal()

    ticketShown = Signal(str)
    explanationShown = Signal(str, float)
    importFinished = Signal(object)
    scoringIdle = Signal()
    storeChanged = Signal()
    writeFailed = Signal(str)
    accountChanged = Signal(object)
    modelReloaded = Signal(str)

    def __init__(
        self,
        root: Path,
        workers: Workers,
        library: TemplateLibrary,
        settings: QSettings,
        translations: Translations,
        account: Account,
    ) -> None:
        super().__init__()
        self.root = root
        self.paths = DeskPaths(root)
        self.workers = workers
        self.library = library
        #: the templates suggestions use: ``library`` with the supervisors' edits in the store
        self.templates = TemplateCatalog(library)
        self.settings = settings
        self.translations = translations
        self.account = account
        self.store: TicketStore | None = None
        self.scorer: SentimentScorer | None = None
        #: the model scoring is provisional (character n-grams, until the default one is built)
        self.scorer_provisional = False
        self.scoring: ScoringLoop | None = None
        #: the flag rules' settings; None until read, or when the file is unusable (flags
        #: then stay as stored: nothing is recomputed with settings the supervisor did not set)
        self.flag_settings: FlagSettings | None = None
        self._wake = asyncio.Event()
        self._scoring_task: asyncio.Task[None] | None = None
        # asyncio keeps only weak references to tasks; these keep fire-and-forget work alive
        self._tasks: set[asyncio.Future[Any]] = set()
        #: writes the agent asked for that are queued or running on the database worker
        self._writes: set[asyncio.Future[Any]] = set()
        self._closing = False
        #: a write failed while the window was closing: it stays open once to show that
        self._close_blocked = False
        self._inbox_busy = False
        self._inbox_again = False
        #: the login dialog is showing (switching users); a second one is not opened
        self._login_open = False
        self._selected_at = 0.0
        self.inbox = Inbox(self.paths.inbox)
        self.first_paint_ms: float | None = None

        self._show_title()
        self.setAcceptDrops(True)
        self.model = QueueModel(self)
        self.model.countsChanged.connect(self._show_counts)
        self.model.valuesChanged.connect(self._fill_filter_values)

        self.view = QueueView(self.model)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)

        self.panel = TicketPanel()
        self.panel.overrideRequested.connect(self.apply_override)
        self.panel.statusRequested.connect(self.apply_status)
        self.panel.sendRequested.connect(self.send_reply)
        self.panel.historyActivated.connect(self.open_ticket)
        self.placeholder = QLabel()
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self.panel)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.view)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([820, 580])
        self.notices = NoticeBar()
        central = QWidget()
        page = QVBoxLayout(central)
        page.setContentsMargins(0, 0, 0, 0)
        page.setSpacing(0)
        page.addWidget(self.notices)
        page.addWidget(splitter, 1)
        self.setCentralWidget(central)

        self._build_toolbar()
        self._build_shortcuts()
        self.counts = QLabel()
        self.scoring_label = QLabel()
        self.model_label = QLabel()
        self.account_label = QLabel()
        self.account_label.setObjectName("account")
        self.account_label.setTextFormat(Qt.TextFormat.PlainText)  # names are not markup
        self.statusBar().addWidget(self.counts, 1)
        self.statusBar().addPermanentWidget(self.scoring_label)
        self.statusBar().addPermanentWidget(self.model_label)
        self.statusBar().addPermanentWidget(self.account_label)
        self.progress = TrainingProgress()
        self.statusBar().addPermanentWidget(self.progress)
        self.first_launch = FirstLaunch(self)
        self._build_model_actions()
        self.review = ReviewEntry(self)
        self.alerts = AlertsEntry(self)
        self.template_editor = TemplatesEntry(self)
        self.trends = TrendsEntry(self)

        self._ages = QTimer(self)
        self._ages.timeout.connect(self.model.refresh_ages)
        self._ages.start(60_000)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(self._inbox_changed)
        # files still being written are looked at again once they have had time to settle
        self._inbox_retry = QTimer(self)
        self._inbox_retry.setSingleShot(True)
        self._inbox_retry.setInterval(int(SETTLE_SECONDS * 1000) + 200)
        self._inbox_retry.timeout.connect(self._inbox_changed)
        self.retranslate()

    def retranslate(self) -> None:
        """Set every text in the current UI language; called again after a language switch."""
        self.placeholder.setText(tr("Select a ticket (J/K to move, Enter to open)"))
        self.toolbar.setWindowTitle(tr("Filters"))
        self.search.setPlaceholderText(tr("Search subject, text, customer, id (Ctrl+F)"))
        names = {
            "status": tr("Status"),
            "sentiment": tr("Sentiment"),
            "category": tr("Category"),
            "language": tr("Language"),
            "channel": tr("Channel"),
        }
        for name, combo in self.filters.items():
            combo.setItemText(
                0, tr("All statuses") if name == "status" else tr("All %s") % names[name].lower()
            )
        self._fill_filter_values()
        orders = {
            QueueOrder.NEGATIVITY: tr("Most negative first"),
            QueueOrder.BLENDED: tr("Negativity + waiting time"),
            QueueOrder.OLDEST: tr("Oldest first"),
            QueueOrder.NEWEST: tr("Newest first"),
        }
        for i in range(self.order.count()):
            self.order.setItemText(i, orders[QueueOrder(self.order.itemData(i))])
        self.order.setToolTip(
            tr(
                "In both negativity orders, customers who threaten to escalate (a complaint to "
                "a regulator, a lawyer, a chargeback, a public review) come first, marked %s."
            )
            % ESCALATION_MARK
        )
        self.order_label.setText(tr("Order:"))
        self.menuBar().clear()
        self._build_menus()
        self.model.retranslate()
        self.scope_chip.retranslate()
        self._show_counts(self.model.status_counts())
        self.panel.retranslate()
        self.progress.retranslate()
        self._show_account()
        self.show_model_label()

    # -- construction -------------------------------------------------------------------
    def _build_toolbar(self) -> None:
        bar = QToolBar()
        bar.setObjectName("filters")
        bar.setMovable(False)
        self.toolbar = bar
        # the slice of the queue picked in the Trends dashboard or the alerts, when one is
        self.scope_chip = ScopeChip()
        self.scope_chip.cleared.connect(self._filters_changed)
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filters_changed)
        self.filters: dict[str, QComboBox] = {}
        for name in ("status", "sentiment", "category", "language", "channel"):
            combo = QComboBox()
            combo.addItem("", "")
            combo.currentIndexChanged.connect(self._filters_changed)
            combo.setObjectName(f"filter-{name}")
            self.filters[name] = combo
        self.order = QComboBox()
        for order in QueueOrder:
            self.order.addItem(order.value, order.value)
        self.order.currentIndexChanged.connect(
            lambda _i: self.model.set_order(QueueOrder(self.order.currentData()))
        )
        self.order_label = QLabel()
        holder = QWidget()
        layout = QHBoxLayout(holder)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.scope_chip)
        layout.addWidget(self.search, 2)
        for combo in self.filters.values():
            layout.addWidget(combo)
        layout.addWidget(self.order_label)
        layout.addWidget(self.order)
        bar.addWidget(holder)
        self.addToolBar(bar)

    def _fill_filter_values(self) -> None:
        fixed = {"status": ("open", "pending", "solved"), "sentiment": SENTIMENTS}
        for name, combo in self.filters.items():
            current = combo.currentData()
            values = fixed.get(name) or self.model.values(name)
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for value in values:
                combo.addItem(QCoreApplication.translate("QueueModel", value), value)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(tr("&File"))
        action = QAction(tr("&Import tickets…"), self)
        action.setShortcut(QKeySequence.StandardKey.Open)
        action.triggered.connect(self._choose_import)
        file_menu.addAction(action)
        inbox = QAction(tr("Open &inbox folder"), self)
        inbox.triggered.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.paths.inbox)))
        )
        file_menu.addAction(inbox)
        self.trends.add_export_action(file_menu)
        file_menu.addSeparator()
        self.switch_user_action = QAction(tr("&Switch user…"), self)
        self.switch_user_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.switch_user_action.triggered.connect(lambda: self._spawn(self.switch_user()))
        file_menu.addAction(self.switch_user_action)
        self.log_out_action = QAction(tr("&Log out"), self)
        self.log_out_action.triggered.connect(lambda: self._spawn(self.log_out()))
        file_menu.addAction(self.log_out_action)
        file_menu.addSeparator()
        quit_action = QAction(tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view_menu = self.menuBar().addMenu(tr("&View"))
        language_menu = view_menu.addMenu(tr("Interface language"))
        for code, name in LANGUAGES.items():
            act = QAction(name, self)
            act.setCheckable(True)
            act.setChecked(code == self.translations.language)
            act.triggered.connect(lambda _checked=False, c=code: self.set_language(c))
            language_menu.addAction(act)
        self.alerts.add_action(view_menu)
        self.template_editor.add_action(view_menu)
        self.trends.add_action(view_menu)

        self.model_menu = self.menuBar().addMenu(tr("&Model"))
        self.retrain_action.setText(tr("&Retrain model…"))
        self.schedule_action.setText(tr("Retrain &schedule…"))
        self.history_action.setText(tr("Model &history…"))
        self.model_toolbar.setWindowTitle(tr("Model"))
        for model_action in (self.retrain_action, self.schedule_action, self.history_action):
            self.model_menu.addAction(model_action)
        self.update_model_actions()
        self.review.add_menu(self.menuBar())

        help_menu = self.menuBar().addMenu(tr("&Help"))
        keys = QAction(tr("&Keyboard shortcuts"), self)
        keys.setShortcut(QKeySequence(Qt.Key.Key_F1))
        keys.triggered.connect(self.show_shortcuts)
        help_menu.addAction(keys)
        self.card_dialog: ModelCardDialog | None = None
        about = QAction(tr("&About this model…"), self)
        about.setObjectName("about-model")
        about.triggered.connect(lambda _checked=False: self.open_model_card())
        help_menu.addAction(about)

    def _build_model_actions(self) -> None:
        """Retrain, its schedule and the model history: supervisors only (the services
        refuse agents too; these are hidden so agents are not offered what they cannot do)."""
        self.retrain = RetrainFlow(self)
        self.retrain.finished.connect(lambda _outcome: self.update_model_actions())
        self.history_dialog: ModelHistoryDialog | None = None
        self.retrain_action = QAction(self)
        self.retrain_action.setObjectName("retrain")
        self.retrain_action.triggered.connect(lambda _checked=False: self.retrain.begin())
        self.schedule_action = QAction(self)
        self.schedule_action.triggered.connect(self.retrain.edit_schedule)
        self.history_action = QAction(self)
        self.history_action.triggered.connect(self.open_model_history)
        self.model_toolbar = QToolBar()
        self.model_toolbar.setObjectName("model")
        self.model_toolbar.setMovable(False)
        self.model_toolbar.addAction(self.retrain_action)
        self.addToolBar(self.model_toolbar)

    def update_model_actions(self) -> None:
        """Show the model actions to supervisors; one retrain at a time."""
        supervisor = self.account.role == "supervisor"
        for action in (self.retrain_action, self.schedule_action, self.history_action):
            action.setVisible(supervisor)
            action.setEnabled(supervisor)
        # nothing to retrain while the first real model is still being built
        self.retrain_action.setEnabled(
            supervisor and not self.retrain.running and not self.first_launch.building
        )
        self.model_menu.menuAction().setVisible(supervisor)
        self.model_toolbar.setVisible(supervisor)
        if not supervisor and self.history_dialog is not None:
            self.history_dialog.close()

    def open_model_card(self) -> ModelCardDialog:
        """Help → About this model: the card of the model the queue is scored with, read
        afresh (everyone may look; nothing in it can be changed)."""
        if self.card_dialog is None:
            self.card_dialog = ModelCardDialog(self)
        self.card_dialog.show()
        self.card_dialog.activateWindow()
        self._spawn(self.card_dialog.refresh())
        return self.card_dialog

    def open_model_history(self) -> ModelHistoryDialog | None:
        """Show the model history (supervisors), reading it afresh."""
        if self.account.role != "supervisor":
            return None
        if self.history_dialog is None:
            self.history_dialog = ModelHistoryDialog(self)
        self.history_dialog.show()
        self.history_dialog.activateWindow()
        self._spawn(self.history_dialog.refresh())
        return self.history_dialog

    def _build_shortcuts(self) -> None:
        def add(key: str | QKeySequence, slot: Any) -> None:
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(slot)

        # Single-letter shortcuts do not fire while a text field has focus: Qt lets text
        # widgets claim printable keys first, so typing "j" in a reply stays a "j".
        add("J", lambda: self.move_selection(1))
        add("K", lambda: self.move_selection(-1))
        add("Ctrl+F", self._focus_search)
        add("Esc", self.back_to_queue)
        add("Ctrl+Return", self.panel.request_send)
        add("Ctrl+Enter", self.panel.request_send)
        for number, sentiment in enumerate(SENTIMENTS, 1):
            add(f"Alt+{number}", lambda s=sentiment: self._relabel(s))
        for key in ("Return", "Enter"):
            open_shortcut = QShortcut(QKeySequence(key), self.view)
            open_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            open_shortcut.activated.connect(self.focus_reply)

    # -- who is working -----------------------------------------------------------------
    @property
    def agent_name(self) -> str:
        """The name replies, overrides, status changes and audit rows are stored under."""
        return self.account.name

    def _show_title(self) -> None:
        self.setWindowTitle(f"Sentidesk — {self.account.name}")

    def _show_account(self) -> None:
        self.account_label.setText(
            tr("Logged in: %s (%s)") % (self.account.name, role_name(self.account.role))
        )

    def set_account(self, account: Account) -> None:
        """Make ``account`` who is working from now on. Changes already queued keep the name
        of whoever made them; the open ticket's suggestions are filled in again, as they
        sign with the agent's name."""
        self.account = account
        self._show_title()
        self._show_account()
        self.update_model_actions()
        self.statusBar().showMessage(tr("Logged in as %s") % account.name, 5000)
        self.accountChanged.emit(account)
        if self.panel.detail is not None:
            self._spawn(self.open_ticket(self.panel.detail.id))

    async def switch_user(self) -> Account | None:
        """Ask who is working now; cancelling keeps the current account. Returns the account
        that logged in, or None."""
        account = await self._ask_account(quits=False)
        if account is not None:
            self.set_account(account)
        return account

    async def log_out(self) -> Account | None:
        """Hide the queue and ask who is working; cancelling closes the window, as cancelling
        the login at start-up quits. Returns the account that logged in, or None."""
        self.hide()
        account = await self._ask_account(quits=True)
        if account is None:
            self.close()
            return None
        self.set_account(account)
        self.show()
        return account

    async def _ask_account(self, *, quits: bool) -> Account | None:
        if self.store is None or self._login_open:
            return None
        self._login_open = True
        try:
            return await choose_account(
                self.store,
                self.workers,
                self.settings,
                quits=quits,
                parent=self if self.isVisible() else None,
            )
        finally:
            self._login_open = False

    # -- start-up and shutdown ----------------------------------------------------------
    async def start(self, demo_file: Path | None = None) -> None:
        """Open the store (importing the demo queue into an empty one), show the queue, then
        load the model and start scoring in the background."""
        t0 = time.perf_counter()
        self.store = await self.workers.db(open_store, self.root)
        if demo_file is not None and await self.workers.db(self.store.ticket_count) == 0:
            from console.services.demo import import_demo

            report = await self.workers.db(import_demo, self.store, demo_file)
            self.statusBar().showMessage(tr("Loaded %d demo tickets") % report.added, 8000)
        rows = await self.workers.db(self.store.queue_rows)
        self.model.set_rows(rows)
        if rows:
            self.view.selectRow(0)
        self.view.viewport().repaint()
        # The queue's rows live as long as the window: keep the cyclic garbage collector from
        # re-scanning tens of thousands of them on every full collection (a visible stall).
        gc.freeze()
        #: milliseconds from start() to the queue painted (reported by `sentidesk bench-ui`)
        self.first_paint_ms = (time.perf_counter() - t0) * 1000
        log.info(
            "queue of %d tickets shown %.0f ms after start",
            len(rows),
            (time.perf_counter() - t0) * 1000,
        )
        await self._load_flag_settings()
        if await self.refresh_flags():
            # Flags changed while the console was closed (new settings, a reply deadline
            # passed): the queue's order and escalation marks read them.
            known = self.model.rows_snapshot()
            self.model.refresh_rows(await self.workers.db(changed_rows, self.store, known))
        self.paths.inbox.mkdir(parents=True, exist_ok=True)
        self.watcher.addPath(str(self.paths.inbox))
        # without a usable model, the first launch makes a provisional one in the background
        # and loads it then: the queue is on screen meanwhile
        if not await self.first_launch.prepare():
            await self._load_model()
            self.first_launch.begin_build_if_due()
        await self._inbox_changed_async()

    async def _load_model(self) -> None:
        """Load the active model (or the nearest one that loads) and start scoring; without
        any model the queue stays usable, unscored, under a notice saying how to build one."""
        try:
            active = await self.workers.model(open_scorer, self.root, background_threads())
        except SentideskError as exc:
            self.model_label.setText(tr("No model"))
            self.notices.show_notice(
                "model",
                tr(
                    "No sentiment model can be loaded, so tickets are not scored. Build the "
                    "default model with: sentidesk model build (about 25 minutes, once). "
                    "Details: %s"
                )
                % exc,
                "error",
            )
            return
        if active.fallback is not None:
            self.notices.show_notice(
                "model",
                tr("Using an earlier model: %s") % active.fallback,
                "warning",
            )
        self.scorer = active.scorer
        self.scorer_provisional = active.provisional
        self.show_model_label()
        assert self.store is not None
        self.scoring = ScoringLoop(
            self.store,
            self.scorer,
            db=self.workers.db,
            model=self.workers.model,
            flag_settings=self.flag_settings,
        )
        self._scoring_task = asyncio.ensure_future(
            self.scoring.run(self._wake, self._scored, self._scoring_failed, self._scoring_finished)
        )

    def show_model_label(self) -> None:
        """Name the model scoring in the status bar; a provisional one is marked as such (its
        scores are rougher), with whether the default model is being built."""
        if self.scorer is None:
            return  # "No model", or what the first launch is doing, stays
        if not self.scorer_provisional:
            self.model_label.setText(
                tr("model %s (%s)") % (self.scorer.version, self.scorer.backend.name)
            )
            self.model_label.setStyleSheet("")
            self.model_label.setToolTip("")
            return
        self.model_label.setText(
            tr("provisional model (character n-grams) — the default model is being built")
            if self.first_launch.building
            else tr("provisional model (character n-grams)")
        )
        self.model_label.setStyleSheet("QLabel { color: #8a5300; font-weight: bold; }")
        self.model_label.setToolTip(
            tr("Model %s: a stand-in trained in seconds, less accurate than the default model")
            % self.scorer.version
        )

    async def reload_model(self) -> None:
        """Stop scoring with the loaded model and load the active one: tickets scored by
        another version are then re-scored in the background (the scoring loop picks them
        by model version)."""
        task, self._scoring_task = self._scoring_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.scoring = None
        self.scorer = None
        self.scorer_provisional = False
        self.notices.clear("model")
        await self._load_model()
        self.modelReloaded.emit(self.scorer.version if self.scorer is not None else "")

    async def shutdown(self) -> None:
        """Store every pending write, stop background work and close the store."""
        await self.retrain.stop()
        await self.first_launch.stop()
        if self.history_dialog is not None and shiboken6.isValid(self.history_dialog):
            self.history_dialog.close()
        await self._flush_writes()
        pending = [t for t in (self._scoring_task, *self._tasks) if t is not None]
        for task in pending:
            task.cancel()
        for task in pending:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._flush_writes()  # a cancelled task may have queued one last write
        if self.store is not None:
            await self.workers.db(self.store.close)
            self.store = None

    async def _flush_writes(self) -> None:
        while self._writes:
            await asyncio.wait(set(self._writes))

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        """Run ``coro`` in the background; a failure is shown in the window."""
        self._spawn(coro)

    def submit_write(
        self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs
    ) -> asyncio.Future[T]:
        """Queue a write of the window's own (a retrain's record, a model switch) on the
        database worker; closing the window waits for it. The caller shows the outcome."""
        future = self.workers.submit_db(fn, *args, **kwargs)
        self._writes.add(future)
        future.add_done_callback(self._writes.discard)
        return future

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Future[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            log.error("background task failed", exc_info=exc)
            self.notices.show_notice(
                "task", tr("Something went wrong: %s") % describe(exc or Exception()), "error"
            )

    # -- writes the agent asked for -----------------------------------------------------
    def run_write(
        self,
        what: str,
        fn: Callable[[], Any],
        ticket_id: str | None = None,
        done: Callable[[], None] | None = None,
    ) -> asyncio.Future[Any]:
        """The one way the window writes what the agent did: queue ``fn`` on the database
        worker now, then either run ``done`` and refresh the ticket, or show in the window
        that ``what`` was NOT saved and show the ticket's stored values again.

        Closing the window waits for every write queued here.
        """
        future = self.workers.submit_db(fn)
        self._writes.add(future)
        future.add_done_callback(self._writes.discard)
        self._spawn(self._finish_write(future, what, ticket_id, done))
        return future

    async def _finish_write(
        self,
        future: asyncio.Future[Any],
        what: str,
        ticket_id: str | None,
        done: Callable[[], None] | None,
    ) -> None:
        # one notice per kind of change: a later, different write that works must not hide
        # that this one failed
        key = f"write:{what}"
        try:
            await asyncio.shield(future)
        except Exception as exc:
            if isinstance(exc, SentideskError):
                log.warning("%s", exc)
                reason = describe(exc)
            else:
                log.error("%s failed", what, exc_info=exc)
                reason = f"{what}: {describe(exc)}"
            message = tr("Your change was not saved. %s") % (reason[:1].upper() + reason[1:])
            if self._closing:
                self._close_blocked = True
            self.notices.show_notice(key, message, "error")
            self.statusBar().showMessage(message, 15000)
            self.writeFailed.emit(message)
            if ticket_id is not None and not self._closing:
                await self._refresh_ticket(ticket_id)
            return
        self.notices.clear(key)
        if done is not None:
            done()
        if not self._closing:
            await self.refresh_flags()
        if ticket_id is not None and not self._closing:
            await self._refresh_ticket(ticket_id)

    # -- flags ------------------------------------------------------------------------
    async def _load_flag_settings(self) -> None:
        """Read the flag settings (database worker: a file next to the store). An unusable
        file turns flags off under a notice naming it and the key; stored flags stay."""
        try:
            self.flag_settings = await self.workers.db(load_flag_settings, self.root)
        except SentideskError as exc:
            self.flag_settings = None
            self.notices.show_notice(
                "flag-settings",
                tr("Conversations are not flagged until the flag settings are fixed: %s") % exc,
                "error",
            )
            return
        self.notices.clear("flag-settings")

    async def refresh_flags(self) -> int:
        """Recompute the flags that the latest writes changed (database worker); returns
        how many tickets were recomputed. A failure is shown; the write itself is stored,
        and the next refresh catches up."""
        if self.store is None or self.flag_settings is None:
            return 0
        try:
            return int(await self.workers.db(refresh_flags, self.store, self.flag_settings))
        except SentideskError as exc:
            log.info("flags not recomputed after a write: %s", exc)
            self.notices.show_notice(
                "flags", tr("Flags could not be brought up to date: %s") % describe(exc)
            )
            return 0
        self.notices.clear("flags")

    # -- background scoring -------------------------------------------------------------
    async def _scored(self, result: RoundResult) -> None:
        """Slot the freshly scored tickets into the queue (called by the scoring loop)."""
        self.notices.clear("scoring")
        if result.flag_error is not None:
            self.notices.show_notice(
                "flags", tr("Flags could not be brought up to date: %s") % result.flag_error
            )
        elif result.scored and self.flag_settings is not None:
            self.notices.clear("flags")
        if result.set_aside:
            self.notices.show_notice(
                "unscorable",
                tr("%d tickets could not be scored and stay unscored: %s")
                % (len(self.scoring.set_aside) if self.scoring else 0, result.set_aside[0][1]),
                "warning",
            )
        if self.store is None or not result.scored:
            return
        self._spawn(self.alerts.check())  # new scores may make a spike
        rows = await self.workers.db(self.store.queue_rows, list(result.scored))
        self.model.upsert_rows(rows)
        shown = self.panel.detail
        if shown is not None and shown.id in result.scored:
            self._spawn(self.open_ticket(shown.id))  # its prediction just arrived
        self.scoring_label.setText(tr("scoring new tickets…"))

    def _scoring_failed(self, failure: RoundFailure) -> None:
        text = tr("Scoring paused: %s. Retrying in %d s.") % (
            failure.reason,
            round(failure.retry_in),
        )
        self.scoring_label.setText(tr("scoring paused"))
        self.statusBar().showMessage(text, int(failure.retry_in * 1000) + 1000)
        self.notices.show_notice("scoring", text, "warning")

    def _scoring_finished(self) -> None:
        self.scoring_label.setText("")
        self.scoringIdle.emit()

    # -- import -------------------------------------------------------------------------
    async def import_files(self, paths: Sequence[Path]) -> list[ImportReport]:
        if self.store is None:
            return []
        reports: list[ImportReport] = []
        for path in paths:
            try:
                report = await self.workers.db(import_path, self.store, path)
            except Exception as exc:
                if not isinstance(exc, SentideskError):
                    log.error("importing %s failed", path, exc_info=exc)
                self.notices.show_notice(
                    "import", tr("Import failed, nothing was stored: %s") % describe(exc), "error"
                )
                continue
            reports.append(report)
            await self._show_imported(report)
        self._wake.set()
        return reports

    async def _show_imported(self, report: ImportReport) -> None:
        assert self.store is not None
        rows = await self.workers.db(self.store.queue_rows, report.ticket_ids)
        # a big file arrives in slices, so the GUI keeps answering between them
        for start in range(0, len(rows), UPSERT_SLICE):
            self.model.upsert_rows(rows[start : start + UPSERT_SLICE])
            await asyncio.sleep(0)
        gc.freeze()
        self._announce(report)
        self.importFinished.emit(report)
        self._wake.set()

    def _announce(self, report: ImportReport) -> None:
        text = tr("%s: %d new, %d updated, %d rejected") % (
            report.source,
            report.added,
            report.updated,
            len(report.rejected),
        )
        if report.kept:
            text += tr("; agents' replies, overrides and status kept on %d") % report.kept
        if report.reopened:
            text += tr("; %d reopened (the customer wrote again)") % report.reopened
        self.statusBar().showMessage(text, 15000)
        if report.rejected:
            details = "\n".join(f"{r.where}: {r.reason}" for r in report.rejected[:30])
            box = QMessageBox(QMessageBox.Icon.Information, tr("Import report"), text, parent=self)
            box.setTextFormat(Qt.TextFormat.PlainText)  # file names are not markup
            box.setDetailedText(details)
            box.setModal(False)
            box.show()

    def _choose_import(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self,
            tr("Import tickets"),
            str(Path.home()),
            tr("Tickets (%s)") % " ".join(f"*{s}" for s in SUPPORTED_SUFFIXES),
        )
        if files:
            self._spawn(self.import_files([Path(f) for f in files]))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            self._spawn(self.import_files(paths))
            event.acceptProposedAction()

    @asyncSlot(str)
    async def _inbox_changed(self, _path: str = "") -> None:
        await self._inbox_changed_async()

    async def _inbox_changed_async(self) -> None:
        """Import the inbox files that have stopped changing (on the database worker), one
        at a time; look again later for files still being written."""
        if self.store is None:
            return
        if self._inbox_busy:
            # the folder changed while files are being taken (our own moves do that): one
            # more scan afterwards, never two at once taking the same file
            self._inbox_again = True
            return
        self._inbox_busy = True
        try:
            again = True
            while again:
                self._inbox_again = False
                ready, settling = await self.workers.db(self.inbox.scan)
                for path in ready:
                    outcome = await self.workers.db(self.inbox.take, self.store, path)
                    if outcome is not None:
                        await self._show_inbox_outcome(outcome)
                        settling = settling or outcome.filed_as is None
                again = self._inbox_again
        finally:
            self._inbox_busy = False
        if settling:
            self._inbox_retry.start()

    async def _show_inbox_outcome(self, outcome: InboxOutcome) -> None:
        if outcome.report is not None:
            await self._show_imported(outcome.report)
        if outcome.error is None:
            return
        where = (
            tr("moved to %s") % outcome.filed_as
            if outcome.filed_as is not None
            else tr("left in the inbox to try again")
        )
        self.notices.show_notice(
            "inbox", tr("Inbox file not imported (%s): %s") % (where, outcome.error), "error"
        )

    # -- the selected ticket ------------------------------------------------------------
    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        ticket_id = self.model.ticket_id(current.row())
        self.model.hold(ticket_id)
        if ticket_id is not None:
            self._selected_at = time.perf_counter()
            self._spawn(self.open_ticket(ticket_id))

    @asyncSlot(str)
    async def open_ticket(self, ticket_id: str) -> None:
        if self.store is None:
            return
        store = self.store
        try:
            detail, suggestions = await self.workers.db(
                _load_ticket_view, store, self.templates, ticket_id, self.agent_name
            )
        except KeyError:
            return
        except Exception as exc:
            if not isinstance(exc, SentideskError):
                log.error("opening ticket %s failed", ticket_id, exc_info=exc)
            self.notices.show_notice(
                "open", tr("Ticket %s cannot be shown: %s") % (ticket_id, describe(exc)), "error"
            )
            return
        self.notices.clear("open")
        current = self.model.ticket_id(self.view.currentIndex().row())
        showing = self.panel.detail.id if self.panel.detail is not None else None
        if current not in (ticket_id, None) and showing != ticket_id:
            return  # the agent has moved on to another ticket meanwhile
        customer = [m.body for m in detail.messages if m.author == "customer"]
        cached = (detail.prediction or {}).get("explanation")
        spans = (
            None
            if cached is None
            else spans_by_part(detail.subject, customer, spans_from_json(cached))
        )
        self.panel.show_ticket(detail, spans)
        self.panel.show_suggestions(ticket_id, suggestions)
        self.stack.setCurrentWidget(self.panel)
        self.ticketShown.emit(ticket_id)
        if spans is not None:
            self.explanationShown.emit(ticket_id, (time.perf_counter() - self._selected_at) * 1000)
            return
        if self.scorer is None or detail.prediction is None:
            return
        raw = await self.workers.model(explain_ticket, self.scorer, detail.subject, customer)
        self.panel.show_explanation(ticket_id, spans_by_part(detail.subject, customer, raw))
        self.explanationShown.emit(ticket_id, (time.perf_counter() - self._selected_at) * 1000)
        # a cache only: if it cannot be written the explanation is computed again next time
        try:
            await self.workers.db(store.save_explanation, ticket_id, raw)
        except SentideskError as exc:
            log.info("explanation of %s not cached: %s", ticket_id, exc)

    def apply_override(self, ticket_id: str, field: str, value: str) -> None:
        if self.store is None:
            return
        self.run_write(
            tr("the %s of ticket %s") % (tr(field), ticket_id),
            functools.partial(self.store.correct, ticket_id, field, value, self.agent_name),
            ticket_id,
            lambda: self.statusBar().showMessage(
                tr("Saved correction: %s → %s") % (tr(field), tr(value)), 5000
            ),
        )

    def apply_status(self, ticket_id: str, status: str) -> None:
        if self.store is None:
            return
        self.run_write(
            tr("the status of ticket %s") % ticket_id,
            functools.partial(self.store.set_status, ticket_id, status, self.agent_name),
            ticket_id,
        )

    def send_reply(self, draft: ReplyDraft) -> None:
        """Queue the reply at once (closing the window waits for it); the editor keeps the
        text until it is stored, so a failed send can be sent again."""
        if self.store is None:
            return

        def sent() -> None:
            if self.panel.detail is not None and self.panel.detail.id == draft.ticket_id:
                self.panel.reply_sent()
            self.statusBar().showMessage(tr("Reply sent"), 5000)

        # no second Send of the same reply while the first is waiting for the database
        self.panel.set_sending(True)
        future = self.run_write(
            tr("the reply to ticket %s") % draft.ticket_id,
            functools.partial(send_reply, self.store, draft, self.agent_name),
            draft.ticket_id,
            sent,
        )
        future.add_done_callback(lambda _f: self.panel.set_sending(False))

    async def _refresh_ticket(self, ticket_id: str) -> None:
        if self.store is None:
            return
        rows = await self.workers.db(self.store.queue_rows, [ticket_id])
        self.model.upsert_rows(rows)
        if self.panel.detail is not None and self.panel.detail.id == ticket_id:
            await self.open_ticket(ticket_id)
        self.storeChanged.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Close once a running retrain or model build is cancelled and every pending write
        is stored; say so if that takes a moment."""
        if self.retrain.running or self.first_launch.running:
            event.ignore()
            if not self._closing:
                self._closing = True
                self._spawn(self._close_after_retrain())
            return
        if self._close_blocked:
            self._close_blocked = False  # the agent saw why and closes anyway
        elif self._writes:
            event.ignore()
            if not self._closing:
                self._closing = True
                self._spawn(self._close_after_writes())
            return
        self._closing = True
        self.closed.emit()
        super().closeEvent(event)

    async def _close_after_retrain(self) -> None:
        text = (
            tr("Cancelling the retrain before closing…")
            if self.retrain.running
            else tr("Stopping the model build before closing…")
        )
        self.notices.show_notice("closing", text, "info")
        await self.retrain.stop()
        await self.first_launch.stop()
        self.notices.clear("closing")
        self._closing = False
        self.close()

    async def _close_after_writes(self) -> None:
        note = QTimer(self)
        note.setSingleShot(True)
        note.timeout.connect(
            lambda: self.notices.show_notice(
                "closing",
                tr("Saving %d change(s) before closing…") % len(self._writes),
                "info",
            )
        )
        note.start(int(SAVING_NOTE_AFTER_SECONDS * 1000))
        await self._flush_writes()
        note.stop()
        self.notices.clear("closing")
        if self._close_blocked:
            # Closing would throw away what could not be saved; say so and stay open. The
            # agent can copy the text or try again; closing once more discards it.
            self._closing = False
            self.notices.show_notice(
                "closing",
                tr(
                    "The window stayed open because a change could not be saved (see above). "
                    "Try again, or close the window again to discard it."
                ),
                "error",
            )
            return
        self.close()

    # -- keyboard -----------------------------------------------------------------------
    def move_selection(self, step: int) -> None:
        step_selection(self.view, step)

    def focus_reply(self) -> None:
        if self.panel.detail is not None:
            self.stack.setCurrentWidget(self.panel)
            self.panel.editor.setFocus()
            self.panel.editor.select_next_placeholder()

    def back_to_queue(self) -> None:
        self.view.setFocus()

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _relabel(self, sentiment: str) -> None:
        if self.panel.detail is not None:
            self.panel.relabel(sentiment)

    def _filters_changed(self, *_args: object) -> None:
        self.model.set_filter(
            QueueFilter(
                search=self.search.text().strip(),
                scope=self.scope_chip.scope,
                **{name: combo.currentData() or "" for name, combo in self.filters.items()},
            )
        )

    def apply_scope(self, scope: QueueScope | None) -> None:
        """Show only the tickets of ``scope`` in the queue (all again for None), under a
        "Filtered: … ×" chip that clears it; the other filters still apply."""
        self.scope_chip.set_scope(scope)
        self._filters_changed()
        if scope is not None:
            self.statusBar().showMessage(
                tr("The queue shows %d tickets of: %s") % (self.model.rowCount(), scope.label),
                8000,
            )
            self.activateWindow()

    def _show_counts(self, counts: dict[str, int]) -> None:
        self.counts.setText(
            "   ".join(
                f"{QCoreApplication.translate('QueueModel', s)}: {counts.get(s, 0)}"
                for s in ("open", "pending", "solved")
            )
        )

    def show_shortcuts(self) -> None:
        rows = "".join(f"<tr><td><b>{k}</b></td><td>{tr(v)}</td></tr>" for k, v in SHORTCUTS)
        QMessageBox.information(
            self, tr("Keyboard shortcuts"), f"<table cellpadding='4'>{rows}</table>"
        )

    def set_language(self, code: str) -> None:
        self.settings.setValue(SETTING, code)
        self.translations.install(code)
        self.retranslate()


def _load_ticket_view(
    store: TicketStore, templates: TemplateCatalog, ticket_id: str, agent_name: str
) -> tuple[Any, list[Any]]:
    """Thread: database worker. The ticket and its reply suggestions."""
    detail = store.ticket(ticket_id)
    return detail, suggest_for(templates.library(store), detail, agent_name)
