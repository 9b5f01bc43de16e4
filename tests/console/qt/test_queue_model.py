from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtTest import QAbstractItemModelTester

from console.qt.queue_model import (
    ESCALATION_MARK,
    NegativityRole,
    QueueModel,
    TicketIdRole,
    format_age,
)
from console.services.queue import QueueFilter, QueueOrder
from tests.helpers import queue_row as row


def test_model_passes_the_qt_model_tester() -> None:
    model = QueueModel()
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    model.set_rows([row("a", 0.1), row("b", 0.9), row("c", None)])
    model.upsert_rows([row("c", 0.5), row("d", 0.95)])
    model.set_filter(QueueFilter(search="s"))
    model.set_order(QueueOrder.OLDEST)
    model.set_filter(QueueFilter(status="solved"))
    assert model.rowCount() == 0


def test_rows_sorted_by_negativity_with_roles() -> None:
    model = QueueModel()
    model.set_rows([row("a", 0.1), row("b", 0.9), row("c", None)])
    assert model.visible_ids() == ["b", "a", "c"]
    assert model.index(0, 0).data(TicketIdRole) == "b"
    assert model.index(0, 0).data(NegativityRole) == 0.9
    assert model.index(0, 0).data() == "90"
    assert model.index(2, 0).data() == "…"


def test_escalating_tickets_are_marked_first_and_explained() -> None:
    model = QueueModel()
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    model.set_rows(
        [
            row("furious", 0.99, sentiment="negative"),
            row("threat", 0.7, flags=("escalation",), sentiment="negative"),
            row("thanks", 0.02, flags=("escalation",), sentiment="positive"),
        ]
    )
    assert model.visible_ids() == ["threat", "furious", "thanks"]
    assert model.index(0, 0).data() == f"{ESCALATION_MARK} 70"
    assert "escalate" in model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    # the number itself stays the model's, for sorting views and delegates
    assert model.index(0, 0).data(NegativityRole) == 0.7
    for plain in (1, 2):
        assert ESCALATION_MARK not in model.index(plain, 0).data()
        assert model.index(plain, 0).data(Qt.ItemDataRole.ToolTipRole) is None
    # an agent's "not negative" takes the mark and the place away
    model.upsert_rows([row("threat", 0.7, flags=("escalation",), sentiment="neutral")])
    assert model.visible_ids() == ["furious", "threat", "thanks"]
    assert model.index(1, 0).data() == "70"


def test_new_scores_slot_in_without_moving_the_selection(qapp: object) -> None:
    model = QueueModel()
    model.set_rows([row("a", 0.5), row("b", 0.4), row("c", None)])
    selection = QItemSelectionModel(model)
    selection.setCurrentIndex(model.index(1, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect)
    assert model.ticket_id(selection.currentIndex().row()) == "b"
    model.upsert_rows([row("c", 0.99), row("z", 0.45)])
    assert model.visible_ids() == ["c", "a", "z", "b"]
    assert model.ticket_id(selection.currentIndex().row()) == "b"
    counts: list[dict[str, int]] = []
    model.countsChanged.connect(counts.append)
    model.upsert_rows([row("a", 0.5, status="solved")])
    assert counts[-1] == {"open": 3, "solved": 1}


def test_age_format() -> None:
    assert format_age(59) == "0m"
    assert format_age(3 * 3600 + 120) == "3h 02m"
    assert format_age(50 * 3600) == "2d 2h"


def test_incremental_updates_match_a_full_sort() -> None:
    import random

    from console.services.queue import ordered

    rng = random.Random(3)
    model = QueueModel()
    model.set_filter(QueueFilter(language="en"))
    rows = {f"t{i}": row(f"t{i}", rng.random(), rng.random() * 30) for i in range(200)}
    model.set_rows(rows.values())
    for _ in range(20):
        batch = []
        for _ in range(15):
            tid = f"t{rng.randrange(260)}"
            language = rng.choice(["en", "zh"])
            negativity = None if rng.random() < 0.1 else rng.random()
            sentiment = rng.choice(["negative", "neutral"])
            flags = ("escalation",) if rng.random() < 0.2 else ()
            batch.append(
                row(
                    tid,
                    negativity,
                    rng.random() * 30,
                    flags=flags,
                    language=language,
                    sentiment=sentiment,
                )
            )
        for r in batch:
            rows[r.id] = r
        model.upsert_rows(batch)
        expected = ordered(list(rows.values()), flt=QueueFilter(language="en"), now=model._now)
        assert model.visible_ids() == [r.id for r in expected]
        assert all(model.row_of(r.id) == i for i, r in enumerate(expected))
    assert model.status_counts() == {"open": len(rows)}
