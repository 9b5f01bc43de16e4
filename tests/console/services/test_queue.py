from __future__ import annotations

from console.services.queue import QueueFilter, QueueOrder, ordered
from console.store import QueueRow
from tests.helpers import queue_row

NOW = 1_000_000.0


def row(tid: str, negativity: float | None, hours_old: float, **kw: str) -> QueueRow:
    return queue_row(tid, negativity, hours_old, now=NOW, **kw)


def test_negativity_order_puts_unscored_last_and_breaks_ties_by_age() -> None:
    rows = [row("a", 0.2, 1), row("b", None, 5), row("c", 0.9, 1), row("d", 0.2, 3)]
    assert [r.id for r in ordered(rows, now=NOW)] == ["c", "d", "a", "b"]


def test_blended_order_lets_long_waits_climb() -> None:
    rows = [row("fresh-angry", 0.6, 0.1), row("old-mild", 0.45, 30)]
    assert ordered(rows, QueueOrder.NEGATIVITY, now=NOW)[0].id == "fresh-angry"
    assert ordered(rows, QueueOrder.BLENDED, now=NOW)[0].id == "old-mild"


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
