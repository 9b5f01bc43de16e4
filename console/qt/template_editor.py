"""The reply templates window (View → Reply templates…, Ctrl+Shift+T): the list with its
filters, and an editor with placeholder highlighting, the problems that block saving and a
live preview filled from a sample ticket.

Everyone may open it; only supervisors change templates. For agents the editor is read-only
and its buttons say why they are disabled; the services refuse them anyway
(:class:`~console.services.accounts.PermissionDenied`), checked again inside the write.

The list is read on the database worker (:func:`~console.services.template_edits.
list_templates`) and every change is a write queued through :meth:`MainWindow.submit_write`,
so closing the main window waits for it; a refusal or failure is shown in this window. The
next suggestion the main window makes uses the change (its :class:`~console.services.
template_edits.TemplateCatalog` notices the store's template revision moved). Validation and
the preview are plain string work on the GUI thread.
"""

from __future__ import annotations

import functools
import html
import logging
import re
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QColor,
    QFont,
    QKeySequence,
    QShortcut,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from console.qt.record_table import AnyIndex, RecordTableModel
from console.services.scoring_loop import describe
from console.services.template_edits import (
    TEMPLATE_LANGUAGES,
    TEMPLATE_STATES,
    TemplateEntry,
    TemplateFilter,
    create_template,
    edit_template,
    list_templates,
    normalized,
    reinstate_template,
    restore_default,
    retire_template,
    same_content,
    sample_ticket,
    template_problems,
)
from console.services.templates import (
    AGENT_PLACEHOLDERS,
    FILLED_PLACEHOLDERS,
    PLACEHOLDER,
    ReplyTemplate,
    fill,
)
from inference import DEFAULT_CATEGORIES, SENTIMENTS, SentideskError

if TYPE_CHECKING:
    from console.qt.main_window import MainWindow

log = logging.getLogger(__name__)

OPEN_TEMPLATES_KEY = "Ctrl+Shift+T"

#: Custom roles, for the views and tests.
EntryRole = Qt.ItemDataRole.UserRole + 1
TemplateIdRole = Qt.ItemDataRole.UserRole + 2
StateRole = Qt.ItemDataRole.UserRole + 3

#: A placeholder as a reader takes it, or a brace without its partner.
_BRACED_OR_STRAY = re.compile(r"\{[^{}\n]*\}|[{}]")


def tr(text: str) -> str:
    return QCoreApplication.translate("TemplateEditor", text)


def label_name(value: str) -> str:
    """A sentiment or category as the queue names it."""
    return QCoreApplication.translate("QueueModel", value)


def state_name(state: str) -> str:
    names = {
        "default": tr("shipped"),
        "edited": tr("edited"),
        "new": tr("added"),
        "retired": tr("retired"),
    }
    return names.get(state, state)


def language_name(language: str) -> str:
    return {"zh": tr("Chinese"), "en": tr("English")}.get(language, language)


class TemplateListModel(RecordTableModel[TemplateEntry]):
    """The templates the filter lets through, in library order.

    Roles besides display: :data:`EntryRole` (the :class:`TemplateEntry`),
    :data:`TemplateIdRole` (str), :data:`StateRole` (str, one of ``TEMPLATE_STATES``)."""

    COLUMNS = ("id", "title", "language", "state", "uses", "rewritten", "updated")

    def headers(self) -> dict[str, str]:
        return {
            "id": tr("Id"),
            "title": tr("Title"),
            "language": tr("Language"),
            "state": tr("State"),
            "uses": tr("Sent"),
            "rewritten": tr("Rewritten"),
            "updated": tr("Last change"),
        }

    def key(self, record: TemplateEntry) -> str:
        return record.id

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entry = self.row_record(index)
        if entry is None:
            return None
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(entry, column)
        if role == EntryRole:
            return entry
        if role == TemplateIdRole:
            return entry.id
        if role == StateRole:
            return entry.state
        if role == Qt.ItemDataRole.ForegroundRole and entry.retired:
            return QColor("#757575")
        if role == Qt.ItemDataRole.FontRole and entry.state in ("edited", "new"):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and column == "rewritten":
            return tr("How much of the suggestion agents changed before sending, on average")
        if role == Qt.ItemDataRole.TextAlignmentRole and column in ("uses", "rewritten"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, entry: TemplateEntry, column: str) -> str:
        if column == "id":
            return entry.id
        if column == "title":
            return entry.template.title
        if column == "language":
            return entry.template.language
        if column == "state":
            return state_name(entry.state)
        if column == "uses":
            return str(entry.uses)
        if column == "rewritten":
            ratio = entry.mean_edit_ratio
            return "—" if ratio is None else f"{ratio:.0%}"
        if entry.updated_by is None:
            return "—"
        return tr("%s, %s") % (entry.updated_by, (entry.updated_at or "").replace("T", " ")[:16])


class TemplateHighlighter(QSyntaxHighlighter):
    """Placeholders filled from the ticket in blue, those the agent writes in amber, and
    unknown placeholders or stray braces (which block saving) underlined in red."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.filled = QTextCharFormat()
        self.filled.setForeground(QColor("#0d47a1"))
        self.filled.setBackground(QColor("#e3f2fd"))
        self.filled.setFontWeight(QFont.Weight.Bold)
        self.agent = QTextCharFormat()
        self.agent.setForeground(QColor("#8a5300"))
        self.agent.setBackground(QColor("#fff4e5"))
        self.agent.setFontWeight(QFont.Weight.Bold)
        self.wrong = QTextCharFormat()
        self.wrong.setForeground(QColor("#b3261e"))
        self.wrong.setUnderlineColor(QColor("#b3261e"))
        self.wrong.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)

    def format_for(self, token: str) -> QTextCharFormat:
        name = token[1:-1] if len(token) > 1 else ""
        if name in FILLED_PLACEHOLDERS:
            return self.filled
        if name in AGENT_PLACEHOLDERS:
            return self.agent
        return self.wrong

    def highlightBlock(self, text: str) -> None:
        for match in _BRACED_OR_STRAY.finditer(text):
            self.setFormat(match.start(), len(match.group(0)), self.format_for(match.group(0)))


def preview_html(template: ReplyTemplate, agent_name: str) -> str:
    """``template`` filled from a sample ticket in its language, with what stays unfilled
    marked as the reply editor marks it."""
    language = template.language if template.language in TEMPLATE_LANGUAGES else "en"
    text, _unfilled = fill(template, sample_ticket(language, agent_name))
    parts: list[str] = []
    last = 0
    for match in PLACEHOLDER.finditer(text):
        parts.append(html.escape(text[last : match.start()]))
        parts.append(
            "<span style='background:#ffcdd2;color:#b71c1c;font-weight:bold'>"
            f"{html.escape(match.group(0))}</span>"
        )
        last = match.end()
    parts.append(html.escape(text[last:]))
    return "<div style='white-space:pre-wrap'>" + "".join(parts) + "</div>"


class TemplateEditor(QWidget):
    """The template list and editor.

    Signals:
    loaded(): the list was (re)read.
    changed(str, str): a change was stored: the action (create, edit, retire, reinstate,
        restore) and the template id.
    failed(str): a change was refused or failed (the reason is shown).
    """

    loaded = Signal()
    changed = Signal(str, str)
    failed = Signal(str)

    def __init__(self, window: MainWindow) -> None:
        # a window of its own, owned by the main window: it goes when the main window does
        super().__init__(window, Qt.WindowType.Window)
        self.window_ = window
        self.setObjectName("template-editor")
        self.resize(1200, 720)
        #: every template as last read; the list shows those the filter lets through
        self.entries: list[TemplateEntry] = []
        #: the template the editor shows as stored; None while writing a new one or none
        self.current: TemplateEntry | None = None
        self.creating = False
        #: what the editor showed before a new template was started (Revert goes back to it)
        self._before_new: TemplateEntry | None = None
        self.busy = False
        #: select this template once the list has been read (open_template before a read)
        self._pending_id: str | None = None
        self._showing = False

        self.model = TemplateListModel(self)
        self.view = QTableView()
        self.view.setObjectName("template-list")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(
            TemplateListModel.COLUMNS.index("title"), QHeaderView.ResizeMode.Stretch
        )
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)

        self._build_filters()
        self._build_editor()
        left = QWidget()
        side = QVBoxLayout(left)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.filters_box)
        side.addWidget(self.view, 1)
        side.addWidget(self.new_button)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.editor_box)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        self.status = QLabel()
        self.status.setObjectName("template-status")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # error messages are not markup
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        self._build_shortcuts()
        window.accountChanged.connect(lambda _account: self._account_changed())
        self.retranslate()
        self._show(None)

    # -- construction -------------------------------------------------------------------
    def _build_filters(self) -> None:
        self.filters_box = QWidget()
        rows = QVBoxLayout(self.filters_box)
        rows.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("template-search")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filters_changed)
        self.language_filter = self._combo("template-filter-language", TEMPLATE_LANGUAGES)
        self.category_filter = self._combo("template-filter-category", DEFAULT_CATEGORIES)
        self.sentiment_filter = self._combo("template-filter-sentiment", SENTIMENTS)
        self.state_filter = self._combo("template-filter-state", TEMPLATE_STATES)
        for combo in self.filter_combos():
            combo.currentIndexChanged.connect(self._filters_changed)
            row.addWidget(combo)
        rows.addWidget(self.search)
        rows.addLayout(row)

    @staticmethod
    def _combo(name: str, values: tuple[str, ...]) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.addItem("", "")
        for value in values:
            combo.addItem(value, value)
        return combo

    def filter_combos(self) -> tuple[QComboBox, ...]:
        return (
            self.language_filter,
            self.category_filter,
            self.sentiment_filter,
            self.state_filter,
        )

    def _build_editor(self) -> None:
        self.editor_box = QWidget()
        self.id_edit = QLineEdit()
        self.id_edit.setObjectName("template-id")
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("template-title")
        self.language_choice = QComboBox()
        self.language_choice.setObjectName("template-language")
        for language in TEMPLATE_LANGUAGES:
            self.language_choice.addItem(language, language)
        self.sentiment_boxes: dict[str, QCheckBox] = {}
        sentiments = QWidget()
        sentiment_row = QHBoxLayout(sentiments)
        sentiment_row.setContentsMargins(0, 0, 0, 0)
        for sentiment in SENTIMENTS:
            box = QCheckBox()
            box.setObjectName(f"template-sentiment-{sentiment}")
            box.toggled.connect(self._edited)
            self.sentiment_boxes[sentiment] = box
            sentiment_row.addWidget(box)
        sentiment_row.addStretch(1)
        self.category_boxes: dict[str, QCheckBox] = {}
        categories = QWidget()
        category_grid = QGridLayout(categories)
        category_grid.setContentsMargins(0, 0, 0, 0)
        for i, category in enumerate(DEFAULT_CATEGORIES):
            box = QCheckBox()
            box.setObjectName(f"template-category-{category}")
            box.toggled.connect(self._edited)
            self.category_boxes[category] = box
            category_grid.addWidget(box, i // 4, i % 4)
        self.body_edit = QPlainTextEdit()
        self.body_edit.setObjectName("template-body")
        self.body_edit.setTabChangesFocus(True)
        self.highlighter = TemplateHighlighter(self.body_edit.document())
        self.placeholders_help = QLabel()
        self.placeholders_help.setWordWrap(True)
        self.placeholders_help.setTextFormat(Qt.TextFormat.PlainText)
        self.problems = QLabel()
        self.problems.setObjectName("template-problems")
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        self.problems.setStyleSheet("QLabel { color: #b3261e; }")
        self.preview = QTextBrowser()
        self.preview.setObjectName("template-preview")
        self.preview_label = QLabel()
        self.info = QLabel()
        self.info.setObjectName("template-info")
        self.info.setWordWrap(True)
        self.info.setTextFormat(Qt.TextFormat.PlainText)
        for edit in (self.id_edit, self.title_edit):
            edit.textChanged.connect(self._edited)
        self.language_choice.currentIndexChanged.connect(self._edited)
        self.body_edit.textChanged.connect(self._edited)

        self.new_button = QPushButton()
        self.new_button.setObjectName("template-new")
        self.new_button.clicked.connect(self.start_new)
        self.save_button = QPushButton()
        self.save_button.setObjectName("template-save")
        self.save_button.clicked.connect(lambda: self._spawn(self.save()))
        self.revert_button = QPushButton()
        self.revert_button.setObjectName("template-revert")
        self.revert_button.clicked.connect(self.revert)
        self.retire_button = QPushButton()
        self.retire_button.setObjectName("template-retire")
        self.retire_button.clicked.connect(lambda: self._spawn(self.toggle_retired()))
        self.restore_button = QPushButton()
        self.restore_button.setObjectName("template-restore")
        self.restore_button.clicked.connect(lambda: self._spawn(self.restore_default()))

        self.form = QFormLayout()
        self.form_labels = {
            "id": QLabel(),
            "title": QLabel(),
            "language": QLabel(),
            "sentiments": QLabel(),
            "categories": QLabel(),
        }
        for key, field in (
            ("id", self.id_edit),
            ("title", self.title_edit),
            ("language", self.language_choice),
            ("sentiments", sentiments),
            ("categories", categories),
        ):
            self.form_labels[key].setBuddy(field)
            self.form.addRow(self.form_labels[key], field)
        buttons = QHBoxLayout()
        for button in (
            self.save_button,
            self.revert_button,
            self.retire_button,
            self.restore_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        editor = QVBoxLayout(self.editor_box)
        editor.setContentsMargins(0, 0, 0, 0)
        editor.addWidget(self.info)
        editor.addLayout(self.form)
        editor.addWidget(self.body_edit, 3)
        editor.addWidget(self.placeholders_help)
        editor.addWidget(self.problems)
        editor.addWidget(self.preview_label)
        editor.addWidget(self.preview, 2)
        editor.addLayout(buttons)

    def _build_shortcuts(self) -> None:
        def add(key: str | QKeySequence, slot: Callable[[], Any]) -> None:
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(slot)

        add(QKeySequence(QKeySequence.StandardKey.Save), lambda: self._spawn(self.save()))
        add("Ctrl+F", self.focus_search)
        add("Ctrl+N", self.start_new)
        add("F5", self.schedule_refresh)

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Reply templates"))
        self.search.setPlaceholderText(tr("Search id, title, text (Ctrl+F)"))
        firsts = (
            tr("All languages"),
            tr("All categories"),
            tr("All sentiments"),
            tr("Shipped, edited, added and retired"),
        )
        for combo, first in zip(self.filter_combos(), firsts, strict=True):
            combo.setItemText(0, first)
        for i in range(1, self.language_filter.count()):
            self.language_filter.setItemText(i, language_name(self.language_filter.itemData(i)))
        for combo in (self.category_filter, self.sentiment_filter):
            for i in range(1, combo.count()):
                combo.setItemText(i, label_name(str(combo.itemData(i))))
        for i in range(1, self.state_filter.count()):
            self.state_filter.setItemText(i, state_name(str(self.state_filter.itemData(i))))
        for i in range(self.language_choice.count()):
            self.language_choice.setItemText(i, language_name(self.language_choice.itemData(i)))
        for value, box in {**self.sentiment_boxes, **self.category_boxes}.items():
            box.setText(label_name(value))
        self.form_labels["id"].setText(tr("&Id:"))
        self.form_labels["title"].setText(tr("&Title:"))
        self.form_labels["language"].setText(tr("&Language:"))
        self.form_labels["sentiments"].setText(tr("Sentiments:"))
        self.form_labels["categories"].setText(tr("Categories:"))
        self.placeholders_help.setText(
            tr("Filled from the ticket: %s. Written by the agent before sending: %s.")
            % (
                " ".join(f"{{{p}}}" for p in FILLED_PLACEHOLDERS),
                " ".join(f"{{{p}}}" for p in AGENT_PLACEHOLDERS),
            )
        )
        self.preview_label.setText(tr("Preview with a sample ticket:"))
        self.new_button.setText(tr("&New template (Ctrl+N)"))
        self.save_button.setText(tr("&Save (Ctrl+S)"))
        self.revert_button.setText(tr("Re&vert"))
        self.restore_button.setText(tr("Restore &default"))
        self.model.retranslate()
        self._show_info()
        self._enable()

    # -- reading ------------------------------------------------------------------------
    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        self.window_.spawn(coro)

    def schedule_refresh(self) -> None:
        self._spawn(self.refresh())

    async def refresh(self) -> None:
        """Read every template again (database worker), keeping the one shown."""
        store = self.window_.store
        if store is None:
            return
        try:
            entries = await self.window_.workers.db(
                list_templates, store, self.window_.templates.defaults
            )
        except SentideskError as exc:
            self._say(tr("The templates cannot be read: %s") % describe(exc), error=True)
            return
        self.entries = entries
        if self._pending_id is not None and not any(e.id == self._pending_id for e in entries):
            self._say(tr("There is no template %s.") % self._pending_id, error=True)
            self._pending_id = None
        self._apply_filter()
        self.loaded.emit()

    def current_filter(self) -> TemplateFilter:
        """The list's filter as the controls set it."""
        return TemplateFilter(
            search=self.search.text(),
            language=str(self.language_filter.currentData() or ""),
            category=str(self.category_filter.currentData() or ""),
            sentiment=str(self.sentiment_filter.currentData() or ""),
            state=str(self.state_filter.currentData() or ""),
        )

    def _filters_changed(self, *_args: object) -> None:
        self._apply_filter()

    def _apply_filter(self) -> None:
        """Show the entries the filter lets through. The editor keeps its template (shown
        afresh as stored unless it holds changes: saving those then says that someone else
        changed the template meanwhile, instead of overwriting it) or shows the one asked
        for with :meth:`open_template`."""
        pending, self._pending_id = self._pending_id, None
        where = self.current_filter()
        if pending is not None and not any(
            e.id == pending and where.matches(e) for e in self.entries
        ):
            self.clear_filters()
            where = self.current_filter()
        visible = [e for e in self.entries if where.matches(e)]
        self._showing = True
        try:
            self.model.set_records(visible)
        finally:
            self._showing = False
        by_id = {e.id: e for e in self.entries}
        if pending is not None and pending in by_id:
            self._show(by_id[pending])
        elif not self.creating and self.current is not None:
            fresh = by_id.get(self.current.id)
            if fresh is None:
                self._show(None)
            elif not self.dirty():
                self._show(fresh)
        elif not self.creating and visible:
            self._show(visible[0])
        self._select_current()
        self._enable()

    def _select_current(self) -> None:
        """Select the editor's template in the list (nothing when it is filtered out)."""
        row = -1
        if self.current is not None and not self.creating:
            row = self.model.row_of(self.current.id)
        self._showing = True
        try:
            if row >= 0:
                self.view.selectRow(row)
                self.view.scrollTo(self.model.index(row, 0))
            else:
                self.view.clearSelection()
                self.view.setCurrentIndex(QModelIndex())
        finally:
            self._showing = False

    def clear_filters(self) -> None:
        self._showing = True
        try:
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
            for combo in self.filter_combos():
                combo.blockSignals(True)
                combo.setCurrentIndex(0)
                combo.blockSignals(False)
        finally:
            self._showing = False

    def open_template(self, template_id: str) -> None:
        """Show the template ``template_id`` (clearing filters that hide it) once the list
        has been read afresh. A dashboard links here."""
        if not self._may_leave_draft():
            return
        self._pending_id = template_id
        self.schedule_refresh()

    # -- the editor ---------------------------------------------------------------------
    @property
    def allowed(self) -> bool:
        """Whether the account working may change templates (the services check again)."""
        return self.window_.account.role == "supervisor" and not self.window_.account.disabled

    def draft(self) -> ReplyTemplate:
        """The template as the editor's fields say."""
        return ReplyTemplate(
            id=self.id_edit.text(),
            language=str(self.language_choice.currentData() or ""),
            title=self.title_edit.text(),
            body=self.body_edit.toPlainText(),
            sentiments=tuple(s for s, box in self.sentiment_boxes.items() if box.isChecked()),
            categories=tuple(c for c, box in self.category_boxes.items() if box.isChecked()),
        )

    def dirty(self) -> bool:
        """The editor holds something that is not stored: a new template, or changes."""
        if self.creating:
            return True
        if self.current is None:
            return False
        return not same_content(normalized(self.draft()), self.current.template)

    def _current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self._showing:
            return
        entry = self.model.record(current.row())
        if entry is None:
            return
        if not self.creating and self.current is not None and entry.id == self.current.id:
            return
        if self.busy or not self._may_leave_draft():
            # stay on the draft: put the selection back without coming here again
            self._select_current()
            return
        self._show(entry)

    def _may_leave_draft(self) -> bool:
        if not self.dirty() or not self.allowed:
            return True
        return self.confirm_discard()

    def confirm_discard(self) -> bool:
        """Ask whether unsaved changes may be thrown away (replaced in tests)."""
        answer = QMessageBox.question(
            self,
            tr("Unsaved changes"),
            tr("Discard your unsaved changes to this template?"),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Discard

    def _show(self, entry: TemplateEntry | None) -> None:
        """Put ``entry`` (None: nothing) in the editor, as stored."""
        self.current = entry
        self.creating = False
        template = entry.template if entry is not None else ReplyTemplate("", "en", "", "", (), ())
        self._fill_fields(template)
        self._show_info()
        self._edited()

    def _fill_fields(self, template: ReplyTemplate) -> None:
        self._showing = True
        try:
            self.id_edit.setText(template.id)
            self.title_edit.setText(template.title)
            index = self.language_choice.findData(template.language)
            self.language_choice.setCurrentIndex(max(index, 0))
            for sentiment, box in self.sentiment_boxes.items():
                box.setChecked(sentiment in template.sentiments)
            for category, box in self.category_boxes.items():
                box.setChecked(category in template.categories)
            self.body_edit.setPlainText(template.body)
        finally:
            self._showing = False

    def start_new(self) -> None:
        """Clear the editor for a new template (supervisors)."""
        if not self.allowed or self.busy or not self._may_leave_draft():
            return
        language = str(self.language_filter.currentData() or "") or (
            self.current.template.language if self.current is not None else "en"
        )
        self._before_new = self.current
        self.current = None
        self.creating = True
        self._select_current()
        self._fill_fields(ReplyTemplate("", language, "", "", (), ()))
        self._show_info()
        self._edited()
        self.id_edit.setFocus()

    def revert(self) -> None:
        """Throw away the editor's changes: the stored template again, or, for a new one,
        the template selected before."""
        shown = self._before_new if self.creating else self.current
        if shown is not None:
            shown = next((e for e in self.entries if e.id == shown.id), shown)
        self._show(shown)
        self._select_current()

    def _edited(self, *_args: object) -> None:
        if self._showing:
            return
        draft = self.draft()
        problems = template_problems(draft) if self.dirty() else []
        self.problems.setText("\n".join(f"• {p}" for p in problems))
        has_content = self.creating or self.current is not None
        self.preview.setHtml(
            preview_html(normalized(draft), self.window_.account.name) if has_content else ""
        )
        self._enable()

    def _show_info(self) -> None:
        entry = self.current
        if self.creating:
            self.info.setText(tr("New template: give it an id, then save (Ctrl+S)."))
            return
        if entry is None:
            self.info.setText(tr("Select a template, or start a new one."))
            return
        text = tr("%s — %s.") % (entry.id, state_name(entry.state))
        if entry.updated_by is not None:
            text += " " + tr("Last changed by %s at %s.") % (
                entry.updated_by,
                (entry.updated_at or "").replace("T", " ")[:16],
            )
        text += " " + tr("Sent %d times.") % entry.uses
        if not self.allowed:
            text += " " + tr("Only supervisors can change templates.")
        self.info.setText(text)

    def _enable(self) -> None:
        allowed = self.allowed
        editable = allowed and not self.busy and (self.creating or self.current is not None)
        for edit in (self.title_edit, self.body_edit):
            edit.setReadOnly(not editable)
        self.id_edit.setReadOnly(not (editable and self.creating))
        self.language_choice.setEnabled(editable)
        for box in (*self.sentiment_boxes.values(), *self.category_boxes.values()):
            box.setEnabled(editable)
        dirty = self.dirty()
        entry = self.current
        self.save_button.setEnabled(editable and dirty and not template_problems(self.draft()))
        self.revert_button.setEnabled(editable and dirty)
        stored = editable and not dirty and entry is not None
        self.retire_button.setText(
            tr("Reinstate") if entry is not None and entry.retired else tr("&Retire")
        )
        self.retire_button.setEnabled(stored)
        self.restore_button.setEnabled(stored and entry is not None and entry.changed_from_default)
        self.new_button.setEnabled(allowed and not self.busy)
        only = tr("Only supervisors can change templates")
        busy_tip = "" if allowed else only
        for button in (
            self.new_button,
            self.save_button,
            self.revert_button,
            self.retire_button,
            self.restore_button,
        ):
            button.setToolTip(busy_tip)
        if allowed and dirty:
            tip = tr("Save or revert your changes first")
            self.retire_button.setToolTip(tip)
            self.restore_button.setToolTip(tip)

    def _account_changed(self) -> None:
        if not self.allowed and (self.creating or self.current is not None):
            # an agent now at the keyboard sees the stored template, not a draft
            self.revert()
        self._show_info()
        self._enable()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("QLabel { color: #b3261e; }" if error else "")

    # -- changes ------------------------------------------------------------------------
    async def save(self) -> None:
        """Store the editor's template: a new one, or the shown one's changes."""
        if not self.save_button.isEnabled():
            if self.dirty() and self.allowed and not self.busy:
                problems = template_problems(self.draft())
                if problems:
                    self._say(tr("Not saved: %s") % "; ".join(problems), error=True)
            return
        store = self.window_.store
        if store is None:
            return
        draft = normalized(self.draft())
        defaults = self.window_.templates.defaults
        account = self.window_.account
        if self.creating:
            fn = functools.partial(create_template, store, account, draft, defaults)
            await self._write("create", fn, tr("Template %s added."))
            return
        assert self.current is not None
        fn = functools.partial(
            edit_template,
            store,
            account,
            draft,
            expected_revision=self.current.revision,
            defaults=defaults,
        )
        await self._write("edit", fn, tr("Template %s saved."))

    async def toggle_retired(self) -> None:
        """Retire the shown template, or reinstate it when it is retired."""
        entry = self.current
        store = self.window_.store
        if entry is None or store is None or not self.retire_button.isEnabled():
            return
        action, change, done = (
            ("reinstate", reinstate_template, tr("Template %s is offered again."))
            if entry.retired
            else ("retire", retire_template, tr("Template %s retired: it is no longer suggested."))
        )
        fn = functools.partial(
            change,
            store,
            self.window_.account,
            entry.id,
            expected_revision=entry.revision,
            defaults=self.window_.templates.defaults,
        )
        await self._write(action, fn, done)

    async def restore_default(self) -> None:
        """Drop the supervisors' version of the shown shipped template."""
        entry = self.current
        store = self.window_.store
        if entry is None or store is None or not self.restore_button.isEnabled():
            return
        fn = functools.partial(
            restore_default,
            store,
            self.window_.account,
            entry.id,
            expected_revision=entry.revision,
            defaults=self.window_.templates.defaults,
        )
        await self._write("restore", fn, tr("Template %s is the shipped version again."))

    async def _write(
        self, action: str, fn: Callable[[], TemplateEntry], done: str
    ) -> TemplateEntry | None:
        self.busy = True
        self._enable()
        self._say(tr("Saving…"))
        try:
            entry = await self.window_.submit_write(fn)
        except SentideskError as exc:
            text = tr("Not saved: %s") % describe(exc)
            self._say(text, error=True)
            self.failed.emit(text)
            # the draft stays; Revert then shows what is stored now (someone else's change)
            self.schedule_refresh()
            return None
        finally:
            self.busy = False
            self._enable()
        self.creating = False
        self._show(entry)
        self._pending_id = entry.id
        self._say(done % entry.id)
        await self.refresh()
        self.changed.emit(action, entry.id)
        return entry

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.isVisible() and not self._may_leave_draft():
            event.ignore()
            return
        self.revert()
        super().closeEvent(event)


class TemplatesEntry(QObject):
    """The way into the templates from the main window: the View menu's entry (everyone;
    agents get the window read-only) and the window itself once opened."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.editor: TemplateEditor | None = None
        self.action = QAction(window)
        self.action.setObjectName("open-templates")
        self.action.setShortcut(QKeySequence(OPEN_TEMPLATES_KEY))
        self.action.triggered.connect(lambda _checked=False: self.open())
        window.closed.connect(self.close)

    def add_action(self, menu: QMenu) -> None:
        """Add the entry to ``menu`` (the window rebuilds its menus on a language switch, so
        this also sets every text in the current language)."""
        self.action.setText(tr("Reply &templates…"))
        menu.addAction(self.action)
        if self.editor is not None:
            self.editor.retranslate()

    def open(self, template_id: str | None = None) -> TemplateEditor:
        """Show the templates window, read afresh, on ``template_id`` when given."""
        if self.editor is None:
            self.editor = TemplateEditor(self.window_)
        self.editor.show()
        self.editor.activateWindow()
        if template_id is not None:
            self.editor.open_template(template_id)
        else:
            self.editor.schedule_refresh()
        return self.editor

    def close(self) -> None:
        """Close the window, dropping a draft: the main window is going away."""
        if self.editor is not None:
            self.editor.revert()
            self.editor.close()
