"""The reply editor: plain text with unfilled ``{placeholders}`` highlighted."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from console.services import unfilled_placeholders
from console.services.templates import PLACEHOLDER


class PlaceholderHighlighter(QSyntaxHighlighter):
    """Marks placeholders so they cannot be overlooked (they also block sending)."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._format = QTextCharFormat()
        self._format.setBackground(QColor("#ffcdd2"))
        self._format.setForeground(QColor("#b71c1c"))
        self._format.setFontWeight(QFont.Weight.Bold)

    def highlightBlock(self, text: str) -> None:
        for match in PLACEHOLDER.finditer(text):
            self.setFormat(match.start(), match.end() - match.start(), self._format)


class ReplyEditor(QPlainTextEdit):
    """Signals:
    unfilledChanged(list): the placeholder names still in the text, after every edit.
    """

    unfilledChanged = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._highlighter = PlaceholderHighlighter(self.document())
        self.textChanged.connect(self._emit_unfilled)
        self.setTabChangesFocus(True)

    def unfilled(self) -> tuple[str, ...]:
        return unfilled_placeholders(self.toPlainText())

    def _emit_unfilled(self) -> None:
        self.unfilledChanged.emit(list(self.unfilled()))

    def select_next_placeholder(self) -> bool:
        """Select the first placeholder after the cursor (wrapping), so typing replaces it."""
        text = self.toPlainText()
        cursor = self.textCursor()
        matches = list(PLACEHOLDER.finditer(text))
        if not matches:
            return False
        after = [m for m in matches if m.start() >= cursor.selectionEnd()] or matches
        match = after[0]
        cursor.setPosition(match.start())
        cursor.setPosition(match.end(), cursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        return True
