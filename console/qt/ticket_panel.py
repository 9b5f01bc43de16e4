"""The ticket view: thread with highlighted words, prediction, overrides, history, reply."""

from __future__ import annotations

import html
import time
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from console.qt.delegates import negativity_color
from console.qt.reply_editor import ReplyEditor
from console.services import MessageSpan, Suggestion
from console.store import STATUSES, ReplyDraft, TicketDetail
from inference import DEFAULT_CATEGORIES, SENTIMENTS

SENTIMENT_BADGE = {"negative": "#c62828", "neutral": "#546e7a", "positive": "#2e7d32"}


def tr(text: str) -> str:
    return QCoreApplication.translate("TicketPanel", text)


def highlight_html(text: str, spans: Sequence[MessageSpan]) -> str:
    """Escape ``text`` and colour the spans: red pushed negativity up, green pulled it down."""
    marks = sorted((s for s in spans if 0 <= s.start < s.end <= len(text)), key=lambda s: s.start)
    out, pos = [], 0
    for span in marks:
        if span.start < pos:
            continue
        out.append(html.escape(text[pos : span.start]))
        alpha = 0.25 + 0.75 * min(1.0, abs(span.weight) / 3)
        color = (
            f"rgba(229,57,53,{alpha:.2f})" if span.weight > 0 else f"rgba(67,160,71,{alpha:.2f})"
        )
        title = (
            tr("pushed towards negative") if span.weight > 0 else tr("pulled away from negative")
        )
        out.append(
            f'<span style="background-color:{color}" title="{html.escape(title)}">'
            f"{html.escape(text[span.start : span.end])}</span>"
        )
        pos = span.end
    out.append(html.escape(text[pos:]))
    return "".join(out).replace("\n", "<br>")


def thread_html(detail: TicketDetail, spans: Sequence[MessageSpan]) -> str:
    """The conversation as HTML: the customer's words coloured by ``spans`` (the
    explanation), agents' messages plain. The ticket panel and the review view show it."""
    blocks = []
    customer_index = 0
    subject_spans = [s for s in spans if s.part == -1]
    if subject_spans:
        subject = highlight_html(detail.subject.strip(), subject_spans)
        blocks.append(f"<p><i>{tr('Subject')}:</i> {subject}</p>")
    for message in detail.messages:
        if message.author == "customer":
            own = [s for s in spans if s.part == customer_index]
            customer_index += 1
            body = highlight_html(message.body, own)
            who = html.escape(detail.customer or tr("Customer"))
            background = "#fafafa"
        else:
            body = highlight_html(message.body, [])
            who = tr("Agent")
            background = "#e3f2fd"
        pill = ""
        if message.label:
            pill = (
                f' <span style="color:{SENTIMENT_BADGE.get(message.label, "#000")}">'
                f"● {html.escape(tr(message.label))}</span>"
            )
        when = html.escape(message.created_at[:16].replace("T", " "))
        blocks.append(
            f'<table width="100%" style="background:{background}" cellpadding="6"><tr><td>'
            f'<b>{who}</b> <span style="color:#777">{when}</span>{pill}<br>{body}'
            "</td></tr></table><br>"
        )
    return "".join(blocks)


class TicketPanel(QWidget):
    """Shows one ticket and lets the agent correct it and reply.

    Signals:
        overrideRequested(str ticket_id, str field, str value): sentiment/category corrected.
        statusRequested(str ticket_id, str status)
        sendRequested(object ReplyDraft): the agent pressed Send on a complete reply.
        historyActivated(str ticket_id): an earlier ticket of the customer was opened.
    """

    overrideRequested = Signal(str, str, str)
    statusRequested = Signal(str, str)
    sendRequested = Signal(object)
    historyActivated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail: TicketDetail | None = None
        self._spans: list[MessageSpan] = []
        self._suggestions: list[Suggestion] = []
        self._suggestion_text: str | None = None
        self._opened_at = time.monotonic()
        self._updating = False
        self._sending = False

        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.meta = QLabel()
        self.meta.setWordWrap(True)
        # the customer's name and the ticket id come from import files: never rich text
        self.meta.setTextFormat(Qt.TextFormat.PlainText)
        self.prediction = QLabel()
        self.prediction.setTextFormat(Qt.TextFormat.RichText)
        self.explain_state = QLabel()
        self.explain_state.setTextFormat(Qt.TextFormat.PlainText)

        self.sentiment = QComboBox()
        for s in SENTIMENTS:
            self.sentiment.addItem(s, s)
        self.category = QComboBox()
        for c in DEFAULT_CATEGORIES:
            self.category.addItem(c, c)
        self.status = QComboBox()
        for status in STATUSES:
            self.status.addItem(status, status)
        self.sentiment.activated.connect(lambda _i: self._override("sentiment", self.sentiment))
        self.category.activated.connect(lambda _i: self._override("category", self.category))
        self.status.activated.connect(self._status_changed)

        self.conversation = QTextBrowser()
        self.conversation.setOpenLinks(False)
        self.history = QListWidget()
        self.history.itemActivated.connect(
            lambda item: self.historyActivated.emit(item.data(Qt.ItemDataRole.UserRole))
        )
        self.order = QLabel()
        self.order.setWordWrap(True)
        self.order.setTextFormat(Qt.TextFormat.RichText)

        self.suggestion_box = QComboBox()
        self.suggestion_box.activated.connect(self._use_suggestion)
        self.editor = ReplyEditor()
        self.editor.unfilledChanged.connect(self._unfilled_changed)
        self.unfilled = QLabel()
        self.unfilled.setTextFormat(Qt.TextFormat.PlainText)  # placeholder names are typed text
        self.unfilled.setStyleSheet("color: #b71c1c")
        self.send = QPushButton()
        self.send.clicked.connect(self.request_send)
        self.send.setEnabled(False)

        self.labels = {
            key: QLabel()
            for key in ("sentiment", "category", "status", "order", "history", "suggested")
        }
        form = QFormLayout()
        form.addRow(self.labels["sentiment"], self.sentiment)
        form.addRow(self.labels["category"], self.category)
        form.addRow(self.labels["status"], self.status)

        side = QVBoxLayout()
        side.addLayout(form)
        side.addWidget(self.labels["order"])
        side.addWidget(self.order)
        side.addWidget(self.labels["history"])
        side.addWidget(self.history, 1)
        side_box = QGroupBox()
        side_box.setLayout(side)

        reply = QVBoxLayout()
        top = QHBoxLayout()
        top.addWidget(self.labels["suggested"])
        top.addWidget(self.suggestion_box, 1)
        reply.addLayout(top)
        reply.addWidget(self.editor, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.unfilled, 1)
        bottom.addWidget(self.send)
        reply.addLayout(bottom)
        reply_box = QWidget()
        reply_box.setLayout(reply)

        upper = QSplitter(Qt.Orientation.Horizontal)
        upper.addWidget(self.conversation)
        upper.addWidget(side_box)
        upper.setStretchFactor(0, 3)
        upper.setStretchFactor(1, 1)
        vertical = QSplitter(Qt.Orientation.Vertical)
        vertical.addWidget(upper)
        vertical.addWidget(reply_box)
        vertical.setStretchFactor(0, 3)
        vertical.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.meta)
        head = QHBoxLayout()
        head.addWidget(self.prediction, 1)
        head.addWidget(self.explain_state)
        layout.addLayout(head)
        layout.addWidget(vertical, 1)
        self.retranslate()

    def retranslate(self) -> None:
        """Set every visible text in the current UI language (also after a switch)."""
        texts = {
            "sentiment": tr("Sentiment (Alt+1/2/3)"),
            "category": tr("Category"),
            "status": tr("Status"),
            "order": tr("Order"),
            "history": tr("Customer history"),
            "suggested": tr("Suggested reply"),
        }
        for key, text in texts.items():
            self.labels[key].setText(text)
        for combo in (self.sentiment, self.category, self.status):
            for i in range(combo.count()):
                combo.setItemText(i, tr(str(combo.itemData(i))))
        self.editor.setPlaceholderText(tr("Write a reply, or pick a suggested template above"))
        self.send.setText(tr("Send (Ctrl+Enter)"))
        scratch = self.suggestion_box.findData("")
        if scratch >= 0:
            self.suggestion_box.setItemText(scratch, tr("(write from scratch)"))
        if self.detail is not None:
            self._show_prediction(self.detail)
            self._render_thread()
            self._render_side(self.detail)
            self._unfilled_changed(list(self.editor.unfilled()))

    # -- showing ------------------------------------------------------------------------
    def show_ticket(self, detail: TicketDetail, spans: Sequence[MessageSpan] | None) -> None:
        """Display a ticket; ``spans`` None means the explanation is still being computed."""
        same = self.detail is not None and self.detail.id == detail.id
        self.detail = detail
        self._spans = list(spans or [])
        self._updating = True
        try:
            self.title.setText(f"<b>{html.escape(detail.subject or detail.id)}</b>")
            self.meta.setText(
                " · ".join(
                    x
                    for x in (
                        detail.id,
                        detail.customer,
                        detail.channel,
                        detail.created_at.replace("T", " ")[:16],
                    )
                    if x
                )
            )
            self._show_prediction(detail)
            self.explain_state.setText(tr("explaining…") if spans is None else "")
            self._select(self.sentiment, detail.sentiment)
            self._select(self.category, detail.category)
            self._select(self.status, detail.status)
            self._render_thread()
            self._render_side(detail)
        finally:
            self._updating = False
        if not same:
            self._opened_at = time.monotonic()
            self.editor.clear()
            self._suggestion_text = None

    def show_explanation(self, ticket_id: str, spans: Sequence[MessageSpan]) -> None:
        if self.detail is not None and self.detail.id == ticket_id:
            self._spans = list(spans)
            self.explain_state.setText("")
            self._render_thread()

    def show_suggestions(self, ticket_id: str, suggestions: Sequence[Suggestion]) -> None:
        if self.detail is None or self.detail.id != ticket_id:
            return
        self._suggestions = list(suggestions)
        self.suggestion_box.clear()
        for s in suggestions:
            self.suggestion_box.addItem(s.template.title, s.template.id)
        self.suggestion_box.addItem(tr("(write from scratch)"), "")
        text = self.editor.toPlainText()
        untouched = not text.strip() or text == self._suggestion_text
        if suggestions and untouched:  # never overwrite what the agent typed
            self._use_suggestion(0)

    def _show_prediction(self, detail: TicketDetail) -> None:
        p = detail.prediction
        if p is None:
            self.prediction.setText(tr("Not scored yet"))
            return
        color = negativity_color(float(p["negativity"])).name()
        label = detail.sentiment or p["label"]
        badge = SENTIMENT_BADGE.get(label, "#000")
        corrected = (
            tr(" (corrected; model: %s)") % tr(p["label"]) if detail.sentiment_override else ""
        )
        self.prediction.setText(
            f'<span style="color:{badge};font-weight:bold">{html.escape(tr(label))}</span>'
            f"{html.escape(corrected)} · "
            f'{tr("negativity")} <span style="background:{color}">&nbsp;'
            f"{float(p['negativity']) * 100:.0f}&nbsp;</span> · "
            f"{html.escape(tr(detail.category or ''))} · {html.escape(p['language'])} · "
            f'<span style="color:#777">{html.escape(p["model_version"])}</span>'
        )

    def _render_thread(self) -> None:
        if self.detail is not None:
            self.conversation.setHtml(thread_html(self.detail, self._spans))

    def _render_side(self, detail: TicketDetail) -> None:
        order_lines = [f"<b>{html.escape(detail.order_id)}</b>"] if detail.order_id else []
        for key, value in sorted(detail.metadata.items()):
            order_lines.append(f"{html.escape(str(key))}: {html.escape(str(value))}")
        self.order.setText("<br>".join(order_lines) or tr("No order details"))
        self.history.clear()
        for row in detail.history:
            when = time.strftime("%Y-%m-%d", time.localtime(row.created_at))
            item = QListWidgetItem(
                f"{when}  {tr(row.sentiment or '-')}  {row.subject or row.preview}"
            )
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.history.addItem(item)
        if not detail.history:
            self.history.addItem(tr("No earlier tickets"))

    @staticmethod
    def _select(combo: QComboBox, value: str | None) -> None:
        index = combo.findData(value) if value else -1
        combo.setCurrentIndex(index)

    # -- agent actions ------------------------------------------------------------------
    def relabel(self, sentiment: str) -> None:
        self._select(self.sentiment, sentiment)
        self._override("sentiment", self.sentiment)

    def _override(self, field: str, combo: QComboBox) -> None:
        if self._updating or self.detail is None:
            return
        value = combo.currentData()
        current = self.detail.sentiment if field == "sentiment" else self.detail.category
        if value and value != current:
            self.overrideRequested.emit(self.detail.id, field, value)

    def _status_changed(self, _index: int) -> None:
        if not self._updating and self.detail is not None:
            self.statusRequested.emit(self.detail.id, self.status.currentData())

    def _use_suggestion(self, index: int) -> None:
        if 0 <= index < len(self._suggestions):
            suggestion = self._suggestions[index]
            self._suggestion_text = suggestion.text
            self.editor.setPlainText(suggestion.text)
            self.suggestion_box.setCurrentIndex(index)
        else:
            self._suggestion_text = None
            self.editor.clear()

    def _unfilled_changed(self, names: list[str]) -> None:
        if names:
            self.unfilled.setText(tr("Fill in before sending: %s") % ", ".join(names))
        else:
            self.unfilled.setText("")
        self.send.setEnabled(
            bool(self.editor.toPlainText().strip()) and not names and not self._sending
        )

    def set_sending(self, sending: bool) -> None:
        """While a reply is being stored, Send is off (a second press would store it twice)."""
        self._sending = sending
        self._unfilled_changed(list(self.editor.unfilled()))

    def request_send(self) -> None:
        """Emit ``sendRequested`` if the reply is complete (the button mirrors this rule)."""
        if self.detail is None or self._sending:
            return
        body = self.editor.toPlainText().strip()
        if not body or self.editor.unfilled():
            self.editor.select_next_placeholder()
            return
        index = self.suggestion_box.currentIndex()
        template = self.suggestion_box.itemData(index) if index >= 0 else None
        self.sendRequested.emit(
            ReplyDraft(
                ticket_id=self.detail.id,
                body=body,
                suggestion=self._suggestion_text,
                template_id=template or None,
                seconds_to_reply=round(time.monotonic() - self._opened_at, 1),
            )
        )

    def reply_sent(self) -> None:
        self.editor.clear()
        self._suggestion_text = None
