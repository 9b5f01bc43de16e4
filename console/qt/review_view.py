"""The review of flagged conversations (supervisors): the list with its filters, one
conversation in detail, and the decisions on it, each by a button and a key.

The review is a window of its own, opened from the Review menu or its toolbar button
(Ctrl+Shift+R): it has its own J/K and single-letter action keys, which would be ambiguous
with the queue's window-wide ones if it were a tab of the main window, and a supervisor can
keep the queue and the review side by side. Agents are not offered it; the services refuse
them anyway (:class:`~console.services.accounts.PermissionDenied`).

Reading happens on the database worker (:func:`~console.services.review.list_flagged`,
:func:`~console.services.review.review_detail`, after
:func:`~console.services.flags.refresh_flags`); every decision is a write through
:meth:`MainWindow.run_write`, so closing the main window waits for it and a failure is shown
in its notice bar.
"""

from __future__ import annotations

import asyncio
import functools
import html
import logging
from collections.abc import Callable, Coroutine, Sequence
from typing import TYPE_CHECKING, Any

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
from PySide6.QtGui import QAction, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenuBar,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from console.qt.delegates import NegativityBarDelegate, negativity_color
from console.qt.queue_model import NegativityRole
from console.qt.reasons import flag_detail
from console.qt.record_table import AnyIndex, RecordTableModel, step_selection
from console.qt.ticket_panel import SENTIMENT_BADGE, thread_html
from console.services.flags import (
    ESCALATION,
    FLAG_REASONS,
    LOW_CONFIDENCE,
    NEGATIVITY,
    OVERRIDE,
    REPEAT_CONTACT,
    REPLY_EDIT,
    REPLY_SLA,
    FlagSettings,
    refresh_flags,
)
from console.services.review import (
    DiffSegment,
    ReviewDetail,
    add_comment,
    close_flag,
    confirm_agent_label,
    confirm_model_label,
    list_flagged,
    mark_for_coaching,
    relabel,
    review_detail,
)
from console.services.scoring import explain_ticket, spans_by_part
from console.services.scoring_loop import describe
from console.store import FlagFilter, FlaggedTicket, ReviewRecord, TicketStore
from inference import DEFAULT_CATEGORIES, SENTIMENTS, SentideskError

if TYPE_CHECKING:
    from console.qt.main_window import MainWindow

log = logging.getLogger(__name__)


#: Custom roles, for the views and tests. The negativity role is the queue's, so the queue's
#: bar delegate paints this list's negativity column too.
TicketIdRole = Qt.ItemDataRole.UserRole + 1
FlagRole = Qt.ItemDataRole.UserRole + 3
ReasonsRole = Qt.ItemDataRole.UserRole + 4

#: Opens the review from anywhere in the main window.
OPEN_REVIEW_KEY = "Ctrl+Shift+R"

_DELETE_STYLE = "color:#b3261e;background:#fdecea;text-decoration:line-through"
_INSERT_STYLE = "color:#1b5e20;background:#e8f5e9"


def tr(text: str) -> str:
    return QCoreApplication.translate("ReviewView", text)


def label_name(value: str | None) -> str:
    """A sentiment or category as the queue names it (the queue's translations)."""
    return QCoreApplication.translate("QueueModel", value) if value else "—"


def reason_name(reason: str) -> str:
    names = {
        NEGATIVITY: tr("Very negative"),
        ESCALATION: tr("Escalation language"),
        LOW_CONFIDENCE: tr("Model unsure"),
        OVERRIDE: tr("Agent overrode the model"),
        REPLY_EDIT: tr("Suggestion heavily edited"),
        REPEAT_CONTACT: tr("Customer wrote again"),
        REPLY_SLA: tr("Reply past the SLA"),
    }
    return names.get(reason, reason)


def flag_state_name(state: str) -> str:
    return {"open": tr("open"), "closed": tr("closed")}.get(state, state)


def review_action_name(action: str) -> str:
    names = {
        "confirm_agent": tr("confirmed the agent's label"),
        "confirm_model": tr("confirmed the model's label"),
        "relabel": tr("relabelled"),
        "comment": tr("commented"),
        "coaching": tr("marked for coaching"),
        "coaching_removed": tr("removed the coaching mark"),
        "close": tr("closed the flag"),
    }
    return names.get(action, action)


def review_shortcuts() -> list[tuple[str, str]]:
    """The review window's keys, as its help lists them."""
    return [
        ("J / K", tr("Next / previous conversation")),
        ("A", tr("Confirm the agent's label")),
        ("M", tr("Confirm the model's label")),
        ("R", tr("Relabel with the chosen sentiment and category")),
        ("Alt+1 / Alt+2 / Alt+3", tr("Relabel negative / neutral / positive")),
        ("C", tr("Write a note or comment")),
        ("Ctrl+Enter", tr("Save the note as a comment")),
        ("G", tr("Mark for coaching (again: remove the mark)")),
        ("X", tr("Close the flag")),
        ("F5", tr("Refresh the list")),
        ("Esc", tr("Back to the list")),
        ("F1", tr("This help")),
    ]


def _when(stamp: str | None) -> str:
    return (stamp or "").replace("T", " ")[:16]


def diff_html(segments: Sequence[DiffSegment]) -> str:
    """A sent reply against its suggestion: deleted text struck through in red, inserted
    text in green, kept text plain."""
    out = []
    for segment in segments:
        text = html.escape(segment.text).replace("\n", "<br>")
        if segment.kind == "delete":
            out.append(f'<span style="{_DELETE_STYLE}">{text}</span>')
        elif segment.kind == "insert":
            out.append(f'<span style="{_INSERT_STYLE}">{text}</span>')
        else:
            out.append(text)
    return "".join(out)


# -- the list ---------------------------------------------------------------------------
class FlagListModel(RecordTableModel[FlaggedTicket]):
    """Flagged conversations in the order the store lists them (most negative first).

    Roles besides display: :data:`TicketIdRole` (str), :data:`NegativityRole` (float or
    None), :data:`FlagRole` (the :class:`FlaggedTicket`), :data:`ReasonsRole` (the reason
    codes, tuple of str).
    """

    COLUMNS = (
        "ticket",
        "customer",
        "reasons",
        "agent",
        "category",
        "sentiment",
        "negativity",
        "since",
        "status",
    )

    def headers(self) -> dict[str, str]:
        return {
            "ticket": tr("Ticket"),
            "customer": tr("Customer"),
            "reasons": tr("Reasons"),
            "agent": tr("Agent"),
            "category": tr("Category"),
            "sentiment": tr("Sentiment"),
            "negativity": tr("Negativity"),
            "since": tr("Flagged since"),
            "status": tr("Status"),
        }

    def key(self, record: FlaggedTicket) -> str:
        return record.id

    def ticket_id(self, row: int) -> str | None:
        flag = self.record(row)
        return None if flag is None else flag.id

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        flag = self.row_record(index)
        if flag is None:
            return None
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(flag, column)
        if role == TicketIdRole:
            return flag.id
        if role == NegativityRole:
            return flag.negativity
        if role == FlagRole:
            return flag
        if role == ReasonsRole:
            return tuple(r.reason for r in flag.reasons)
        if role == Qt.ItemDataRole.ToolTipRole and column == "reasons":
            # the details quote the customer's words: plain text, never markup
            lines = [
                f"{reason_name(r.reason)}: {flag_detail(r.reason, r.detail, r.params)}"
                for r in flag.reasons
            ]
            return "<p>" + "<br>".join(html.escape(line) for line in lines) + "</p>"
        if role == Qt.ItemDataRole.ToolTipRole and column in ("ticket", "customer"):
            return "<p>" + html.escape(flag.subject or flag.preview) + "</p>"
        if role == Qt.ItemDataRole.ForegroundRole and column == "sentiment" and flag.sentiment:
            return QColor(SENTIMENT_BADGE.get(flag.sentiment, "#000000"))
        if role == Qt.ItemDataRole.TextAlignmentRole and column == "negativity":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, flag: FlaggedTicket, column: str) -> str:
        if column == "ticket":
            return flag.id
        if column == "customer":
            return flag.customer
        if column == "reasons":
            return ", ".join(reason_name(r.reason) for r in flag.reasons)
        if column == "agent":
            return flag.agent or "—"
        if column == "category":
            return label_name(flag.category)
        if column == "sentiment":
            text = label_name(flag.sentiment)
            changed = flag.sentiment != flag.predicted_sentiment and flag.sentiment is not None
            return f"{text} ✎" if changed else text
        if column == "negativity":
            return "—" if flag.negativity is None else f"{flag.negativity * 100:.0f}"
        if column == "since":
            first = min((r.raised_at for r in flag.reasons), default=None)
            return _when(flag.opened_at or first)
        text = flag_state_name(flag.status)
        return text + tr(", coaching") if flag.coaching else text


def _load_flags(
    store: TicketStore, settings: FlagSettings | None, where: FlagFilter
) -> tuple[list[FlaggedTicket], str | None]:
    """Thread: database worker. The flags matching ``where``, brought up to date first
    when the flag settings are usable; a failed update is reported, and the stored flags
    are listed anyway."""
    problem = None
    if settings is not None:
        try:
            refresh_flags(store, settings)
        except SentideskError as exc:
            log.info("flags not brought up to date before listing: %s", exc)
            problem = str(exc)
    return list_flagged(store, where), problem


# -- one conversation -------------------------------------------------------------------
class ReviewDetailPanel(QWidget):
    """One flagged conversation: its reasons, the model's prediction with highlights, the
    agent's override, the sent replies against their suggestions, and earlier reviews."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail: ReviewDetail | None = None
        self._spans: list[Any] = []
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.meta = QLabel()
        self.meta.setTextFormat(Qt.TextFormat.PlainText)  # customer names are not markup
        self.reasons = QLabel()
        self.reasons.setObjectName("review-reasons")
        self.reasons.setWordWrap(True)
        self.reasons.setTextFormat(Qt.TextFormat.RichText)
        self.prediction = QLabel()
        self.prediction.setObjectName("review-prediction")
        self.prediction.setWordWrap(True)
        self.prediction.setTextFormat(Qt.TextFormat.RichText)
        self.override = QLabel()
        self.override.setObjectName("review-override")
        self.override.setWordWrap(True)
        self.override.setTextFormat(Qt.TextFormat.RichText)
        self.conversation = QTextBrowser()
        self.conversation.setOpenLinks(False)
        self.replies = QTextBrowser()
        self.replies.setObjectName("review-replies")
        self.replies.setOpenLinks(False)
        self.history = QTextBrowser()
        self.history.setObjectName("review-history")
        self.history.setOpenLinks(False)
        self.captions = {key: QLabel() for key in ("thread", "replies", "history")}

        lower = QSplitter(Qt.Orientation.Vertical)
        for key, widget in (
            ("thread", self.conversation),
            ("replies", self.replies),
            ("history", self.history),
        ):
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(self.captions[key])
            column.addWidget(widget, 1)
            lower.addWidget(box)
        lower.setStretchFactor(0, 3)
        lower.setStretchFactor(1, 2)
        lower.setStretchFactor(2, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for label in (self.title, self.meta, self.reasons, self.prediction, self.override):
            layout.addWidget(label)
        layout.addWidget(lower, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.captions["thread"].setText(tr("Conversation (highlights: what made it negative)"))
        self.captions["replies"].setText(
            tr("Sent replies against the suggestion (red: removed, green: added)")
        )
        self.captions["history"].setText(tr("Review so far"))
        if self.detail is not None:
            self.show_detail(self.detail, self._spans)
        else:
            self.clear()

    def clear(self) -> None:
        self.detail = None
        self._spans = []
        self.title.setText(tr("No conversation selected"))
        for label in (self.meta, self.reasons, self.prediction, self.override):
            label.setText("")
        for browser in (self.conversation, self.replies, self.history):
            browser.clear()

    def show_detail(self, detail: ReviewDetail, spans: Sequence[Any] | None) -> None:
        """Show ``detail``; ``spans`` (per-part explanation spans) None: not computed yet."""
        self.detail = detail
        self._spans = list(spans or [])
        ticket = detail.ticket
        self.title.setText(f"<b>{html.escape(ticket.subject or ticket.id)}</b>")
        self.meta.setText(
            " · ".join(
                x
                for x in (ticket.id, ticket.customer, ticket.channel, _when(ticket.created_at))
                if x
            )
        )
        self.reasons.setText(self._reasons_html(detail))
        self.prediction.setText(self._prediction_html(detail, explained=spans is not None))
        self.override.setText(self._override_html(detail))
        self.conversation.setHtml(thread_html(ticket, self._spans))
        self.replies.setHtml(self._replies_html(detail))
        self.history.setHtml(self._history_html(detail.reviews))

    @staticmethod
    def _reasons_html(detail: ReviewDetail) -> str:
        flag = detail.flag
        if flag is None:
            return tr("This conversation is not flagged.")
        state = flag_state_name(flag.status)
        if flag.status == "closed" and flag.closed_by:
            state = tr("closed by %s, %s") % (flag.closed_by, _when(flag.closed_at))
        items = "".join(
            f"<li><b>{html.escape(reason_name(r.reason))}</b>: "
            f"{html.escape(flag_detail(r.reason, r.detail, r.params))}</li>"
            for r in flag.reasons
        )
        coaching = f" · {html.escape(tr('marked for coaching'))}" if flag.coaching else ""
        return (
            f"{html.escape(tr('Flag'))}: {html.escape(state)}{coaching}"
            f"<ul style='margin:0'>{items}</ul>"
        )

    @staticmethod
    def _prediction_html(detail: ReviewDetail, explained: bool) -> str:
        prediction = detail.ticket.prediction
        if prediction is None:
            return html.escape(tr("Model: not scored yet"))
        label = str(prediction["label"])
        confidence = float(prediction.get("probabilities", {}).get(label, 0.0))
        negativity = float(prediction["negativity"])
        badge = SENTIMENT_BADGE.get(label, "#000")
        note = "" if explained else f" · {html.escape(tr('explaining…'))}"
        return (
            f"{html.escape(tr('Model'))}: "
            f'<span style="color:{badge};font-weight:bold">{html.escape(label_name(label))}</span>'
            f" {html.escape(tr('%d%% sure') % round(confidence * 100))} · "
            f"{html.escape(tr('negativity'))} "
            f'<span style="background:{negativity_color(negativity).name()}">&nbsp;'
            f"{negativity * 100:.0f}&nbsp;</span> · "
            f"{html.escape(label_name(str(prediction['category'])))} · "
            f'<span style="color:#777">{html.escape(str(prediction["model_version"]))}</span>'
            f"{note}"
        )

    @staticmethod
    def _override_html(detail: ReviewDetail) -> str:
        model = {"sentiment": detail.model_sentiment, "category": detail.model_category}
        field_names = {"sentiment": tr("sentiment"), "category": tr("category")}
        parts = []
        for field in ("sentiment", "category"):
            label = detail.agent_label(field)
            if label is None:
                continue
            parts.append(
                tr("%s set the %s to %s (model: %s)")
                % (
                    html.escape(label.author),
                    field_names[field],
                    f"<b>{html.escape(label_name(label.new_value))}</b>",
                    html.escape(label_name(model[field])),
                )
            )
        if not parts:
            return html.escape(tr("Agent: no override"))
        return f"{html.escape(tr('Agent'))}: " + "; ".join(parts)

    @staticmethod
    def _replies_html(detail: ReviewDetail) -> str:
        if not detail.replies:
            return html.escape(tr("No reply was sent from the console."))
        blocks = []
        for item in detail.replies:
            reply = item.reply
            head = f"<b>{html.escape(reply.agent)}</b> {html.escape(_when(reply.sent_at))}"
            if item.diff:
                template = f" · {html.escape(reply.template_id)}" if reply.template_id else ""
                changed = tr("%d%% of the suggestion changed") % round(reply.edit_ratio * 100)
                head += f" · {html.escape(changed)}{template}"
                body = diff_html(item.diff)
            else:
                head += f" · {html.escape(tr('written without a suggestion'))}"
                body = html.escape(reply.body).replace("\n", "<br>")
            blocks.append(f"<p>{head}<br>{body}</p>")
        return "".join(blocks)

    @staticmethod
    def _history_html(reviews: Sequence[ReviewRecord]) -> str:
        if not reviews:
            return html.escape(tr("No review yet."))
        lines = []
        for review in reviews:
            what = review_action_name(review.action)
            if review.field and review.value:
                what += f" ({label_name(review.field)}: {label_name(review.value)})"
            line = (
                f"{html.escape(_when(review.created_at))} <b>{html.escape(review.reviewer)}</b> "
                f"{html.escape(what)}"
            )
            if review.comment:
                line += f": <i>{html.escape(review.comment)}</i>"
            lines.append(line)
        return "<br>".join(lines)


# -- the window -------------------------------------------------------------------------
class ReviewWindow(QWidget):
    """The review of ``window``'s flagged conversations.

    Signals:
    loaded(object): the list was (re)read with this :class:`FlagFilter`.
    detailShown(str): a conversation's detail is on screen (its ticket id).
    acted(str, str): a decision was stored (the action, the ticket id); the list and the
        detail were read again before this is emitted.
    failed(str): a decision was refused or not stored (the reason is shown).
    """

    loaded = Signal(object)
    detailShown = Signal(str)
    acted = Signal(str, str)
    failed = Signal(str)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, Qt.WindowType.Window)
        self.setObjectName("review")
        self.window_ = window
        self._selecting = False
        self._agents: set[str] = set()

        self.model = FlagListModel(self)
        self.view = QTableView()
        self.view.setObjectName("review-list")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.setItemDelegateForColumn(
            FlagListModel.COLUMNS.index("negativity"), NegativityBarDelegate(self.view)
        )
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(
            FlagListModel.COLUMNS.index("reasons"), QHeaderView.ResizeMode.Stretch
        )
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)

        self._build_filters()
        self.panel = ReviewDetailPanel()
        self._build_actions()
        self.status = QLabel()
        self.status.setObjectName("review-status")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # error messages are not markup

        right = QWidget()
        side = QVBoxLayout(right)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.panel, 1)
        side.addWidget(self.actions_box)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.view)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filters_box)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        self._build_shortcuts()
        self.resize(1300, 820)
        self.retranslate()
        self._enable()

    # -- construction -------------------------------------------------------------------
    def _build_filters(self) -> None:
        self.filters_box = QWidget()
        row = QHBoxLayout(self.filters_box)
        row.setContentsMargins(0, 0, 0, 0)
        self.state_filter = QComboBox()
        self.state_filter.setObjectName("review-filter-status")
        for state in ("open", "closed", ""):
            self.state_filter.addItem("", state)
        self.reason_filter = QComboBox()
        self.reason_filter.setObjectName("review-filter-reason")
        self.reason_filter.addItem("", "")
        for reason in FLAG_REASONS:
            self.reason_filter.addItem("", reason)
        self.agent_filter = QComboBox()
        self.agent_filter.setObjectName("review-filter-agent")
        self.agent_filter.addItem("", "")
        self.category_filter = QComboBox()
        self.category_filter.setObjectName("review-filter-category")
        self.category_filter.addItem("", "")
        for category in DEFAULT_CATEGORIES:
            self.category_filter.addItem("", category)
        # the earliest date stands for "no bound", shown as the special text
        self.since_filter = self._date_edit("review-filter-since")
        self.until_filter = self._date_edit("review-filter-until")
        self.since_label = QLabel()
        self.until_label = QLabel()
        for combo in (self.state_filter, self.reason_filter, self.agent_filter):
            combo.currentIndexChanged.connect(self._filters_changed)
        self.category_filter.currentIndexChanged.connect(self._filters_changed)
        for edit in (self.since_filter, self.until_filter):
            edit.dateChanged.connect(self._filters_changed)
        for widget in (
            self.state_filter,
            self.reason_filter,
            self.agent_filter,
            self.category_filter,
            self.since_label,
            self.since_filter,
            self.until_label,
            self.until_filter,
        ):
            row.addWidget(widget)
        row.addStretch(1)

    @staticmethod
    def _date_edit(name: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(QDate(2000, 1, 1))
        edit.setDate(edit.minimumDate())
        return edit

    def _build_actions(self) -> None:
        self.actions_box = QWidget()
        grid = QGridLayout(self.actions_box)
        grid.setContentsMargins(0, 0, 0, 0)
        self.note = QPlainTextEdit()
        self.note.setObjectName("review-note")
        self.note.setFixedHeight(64)
        self.sentiment_choice = QComboBox()
        self.sentiment_choice.setObjectName("review-sentiment")
        for sentiment in SENTIMENTS:
            self.sentiment_choice.addItem("", sentiment)
        self.category_choice = QComboBox()
        self.category_choice.setObjectName("review-category")
        for category in DEFAULT_CATEGORIES:
            self.category_choice.addItem("", category)
        self.buttons: dict[str, QPushButton] = {}
        handlers: dict[str, Callable[[], Any]] = {
            "confirm_agent": self.confirm_agent,
            "confirm_model": self.confirm_model,
            "relabel": self.relabel_chosen,
            "comment": self.comment,
            "coaching": self.toggle_coaching,
            "close": self.close_flag,
        }
        for key, handler in handlers.items():
            button = QPushButton()
            button.setObjectName(f"review-{key}")
            button.clicked.connect(lambda _checked=False, h=handler: h())
            self.buttons[key] = button
        grid.addWidget(self.note, 0, 0, 1, 4)
        grid.addWidget(self.buttons["confirm_agent"], 1, 0)
        grid.addWidget(self.buttons["confirm_model"], 1, 1)
        grid.addWidget(self.buttons["coaching"], 1, 2)
        grid.addWidget(self.buttons["close"], 1, 3)
        grid.addWidget(self.sentiment_choice, 2, 0)
        grid.addWidget(self.category_choice, 2, 1)
        grid.addWidget(self.buttons["relabel"], 2, 2)
        grid.addWidget(self.buttons["comment"], 2, 3)

    def _build_shortcuts(self) -> None:
        def add(key: str, slot: Callable[[], Any]) -> None:
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(slot)

        # Single letters do not fire while the note has focus (text widgets claim printable
        # keys first), so typing a note never triggers a decision.
        add("J", lambda: self.move_selection(1))
        add("K", lambda: self.move_selection(-1))
        add("A", self.confirm_agent)
        add("M", self.confirm_model)
        add("R", self.relabel_chosen)
        for number, sentiment in enumerate(SENTIMENTS, 1):
            add(f"Alt+{number}", functools.partial(self.relabel_to, sentiment=sentiment))
        add("C", self.focus_note)
        add("Ctrl+Return", self.comment)
        add("Ctrl+Enter", self.comment)
        add("G", self.toggle_coaching)
        add("X", self.close_flag)
        add("F5", lambda: self._spawn(self.refresh()))
        add("Esc", self.view.setFocus)
        add("F1", self.show_shortcuts)

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Review flagged conversations"))
        for i, text in enumerate((tr("Open flags"), tr("Closed flags"), tr("Open and closed"))):
            self.state_filter.setItemText(i, text)
        self.reason_filter.setItemText(0, tr("All reasons"))
        for i in range(1, self.reason_filter.count()):
            self.reason_filter.setItemText(i, reason_name(str(self.reason_filter.itemData(i))))
        self.agent_filter.setItemText(0, tr("All agents"))
        self.category_filter.setItemText(0, tr("All categories"))
        for combo in (self.category_filter, self.sentiment_choice, self.category_choice):
            for i in range(combo.count()):
                if combo.itemData(i):
                    combo.setItemText(i, label_name(str(combo.itemData(i))))
        for edit in (self.since_filter, self.until_filter):
            edit.setSpecialValueText(tr("any date"))
        self.since_label.setText(tr("From:"))
        self.until_label.setText(tr("To:"))
        self.note.setPlaceholderText(
            tr("Note kept with your decision, or a comment (C to write, Ctrl+Enter to save)")
        )
        texts = {
            "confirm_agent": tr("Confirm agent (A)"),
            "confirm_model": tr("Confirm model (M)"),
            "relabel": tr("Relabel (R)"),
            "comment": tr("Comment (Ctrl+Enter)"),
            "coaching": tr("Coaching (G)"),
            "close": tr("Close flag (X)"),
        }
        for key, text in texts.items():
            self.buttons[key].setText(text)
        self.model.retranslate()
        self.panel.retranslate()

    # -- reading ------------------------------------------------------------------------
    def current_filter(self) -> FlagFilter:
        """The list's filter as the controls set it."""
        reason = str(self.reason_filter.currentData() or "")
        since = self.since_filter.date()
        until = self.until_filter.date()
        return FlagFilter(
            status=str(self.state_filter.currentData() or "") or None,
            reasons=(reason,) if reason else (),
            agent=str(self.agent_filter.currentData() or "") or None,
            category=str(self.category_filter.currentData() or "") or None,
            since=None if since == self.since_filter.minimumDate() else _start_of(since),
            # "to" a date includes that whole day
            until=None if until == self.until_filter.minimumDate() else _start_of(until, 1),
        )

    def selected_id(self) -> str | None:
        return self.model.ticket_id(self.view.currentIndex().row())

    def schedule_refresh(self) -> None:
        """Read the list again in the background."""
        self._spawn(self.refresh())

    def _filters_changed(self, *_args: object) -> None:
        self.schedule_refresh()

    async def refresh(self) -> None:
        """Read the list again (bringing flags up to date first) on the database worker,
        keeping the selected conversation, or the row it was on when it left the list."""
        store = self.window_.store
        if store is None:
            return
        # reads run in order on the one database worker, so the last one applied is the
        # latest state, whichever filter or write asked for it
        where = self.current_filter()
        try:
            flags, problem = await self.window_.workers.db(
                _load_flags, store, self.window_.flag_settings, where
            )
        except SentideskError as exc:
            self._say(tr("The flagged conversations cannot be read: %s") % describe(exc))
            return
        keep = self.selected_id()
        keep_row = self.view.currentIndex().row()
        self._selecting = True
        try:
            self.model.set_records(flags)
            row = self.model.row_of(keep) if keep is not None else -1
            if row < 0 and flags:
                row = min(max(keep_row, 0), len(flags) - 1)
            if row >= 0:
                self.view.selectRow(row)
        finally:
            self._selecting = False
        self._note_agents(flags)
        self._say(
            tr("Flags may be out of date: %s") % problem
            if problem
            else tr("%d flagged conversation(s)") % len(flags)
        )
        selected = self.selected_id()
        if selected is None:
            self.panel.clear()
        else:
            await self.show_detail(selected)
        self._enable()
        self.loaded.emit(where)

    def _note_agents(self, flags: Sequence[FlaggedTicket]) -> None:
        """Offer every agent seen in any list read so far (a filtered list shows fewer)."""
        new = {a for f in flags for a in f.agents} - self._agents
        if not new:
            return
        self._agents |= new
        current = self.agent_filter.currentData()
        self.agent_filter.blockSignals(True)
        while self.agent_filter.count() > 1:
            self.agent_filter.removeItem(1)
        for agent in sorted(self._agents, key=str.casefold):
            self.agent_filter.addItem(agent, agent)
        self.agent_filter.setCurrentIndex(max(0, self.agent_filter.findData(current)))
        self.agent_filter.blockSignals(False)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        ticket_id = self.model.ticket_id(current.row())
        self._enable()
        if ticket_id is not None and not self._selecting:
            self._spawn(self.show_detail(ticket_id))

    async def show_detail(self, ticket_id: str) -> None:
        """Read one conversation (database worker) and show it; its explanation is computed
        on the model worker if no cached one exists."""
        store = self.window_.store
        if store is None:
            return
        try:
            detail = await self.window_.workers.db(review_detail, store, ticket_id)
        except SentideskError as exc:
            self._say(tr("Ticket %s cannot be shown: %s") % (ticket_id, describe(exc)))
            return
        if self.selected_id() != ticket_id:
            return  # the supervisor has moved on
        ticket = detail.ticket
        customer = [m.body for m in ticket.messages if m.author == "customer"]
        spans = detail.explanation
        shown = None if spans is None else spans_by_part(ticket.subject, customer, spans)
        explaining = shown is None and self._explainable(detail)
        before = _labels_of(self.panel.detail)
        self.panel.show_detail(detail, None if explaining else (shown or []))
        if before != _labels_of(detail):
            # a refresh of the same labels keeps what the supervisor picked in the chooser
            self._choose_labels(detail)
        self._enable()
        self.detailShown.emit(ticket_id)
        scorer = self.window_.scorer
        if shown is not None or scorer is None or ticket.prediction is None:
            return
        raw = await self.window_.workers.model(explain_ticket, scorer, ticket.subject, customer)
        if self.panel.detail is not None and self.panel.detail.ticket.id == ticket_id:
            self.panel.show_detail(self.panel.detail, spans_by_part(ticket.subject, customer, raw))
        # a cache, as the queue keeps it: if it cannot be written it is computed again
        try:
            await self.window_.workers.db(store.save_explanation, ticket_id, raw)
        except SentideskError as exc:
            log.info("explanation of %s not cached: %s", ticket_id, exc)

    def _explainable(self, detail: ReviewDetail) -> bool:
        return self.window_.scorer is not None and detail.ticket.prediction is not None

    def _choose_labels(self, detail: ReviewDetail) -> None:
        """Preselect the chooser with the ticket's labels as they stand."""
        for combo, value in (
            (self.sentiment_choice, detail.ticket.sentiment),
            (self.category_choice, detail.ticket.category),
        ):
            combo.setCurrentIndex(max(0, combo.findData(value)))

    # -- decisions ----------------------------------------------------------------------
    def _enable(self) -> None:
        detail = self.panel.detail
        selected = self.selected_id()
        here = detail is not None and selected == detail.ticket.id
        flag = detail.flag if detail is not None and here else None
        has_agent = (
            here
            and detail is not None
            and bool(detail.agent_label("sentiment") or detail.agent_label("category"))
        )
        scored = here and detail is not None and detail.ticket.prediction is not None
        self.buttons["confirm_agent"].setEnabled(has_agent)
        self.buttons["confirm_model"].setEnabled(scored)
        self.buttons["relabel"].setEnabled(here)
        self.buttons["comment"].setEnabled(here)
        self.buttons["coaching"].setEnabled(flag is not None)
        self.buttons["close"].setEnabled(flag is not None and flag.status == "open")
        if flag is not None:
            self.buttons["coaching"].setText(
                tr("Remove coaching mark (G)") if flag.coaching else tr("Coaching (G)")
            )

    def _decide(self, action: str, what: str, fn: Callable[..., Any], **kwargs: Any) -> bool:
        """Store a decision on the selected conversation through the window's write helper;
        False when there is nothing to decide on."""
        store = self.window_.store
        ticket_id = self.selected_id()
        if store is None or ticket_id is None:
            return False
        call = functools.partial(fn, store, self.window_.account, ticket_id, **kwargs)
        future = self.window_.run_write(what % ticket_id, call, ticket_id)
        future.add_done_callback(lambda f: self._spawn(self._after_decision(f, action, ticket_id)))
        self._say(tr("Saving…"))
        return True

    async def _after_decision(
        self, future: asyncio.Future[Any], action: str, ticket_id: str
    ) -> None:
        if future.cancelled():
            return
        exc = future.exception()
        if exc is not None:
            # the window's notice bar says so too (run_write); this window may be in front
            text = tr("Not saved: %s") % describe(exc)
            await self.refresh()
            self._say(text)
            self.failed.emit(text)
            return
        if self.panel.detail is not None and self.panel.detail.ticket.id == ticket_id:
            self.note.clear()
        await self.refresh()
        self._say(tr("Saved: %s") % review_action_name(action))
        self.acted.emit(action, ticket_id)

    def _note_text(self) -> str:
        return self.note.toPlainText().strip()

    def confirm_agent(self) -> None:
        self._decide(
            "confirm_agent",
            tr("the confirmed agent label of ticket %s"),
            confirm_agent_label,
            comment=self._note_text(),
        )

    def confirm_model(self) -> None:
        self._decide(
            "confirm_model",
            tr("the confirmed model label of ticket %s"),
            confirm_model_label,
            comment=self._note_text(),
        )

    def relabel_chosen(self) -> None:
        """Relabel with the chooser's values: the fields that differ from the ticket's
        labels now, or both when neither does (the supervisor confirms them as they are)."""
        detail = self.panel.detail
        if detail is None:
            return
        chosen = {
            "sentiment": str(self.sentiment_choice.currentData()),
            "category": str(self.category_choice.currentData()),
        }
        current = {"sentiment": detail.ticket.sentiment, "category": detail.ticket.category}
        changed = {f: v for f, v in chosen.items() if v != current[f]} or chosen
        self.relabel_to(**changed)

    def relabel_to(self, sentiment: str | None = None, category: str | None = None) -> None:
        if sentiment is not None:
            self.sentiment_choice.setCurrentIndex(max(0, self.sentiment_choice.findData(sentiment)))
        self._decide(
            "relabel",
            tr("the supervisor label of ticket %s"),
            relabel,
            sentiment=sentiment,
            category=category,
            comment=self._note_text(),
        )

    def focus_note(self) -> None:
        self.note.setFocus()

    def comment(self) -> None:
        if not self._note_text():
            self.focus_note()
            self._say(tr("Write the comment first."))
            return
        self._decide(
            "comment", tr("the review comment on ticket %s"), add_comment, text=self._note_text()
        )

    def toggle_coaching(self) -> None:
        detail = self.panel.detail
        if detail is None or detail.flag is None:
            return
        self._decide(
            "coaching" if not detail.flag.coaching else "coaching_removed",
            tr("the coaching mark of ticket %s"),
            mark_for_coaching,
            coaching=not detail.flag.coaching,
            note=self._note_text(),
        )

    def close_flag(self) -> None:
        settings = self.window_.flag_settings
        if settings is None:
            self._say(
                tr("Flags cannot be closed while the flag settings are unusable (see the notice).")
            )
            return
        self._decide(
            "close",
            tr("closing the flag of ticket %s"),
            close_flag,
            settings=settings,
            note=self._note_text(),
        )

    # -- keyboard and helpers -----------------------------------------------------------
    def move_selection(self, step: int) -> None:
        step_selection(self.view, step)

    def show_shortcuts(self) -> None:
        rows = "".join(
            f"<tr><td><b>{html.escape(k)}</b></td><td>{html.escape(v)}</td></tr>"
            for k, v in review_shortcuts()
        )
        QMessageBox.information(
            self, tr("Review shortcuts"), f"<table cellpadding='4'>{rows}</table>"
        )

    def _say(self, text: str) -> None:
        self.status.setText(text)

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        # the main window's background work: its shutdown cancels what is still running,
        # before these widgets go, and it shows a failure
        self.window_.spawn(coro)


def _labels_of(detail: ReviewDetail | None) -> tuple[str, str | None, str | None] | None:
    if detail is None:
        return None
    return (detail.ticket.id, detail.ticket.sentiment, detail.ticket.category)


def _start_of(date: QDate, days: int = 0) -> float:
    """Epoch seconds at the local midnight that starts ``date`` plus ``days``."""
    return float(QDateTime(date.addDays(days), QTime(0, 0)).toSecsSinceEpoch())


# -- the way in -------------------------------------------------------------------------
class ReviewEntry(QObject):
    """The way into the review from the main window: a Review menu and a toolbar button,
    shown to supervisors only, and the review window itself once opened."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.review: ReviewWindow | None = None
        self.menu_action: QAction | None = None
        self.action = QAction(window)
        self.action.setObjectName("open-review")
        self.action.setShortcut(QKeySequence(OPEN_REVIEW_KEY))
        self.action.triggered.connect(lambda _checked=False: self.open())
        self.toolbar = QToolBar()
        self.toolbar.setObjectName("review")
        self.toolbar.setMovable(False)
        self.toolbar.addAction(self.action)
        window.addToolBar(self.toolbar)
        window.accountChanged.connect(lambda _account: self.update())
        window.storeChanged.connect(self._store_changed)
        window.scoringIdle.connect(self._store_changed)
        window.closed.connect(self.close)

    def add_menu(self, bar: QMenuBar) -> None:
        """Add the Review menu to ``bar`` (the window rebuilds its menus on a language
        switch, so this also sets every text in the current language)."""
        menu = bar.addMenu(tr("&Review"))
        self.action.setText(tr("&Flagged conversations…"))
        self.toolbar.setWindowTitle(tr("Review"))
        menu.addAction(self.action)
        self.menu_action = menu.menuAction()
        if self.review is not None:
            self.review.retranslate()
        self.update()

    @property
    def allowed(self) -> bool:
        return self.window_.account.role == "supervisor"

    def update(self) -> None:
        """Offer the review to supervisors only; close it when an agent logs in."""
        allowed = self.allowed
        self.action.setVisible(allowed)
        self.action.setEnabled(allowed)
        self.toolbar.setVisible(allowed)
        if self.menu_action is not None:
            self.menu_action.setVisible(allowed)
        if not allowed:
            self.close()

    def open(self) -> ReviewWindow | None:
        """Show the review (supervisors), reading the list afresh; None for an agent."""
        if not self.allowed:
            return None
        if self.review is None:
            self.review = ReviewWindow(self.window_)
        self.review.show()
        self.review.activateWindow()
        self.review.schedule_refresh()
        return self.review

    def close(self) -> None:
        if self.review is not None:
            self.review.close()

    def _store_changed(self) -> None:
        # an agent's change or a scoring round in the main window may raise or clear flags
        if self.review is not None and self.review.isVisible():
            self.review.schedule_refresh()
