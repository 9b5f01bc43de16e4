"""A read-only table with one frozen record per row and named columns: the shape of the
review list, the model history and the alerts list (the queue has its own, incremental
model); and keyboard row stepping shared with the queue."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QTableView

AnyIndex = QModelIndex | QPersistentModelIndex
R = TypeVar("R")


class RecordTableModel(QAbstractTableModel, Generic[R]):
    """Subclasses name their ``COLUMNS``, translate them in :meth:`headers`, say what
    identifies a record in :meth:`key` and answer :meth:`data`; rows are replaced whole
    with :meth:`set_records`."""

    COLUMNS: tuple[str, ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.records: list[R] = []

    def headers(self) -> dict[str, str]:
        raise NotImplementedError

    def key(self, record: R) -> Hashable:
        raise NotImplementedError

    def set_records(self, records: Sequence[R]) -> None:
        self.beginResetModel()
        self.records = list(records)
        self.endResetModel()

    def record(self, row: int) -> R | None:
        return self.records[row] if 0 <= row < len(self.records) else None

    def row_of(self, key: Hashable) -> int:
        """The row of the record whose :meth:`key` is ``key``, or -1."""
        for row, record in enumerate(self.records):
            if self.key(record) == key:
                return row
        return -1

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.COLUMNS) - 1)
        if self.records:
            last = self.index(len(self.records) - 1, len(self.COLUMNS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.COLUMNS)
        ):
            return self.headers()[self.COLUMNS[section]]
        return None

    def row_record(self, index: AnyIndex) -> R | None:
        """The record of ``index``'s row, None for an invalid index."""
        return self.record(index.row()) if index.isValid() else None


def step_selection(view: QTableView, step: int) -> None:
    """Select the row ``step`` rows below (negative: above) the current one, clamped to the
    table, or the first row when none is current: J/K in the queue and the review list."""
    model = view.model()
    rows = model.rowCount()
    if not rows:
        return
    current = view.currentIndex().row()
    target = 0 if current < 0 else max(0, min(rows - 1, current + step))
    view.selectRow(target)
    view.scrollTo(model.index(target, 0))
