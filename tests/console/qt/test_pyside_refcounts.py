"""Guards against a Qt binding that corrupts reference counts (PySide6 6.12.0 did).

Each leaked decrement of True/False/None brings the interpreter closer to a fatal
"deallocating True" abort; the console emits signals thousands of times an hour.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QItemSelectionModel

from console.qt.queue_model import QueueModel
from tests.helpers import queue_row

CALLS = 300


def _counts() -> tuple[int, int, int]:
    return sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None)


def test_signal_emits_and_relayouts_keep_reference_counts(qapp: object) -> None:
    model = QueueModel()
    model.set_rows([queue_row(f"t{i}", i / 100) for i in range(50)])
    selection = QItemSelectionModel(model)
    selection.setCurrentIndex(model.index(3, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect)
    before = _counts()
    for i in range(CALLS):
        model.valuesChanged.emit()
        model.upsert_rows([queue_row(f"t{i % 50}", (i % 7) / 7)])
    after = _counts()
    # ordinary churn moves these by a few; a leaking binding moves them by CALLS or more
    assert all(abs(a - b) < CALLS // 3 for a, b in zip(after, before, strict=True)), (
        before,
        after,
    )
