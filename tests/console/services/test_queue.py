from __future__ import annotations

from console.services.queue import QueueFilter, QueueOrder, changed_rows, escalating, ordered
from console.store import FlagReason, QueueRow, TicketStore
from tests.console.store.test_store import draft
from tests.helpers import queue_row

NOW = 1_000_000.0


def row(
    tid: str, negativity: float | None, hours_old: float, flags: tuple[str, ...] = (), **kw: str
) -> QueueRow:
    return queue_row(tid, negativity, hours_old, now=NOW, flags=flags, **kw)


def test_negativity_order_puts_unscored_last_and_breaks_ties_by_age() -> None:
    rows = [row("a", 0.2, 1), row("b", None, 5), row("c", 0.9, 1), row("d", 0.2, 3)]
    assert [r.id for r in ordered(rows, now=NOW)] == ["c", "d", "a", "b"]


def test_blended_order_lets_long_waits_climb() -> None:
    rows = [row("fresh-angry", 0.6, 0.1), row("old-mild", 0.45, 30)]
    assert ordered(rows, QueueOrder.NEGATIVITY, now=NOW)[0].id == "fresh-angry"
    assert ordered(rows, QueueOrder.BLENDED, now=NOW)[0].id == "old-mild"


def test_escalating_customers_come_first_in_the_negativity_orders() -> None:
    rows = [
        row("furious", 0.99, 1, sentiment="negative"),
        row("threat", 0.62, 1, ("escalation", "negativity"), sentiment="negative"),
        row("old-threat", 0.55, 2, ("escalation",), sentiment="negative"),
        row("calm", 0.1, 30),
        row("unscored", None, 40),
    ]
    assert [r.id for r in ordered(rows, now=NOW)] == [
        "threat",
        "old-threat",
        "furious",
        "calm",
        "unscored",
    ]
    assert [r.id for r in ordered(rows, QueueOrder.BLENDED, now=NOW)][:2] == [
        "threat",
        "old-threat",
    ]
    # the time orders know nothing of urgency
    assert [r.id for r in ordered(rows, QueueOrder.OLDEST, now=NOW)][:2] == ["unscored", "calm"]


def test_a_threat_on_a_ticket_read_as_not_negative_does_not_jump_the_queue() -> None:
    # "I was about to call my lawyer, but you sorted it: thanks!"
    relieved = row("relieved", 0.05, 1, ("escalation",), sentiment="positive")
    corrected = row("corrected", 0.9, 1, ("escalation",), sentiment="neutral")
    angry = row("angry", 0.8, 1, sentiment="negative")
    assert not escalating(relieved) and not escalating(corrected)
    # handled, or not scored yet: no place at the top either
    assert not escalating(
        row("answered", 0.9, 1, ("escalation",), sentiment="negative", status="pending")
    )
    assert not escalating(
        row("solved", 0.9, 1, ("escalation",), sentiment="negative", status="solved")
    )
    assert not escalating(row("unscored", None, 1, ("escalation",), sentiment="negative"))
    assert [r.id for r in ordered([relieved, corrected, angry], now=NOW)] == [
        "corrected",
        "angry",
        "relieved",
    ]


def test_filters_and_search() -> None:
    rows = [
        row("a", 0.5, 1, language="zh", subject="物流问题"),
        row("b", 0.5, 1, status="solved"),
        row("c", 0.1, 1, customer="Ann Lee"),
    ]
    assert [r.id for r in ordered(rows, flt=QueueFilter(language="zh"), now=NOW)] == ["a"]
    assert [r.id for r in ordered(rows, flt=QueueFilter(status="open"), now=NOW)] == ["a", "c"]
    assert [r.id for r in ordered(rows, flt=QueueFilter(search="ann"), now=NOW)] == ["c"]
    assert [r.id for r in ordered(rows, flt=QueueFilter(search="物流"), now=NOW)] == ["a"]


def test_changed_rows_are_those_a_view_does_not_hold_yet(store: TicketStore) -> None:
    store.import_tickets([draft("T1"), draft("T2")], "f")
    known = {r.id: r for r in store.queue_rows()}
    assert changed_rows(store, known) == []
    flagged = [("T1", [FlagReason("escalation", "投诉")], None), ("T2", [], None)]
    store.transaction("flags", lambda: store.write_flags(flagged))
    (row,) = changed_rows(store, known)
    assert (row.id, row.flags) == ("T1", ("escalation",))
    assert [r.id for r in changed_rows(store, {})] == [r.id for r in store.queue_rows()]
