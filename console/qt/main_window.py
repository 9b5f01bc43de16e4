"""The main window: filters, the queue, the ticket panel, and the background work behind them.

Everything slow is awaited on a worker (see :mod:`console.qt.workers`); this module only
moves results into widgets.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import Any

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
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolBar,
    QWidget,
)
from qasync import asyncSlot

from console.qt.delegates import NegativityBarDelegate
from console.qt.i18n import LANGUAGES, SETTING, Translations
from console.qt.queue_model import QueueModel
from console.qt.ticket_panel import TicketPanel
from console.qt.workers import Workers
from console.services import TemplateLibrary, finish_reply, spans_by_part
from console.services.desk import (
    DeskPaths,
    background_threads,
    file_away,
    import_path,
    new_inbox_files,
    open_scorer,
    open_store,
    suggest_for,
)
from console.services.queue import QueueFilter, QueueOrder
from console.services.scoring import explain_ticket, score_batch
from console.store import SUPPORTED_SUFFIXES, ImportReport, ReplyDraft, TicketStore, spans_from_json
from inference import SENTIMENTS, Scorer, SentideskError

log = logging.getLogger(__name__)

SCORING_BATCH = 32
#: rows handed to the queue model per event-loop turn when a large file is imported
UPSERT_SLICE = 400

SHORTCUTS = (
    ("J / K", "Next / previous ticket"),
    ("Enter", "Open the ticket and start replying"),
    ("Ctrl+Enter", "Send the reply"),
    ("Alt+1 / Alt+2 / Alt+3", "Relabel negative / neutral / positive"),
    ("Ctrl+F", "Search the queue"),
    ("Esc", "Back to the queue"),
    ("Ctrl+O", "Import tickets from a file"),
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
    closed(): the window was closed.
    """

    closed = Signal()

    ticketShown = Signal(str)
    explanationShown = Signal(str, float)
    importFinished = Signal(object)
    scoringIdle = Signal()
    storeChanged = Signal()

    def __init__(
        self,
        root: Path,
        workers: Workers,
        library: TemplateLibrary,
        settings: QSettings,
        translations: Translations,
        agent_name: str,
    ) -> None:
        super().__init__()
        self.root = root
        self.paths = DeskPaths(root)
        self.workers = workers
        self.library = library
        self.settings = settings
        self.translations = translations
        self.agent_name = agent_name
        self.store: TicketStore | None = None
        self.scorer: Scorer | None = None
        self._wake = asyncio.Event()
        self._scoring_task: asyncio.Task[None] | None = None
        # asyncio keeps only weak references to tasks; these keep fire-and-forget work alive
        self._tasks: set[asyncio.Future[Any]] = set()
        self._selected_at = 0.0
        self._inbox_seen: set[str] = set()
        self.first_paint_ms: float | None = None

        self.setWindowTitle("Sentidesk")
        self.setAcceptDrops(True)
        self.model = QueueModel(self)
        self.model.countsChanged.connect(self._show_counts)
        self.model.valuesChanged.connect(self._fill_filter_values)

        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(24)
        # fixed row heights: no per-row size bookkeeping when 50,000 rows re-order
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.setItemDelegateForColumn(0, NegativityBarDelegate(self.view))
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(
            QueueModel.COLUMNS.index("subject"), QHeaderView.ResizeMode.Stretch
        )
        for column, width in (
            ("negativity", 70),
            ("sentiment", 72),
            ("category", 72),
            ("language", 38),
            ("customer", 96),
            ("channel", 56),
            ("age", 64),
            ("status", 56),
        ):
            self.view.setColumnWidth(QueueModel.COLUMNS.index(column), width)
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
        self.setCentralWidget(splitter)

        self._build_toolbar()
        self._build_shortcuts()
        self.counts = QLabel()
        self.scoring_label = QLabel()
        self.model_label = QLabel()
        self.statusBar().addWidget(self.counts, 1)
        self.statusBar().addPermanentWidget(self.scoring_label)
        self.statusBar().addPermanentWidget(self.model_label)

        self._ages = QTimer(self)
        self._ages.timeout.connect(self.model.refresh_ages)
        self._ages.start(60_000)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(self._inbox_changed)
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
        self.order_label.setText(tr("Order:"))
        self.menuBar().clear()
        self._build_menus()
        self.model.retranslate()
        self._show_counts(self.model.status_counts())
        self.panel.retranslate()
        if self.scorer is not None:
            self.model_label.setText(
                tr("model %s (%s)") % (self.scorer.version, self.scorer.backend.name)
            )

    # -- construction -------------------------------------------------------------------
    def _build_toolbar(self) -> None:
        bar = QToolBar()
        bar.setObjectName("filters")
        bar.setMovable(False)
        self.toolbar = bar
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

        help_menu = self.menuBar().addMenu(tr("&Help"))
        keys = QAction(tr("&Keyboard shortcuts"), self)
        keys.setShortcut(QKeySequence(Qt.Key.Key_F1))
        keys.triggered.connect(self.show_shortcuts)
        help_menu.addAction(keys)

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
        self.paths.inbox.mkdir(parents=True, exist_ok=True)
        self.watcher.addPath(str(self.paths.inbox))
        try:
            self.scorer = await self.workers.model(open_scorer, self.root, background_threads())
        except SentideskError as exc:
            self.model_label.setText(tr("No model"))
            QMessageBox.warning(
                self,
                "Sentidesk",
                tr(
                    "No sentiment model is installed yet, so tickets cannot be scored.\n\n"
                    "Build the default model with:\n  sentidesk model build\n\n%s"
                )
                % exc,
            )
            return
        self.model_label.setText(
            tr("model %s (%s)") % (self.scorer.version, self.scorer.backend.name)
        )
        self._scoring_task = asyncio.ensure_future(self._scoring_loop())
        await self._inbox_changed_async()

    async def shutdown(self) -> None:
        """Stop background work (letting a running database write finish) and close the store."""
        pending = [t for t in (self._scoring_task, *self._tasks) if t is not None]
        for task in pending:
            task.cancel()
        for task in pending:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self.store is not None:
            await self.workers.db(self.store.close)
            self.store = None

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Future[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background task failed", exc_info=task.exception())

    # -- background scoring -------------------------------------------------------------
    async def _scoring_loop(self) -> None:
        while True:
            done = await self.score_round()
            if done == 0:
                self.scoring_label.setText("")
                self.scoringIdle.emit()
                self._wake.clear()
                await self._wake.wait()

    async def score_round(self) -> int:
        """Score one batch of unscored tickets and slot them into the queue."""
        if self.store is None or self.scorer is None:
            return 0
        store, scorer = self.store, self.scorer
        pending = await self.workers.db(store.pending_scoring, scorer.version, SCORING_BATCH)
        if not pending:
            return 0
        batch = await self.workers.model(score_batch, scorer, pending)
        await self.workers.db(store.save_predictions, batch.tickets, batch.messages)
        scored_ids = [tid for tid, _, _ in pending]
        rows = await self.workers.db(store.queue_rows, scored_ids)
        self.model.upsert_rows(rows)
        shown = self.panel.detail
        if shown is not None and shown.id in scored_ids:
            self._spawn(self.open_ticket(shown.id))  # its prediction just arrived
        unscored = sum(1 for r in rows if r.negativity is None)
        self.scoring_label.setText(tr("scoring new tickets…") if not unscored else "")
        return len(pending)

    # -- import -------------------------------------------------------------------------
    async def import_files(self, paths: Sequence[Path]) -> list[ImportReport]:
        if self.store is None:
            return []
        reports = []
        for path in paths:
            try:
                report = await self.workers.db(import_path, self.store, path)
            except SentideskError as exc:
                QMessageBox.warning(self, tr("Import failed"), str(exc))
                continue
            reports.append(report)
            rows = await self.workers.db(self.store.queue_rows, report.ticket_ids)
            # a big file arrives in slices, so the GUI keeps answering between them
            for start in range(0, len(rows), UPSERT_SLICE):
                self.model.upsert_rows(rows[start : start + UPSERT_SLICE])
                await asyncio.sleep(0)
            gc.freeze()
            self._announce(report)
            self.importFinished.emit(report)
        self._wake.set()
        return reports

    def _announce(self, report: ImportReport) -> None:
        text = tr("%s: %d new, %d updated, %d rejected") % (
            report.source,
            report.added,
            report.updated,
            len(report.rejected),
        )
        self.statusBar().showMessage(text, 15000)
        if report.rejected:
            details = "\n".join(f"{r.where}: {r.reason}" for r in report.rejected[:30])
            box = QMessageBox(QMessageBox.Icon.Information, tr("Import report"), text, parent=self)
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
        """Import files dropped into the inbox folder, then file them away (on the worker)."""
        inbox = self.paths.inbox
        new = await self.workers.db(new_inbox_files, inbox, frozenset(self._inbox_seen))
        for path in new:
            self._inbox_seen.add(path.name)
            reports = await self.import_files([path])
            await self.workers.db(file_away, inbox, path, reports[0] if reports else None)

    # -- the selected ticket ------------------------------------------------------------
    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        ticket_id = self.model.ticket_id(current.row())
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
                _load_ticket_view, store, self.library, ticket_id, self.agent_name
            )
        except KeyError:
            return
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
        await self.workers.db(store.save_explanation, ticket_id, raw)
        self.panel.show_explanation(ticket_id, spans_by_part(detail.subject, customer, raw))
        self.explanationShown.emit(ticket_id, (time.perf_counter() - self._selected_at) * 1000)

    @asyncSlot(str, str, str)
    async def apply_override(self, ticket_id: str, field: str, value: str) -> None:
        if self.store is None:
            return
        await self.workers.db(self.store.correct, ticket_id, field, value, self.agent_name)
        await self._refresh_ticket(ticket_id)
        self.statusBar().showMessage(tr("Saved correction: %s → %s") % (tr(field), tr(value)), 5000)

    @asyncSlot(str, str)
    async def apply_status(self, ticket_id: str, status: str) -> None:
        if self.store is None:
            return
        await self.workers.db(self.store.set_status, ticket_id, status, self.agent_name)
        await self._refresh_ticket(ticket_id)

    @asyncSlot(object)
    async def send_reply(self, draft: ReplyDraft) -> None:
        if self.store is None:
            return
        record = await self.workers.db(finish_reply, draft)
        await self.workers.db(self.store.save_reply, record, self.agent_name)
        self.panel.reply_sent()
        self.statusBar().showMessage(tr("Reply sent"), 5000)
        await self._refresh_ticket(draft.ticket_id)

    async def _refresh_ticket(self, ticket_id: str) -> None:
        assert self.store is not None
        rows = await self.workers.db(self.store.queue_rows, [ticket_id])
        self.model.upsert_rows(rows)
        if self.panel.detail is not None and self.panel.detail.id == ticket_id:
            await self.open_ticket(ticket_id)
        self.storeChanged.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed.emit()
        super().closeEvent(event)

    # -- keyboard -----------------------------------------------------------------------
    def move_selection(self, step: int) -> None:
        rows = self.model.rowCount()
        if not rows:
            return
        current = self.view.currentIndex().row()
        target = 0 if current < 0 else max(0, min(rows - 1, current + step))
        self.view.selectRow(target)
        self.view.scrollTo(self.model.index(target, 0))

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
                **{name: combo.currentData() or "" for name, combo in self.filters.items()},
            )
        )

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
    store: TicketStore, library: TemplateLibrary, ticket_id: str, agent_name: str
) -> tuple[Any, list[Any]]:
    """Thread: database worker. The ticket and its reply suggestions."""
    detail = store.ticket(ticket_id)
    return detail, suggest_for(library, detail, agent_name)
