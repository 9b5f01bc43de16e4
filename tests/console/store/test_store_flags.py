"""Schema v4: flags, their state and review records; triggers that mark tickets stale."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from console.store import (
    SCHEMA_VERSION,
    FlagFilter,
    FlagReason,
    MessageDraft,
    ReplyRecord,
    TicketDraft,
    TicketStore,
)
from console.store.schema import MIGRATIONS, statements
from tests.console.store.test_store import draft, prediction


def due(store: TicketStore) -> list[str]:
    return sorted(store.flags_due(0.0, 100))


def settle(store: TicketStore, *results: tuple[str, list[FlagReason]]) -> list[str]:
    """Write these reasons (and nothing for every other due ticket); clears staleness."""
    given = dict(results)
    rows = [(tid, given.get(tid, []), None) for tid in sorted(set(due(store)) | set(given))]
    return store.transaction("test flags", lambda: store.write_flags(rows))


def test_new_tickets_are_stale_until_computed(store: TicketStore) -> None:
    store.import_tickets([draft("T1"), draft("T2", customer="Bo")], "f")
    assert due(store) == ["T1", "T2"]
    settle(store)
    assert due(store) == []


def test_a_prediction_marks_the_ticket_stale(store: TicketStore) -> None:
    store.import_tickets([draft("T1"), draft("T2", customer="Bo")], "f")
    settle(store)
    (pending,) = [p for p in store.pending_scoring("m1") if p[0] == "T1"]
    store.save_predictions([("T1", pending[1], prediction(0.9))])
    assert due(store) == ["T1"]
    settle(store)
    store.save_explanation("T1", ())  # an explanation changes no rule's outcome
    assert due(store) == []


def test_an_override_and_a_reply_mark_the_ticket_stale(store: TicketStore) -> None:
    store.import_tickets([draft("T1"), draft("T2", customer="Bo")], "f")
    settle(store)
    store.correct("T1", "sentiment", "negative", "bob")
    assert due(store) == ["T1"]
    settle(store)
    store.save_reply(ReplyRecord("T2", "hello", "hi", "t", 3, 0.6, None, False), "bob")
    assert due(store) == ["T2"]
    settle(store)
    store.set_status("T2", "solved", "bob")
    assert due(store) == ["T2"]


def test_a_reimport_that_changes_the_thread_marks_it_stale(store: TicketStore) -> None:
    store.import_tickets([draft("T1"), draft("T2", customer="Bo")], "f")
    settle(store)
    store.import_tickets([draft("T1"), draft("T2", customer="Bo")], "f")  # unchanged
    assert due(store) == []
    again = TicketDraft(
        id="T1",
        subject="Order",
        customer="Ann",
        order_id="SD1",
        created_at="2026-11-28T10:00:00+00:00",
        messages=(
            MessageDraft("customer", "where is my order", "2026-11-28T10:00:00+00:00"),
            MessageDraft("customer", "hello??", "2026-11-29T10:00:00+00:00"),
        ),
    )
    store.import_tickets([again], "f")
    assert due(store) == ["T1"]


def test_a_new_ticket_of_a_customer_marks_the_others_stale(store: TicketStore) -> None:
    store.import_tickets([draft("T1"), draft("T2", customer="Bo"), draft("T3", customer="")], "f")
    settle(store)
    store.import_tickets([draft("T4")], "f")  # customer Ann again
    assert due(store) == ["T1", "T4"]
    settle(store)
    store.import_tickets([draft("T5", customer="")], "f")  # no customer: nobody else
    assert due(store) == ["T5"]


def test_reasons_keep_their_first_time_and_a_closed_flag_reopens_on_a_new_one(
    store: TicketStore,
) -> None:
    store.import_tickets([draft("T1")], "f")
    negative = FlagReason("negativity", "negativity 0.90")
    assert settle(store, ("T1", [negative])) == ["T1"]
    (flag,) = store.flagged(FlagFilter())
    assert (flag.status, flag.reasons[0].reason) == ("open", "negativity")
    first_raised = flag.reasons[0].raised_at

    store.transaction("close", lambda: store.close_flag("T1", "ann"))
    (flag,) = store.flagged(FlagFilter(status="closed"))
    assert (flag.closed_by, flag.status) == ("ann", "closed")

    # the same reason with new numbers: still closed, first raised time kept
    settle(store, ("T1", [FlagReason("negativity", "negativity 0.95")]))
    (flag,) = store.flagged(FlagFilter(status=None))
    assert flag.status == "closed"
    assert (flag.reasons[0].detail, flag.reasons[0].raised_at) == ("negativity 0.95", first_raised)
    assert store.flagged(FlagFilter()) == []

    # a reason it did not have: open again, and audited
    escalation = FlagReason("escalation", 'mentions "投诉"')
    assert settle(store, ("T1", [negative, escalation])) == ["T1"]
    (flag,) = store.flagged(FlagFilter())
    assert flag.status == "open" and flag.closed_by is None
    assert [r.reason for r in flag.reasons] == ["negativity", "escalation"]
    reopened = [a for a in store.rows("audit") if a["action"] == "flag_reopen"]
    assert len(reopened) == 1 and '"escalation"' in reopened[0]["details"]

    # no reason left: not flagged at all
    settle(store, ("T1", []))
    assert store.flagged(FlagFilter(status=None)) == []
    assert store.rows("flags") == []


def test_queue_rows_carry_the_reasons_a_ticket_is_flagged_for(store: TicketStore) -> None:
    store.import_tickets([draft("T1"), draft("T2")], "f")
    settle(
        store,
        ("T1", [FlagReason("negativity", "negativity 0.90"), FlagReason("escalation", "投诉")]),
    )
    rows = {r.id: r for r in store.queue_rows()}
    assert rows["T1"].flags == ("escalation", "negativity")
    assert rows["T2"].flags == ()
    assert store.queue_rows(["T1"])[0].flags == ("escalation", "negativity")
    settle(store, ("T1", [FlagReason("negativity", "negativity 0.95")]))
    assert store.queue_rows(["T1"])[0].flags == ("negativity",)


def test_writing_flags_needs_an_open_transaction(store: TicketStore) -> None:
    store.import_tickets([draft("T1")], "f")
    with pytest.raises(AssertionError, match=r"inside TicketStore\.transaction"):
        store.write_flags([("T1", [], None)])


def test_filters(store: TicketStore) -> None:
    store.import_tickets(
        [
            draft("T1"),
            draft("T2", customer="Bo", created_at="2026-11-20T10:00:00+00:00"),
            draft("T3", customer="Cy"),
        ],
        "f",
    )
    for tid, negativity in (("T1", 0.9), ("T2", 0.95), ("T3", 0.2)):
        (pending,) = [p for p in store.pending_scoring("m1") if p[0] == tid]
        store.save_predictions([(tid, pending[1], prediction(negativity))])
    store.correct("T1", "category", "refund", "bob")
    store.save_reply(ReplyRecord("T2", "hello", "hi", "t", 3, 0.6, None, False), "cy")
    neg = FlagReason("negativity", "n")
    settle(
        store,
        ("T1", [neg, FlagReason("override", "o")]),
        ("T2", [neg]),
        ("T3", [FlagReason("reply_sla", "s")]),
    )
    store.transaction("close", lambda: store.close_flag("T3", "ann"))

    def ids(**kw: object) -> list[str]:
        return [f.id for f in store.flagged(FlagFilter(**kw))]  # type: ignore[arg-type]

    assert ids() == ["T2", "T1"]  # open ones, most negative first
    assert ids(status=None) == ["T2", "T1", "T3"]
    assert ids(status="closed") == ["T3"]
    assert ids(reasons=("override",)) == ["T1"]
    assert ids(reasons=("override", "negativity")) == ["T2", "T1"]
    assert ids(agent="BOB") == ["T1"]
    assert ids(agent="cy") == ["T2"]
    assert ids(category="refund") == ["T1"]
    assert ids(category="logistics") == ["T2"]
    since = 1_795_860_000.0 - 3600  # an hour before 2026-11-28T10:00Z
    assert ids(since=since) == ["T1"]
    assert ids(until=since) == ["T2"]
    assert ids(coaching=True) == []
    store.transaction("coach", lambda: store.set_coaching("T1", True))
    assert ids(coaching=True) == ["T1"]
    (t1,) = store.flagged(FlagFilter(), ids=["T1"])
    assert (t1.agent, t1.agents, t1.category, t1.predicted_category) == (
        "bob",
        ("bob",),
        "refund",
        "logistics",
    )


def test_a_version_3_store_is_upgraded_with_every_ticket_stale(tmp_path: Path) -> None:
    path = tmp_path / "v3.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:3]:
        for statement in statements(script):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 3")
    conn.execute(
        "INSERT INTO tickets (id, created_at, created_ts, text_hash, imported_at, updated_at) "
        "VALUES ('T1', 'x', 0, 'h', 'x', 'x')"
    )
    conn.close()
    store = TicketStore(path)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert [t["id"] for t in store.rows("tickets")] == ["T1"]
        assert due(store) == ["T1"]
        assert store.rows("flags") == [] and store.rows("reviews") == []
    finally:
        store.close()
