from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from console.store import (
    SCHEMA_VERSION,
    MessageDraft,
    ReplyRecord,
    StoreError,
    StoreVersionError,
    TicketDraft,
    TicketStore,
    scored_parts,
)
from inference import Prediction


def draft(tid: str = "T1", text: str = "where is my order", **kw: Any) -> TicketDraft:
    fields: dict[str, Any] = {
        "subject": "Order",
        "customer": "Ann",
        "order_id": "SD1",
        "created_at": "2026-11-28T10:00:00+00:00",
    }
    fields.update(kw)
    return TicketDraft(
        id=tid, messages=(MessageDraft("customer", text, "2026-11-28T10:00:00+00:00"),), **fields
    )


def prediction(negativity: float, version: str = "m1") -> Prediction:
    return Prediction(
        "negative" if negativity > 0.5 else "neutral",
        {"negative": negativity, "neutral": 1 - negativity, "positive": 0.0},
        negativity,
        "logistics",
        {"logistics": 1.0},
        "en",
        version,
    )


def test_schema_version_and_wal(store: TicketStore) -> None:
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.db.journal_mode == "wal"


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreVersionError, match="newer Sentidesk"):
        TicketStore(path)


def test_corrupt_database_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open the ticket store"):
        TicketStore(path)


def test_reimport_is_idempotent_and_text_change_resets_prediction(store: TicketStore) -> None:
    assert store.import_tickets([draft()], "a").added == 1
    store.save_predictions([("T1", "Order\nwhere is my order", prediction(0.2))])
    again = store.import_tickets([draft()], "a")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 1)
    assert store.queue_rows()[0].negativity == pytest.approx(0.2)
    changed = store.import_tickets([draft(text="where is my order?? still nothing!")], "a")
    assert changed.updated == 1
    row = store.queue_rows()[0]
    assert row.negativity is None
    assert len(store.rows("messages")) == 2  # the changed text is added, the old one kept


def test_a_file_with_fewer_columns_blanks_nothing_it_left_out(
    store: TicketStore, tmp_path: Path
) -> None:
    """A second export with only id and text (new text for the ticket) used to wipe the
    customer, the order number, the subject and the metadata stored from the first."""
    from console.store import parse_file

    full = tmp_path / "full.csv"
    full.write_text(
        "id,subject,text,customer,order_id,channel,created_at,status,product\n"
        "K1,Late,where is it,Alice,ORD-1,chat,2026-11-28T10:00:00Z,pending,kettle\n",
        encoding="utf-8",
    )
    store.import_tickets(parse_file(full)[0], "full.csv")
    minimal = tmp_path / "minimal.jsonl"
    minimal.write_text('{"id": "K1", "text": "where is it? a week now"}\n', "utf-8")
    report = store.import_tickets(parse_file(minimal)[0], "minimal.jsonl")
    assert report.updated == 1
    detail = store.ticket("K1")
    assert (detail.subject, detail.customer, detail.order_id, detail.channel) == (
        "Late",
        "Alice",
        "ORD-1",
        "chat",
    )
    assert (detail.status, detail.metadata) == ("pending", {"product": "kettle"})
    assert detail.created_at == "2026-11-28T10:00:00+00:00"
    # a file without times cannot say the new text replaces the old: both are kept
    assert [m.body for m in detail.messages] == ["where is it", "where is it? a week now"]
    # an empty cell says no more than a missing column; a value given does replace; each
    # metadata key is a column of its own
    blank = tmp_path / "blank.csv"
    blank.write_text(
        "id,text,customer,order_id,region\nK1,where is it? a week now,,ORD-2,EU\n", "utf-8"
    )
    store.import_tickets(parse_file(blank)[0], "blank.csv")
    detail = store.ticket("K1")
    assert (detail.customer, detail.order_id) == ("Alice", "ORD-2")
    assert detail.metadata == {"product": "kettle", "region": "EU"}
    # re-importing the minimal file again changes nothing
    again = store.import_tickets(parse_file(minimal)[0], "minimal.jsonl")
    assert (again.updated, again.unchanged) == (0, 1)


def test_failed_import_leaves_nothing(store: TicketStore) -> None:
    store.import_tickets([draft("T0")], "first")
    bad = TicketDraft(id="T2", subject="x", messages=(), created_at="not a date")
    with pytest.raises(ValueError, match="Invalid isoformat"):
        store.import_tickets([draft("T1"), bad], "second")
    assert [r.id for r in store.queue_rows()] == ["T0"]


def test_queue_orders_by_negativity_with_unscored_last(store: TicketStore) -> None:
    store.import_tickets([draft("A"), draft("B"), draft("C")], "f")
    text = "Order\nwhere is my order"
    store.save_predictions([("A", text, prediction(0.1)), ("B", text, prediction(0.9))])
    assert [r.id for r in store.queue_rows()] == ["B", "A", "C"]
    assert [r[0] for r in store.pending_scoring("m1")] == ["C"]
    assert {r[0] for r in store.pending_scoring("m2")} == {"A", "B", "C"}


def test_correction_records_what_it_replaces(store: TicketStore) -> None:
    store.import_tickets([draft()], "f")
    store.save_predictions([("T1", "Order\nwhere is my order", prediction(0.8))])
    store.correct("T1", "sentiment", "neutral", "agent-x")
    (correction,) = store.rows("corrections")
    assert correction["old_value"] == "negative"
    assert correction["new_value"] == "neutral"
    assert correction["model_version"] == "m1"
    assert correction["agent"] == "agent-x"
    assert "where is my order" in correction["text"]
    row = store.queue_rows()[0]
    assert row.sentiment == "neutral"
    assert row.predicted_sentiment == "negative"
    assert row.overridden
    assert store.ticket("T1").sentiment == "neutral"


def test_reply_is_stored_and_appended_to_the_thread(store: TicketStore) -> None:
    store.import_tickets([draft()], "f")
    record = ReplyRecord(
        "T1", "Hi Ann, it ships today.", "Hi {customer_name}", "en-x", 12, 0.5, 30.0, False
    )
    store.save_reply(record, "agent-x")
    (reply,) = store.rows("replies")
    assert reply["template_id"] == "en-x"
    assert reply["edit_distance"] == 12
    detail = store.ticket("T1")
    assert detail.messages[-1].author == "agent"
    assert detail.status == "pending"
    actions = [r["action"] for r in store.rows("audit")]
    assert actions == ["import", "reply"]


def test_history_lists_the_customers_other_tickets(store: TicketStore) -> None:
    store.import_tickets([draft("A"), draft("B"), draft("C", customer="Bob")], "f")
    assert [h.id for h in store.ticket("A").history] == ["B"]


def test_scored_parts_track_offsets() -> None:
    text, parts = scored_parts("Late order", ["  where is it ", "hello"])
    assert text == "Late order\nwhere is it\nhello"
    assert [(i, text[a:b]) for i, a, b in parts] == [
        (-1, "Late order"),
        (0, "where is it"),
        (1, "hello"),
    ]
    text, parts = scored_parts("hello", ["hello there"])
    assert text == "hello there"
    assert parts == [(0, 0, 11)]
