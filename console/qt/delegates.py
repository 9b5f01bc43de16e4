"""Painting for queue cells that are more than text."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from console.qt.queue_model import NegativityRole


def negativity_color(value: float) -> QColor:
    """Green (calm) through amber to red (angry)."""
    value = max(0.0, min(1.0, value))
    hue = int(120 * (1 - value))  # 120° green → 0° red
    return QColor.fromHsv(hue, 190, 215)


class NegativityBarDelegate(QStyledItemDelegate):
    """A horizontal bar whose length and colour show negativity, with the cell's text (the
    number, and any mark the model adds to it) on top."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        value = index.data(NegativityRole)
        if value is None:
            super().paint(painter, option, index)
            return
        painter.save()
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, option.palette.highlight())
        rect: QRect = option.rect.adjusted(3, 4, -3, -4)
        bar = QRect(
            rect.left(), rect.top(), max(2, int(rect.width() * float(value))), rect.height()
        )
        painter.fillRect(bar, negativity_color(float(value)))
        painter.setPen(QColor("#111111"))
        text = index.data(Qt.ItemDataRole.DisplayRole)
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), str(text))
        painter.restore()
