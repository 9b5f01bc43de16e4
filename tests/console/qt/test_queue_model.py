from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtTest import QAbstractItemModelTester

from console.qt.queue_model import (
    BULK_REFRESH_ROWS,
    ESCALATION_MARK,
    NegativityRole,
    QueueModel,
    TicketIdRole,
    ascending_positions,
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


def test_the_open_ticket_keeps_its_place_until_the_agent_moves_on(qapp: object) -> None:
    model = QueueModel()
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    threat = row("threat", 0.7, flags=("escalation",), sentiment="negative")
    model.set_rows([threat, row("second", 0.9, sentiment="negative"), row("third", 0.5)])
    selection = QItemSelectionModel(model)
    changes: list[int] = []
    selection.currentRowChanged.connect(lambda current, _previous: changes.append(current.row()))
    selection.setCurrentIndex(model.index(0, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect)
    model.hold(model.ticket_id(selection.currentIndex().row()))
    # the agent marks the threat not negative: it stays under the cursor
    model.upsert_rows([replace(threat, sentiment="neutral")])
    assert model.visible_ids() == ["threat", "second", "third"]
    assert ESCALATION_MARK not in model.index(0, 0).data()
    # J: the next ticket is the one that was after it, and the threat goes to its place
    selection.setCurrentIndex(model.index(1, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect)
    model.hold(model.ticket_id(selection.currentIndex().row()))
    assert model.visible_ids() == ["second", "threat", "third"]
    assert model.ticket_id(selection.currentIndex().row()) == "second"
    assert changes == [0, 1]
    # nothing held: updates move rows again
    model.hold(None)
    model.upsert_rows([row("third", 0.99, sentiment="negative")])
    assert model.visible_ids()[0] == "third"


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


def test_ascending_positions_follow_the_tuples_order_also_on_equal_numbers() -> None:
    distinct = [(0.5, 2.0, "b"), (-1.0, 3.0, "a"), (0.5, 1.0, "c"), (1.0, 0.0, "d")]
    assert ascending_positions(distinct) == [1, 2, 0, 3]
    # equal numbers: only the id orders them, which numpy's sort does not look at
    tied = [(0.5, 1.0, "z"), (0.5, 1.0, "a"), (-2.0, 9.0, "m"), (0.5, 1.0, "k")]
    assert ascending_positions(tied) == [2, 1, 3, 0]
    assert ascending_positions([]) == []


# few distinct numbers, so that runs of ties of every length come up
_KEYS = st.lists(
    st.tuples(
        st.sampled_from([-1.5, 0.0, 0.25, 1.0]),
        st.sampled_from([0.0, 1e9, 1.7e9]),
        st.text("abc", max_size=3),
    ),
    max_size=40,
    unique_by=lambda k: k[2],
)


@given(_KEYS)
def test_ascending_positions_agree_with_python_sorted(keys: list[tuple[float, float, str]]) -> None:
    assert ascending_positions(keys) == sorted(range(len(keys)), key=keys.__getitem__)


def test_every_order_sorts_tickets_imported_in_the_same_second_by_id() -> None:
    """A bulk import stamps many tickets with one time, and unscored ones share a value:
    the visible order must still be the keys' total order, or bisecting misplaces rows."""
    from console.services.queue import ordered

    now = 1_700_000_000.0
    rows = [row(f"t{i:02d}", None if i % 3 else 0.5, 2, now=now) for i in range(30)]
    model = QueueModel()
    model.set_rows(rows[::-1])
    for order in QueueOrder:
        model.set_order(order)
        expected = [r.id for r in ordered(rows, order, now=model._now)]
        assert model.visible_ids() == expected
        assert all(model.row_of(tid) == i for i, tid in enumerate(expected))
        model.upsert_rows([row("t05", 0.9, 2, now=now)])
        assert model.row_of("t05") == model.visible_ids().index("t05")
        model.upsert_rows([row("t05", None, 2, now=now)])


def test_refresh_rows_takes_in_what_changed_and_keeps_the_selection(qapp: object) -> None:
    import random

    from console.services.queue import ordered

    rng = random.Random(5)
    model = QueueModel()
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    rows = [row(f"t{i}", rng.random(), sentiment="negative") for i in range(2 * BULK_REFRESH_ROWS)]
    model.set_rows(rows)
    selection = QItemSelectionModel(model)
    selection.setCurrentIndex(model.index(7, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect)
    current = model.ticket_id(7)
    for n in (3, BULK_REFRESH_ROWS + 1):  # a few rows one by one, then many in one re-sort
        rows = [replace(r, flags=("escalation",)) if i < n else r for i, r in enumerate(rows)]
        model.refresh_rows(rows[:n])
        assert model.rows_snapshot() == {r.id: r for r in rows}
        assert model.visible_ids() == [r.id for r in ordered(rows, now=model._now)]
        assert model.ticket_id(selection.currentIndex().row()) == current


def test_a_new_score_still_moves_the_open_ticket(qapp: object) -> None:
    model = QueueModel()
    model.set_rows([row("open", None), row("other", 0.5)])
    model.hold("open")
    model.upsert_rows([row("open", 0.9)])
    assert model.visible_ids() == ["open", "other"]
    model.upsert_rows([row("open", 0.1)])
    assert model.visible_ids() == ["other", "open"]
