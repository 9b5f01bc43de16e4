"""The ticket queue's table view."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFocusEvent, QPalette
from PySide6.QtWidgets import QAbstractItemView, QAbstractScrollArea, QHeaderView, QTableView

from console.qt.delegates import NegativityBarDelegate
from console.qt.queue_model import QueueModel

#: Pixel widths of the columns that do not stretch.
COLUMN_WIDTHS = {
    "negativity": 70,
    "sentiment": 72,
    "category": 72,
    "language": 38,
    "customer": 96,
    "channel": 56,
    "age": 64,
    "status": 56,
}


class QueueView(QTableView):
    """One row per ticket, single selection, fixed row heights (no per-row size bookkeeping
    when 50,000 rows re-order), the negativity drawn as a bar.

    Switching to another window (the dashboard, a dialog) does not repaint the queue where
    that would change nothing: Qt's item views repaint their whole viewport when their
    window is activated or deactivated and when they lose or regain focus with it, so that
    selections can take the inactive colours. With a palette whose active and inactive
    colours are the same (Fusion's and most themes'), that repaint draws the same pixels,
    and on a 50,000-ticket queue it stalls the GUI thread for tens of milliseconds just as
    the other window opens. Where the colours differ, Qt's repaint is kept. What the style
    draws from the window's state alone (the focus frame of the current cell) may stay as it
    was until the next repaint, as it does for any widget Qt does not repaint then.
    """

    def __init__(self, model: QueueModel, parent: Any = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(24)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setItemDelegateForColumn(
            QueueModel.COLUMNS.index("negativity"), NegativityBarDelegate(self)
        )
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(
            QueueModel.COLUMNS.index("subject"), QHeaderView.ResizeMode.Stretch
        )
        for column, width in COLUMN_WIDTHS.items():
            self.setColumnWidth(QueueModel.COLUMNS.index(column), width)

    def _looks_the_same_inactive(self) -> bool:
        palette = self.palette()
        return palette.isEqual(QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive)

    def viewportEvent(self, event: QEvent) -> bool:
        activation = (QEvent.Type.WindowActivate, QEvent.Type.WindowDeactivate)
        if event.type() in activation and self._looks_the_same_inactive():
            # the scroll area's handling, without the item view's full repaint
            return QAbstractScrollArea.viewportEvent(self, event)
        return super().viewportEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        # without a current row Qt's handling picks one: keep it then
        if self._window_switch(event) and self.currentIndex().isValid():
            QAbstractScrollArea.focusInEvent(self, event)
        else:
            super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        if self._window_switch(event):
            QAbstractScrollArea.focusOutEvent(self, event)
        else:
            super().focusOutEvent(event)

    def _window_switch(self, event: QFocusEvent) -> bool:
        return (
            event.reason() == Qt.FocusReason.ActiveWindowFocusReason
            and self._looks_the_same_inactive()
        )
