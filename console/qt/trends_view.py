"""The Trends dashboard (View → Trends…) and the report export from the window (File →
Export report…, supervisors).

The dashboard reads one :class:`~console.services.trends.Trends` for the chosen date range
on the database worker (:func:`~console.services.trends.compute_trends`) and draws it: volume
and negative share per day (or per hour over the last two days) overall and per category,
channel and language; waiting time and SLA breaches; the phrases driving negativity this
week; and, for supervisors, team figures per agent and per template. Every chart has its
numbers in a table beside it, and hovering shows a bucket's values. Clicking a bar or point
(or activating a table row) filters the queue of the main window to those conversations
(:meth:`MainWindow.apply_scope`, shown as a "Filtered: … ×" chip there); a template row
opens the template in the template editor.

Drawing happens in steps of one chart or one table, handing the event loop back between
them, so the window keeps answering while a 90-day range is drawn.

pyqtgraph and the chart module are imported when the dashboard first opens, on a worker
thread: importing them on the GUI thread would freeze the window for most of a second. The
first opening is spread over turns of the event loop as well: the window is made, shown and
filled with charts in separate turns (see :meth:`TrendsEntry.open` and
:meth:`TrendsWindow.build`).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import gc
import importlib
import logging
import sys
import threading
import time
from collections.abc import Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QDateTime,
    QModelIndex,
    QObject,
    Qt,
    QTime,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.qt.record_table import AnyIndex, RecordTableModel
from console.services.flags import load_flag_settings
from console.services.queue import QueueScope
from console.services.report import export_report, report_html
from console.services.scoring_loop import describe
from console.services.trends import (
    DIMENSIONS,
    PHRASE_LANGUAGES,
    AgentFigures,
    Phrase,
    TemplateFigures,
    Timeline,
    TrendPoint,
    Trends,
    TrendsQuery,
    WaitPoint,
    compute_trends,
)
from console.store import TicketStore
from inference import SentideskError

if TYPE_CHECKING:
    from console.qt.charts import Chart
    from console.qt.main_window import MainWindow
    from console.services.template_edits import TemplateCatalog

log = logging.getLogger(__name__)

R = TypeVar("R")

#: Opens the dashboard.
OPEN_TRENDS_KEY = "Ctrl+Shift+D"
#: The date-range presets, in days ending today.
PRESETS = (7, 30, 90)
DEFAULT_DAYS = 30
#: Custom role: the row's record.
RecordRole = Qt.ItemDataRole.UserRole + 1


def tr(text: str) -> str:
    return QCoreApplication.translate("TrendsView", text)


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def _hours(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds / 3600:.1f} h"


def _start_of(day: QDate, days: int = 0) -> float:
    """Local midnight at the start of ``day`` (+ ``days``), epoch seconds."""
    return float(QDateTime(day.addDays(days), QTime(0, 0)).toSecsSinceEpoch())


def date_range(since: QDate, until: QDate, now: float | None = None) -> tuple[float, float]:
    """The range from the start of ``since`` to the end of ``until`` (both included), but
    not beyond now: the last hours of the range are its most recent ones."""
    moment = time.time() if now is None else now
    return _start_of(since), min(_start_of(until, 1), max(moment, _start_of(since) + 1))


_collector_lock = threading.Lock()
_collector_pauses = 0
_collector_was_enabled = False


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Keep Python's cyclic garbage collector from running meanwhile (in any thread).

    Reading a 90-day range makes a few hundred thousand short-lived objects on the database
    worker; each full collection they set off walks every object of the process for 100 to
    200 ms while holding the interpreter lock, and the GUI thread stood still that long
    (measured on a 50,000-ticket store). The objects are freed by reference counting
    anyway. What is still alive at the end (the numbers drawn) is moved out of the
    collector's sight, as the main window does with the queue's rows: the first collection
    afterwards would otherwise walk all of it at once. Pauses may overlap."""
    global _collector_pauses, _collector_was_enabled  # noqa: PLW0603 (one process-wide switch)
    with _collector_lock:
        if _collector_pauses == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _collector_pauses += 1
    try:
        yield
    finally:
        with _collector_lock:
            _collector_pauses -= 1
            if _collector_pauses == 0:
                gc.freeze()
                if _collector_was_enabled:
                    gc.enable()


def _import_charts() -> None:
    # the chart module too: importing it took 15 to 20 ms of the GUI thread, in the turn
    # that then made the window (it only defines classes; nothing Qt is made at import)
    with collector_paused():
        importlib.import_module("pyqtgraph")
        importlib.import_module("console.qt.charts")


async def load_charts() -> Any:
    """The chart module, importing it and pyqtgraph on a worker thread the first time."""
    if "console.qt.charts" not in sys.modules:
        await asyncio.to_thread(_import_charts)
    return importlib.import_module("console.qt.charts")


# -- table models ---------------------------------------------------------------------------
@dataclass(frozen=True)
class PeriodRow:
    """One bucket of one series of the volume and share tables."""

    start: float
    end: float
    resolution: str
    dimension: str
    key: str
    point: TrendPoint


@dataclass(frozen=True)
class WaitRow:
    """One bucket of the waiting table."""

    start: float
    end: float
    resolution: str
    point: WaitPoint


class FigureModel(RecordTableModel[R]):
    """A table of figures: subclasses name their ``COLUMNS``, translate them in
    :meth:`headers` and say what each cell shows in :meth:`cell`; columns in ``NUMERIC``
    are right-aligned. Roles besides display: :data:`RecordRole` (the row's record).

    Cell texts are made once per :meth:`set_records` (and language switch): a view asks
    for a dozen roles of every visible cell on each paint, and answering them from the
    records took most of a paint of the dashboard."""

    NUMERIC: frozenset[str] = frozenset()
    _RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cells: list[tuple[str, ...]] = []
        self._numeric = tuple(c in self.NUMERIC for c in self.COLUMNS)

    def key(self, record: R) -> Any:
        return id(record)

    def cell(self, record: R, column: str) -> str:
        raise NotImplementedError

    def set_records(self, records: Sequence[R]) -> None:
        self._cells = [tuple(self.cell(r, c) for c in self.COLUMNS) for r in records]
        super().set_records(records)

    def retranslate(self) -> None:
        self._cells = [tuple(self.cell(r, c) for c in self.COLUMNS) for r in self.records]
        super().retranslate()

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            row = index.row()
            if index.isValid() and 0 <= row < len(self._cells):
                return self._cells[row][index.column()]
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._RIGHT if index.isValid() and self._numeric[index.column()] else None
        if role == RecordRole:
            return self.row_record(index)
        return None


def _series_name(key: str) -> str:
    from console.qt.charts import series_name

    return str(series_name(key))


def _period(start: float, resolution: str) -> str:
    from console.qt.charts import bucket_label

    return str(bucket_label(start, resolution, long=True))


class PeriodModel(FigureModel[PeriodRow]):
    COLUMNS = ("period", "series", "tickets", "scored", "negative", "share")
    NUMERIC = frozenset(COLUMNS[2:])

    def headers(self) -> dict[str, str]:
        return {
            "period": tr("Period"),
            "series": tr("Series"),
            "tickets": tr("Tickets"),
            "scored": tr("Scored"),
            "negative": tr("Negative"),
            "share": tr("Negative share"),
        }

    def cell(self, record: PeriodRow, column: str) -> str:
        p = record.point
        values = {
            "period": lambda: _period(record.start, record.resolution),
            "series": lambda: _series_name(record.key),
            "tickets": lambda: str(p.volume),
            "scored": lambda: str(p.scored),
            "negative": lambda: str(p.negatives),
            "share": lambda: _percent(p.share),
        }
        return values[column]()


class WaitModel(FigureModel[WaitRow]):
    COLUMNS = ("period", "tickets", "answered", "median", "p90", "breaches", "waiting")
    NUMERIC = frozenset(COLUMNS[1:])

    def headers(self) -> dict[str, str]:
        return {
            "period": tr("Period"),
            "tickets": tr("Tickets"),
            "answered": tr("Answered"),
            "median": tr("Median first reply"),
            "p90": tr("90% within"),
            "breaches": tr("SLA breaches"),
            "waiting": tr("Waiting now"),
        }

    def cell(self, record: WaitRow, column: str) -> str:
        w = record.point
        values = {
            "period": lambda: _period(record.start, record.resolution),
            "tickets": lambda: str(w.tickets),
            "answered": lambda: str(w.answered),
            "median": lambda: _hours(w.median_wait),
            "p90": lambda: _hours(w.p90_wait),
            "breaches": lambda: str(w.breaches),
            "waiting": lambda: str(w.unanswered),
        }
        return values[column]()


class PhraseModel(FigureModel[Phrase]):
    COLUMNS = ("phrase", "tickets", "share", "before", "z")
    NUMERIC = frozenset(COLUMNS[1:])

    def headers(self) -> dict[str, str]:
        return {
            "phrase": tr("Phrase"),
            "tickets": tr("Negative tickets this week"),
            "share": tr("Share this week"),
            "before": tr("Share before"),
            "z": tr("z"),
        }

    def cell(self, record: Phrase, column: str) -> str:
        values = {
            "phrase": lambda: record.text,
            "tickets": lambda: str(record.this_week),
            "share": lambda: _percent(record.this_share),
            "before": lambda: _percent(record.before_share),
            "z": lambda: f"{record.z:.1f}",
        }
        return values[column]()


class AgentModel(FigureModel[AgentFigures]):
    COLUMNS = (
        "agent",
        "tickets",
        "replies",
        "relabelled",
        "override",
        "first_reply",
        "edited",
        "heavy",
    )
    NUMERIC = frozenset(COLUMNS[1:])

    def headers(self) -> dict[str, str]:
        return {
            "agent": tr("Agent"),
            "tickets": tr("Tickets handled"),
            "replies": tr("Replies"),
            "relabelled": tr("Relabelled"),
            "override": tr("Override rate"),
            "first_reply": tr("Median first reply"),
            "edited": tr("Suggestion changed"),
            "heavy": tr("Heavily edited"),
        }

    def cell(self, record: AgentFigures, column: str) -> str:
        a = record
        values = {
            "agent": lambda: a.agent,
            "tickets": lambda: str(a.tickets),
            "replies": lambda: str(a.replies),
            "relabelled": lambda: str(a.relabelled),
            "override": lambda: _percent(a.override_rate),
            "first_reply": lambda: _hours(a.median_first_reply),
            "edited": lambda: _percent(a.mean_edit_ratio),
            "heavy": lambda: f"{a.heavy_edits} / {a.suggested}",
        }
        return values[column]()


class TemplateModel(FigureModel[TemplateFigures]):
    COLUMNS = ("template", "title", "uses", "mean", "median", "heavy", "agents")
    NUMERIC = frozenset(COLUMNS[2:])

    def headers(self) -> dict[str, str]:
        return {
            "template": tr("Template"),
            "title": tr("Title"),
            "uses": tr("Uses"),
            "mean": tr("Changed (mean)"),
            "median": tr("Changed (median)"),
            "heavy": tr("Heavily edited"),
            "agents": tr("Agents"),
        }

    def cell(self, record: TemplateFigures, column: str) -> str:
        t = record
        values = {
            "template": lambda: t.template_id,
            "title": lambda: t.title,
            "uses": lambda: str(t.uses),
            "mean": lambda: _percent(t.mean_edit_ratio),
            "median": lambda: _percent(t.median_edit_ratio),
            "heavy": lambda: _percent(t.heavy_edit_share),
            "agents": lambda: str(t.agents),
        }
        return values[column]()


def _table(model: RecordTableModel[Any], name: str) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(22)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setDefaultSectionSize(96)
    # a day with its weekday, a phrase, a name or a template id: fixed, not measured over
    # hundreds of rows
    view.setColumnWidth(0, 150)
    view.setWordWrap(False)
    return view


def _beside(charts: Sequence[QWidget], table: QWidget) -> QSplitter:
    """Charts stacked on the left, their numbers on the right."""
    left = QWidget()
    column = QVBoxLayout(left)
    column.setContentsMargins(0, 0, 0, 0)
    for chart in charts:
        column.addWidget(chart, 1)
    left.setMinimumWidth(360)
    splitter = QSplitter(Qt.Orientation.Horizontal)
    splitter.addWidget(left)
    splitter.addWidget(table)
    splitter.setStretchFactor(0, 3)
    splitter.setStretchFactor(1, 2)
    # the charts' holders have no size of their own: share the width 3:2 from the start
    splitter.setSizes([3000, 2000])
    return splitter


# -- the window -------------------------------------------------------------------------------
class TrendsWindow(QWidget):
    """The dashboard. Build it with :func:`open_trends_window` (after :func:`load_charts`).

    Signals:
    refreshed(): the numbers for the range were read and drawn.
    scopeRequested(object): show these conversations in the queue (a :class:`QueueScope`).
    templateRequested(str): open this template.
    """

    refreshed = Signal()
    scopeRequested = Signal(object)
    templateRequested = Signal(str)

    def __init__(self, window: MainWindow, charts: Any) -> None:
        super().__init__(window, Qt.WindowType.Window)
        self.window_ = window
        self.charts = charts
        self.setObjectName("trends-window")
        self.resize(1280, 820)
        self.trends: Trends | None = None
        #: ms the last read took on the database worker, and drawing it on the GUI thread
        self.query_ms: float | None = None
        self.draw_ms: float | None = None
        self._generation = 0

        self.since_edit = self._date_edit("trends-since")
        self.until_edit = self._date_edit("trends-until")
        self.preset = QComboBox()
        self.preset.setObjectName("trends-preset")
        for days in PRESETS:
            self.preset.addItem("", days)
        self.preset.addItem("", 0)
        self.preset.setCurrentIndex(PRESETS.index(DEFAULT_DAYS))
        self.preset.currentIndexChanged.connect(self._preset_chosen)
        self.resolution = QComboBox()
        self.resolution.setObjectName("trends-resolution")
        self.resolution.addItem("", "day")
        self.resolution.addItem("", "hour")
        self.resolution.currentIndexChanged.connect(lambda _i: self._redraw_timelines())
        self.breakdown = QComboBox()
        self.breakdown.setObjectName("trends-breakdown")
        for dimension in DIMENSIONS:
            self.breakdown.addItem("", dimension)
        self.breakdown.currentIndexChanged.connect(lambda _i: self._redraw_timelines())
        self.refresh_button = QPushButton()
        self.refresh_button.clicked.connect(self.schedule_refresh)
        self.export_button = QPushButton()
        self.export_button.setObjectName("trends-export")
        self.export_button.clicked.connect(
            lambda _checked=False: window.trends.export_report_dialog()
        )
        self.from_label, self.to_label = QLabel(), QLabel()
        self.resolution_label, self.breakdown_label = QLabel(), QLabel()
        # a line high from the start: a word-wrapped label without text has no height for
        # its width, and filling it with the first numbers laid the whole window out again
        self.summary = QLabel(" ")
        self.summary.setObjectName("trends-summary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self._set_preset_dates(DEFAULT_DAYS)
        self.since_edit.dateChanged.connect(self._dates_edited)
        self.until_edit.dateChanged.connect(self._dates_edited)

        bar = QHBoxLayout()
        for widget in (
            self.from_label,
            self.since_edit,
            self.to_label,
            self.until_edit,
            self.preset,
            self.resolution_label,
            self.resolution,
            self.breakdown_label,
            self.breakdown,
        ):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.export_button)

        # the charts go into these places later, one per turn of the event loop (see build())
        self._slots: dict[str, QVBoxLayout] = {}
        slot = self._slot
        self.period_model = PeriodModel(self)
        self.period_table = _table(self.period_model, "table-periods")
        self.wait_model = WaitModel(self)
        self.wait_table = _table(self.wait_model, "table-waits")
        #: the charts, once :meth:`build` made them
        self.built = False
        self.volume_chart: Chart
        self.share_chart: Chart
        self.wait_chart: Chart
        self.breach_chart: Chart
        self.phrase_charts: dict[str, Chart] = {}
        self.agents_chart: Chart
        self.templates_chart: Chart
        self.phrase_models: dict[str, PhraseModel] = {}
        self.phrase_tables: dict[str, QTableView] = {}
        phrases_page = QWidget()
        phrases_layout = QVBoxLayout(phrases_page)
        self.phrase_note = QLabel()
        self.phrase_note.setWordWrap(True)
        self.phrase_note.setTextFormat(Qt.TextFormat.PlainText)
        phrases_layout.addWidget(self.phrase_note)
        for lang in PHRASE_LANGUAGES:
            self.phrase_models[lang] = PhraseModel(self)
            self.phrase_tables[lang] = _table(self.phrase_models[lang], f"table-phrases-{lang}")
            phrases_layout.addWidget(
                _beside([slot(f"phrases-{lang}")], self.phrase_tables[lang]), 1
            )
        self.agent_model = AgentModel(self)
        self.agent_table = _table(self.agent_model, "table-agents")
        self.template_model = TemplateModel(self)
        self.template_table = _table(self.template_model, "table-templates")
        self.open_template_button = QPushButton()
        self.open_template_button.setObjectName("open-template")
        self.open_template_button.clicked.connect(self._open_selected_template)
        templates_side = QWidget()
        side = QVBoxLayout(templates_side)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.template_table, 1)
        side.addWidget(self.open_template_button)
        team_page = QWidget()
        team = QVBoxLayout(team_page)
        team.addWidget(_beside([slot("agents")], self.agent_table), 1)
        team.addWidget(_beside([slot("templates")], templates_side), 1)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("trends-tabs")
        self.tabs.addTab(_beside([slot("volume"), slot("share")], self.period_table), "")
        self.tabs.addTab(_beside([slot("wait"), slot("breaches")], self.wait_table), "")
        self.tabs.addTab(phrases_page, "")
        self.team_tab = self.tabs.addTab(team_page, "")

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)

        self.template_table.activated.connect(lambda _index: self._open_selected_template())
        self.template_table.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        self.period_table.activated.connect(self._period_row_activated)
        self.wait_table.activated.connect(self._wait_row_activated)
        window.accountChanged.connect(lambda _account: self._enable())
        self.retranslate()
        self._enable()

    def _slot(self, name: str) -> QWidget:
        holder = QWidget()
        holder.setMinimumHeight(180)
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        self._slots[name] = layout
        return holder

    async def build(self) -> None:
        """Make the charts, each over four turns of the event loop (its plot, the chart
        around it, putting it in its place, its series' items): a chart takes about 30 ms to
        make and 10 to 20 to paint first, and all of them at once would freeze the window.
        """
        made: dict[str, Chart] = {}
        # the series each draws at most: a breakdown by category has seven categories and
        # "not scored yet"; their plot items are made ahead, in a turn of their own
        reserve = {"volume": (8, 0), "share": (0, 8), "wait": (0, 2)}
        for name, layout in self._slots.items():
            plot = self.charts.new_plot_item()
            await asyncio.sleep(0)
            chart = self.charts.Chart(plot_item=plot)
            chart.setObjectName(f"chart-{name}")
            await asyncio.sleep(0)
            layout.addWidget(chart)
            made[name] = chart
            await asyncio.sleep(0)
            chart.reserve(*reserve.get(name, (1, 0)))
            await asyncio.sleep(0)
        self.volume_chart, self.share_chart = made["volume"], made["share"]
        self.wait_chart, self.breach_chart = made["wait"], made["breaches"]
        self.phrase_charts = {lang: made[f"phrases-{lang}"] for lang in PHRASE_LANGUAGES}
        self.agents_chart, self.templates_chart = made["agents"], made["templates"]
        self.volume_chart.clicked.connect(lambda i, key: self._scope_period(i, key, False))
        self.share_chart.clicked.connect(lambda i, key: self._scope_period(i, key, True))
        self.wait_chart.clicked.connect(lambda i, _key: self._scope_period(i, None, False))
        self.breach_chart.clicked.connect(lambda i, _key: self._scope_breaches(i))
        for lang, phrase_chart in self.phrase_charts.items():
            phrase_chart.clicked.connect(
                lambda i, _key, lang=lang: self._scope_phrase(self.phrase_models[lang].record(i))
            )
            self.phrase_tables[lang].activated.connect(
                lambda index, lang=lang: self._scope_phrase(
                    self.phrase_models[lang].record(index.row())
                )
            )
        self.agents_chart.clicked.connect(
            lambda i, _key: self._scope_agent(self.agent_model.record(i))
        )
        self.agent_table.activated.connect(
            lambda index: self._scope_agent(self.agent_model.record(index.row()))
        )
        self.templates_chart.clicked.connect(
            lambda i, _key: self._scope_template(self.template_model.record(i))
        )
        self.built = True

    @staticmethod
    def _date_edit(name: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(QDate(2000, 1, 1))
        return edit

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Trends"))
        self.from_label.setText(tr("From"))
        self.to_label.setText(tr("to"))
        for i, days in enumerate(PRESETS):
            self.preset.setItemText(i, tr("Last %d days") % days)
        self.preset.setItemText(len(PRESETS), tr("Chosen dates"))
        self.resolution_label.setText(tr("Show"))
        self.resolution.setItemText(0, tr("per day"))
        self.resolution.setItemText(1, tr("per hour (last 48 h)"))
        self.breakdown_label.setText(tr("by"))
        names = {
            "overall": tr("all tickets"),
            "category": tr("category"),
            "channel": tr("channel"),
            "language": tr("language"),
        }
        for i, dimension in enumerate(DIMENSIONS):
            self.breakdown.setItemText(i, names[dimension])
        self.refresh_button.setText(tr("Refresh"))
        self.export_button.setText(tr("Export report…"))
        self.open_template_button.setText(tr("Open template"))
        self.tabs.setTabText(0, tr("Negativity and volume"))
        self.tabs.setTabText(1, tr("Waiting and SLA"))
        self.tabs.setTabText(2, tr("Driving phrases"))
        self.tabs.setTabText(3, tr("Team"))
        for model in self._models():
            model.retranslate()
        if self.trends is not None:
            self._spawn(self.draw(self.trends))

    def _models(self) -> list[RecordTableModel[Any]]:
        return [
            self.period_model,
            self.wait_model,
            *self.phrase_models.values(),
            self.agent_model,
            self.template_model,
        ]

    def _enable(self) -> None:
        supervisor = self.window_.account.role == "supervisor"
        # team figures name colleagues: supervisors'
        self.tabs.setTabVisible(self.team_tab, supervisor)
        self.export_button.setVisible(supervisor)
        self.open_template_button.setEnabled(
            self.template_model.record(self.template_table.currentIndex().row()) is not None
        )

    # -- the range --------------------------------------------------------------------------
    def _set_preset_dates(self, days: int) -> None:
        today = QDate.currentDate()
        for edit, value in ((self.since_edit, today.addDays(1 - days)), (self.until_edit, today)):
            edit.blockSignals(True)
            edit.setDate(value)
            edit.blockSignals(False)

    def _preset_chosen(self, _index: int) -> None:
        days = int(self.preset.currentData() or 0)
        if days:
            self._set_preset_dates(days)
            self.schedule_refresh()

    def _dates_edited(self, _date: QDate) -> None:
        self.preset.blockSignals(True)
        self.preset.setCurrentIndex(len(PRESETS))
        self.preset.blockSignals(False)
        self.schedule_refresh()

    def set_dates(self, since: QDate, until: QDate) -> None:
        """Show the range from ``since`` to ``until`` (both included) and read it."""
        for edit, value in ((self.since_edit, since), (self.until_edit, until)):
            edit.blockSignals(True)
            edit.setDate(value)
            edit.blockSignals(False)
        self._dates_edited(since)

    def query(self) -> TrendsQuery:
        since, until = date_range(self.since_edit.date(), self.until_edit.date())
        return TrendsQuery(since, until)

    # -- reading and drawing ----------------------------------------------------------------
    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        # the main window's tasks: closing it cancels them, and a failure shows there
        self.window_.spawn(coro)

    def schedule_refresh(self) -> None:
        self._spawn(self.refresh())

    async def refresh(self) -> Trends | None:
        """Read the numbers of the chosen range on the database worker and draw them; a
        read overtaken by a newer one is dropped. Returns what was drawn."""
        store = self.window_.store
        if store is None:
            return None
        self._generation += 1
        generation = self._generation
        query = self.query()
        self.status.setText(tr("Reading…"))
        start = time.perf_counter()
        with collector_paused():
            try:
                trends = await self.window_.workers.db(
                    read_trends, store, self.window_.root, query, self.window_.templates
                )
            except SentideskError as exc:
                if generation == self._generation:
                    self.status.setText(tr("The trends cannot be read: %s") % describe(exc))
                return None
            if generation != self._generation or not self.isVisible():
                return None
            self.query_ms = (time.perf_counter() - start) * 1000
            await self.draw(trends)
        if generation != self._generation:
            return None
        self.refreshed.emit()
        return trends

    async def draw(self, trends: Trends) -> None:
        """Draw ``trends``, one chart or table per turn of the event loop."""
        self.trends = trends
        if not self.built:
            return
        start = time.perf_counter()
        generation = self._generation
        steps: list[Callable[[], None]] = [
            self._draw_summary,
            *self._timeline_steps(),
            *self._phrase_steps(),
            lambda: self.agents_chart.show_spec(self.charts.agents_spec(trends)),
            lambda: self.agent_model.set_records(trends.agents),
            lambda: self.templates_chart.show_spec(self.charts.templates_spec(trends)),
            lambda: self.template_model.set_records(trends.templates),
            self._enable,
        ]
        for step in steps:
            if generation != self._generation or self.trends is not trends:
                return
            step()
            # two turns: a chart's scene posts its changes, and only the turn after that
            # paints them; with one, the paints of several steps land in one long turn
            for _ in range(2):
                await asyncio.sleep(0)
        self.draw_ms = (time.perf_counter() - start) * 1000
        self.status.setText(
            tr("%d tickets from %s to %s; read in %.0f ms, drawn in %.0f ms")
            % (
                trends.total.volume,
                QDateTime.fromSecsSinceEpoch(round(trends.since)).toString("yyyy-MM-dd HH:mm"),
                QDateTime.fromSecsSinceEpoch(round(trends.until)).toString("yyyy-MM-dd HH:mm"),
                self.query_ms or 0.0,
                self.draw_ms,
            )
        )

    def _draw_summary(self) -> None:
        assert self.trends is not None
        t = self.trends
        total, wait = t.total, t.waiting_total
        self.summary.setText(
            tr(
                "%d tickets, %s negative (%d of %d scored). First reply: median %s, 90%% "
                "within %s. %d past the %g h reply SLA; %d waiting for a first reply."
            )
            % (
                total.volume,
                _percent(total.share),
                total.negatives,
                total.scored,
                _hours(wait.median_wait),
                _hours(wait.p90_wait),
                wait.breaches,
                t.sla_hours,
                wait.unanswered,
            )
        )
        phrases = t.phrases
        note = tr(
            "Phrases of this week's negative tickets (%s to %s) that stand out against "
            "the %d weeks before, by the z-score of their smoothed log-odds. Click one "
            "to see its tickets."
        ) % (
            QDateTime.fromSecsSinceEpoch(round(phrases.week_start)).toString("MM-dd"),
            QDateTime.fromSecsSinceEpoch(round(phrases.week_end)).toString("MM-dd"),
            round((phrases.week_start - phrases.before_start) / (7 * 86400)),
        )
        names = {"en": tr("English"), "zh": tr("Chinese")}
        for lang in PHRASE_LANGUAGES:
            if phrases.this_week.get(lang, 0) and not phrases.before.get(lang, 0):
                note += " " + tr(
                    "No negative %s tickets in those weeks to compare with: no phrases yet."
                ) % names.get(lang, lang)
        self.phrase_note.setText(note)

    def timeline(self) -> Timeline:
        assert self.trends is not None
        return self.trends.hours if self.resolution.currentData() == "hour" else self.trends.days

    def waits(self) -> Sequence[WaitPoint]:
        assert self.trends is not None
        hourly = self.resolution.currentData() == "hour"
        return self.trends.waiting_hours if hourly else self.trends.waiting_days

    def _timeline_steps(self) -> list[Callable[[], None]]:
        charts = self.charts

        def periods() -> None:
            line, dimension = self.timeline(), str(self.breakdown.currentData())
            self.period_model.set_records(
                [
                    PeriodRow(
                        line.edges[i], line.edges[i + 1], line.resolution, dimension, s.key, p
                    )
                    for i in range(line.buckets)
                    for s in line.of(dimension)
                    if (p := s.points[i]).volume or dimension == "overall"
                ]
            )

        def waits() -> None:
            line = self.timeline()
            self.wait_model.set_records(
                [
                    WaitRow(line.edges[i], line.edges[i + 1], line.resolution, w)
                    for i, w in enumerate(self.waits())
                ]
            )

        assert self.trends is not None
        sla = self.trends.sla_hours
        return [
            lambda: self.volume_chart.show_spec(
                charts.volume_spec(self.timeline(), str(self.breakdown.currentData()))
            ),
            lambda: self.share_chart.show_spec(
                charts.share_spec(self.timeline(), str(self.breakdown.currentData()))
            ),
            periods,
            lambda: self.wait_chart.show_spec(charts.wait_spec(self.timeline(), self.waits())),
            lambda: self.breach_chart.show_spec(
                charts.breach_spec(self.timeline(), self.waits(), sla)
            ),
            waits,
        ]

    def _phrase_steps(self) -> list[Callable[[], None]]:
        assert self.trends is not None
        report = self.trends.phrases
        steps: list[Callable[[], None]] = []
        for lang in PHRASE_LANGUAGES:
            steps.append(
                functools.partial(
                    lambda lang: self.phrase_charts[lang].show_spec(
                        self.charts.phrase_spec(report, lang)
                    ),
                    lang,
                )
            )
            steps.append(
                functools.partial(
                    lambda lang: self.phrase_models[lang].set_records(report.phrases.get(lang, ())),
                    lang,
                )
            )
        return steps

    def _redraw_timelines(self) -> None:
        if self.trends is None or not self.built:
            return

        async def run() -> None:
            for step in self._timeline_steps():
                step()
                await asyncio.sleep(0)

        self._spawn(run())

    # -- clicks: the queue shows those conversations ------------------------------------------
    def _scope_period(self, index: int, key: str | None, negative: bool) -> None:
        if self.trends is None:
            return
        line = self.timeline()
        if not 0 <= index < line.buckets:
            return
        dimension = str(self.breakdown.currentData()) if key is not None else "overall"
        period = _period(line.edges[index], line.resolution)
        parts = [period]
        scope = QueueScope(
            label="", since=line.edges[index], until=line.edges[index + 1], negative=negative
        )
        if dimension != "overall" and key is not None:
            scope = dataclasses.replace(
                scope,
                category=key if dimension == "category" else None,
                channel=key if dimension == "channel" else None,
                language=key if dimension == "language" else None,
            )
            parts.insert(0, _series_name(key))
        label = ", ".join(parts)
        if negative:
            label = tr("negative, %s") % label
        self.scopeRequested.emit(dataclasses.replace(scope, label=label))

    def _period_row_activated(self, index: QModelIndex) -> None:
        row = self.period_model.record(index.row())
        if row is not None:
            line = self.timeline()
            bucket = line.bucket_of(row.start)
            if bucket is not None:
                self._scope_period(bucket, row.key if row.dimension != "overall" else None, False)

    def _wait_row_activated(self, index: QModelIndex) -> None:
        row = self.wait_model.record(index.row())
        if row is not None:
            bucket = self.timeline().bucket_of(row.start)
            if bucket is not None:
                self._scope_period(bucket, None, False)

    def _scope_breaches(self, index: int) -> None:
        waits = self.waits() if self.trends is not None else ()
        if 0 <= index < len(waits):
            period = _period(self.timeline().edges[index], self.timeline().resolution)
            self.scopeRequested.emit(
                QueueScope(
                    label=tr("past the reply SLA, %s") % period,
                    ids=frozenset(waits[index].breach_ids),
                )
            )

    def _scope_phrase(self, phrase: Phrase | None) -> None:
        if phrase is not None:
            self.scopeRequested.emit(
                QueueScope(
                    label=tr("negative this week, saying “%s”") % phrase.text,
                    ids=frozenset(phrase.ticket_ids),
                )
            )

    def _scope_agent(self, agent: AgentFigures | None) -> None:
        if agent is not None:
            self.scopeRequested.emit(
                QueueScope(label=tr("handled by %s") % agent.agent, ids=frozenset(agent.ticket_ids))
            )

    def _scope_template(self, template: TemplateFigures | None) -> None:
        if template is not None:
            self.scopeRequested.emit(
                QueueScope(
                    label=tr("answered with template %s") % template.template_id,
                    ids=frozenset(template.ticket_ids),
                )
            )

    def _open_selected_template(self) -> None:
        template = self.template_model.record(self.template_table.currentIndex().row())
        if template is not None:
            self.templateRequested.emit(template.template_id)


def read_trends(
    store: TicketStore, root: Path, query: TrendsQuery, templates: TemplateCatalog | None
) -> Trends:
    """The dashboard's numbers, with the flag settings of ``root`` (the reply SLA, the
    heavy-edit threshold) and the templates' current titles. Thread: the database worker."""
    settings = load_flag_settings(root)
    titles = {}
    if templates is not None:
        titles = {t.id: t.title for t in templates.library(store).templates}
    return compute_trends(store, query, settings, titles=titles)


# -- the way in from the main window ----------------------------------------------------------
class TrendsEntry(QObject):
    """View → Trends… (everyone; the team figures are for supervisors), File → Export
    report… (supervisors), and the dashboard itself once opened.

    Signals:
    exported(str): a report was written to this path.
    """

    exported = Signal(str)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.view: TrendsWindow | None = None
        self.action = QAction(window)
        self.action.setObjectName("open-trends")
        self.action.setShortcut(QKeySequence(OPEN_TRENDS_KEY))
        self.action.triggered.connect(lambda _checked=False: self.window_.spawn(self.open()))
        self.export_action = QAction(window)
        self.export_action.setObjectName("export-report")
        self.export_action.triggered.connect(lambda _checked=False: self.export_report_dialog())
        window.accountChanged.connect(lambda _account: self.update())
        window.closed.connect(self.close)
        self._opening = False

    def add_action(self, menu: QMenu) -> None:
        """Add View → Trends… to ``menu`` (menus are rebuilt on a language switch, so this
        also sets every text in the current language)."""
        self.action.setText(tr("&Trends…"))
        menu.addAction(self.action)
        if self.view is not None:
            self.view.retranslate()

    def add_export_action(self, menu: QMenu) -> None:
        self.export_action.setText(tr("&Export report…"))
        menu.addAction(self.export_action)
        self.update()

    def update(self) -> None:
        supervisor = self.window_.account.role == "supervisor"
        self.export_action.setVisible(supervisor)
        self.export_action.setEnabled(supervisor)

    async def open(self) -> TrendsWindow | None:
        """Show the dashboard, reading the chosen range afresh."""
        if self.view is None:
            if self._opening:
                return None
            self._opening = True
            try:
                charts = await load_charts()
                view = TrendsWindow(self.window_, charts)
                view.scopeRequested.connect(self.window_.apply_scope)
                view.templateRequested.connect(self.open_template)
                await asyncio.sleep(0)
                view.show()
                # the window's first paint, and the main window's repaint as it loses the
                # focus (item views repaint on that: 40 ms for the queue of a big store),
                # come in the next turn: nothing else goes in it
                for _ in range(2):
                    await asyncio.sleep(0)
                await view.build()
                self.view = view
            finally:
                self._opening = False
        self.view.show()
        self.view.activateWindow()
        self.view.schedule_refresh()
        return self.view

    def close(self) -> None:
        if self.view is not None:
            self.view.close()

    def open_template(self, template_id: str) -> None:
        """Open a template in the template editor (supervisors edit it there)."""
        self.window_.template_editor.open(template_id)

    # -- the report -------------------------------------------------------------------------
    def export_report_dialog(self) -> None:
        """Ask where to write the report of the dashboard's range (the last 30 days when it
        is not open), then write it."""
        if self.window_.account.role != "supervisor":
            return
        name, _ = QFileDialog.getSaveFileName(
            self.window_,
            tr("Export report"),
            str(Path.home() / "sentidesk-report.html"),
            tr("Web page (*.html)"),
        )
        if name:
            path = Path(name)
            if path.suffix.lower() not in (".html", ".htm"):
                path = path.with_suffix(".html")
            self.window_.spawn(self.export_report(path))

    async def export_report(self, path: Path, query: TrendsQuery | None = None) -> bool:
        """Write the report for ``query`` (the dashboard's range, or the last 30 days) to
        ``path``: numbers on the database worker, charts here, the file and its audit row on
        the database worker. Refused for agents by the service; every failure is shown in
        the window's notice bar. Returns whether it was written."""
        window = self.window_
        store = window.store
        if store is None:
            return False
        if query is None:
            if self.view is not None and self.view.isVisible():
                query = self.view.query()
            else:
                today = QDate.currentDate()
                query = TrendsQuery(*date_range(today.addDays(1 - DEFAULT_DAYS), today))
        account = window.account
        notices = window.notices
        notices.show_notice("report", tr("Exporting the report to %s…") % path.name, "info")
        try:
            trends = await window.workers.db(
                read_trends, store, window.root, query, window.templates
            )
            charts = await load_charts()
            images: dict[str, bytes] = {}
            # one image per turn of the event loop: each takes a moment to render
            for name, build in charts.REPORT_CHARTS:
                images[name] = charts.render_png(build(trends))
                await asyncio.sleep(0)
            page = report_html(trends, images, author=account.name)
            await window.submit_write(export_report, store, account, trends, {path: page})
        except SentideskError as exc:
            notices.show_notice(
                "report", tr("The report was not exported: %s") % describe(exc), "error"
            )
            return False
        notices.clear("report")
        window.statusBar().showMessage(tr("Report written to %s") % path, 10_000)
        self.exported.emit(str(path))
        return True
