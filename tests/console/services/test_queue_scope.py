"""A queue scope (a dashboard bar, an alert) narrows the queue like the dashboard counted."""

from __future__ import annotations

import dataclasses

from console.services.queue import QueueFilter, QueueScope, ordered
from console.store import LABELS_CHANNEL, QueueRow

ROW = QueueRow(
    id="T1",
    negativity=0.9,
    sentiment="negative",
    predicted_sentiment="negative",
    category="logistics",
    language="en",
    customer="ann",
    subject="",
    preview="where is my parcel",
    channel="email",
    created_at=1000.0,
    status="open",
    overridden=False,
)


def row(**changes: object) -> QueueRow:
    return dataclasses.replace(ROW, **changes)  # type: ignore[arg-type]


def test_a_time_range_is_half_open() -> None:
    scope = QueueScope("day", since=1000.0, until=2000.0)
    assert scope.matches(row(created_at=1000.0))
    assert not scope.matches(row(created_at=2000.0))
    assert not scope.matches(row(created_at=999.0))


def test_breakdown_values_none_is_any_and_empty_is_unscored() -> None:
    assert QueueScope("any").matches(row(category=None))
    assert QueueScope("logistics", category="logistics").matches(row())
    assert not QueueScope("refund", category="refund").matches(row())
    unscored = QueueScope("unscored", category="", language="")
    assert unscored.matches(row(category=None, language=None))
    assert not unscored.matches(row())
    assert QueueScope("chat", channel="chat").matches(row(channel="chat"))


def test_negative_only_and_ids_and_labels_left_out() -> None:
    negative = QueueScope("negative", negative=True)
    assert negative.matches(row()) and not negative.matches(row(sentiment="neutral"))
    ids = QueueScope("alert", ids=frozenset({"T1"}))
    assert ids.matches(row()) and not ids.matches(row(id="T2"))
    assert not QueueScope("all").matches(row(channel=LABELS_CHANNEL))


def test_the_filter_applies_its_scope_with_its_own_fields() -> None:
    rows = [row(id="T1"), row(id="T2", status="solved"), row(id="T3", created_at=5000.0)]
    scope = QueueScope("day", since=0.0, until=2000.0)
    assert [r.id for r in ordered(rows, flt=QueueFilter(scope=scope))] == ["T1", "T2"]
    narrowed = QueueFilter(status="open", scope=scope)
    assert [r.id for r in ordered(rows, flt=narrowed)] == ["T1"]
