"""Re-imports keep agents' work; writes are durable, retried while locked, or clearly failed."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from console.store import (
    SCHEMA_VERSION,
    MessageDraft,
    ReplyRecord,
    StoreError,
    TicketDraft,
    TicketStore,
)
from console.store import store as store_module
from console.store.schema import MIGRATIONS, statements
from tests.console.store.test_store import draft, prediction

TEXT = "Order\nwhere is my order"


def reply(tid: str = "T1", body: str = "Hi Ann, it ships today.") -> ReplyRecord:
    return ReplyRecord(tid, body, "Hi {customer_name}", "en-x", 12, 0.5, 30.0, False)


def thread(tid: str, *messages: tuple[str, str, str], **kw: Any) -> TicketDraft:
    base = draft(tid)
    return TicketDraft(
        **{**base.__dict__, "messages": tuple(MessageDraft(*m) for m in messages), **kw}
    )


def test_reimport_after_a_reply_keeps_the_reply_status_and_overrides(store: TicketStore) -> None:
    store.import_tickets([draft()], "tickets.csv")
    store.save_predictions([("T1", TEXT, prediction(0.8))])
    store.correct("T1", "sentiment", "neutral", "agent-x")
    store.correct("T1", "category", "refund", "agent-x")
    store.save_reply(reply(), "agent-x")

    again = store.import_tickets([draft()], "tickets.csv")

    assert (again.added, again.updated, again.unchanged) == (0, 0, 1)
    detail = store.ticket("T1")
    assert [m.author for m in detail.messages] == ["customer", "agent"]
    assert detail.messages[-1].body == "Hi Ann, it ships today."
    assert detail.status == "pending"
    assert (detail.sentiment, detail.category) == ("neutral", "refund")


def test_reimport_with_changed_source_fields_updates_only_those(store: TicketStore) -> None:
    store.import_tickets([draft()], "a.csv")
    store.save_reply(reply(), "agent-x")
    store.set_status("T1", "solved", "agent-x")

    report = store.import_tickets([draft(customer="Ann Lee", status="open")], "a.csv")

    assert (report.updated, report.kept, report.reopened) == (1, 1, 0)
    detail = store.ticket("T1")
    assert detail.customer == "Ann Lee"
    assert detail.status == "solved"  # the agent's decision, not the file's
    assert [m.author for m in detail.messages] == ["customer", "agent"]


def test_source_status_applies_while_no_agent_set_one(store: TicketStore) -> None:
    store.import_tickets([draft()], "a.csv")
    report = store.import_tickets([draft(status="solved")], "a.csv")
    assert (report.updated, report.kept) == (1, 0)
    assert store.ticket("T1").status == "solved"


def test_a_new_customer_message_after_the_reply_reopens_and_interleaves(
    store: TicketStore,
) -> None:
    first = ("customer", "where is my order", "2026-11-28T10:00:00+00:00")
    store.import_tickets([thread("T1", first)], "a.jsonl")
    store.save_reply(reply(), "agent-x")  # sent "now", after the first message
    later = ("customer", "still nothing, I want a refund", "2099-01-01T09:00:00+00:00")

    report = store.import_tickets([thread("T1", first, later)], "a.jsonl")

    assert (report.updated, report.kept, report.reopened) == (1, 1, 1)
    detail = store.ticket("T1")
    assert [m.body for m in detail.messages] == [first[1], reply().body, later[1]]
    assert detail.status == "open"
    assert store.queue_rows()[0].negativity is None  # the new text gets scored


def test_an_edited_source_message_is_added_beside_the_old_one(store: TicketStore) -> None:
    """A message whose text changed in the file could be a correction or a new message of
    the same (coarse) time; keeping both loses nothing."""
    first = ("customer", "where is my order", "2026-11-28T10:00:00+00:00")
    store.import_tickets([thread("T1", first)], "a.jsonl")
    store.save_reply(reply(), "agent-x")
    edited = ("customer", "where is my parcel", "2026-11-28T10:00:00+00:00")

    store.import_tickets([thread("T1", edited)], "a.jsonl")

    bodies = [m.body for m in store.ticket("T1").messages]
    assert bodies == ["where is my order", "where is my parcel", reply().body]
    seqs = [r["seq"] for r in store.rows("messages")]
    assert sorted(seqs) == [0, 1, 2]


def test_a_source_echo_of_our_reply_is_not_duplicated(store: TicketStore) -> None:
    first = ("customer", "where is my order", "2026-11-28T10:00:00+00:00")
    store.import_tickets([thread("T1", first)], "a.jsonl")
    store.save_reply(reply(), "agent-x")
    echo = ("agent", "Hi Ann,  it ships today.", "2026-11-28T11:00:00+00:00")

    report = store.import_tickets([thread("T1", first, echo)], "a.jsonl")

    assert report.unchanged == 1
    assert [m.author for m in store.ticket("T1").messages] == ["customer", "agent"]


def test_reply_keeps_the_model_version_and_prediction_it_answered(store: TicketStore) -> None:
    store.import_tickets([draft()], "f")
    store.save_predictions([("T1", TEXT, prediction(0.8, version="m7"))])
    store.correct("T1", "sentiment", "neutral", "agent-x")
    store.save_reply(reply(), "agent-x")
    (row,) = store.rows("replies")
    assert row["model_version"] == "m7"
    assert row["prediction_id"] is not None
    assert '"label": "negative"' in row["prediction"]
    assert (row["sentiment"], row["category"]) == ("neutral", "logistics")
    message = store.conn.execute(
        "SELECT author, origin FROM messages WHERE id = ?", (row["message_id"],)
    ).fetchone()
    assert message == ("agent", "console")


def test_a_prediction_of_text_that_changed_meanwhile_is_not_stored(store: TicketStore) -> None:
    store.import_tickets([draft()], "f")
    (pending,) = store.pending_scoring("m1")
    store.import_tickets([draft(text="where is my order?? I want my money back")], "f")
    assert store.save_predictions([(pending[0], pending[1], prediction(0.1))]) == 0
    assert store.queue_rows()[0].negativity is None
    assert store.pending_scoring("m1")[0][1].endswith("I want my money back")


def test_pending_scoring_leaves_out_skipped_ids(store: TicketStore) -> None:
    store.import_tickets([draft("A"), draft("B")], "f")
    assert [p[0] for p in store.pending_scoring("m1", skip={"A"})] == ["B"]


def test_synchronous_full_and_busy_timeout(store: TicketStore) -> None:
    assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] > 0


def _hold_write_lock(path: Path, seconds: float, started: threading.Event) -> None:
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO audit (at, actor, action) VALUES ('x', 'other', 'lock')")
    started.set()
    time.sleep(seconds)
    other.execute("COMMIT")
    other.close()


def test_a_write_waits_for_another_process_lock_and_retries(
    store: TicketStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.import_tickets([draft()], "f")
    # one short busy wait per attempt, so the retry (not the busy handler) bridges the lock
    store.conn.execute("PRAGMA busy_timeout = 100")
    monkeypatch.setattr(store_module, "_RETRY_PAUSE_SECONDS", 0.3)
    started = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(store.path, 0.5, started))
    holder.start()
    started.wait()
    store.correct("T1", "sentiment", "negative", "agent-x")
    holder.join()
    assert store.ticket("T1").sentiment == "negative"


def test_a_write_locked_for_too_long_fails_clearly_and_stores_nothing(
    store: TicketStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.import_tickets([draft()], "f")
    store.conn.execute("PRAGMA busy_timeout = 50")
    monkeypatch.setattr(store_module, "_RETRY_PAUSE_SECONDS", 0.01)
    started = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(store.path, 1.5, started))
    holder.start()
    started.wait()
    try:
        with pytest.raises(
            StoreError, match=r"could not save the sentiment of ticket T1: .*locked"
        ):
            store.correct("T1", "sentiment", "negative", "agent-x")
    finally:
        holder.join()
    assert store.ticket("T1").sentiment_override is None
    assert store.rows("corrections") == []
    assert not store.conn.in_transaction
    store.correct("T1", "sentiment", "negative", "agent-x")  # the store is usable again


def test_a_version_1_store_is_upgraded_keeping_replies_as_console_messages(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in statements(MIGRATIONS[0]):
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO tickets (id, created_at, created_ts, text_hash, imported_at, updated_at) "
        "VALUES ('T1', 'x', 0, 'h', 'x', 'x')"
    )
    conn.execute(
        "INSERT INTO messages (ticket_id, seq, author, body, created_at) VALUES "
        "('T1', 0, 'customer', 'hi', 'x'), ('T1', 1, 'agent', 'hello back', 'x')"
    )
    conn.execute(
        "INSERT INTO replies (ticket_id, body, edit_distance, edit_ratio, from_scratch, agent, "
        "sent_at) VALUES ('T1', 'hello back', 0, 0, 1, 'a', 'x')"
    )
    conn.execute(
        "INSERT INTO audit (at, actor, action, ticket_id) VALUES ('x', 'a', 'reply', 'T1')"
    )
    conn.close()

    store = TicketStore(path)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        origins = [m["origin"] for m in store.rows("messages")]
        assert origins == ["import", "console"]
        assert store.rows("tickets")[0]["status_by_agent"] == 1
    finally:
        store.close()


def test_two_processes_opening_a_new_store_at_once_migrate_it_once(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    errors: list[BaseException] = []

    def open_close() -> None:
        try:
            TicketStore(path).close()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_close) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    store = TicketStore(path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    store.close()


def test_statements_keep_trigger_bodies_whole() -> None:
    script = """
    CREATE TABLE a (x);
    CREATE TRIGGER t BEFORE DELETE ON a BEGIN SELECT RAISE(ABORT, 'no'); END;
    """
    assert len(list(statements(script))) == 2


def test_reimport_of_a_file_without_times_changes_nothing_and_keeps_the_reply(
    store: TicketStore, tmp_path: Path
) -> None:
    from console.services.desk import import_path

    tickets = tmp_path / "t.csv"
    tickets.write_text("id,subject,text\nT1,Late,My order is late\n", "utf-8")
    import_path(store, tickets)
    first = store.ticket("T1").created_at
    store.save_reply(reply(), "agent-x")
    time.sleep(1.1)  # the import time, which stands in for the missing one, moves on

    again = import_path(store, tickets)

    assert (again.updated, again.unchanged, again.reopened) == (0, 1, 0)
    detail = store.ticket("T1")
    assert detail.created_at == first
    assert detail.status == "pending"
    assert [m.author for m in detail.messages] == ["customer", "agent"]

    time.sleep(1.1)
    tickets.write_text("id,subject,text\nT1,Late,My order is late\nT1,Late,Hello??\n", "utf-8")
    grown = import_path(store, tickets)
    assert (grown.updated, grown.reopened) == (1, 1)
    assert [m.body for m in store.ticket("T1").messages][-1] == "Hello??"


def test_a_follow_up_file_with_only_the_newest_message_keeps_the_thread(
    store: TicketStore,
) -> None:
    """A second export holding only the newest message used to replace the whole imported
    thread, deleting what the customer wrote first."""
    first = ("customer", "where is my order", "2026-11-28T10:00:00+00:00")
    ours = ("agent", "It left the warehouse today.", "2026-11-28T11:00:00+00:00")
    store.import_tickets([thread("T1", first, ours)], "a.jsonl")
    store.save_predictions([("T1", TEXT, prediction(0.4))])
    later = ("customer", "still nothing, I want a refund", "2026-11-29T09:00:00+00:00")

    report = store.import_tickets([thread("T1", later)], "b.jsonl")

    assert report.updated == 1
    detail = store.ticket("T1")
    assert [m.body for m in detail.messages] == [first[1], ours[1], later[1]]
    row = store.queue_rows()[0]
    assert row.negativity is None  # the thread's text grew: scored again
    assert row.preview == later[1]
    (pending,) = store.pending_scoring("m1")
    assert pending[1] == "Order\nwhere is my order\nstill nothing, I want a refund"
    # the newer file again, and then the first one again, change nothing
    assert store.import_tickets([thread("T1", later)], "b.jsonl").unchanged == 1
    assert store.import_tickets([thread("T1", first, ours)], "a.jsonl").unchanged == 1
    assert len(store.ticket("T1").messages) == 3


def test_messages_sharing_a_time_are_never_taken_for_one_another(store: TicketStore) -> None:
    """Times are often coarse (a day, or the ticket's own time given to each message): a
    follow-up message of the same time used to overwrite a stored one."""
    day = "2026-11-28T00:00:00+00:00"
    first, second = ("customer", "The zip is broken.", day), ("customer", "Any news?", day)
    store.import_tickets([thread("T1", first, second)], "a.csv")
    later = ("customer", "Please call me back today.", day)
    assert store.import_tickets([thread("T1", later)], "b.csv").updated == 1
    bodies = [m.body for m in store.ticket("T1").messages]
    assert bodies == [first[1], second[1], later[1]]
    # both files again: nothing new, nothing lost
    assert store.import_tickets([thread("T1", first, second)], "a.csv").unchanged == 1
    assert store.import_tickets([thread("T1", later)], "b.csv").unchanged == 1
    # the same words again at a later time are a new message, not the first one moved
    again = ("customer", "Any news?", "2026-11-29T09:00:00+00:00")
    store.import_tickets([thread("T1", again)], "c.csv")
    assert [m.body for m in store.ticket("T1").messages][-1] == "Any news?"
    assert len(store.ticket("T1").messages) == 4


def test_a_follow_up_file_does_not_move_when_the_ticket_was_opened(store: TicketStore) -> None:
    first = ("customer", "where is my order", "2026-11-01T10:00:00+00:00")
    store.import_tickets([thread("T1", first, created_at=first[2])], "a.csv")
    later = ("customer", "still nothing", "2026-11-03T10:00:00+00:00")
    store.import_tickets([thread("T1", later, created_at=later[2])], "b.csv")
    assert store.ticket("T1").created_at == first[2]
    # an earlier time in a file does move it back
    earlier = ("customer", "ordered today", "2026-10-30T10:00:00+00:00")
    store.import_tickets([thread("T1", earlier, created_at=earlier[2])], "c.csv")
    detail = store.ticket("T1")
    assert detail.created_at == earlier[2]
    assert [m.body for m in detail.messages] == [earlier[1], first[1], later[1]]


def test_messages_arriving_out_of_order_are_placed_by_time(store: TicketStore) -> None:
    late = ("customer", "any news?", "2026-11-29T10:00:00+00:00")
    store.import_tickets([thread("T1", late)], "a.jsonl")
    early = ("customer", "my parcel is lost", "2026-11-28T10:00:00+00:00")
    store.import_tickets([thread("T1", early)], "b.jsonl")
    assert [m.body for m in store.ticket("T1").messages] == [early[1], late[1]]
    assert sorted(r["seq"] for r in store.rows("messages")) == [0, 1]
    # a new ticket's own file out of order is stored in time order too, its preview the newest
    store.import_tickets([thread("T2", late, early)], "c.jsonl")
    assert [m.body for m in store.ticket("T2").messages] == [early[1], late[1]]
    assert next(r for r in store.queue_rows() if r.id == "T2").preview == late[1]
