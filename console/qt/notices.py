"""The notice bar above the queue: problems the agent must see without a blocking dialog.

Each notice has a key, so a repeated problem replaces its own line instead of piling up, and
a recovered one can be taken down by the code that raised it.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

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

    def show_notice(self, key: str, text: str, level: str = "warning") -> None:
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
