"""The store's side of spike alerts: the scored stream, alerts kept once per incident, and
acknowledgements."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from console.store import LABELS_CHANNEL, SCHEMA_VERSION, SpikeAlert, TicketStore
from console.store.schema import MIGRATIONS, statements
from tests.console.services.test_flags import draft, score

AT = 1_795_860_000.0  # 2026-11-28T10:00:00Z


def alert(category: str = "logistics", at: float = AT, **kw: object) -> SpikeAlert:
    fields: dict[str, object] = {
        "category": category,
        "fired_at": at,
        "window_start": at - 7200,
        "window_end": at,
        "share": 0.6,
        "baseline": 0.2,
        "volume": 20,
        "negatives": 12,
        "p_value": 1e-5,
        "tickets": ("T1", "T2"),
    }
    fields.update(kw)
    return SpikeAlert(**fields)  # type: ignore[arg-type]


def test_alerts_round_trip_latest_first(store: TicketStore) -> None:
    first, second = alert(at=AT), alert("all", at=AT + 60.5)
    saved = store.transaction("t", lambda: store.save_alerts([first, second], cooldown=3600))
    assert [r.alert for r in saved] == [first, second]
    listed = store.alerts()
    assert [r.alert for r in listed] == [second, first]
    assert listed[0].acknowledged_by is None and listed[0].created_at
    assert store.alerts(ids=[saved[0].id])[0].alert == first
    assert store.alerts(ids=[]) == []
    assert store.alerts(limit=1) == listed[:1]


def test_an_alert_within_the_cooldown_of_a_stored_one_is_the_same_incident(
    store: TicketStore,
) -> None:
    store.transaction("t", lambda: store.save_alerts([alert()], cooldown=3600))
    again = [alert(at=AT + 1800), alert("quality", at=AT + 1800), alert(at=AT + 3600)]
    saved = store.transaction("t", lambda: store.save_alerts(again, cooldown=3600))
    assert [(r.alert.category, r.alert.fired_at) for r in saved] == [
        ("quality", AT + 1800),
        ("logistics", AT + 3600),
    ]


def test_writes_need_a_transaction(store: TicketStore) -> None:
    with pytest.raises(AssertionError, match=r"inside TicketStore\.transaction"):
        store.save_alerts([alert()], cooldown=1)
    with pytest.raises(AssertionError, match=r"inside TicketStore\.transaction"):
        store.acknowledge_alert(1, "sue")


def test_acknowledging_stamps_who_and_when(store: TicketStore) -> None:
    (saved,) = store.transaction("t", lambda: store.save_alerts([alert()], cooldown=1))
    store.transaction("t", lambda: store.acknowledge_alert(saved.id, "sue"))
    (now,) = store.alerts()
    assert now.acknowledged_by == "sue" and now.acknowledged_at is not None


def test_the_stream_holds_scored_conversations_in_time_order(store: TicketStore) -> None:
    store.import_tickets(
        [
            draft("late", created_at="2026-11-28T12:00:00+00:00"),
            draft("early", created_at="2026-11-28T08:00:00+00:00", customer="bo"),
            draft("unscored", created_at="2026-11-28T09:00:00+00:00", customer="cy"),
            draft("label", created_at="2026-11-28T09:30:00+00:00", channel=LABELS_CHANNEL),
        ],
        "f",
    )
    for tid in ("late", "early", "label"):
        score(store, tid, 0.9)
    stream = store.scored_stream()
    assert [t.id for t in stream] == ["early", "late"]
    assert stream[0].sentiment == "negative" and stream[0].category == "logistics"
    assert [t.id for t in store.scored_stream(since=AT)] == ["late"]


def test_a_version_4_store_gains_the_alerts_table(tmp_path: Path) -> None:
    path = tmp_path / "v4.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:4]:
        for statement in statements(script):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 4")
    conn.execute(
        "INSERT INTO tickets (id, created_at, created_ts, text_hash, imported_at, updated_at) "
        "VALUES ('T1', 'x', 0, 'h', 'x', 'x')"
    )
    conn.close()
    store = TicketStore(path)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 5
        assert [t["id"] for t in store.rows("tickets")] == ["T1"]
        assert store.alerts() == []
    finally:
        store.close()
