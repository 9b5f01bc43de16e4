from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QMainWindow, QStyleOptionViewItem, QWidget
from pytestqt.qtbot import QtBot

from console.qt.delegates import NegativityBarDelegate
from console.qt.queue_model import ESCALATION_MARK, QueueModel
from console.qt.queue_view import COLUMN_WIDTHS, QueueView
from tests.helpers import queue_row as row


class CountingModel(QueueModel):
    """Counts the cells the view asks for: each repaint of the viewport reads them all."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        self.reads += 1
        return super().data(index, role)


def _switch_windows(qtbot: QtBot, view: QueueView) -> tuple[int, int]:
    """Cells read while another window takes over, and while the queue's comes back."""
    model = view.model()
    assert isinstance(model, CountingModel)
    window = view.window()
    other = QWidget()
    qtbot.addWidget(other)
    model.reads = 0
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: not window.isActiveWindow())
    for _ in range(3):
        QApplication.processEvents()
    away = model.reads
    model.reads = 0
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    for _ in range(3):
        QApplication.processEvents()
    return away, model.reads


def _shown(qtbot: QtBot, palette: QPalette | None = None) -> tuple[QMainWindow, QueueView]:
    model = CountingModel()
    model.set_rows([row(f"t{i}", i / 100) for i in range(100)])
    window = QMainWindow()
    qtbot.addWidget(window)
    view = QueueView(model)
    if palette is not None:
        view.setPalette(palette)
    window.setCentralWidget(view)
    window.resize(900, 600)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    view.setFocus()
    view.selectRow(2)
    for _ in range(3):
        QApplication.processEvents()
    return window, view


def test_the_queue_is_set_up_as_agents_see_it(qtbot: QtBot) -> None:
    _window, view = _shown(qtbot)
    assert view.columnWidth(QueueModel.COLUMNS.index("age")) == COLUMN_WIDTHS["age"]
    assert view.verticalHeader().isHidden()
    assert view.currentIndex().row() == 2


def test_switching_windows_does_not_repaint_what_would_look_the_same(qtbot: QtBot) -> None:
    _window, view = _shown(qtbot)
    assert view.palette().isEqual(QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive)
    assert _switch_windows(qtbot, view) == (0, 0)
    # the selection and the current row are untouched
    assert view.currentIndex().row() == 2
    assert [i.row() for i in view.selectionModel().selectedRows()] == [2]


def test_switching_windows_repaints_where_inactive_colours_differ(qtbot: QtBot) -> None:
    palette = QPalette(QApplication.palette())
    palette.setColor(QPalette.ColorGroup.Inactive, QPalette.ColorRole.Highlight, QColor("#999999"))
    _window, view = _shown(qtbot, palette)
    away, back = _switch_windows(qtbot, view)
    assert away > 0 and back > 0


def test_the_keyboard_still_moves_the_current_row_after_a_window_switch(qtbot: QtBot) -> None:
    _window, view = _shown(qtbot)
    _switch_windows(qtbot, view)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.currentIndex().row() == 3
    assert [i.row() for i in view.selectionModel().selectedRows()] == [3]


def test_focus_without_a_current_row_still_gets_one(qtbot: QtBot) -> None:
    _window, view = _shown(qtbot)
    view.selectionModel().clearCurrentIndex()
    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: not view.window().isActiveWindow())
    view.window().activateWindow()
    qtbot.waitUntil(view.window().isActiveWindow)
    qtbot.waitUntil(lambda: view.currentIndex().isValid())
    assert view.currentIndex().row() == 0


class RecordingPainter(QPainter):
    """A painter that remembers the text drawn with it."""

    def __init__(self, device: QImage) -> None:
        super().__init__(device)
        self.texts: list[str] = []

    def drawText(self, *args: Any) -> None:  # type: ignore[override]  # records, then draws
        self.texts.append(str(args[-1]))
        super().drawText(*args)


def test_the_negativity_bar_shows_the_escalation_mark(qtbot: QtBot) -> None:
    model = QueueModel()
    model.set_rows(
        [
            row("threat", 0.7, flags=("escalation",), sentiment="negative"),
            row("plain", 0.4, sentiment="negative"),
        ]
    )
    delegate = NegativityBarDelegate()
    image = QImage(120, 30, QImage.Format.Format_ARGB32)
    painter = RecordingPainter(image)
    for r in range(2):
        option = QStyleOptionViewItem()
        option.rect = QRect(0, 0, 120, 30)
        delegate.paint(painter, option, model.index(r, 0))
    painter.end()
    assert painter.texts == [f"{ESCALATION_MARK} 70", "40"]
