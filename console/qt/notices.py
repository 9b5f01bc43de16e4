"""The notice bar above the queue: problems the agent must see without a blocking dialog.

Each notice has a key, so a repeated problem replaces its own line instead of piling up, and
a recovered one can be taken down by the code that raised it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

_COLOURS = {
    "error": ("#fdecea", "#b3261e"),
    "warning": ("#fff4e5", "#8a5300"),
    "info": ("#e8f1fb", "#1a4f8b"),
}


def tr(text: str) -> str:
    return QCoreApplication.translate("NoticeBar", text)


class NoticeBar(QWidget):
    """Signals:
    changed(): a notice was shown or removed.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(1)
        self._notices: dict[str, tuple[QFrame, QLabel]] = {}
        self.setVisible(False)

    def show_notice(
        self,
        key: str,
        text: str,
        level: str = "warning",
        action: tuple[str, Callable[[], object]] | None = None,
    ) -> None:
        """Show ``text`` under ``key`` (replacing that key's notice). ``action`` is a button
        (its text, and what it does) on the notice, which is taken down when it is pressed."""
        if key in self._notices and (action is not None or self.action_button(key) is not None):
            # a button belongs to the notice it was offered with: build the line afresh
            self.clear(key)
        if key not in self._notices:
            frame = QFrame()
            frame.setObjectName(f"notice-{key}")
            row = QHBoxLayout(frame)
            row.setContentsMargins(8, 4, 4, 4)
            label = QLabel()
            # Notices quote file names, ticket subjects and error messages: never rich text.
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            close = QToolButton()
            close.setText("×")
            close.setToolTip(tr("Dismiss"))
            close.setAutoRaise(True)
            close.clicked.connect(lambda _checked=False, k=key: self.clear(k))
            row.addWidget(label, 1)
            if action is not None:
                button = QPushButton(action[0])
                button.setObjectName(f"notice-{key}-action")
                button.clicked.connect(
                    lambda _checked=False, k=key, run=action[1]: self._act(k, run)
                )
                row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
            row.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
            self._layout.addWidget(frame)
            self._notices[key] = (frame, label)
        frame, label = self._notices[key]
        background, foreground = _COLOURS[level]
        frame.setStyleSheet(
            f"QFrame#notice-{key} {{ background: {background}; border-left: 4px solid "
            f"{foreground}; }} QLabel {{ color: {foreground}; }}"
        )
        label.setText(text)
        self.setVisible(True)
        self.changed.emit()

    def _act(self, key: str, run: Callable[[], object]) -> None:
        self.clear(key)
        run()

    def clear(self, key: str) -> None:
        entry = self._notices.pop(key, None)
        if entry is None:
            return
        entry[0].deleteLater()
        self.setVisible(bool(self._notices))
        self.changed.emit()

    def text(self, key: str) -> str | None:
        entry = self._notices.get(key)
        return None if entry is None else entry[1].text()

    def shown(self) -> list[str]:
        return list(self._notices)

    def action_button(self, key: str) -> QPushButton | None:
        """The button on ``key``'s notice, if it has one."""
        entry = self._notices.get(key)
        return None if entry is None else entry[0].findChild(QPushButton)
