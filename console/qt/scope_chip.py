"""The "Filtered: … ×" chip of the queue's toolbar: shown while the queue is narrowed to a
slice picked elsewhere (a bar of the Trends dashboard, a spike alert), and the way back to
the whole queue."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QToolButton, QWidget

from console.services.queue import QueueScope


def tr(text: str) -> str:
    return QCoreApplication.translate("ScopeChip", text)


class ScopeChip(QToolButton):
    """Shows the scope the queue is narrowed to; clicking it (or Esc in the queue, through
    the window) clears it.

    Signals:
    cleared(): the scope was cleared by the user.
    """

    cleared = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scope-chip")
        self.scope: QueueScope | None = None
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setStyleSheet(
            "QToolButton#scope-chip { background: #e3f2fd; border: 1px solid #90caf9; "
            "border-radius: 10px; padding: 1px 8px; }"
        )
        self.clicked.connect(self._clear_clicked)
        self.setVisible(False)

    def set_scope(self, scope: QueueScope | None) -> None:
        self.scope = scope
        self.retranslate()
        self.setVisible(scope is not None)

    def retranslate(self) -> None:
        if self.scope is None:
            self.setText("")
            return
        # a label may hold a customer's phrase or an agent's name: plain text only
        self.setText(tr("Filtered: %s  ×") % self.scope.label.replace("&", "&&"))
        self.setToolTip(tr("The queue shows only these tickets. Click to show them all again."))
        self.setAccessibleName(tr("Clear the filter: %s") % self.scope.label)

    def _clear_clicked(self) -> None:
        self.set_scope(None)
        self.cleared.emit()
