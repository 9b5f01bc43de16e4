"""Which customer a ticket is from: an address or id where there is one, the name only
when there is nothing better; and the upgrade that keys the tickets stored before."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from console.services.flags import REPEAT_CONTACT, load_flag_settings, refresh_flags
from console.store import (
    SCHEMA_VERSION,
    FlagFilter,
    FlagReason,
    TicketStore,
    customer_key,
)
from console.store.schema import MIGRATIONS, statements
from tests.console.store.test_store import draft

NOW = 1_795_860_000.0  # 2026-11-28T10:00:00Z, the drafts' time


def test_an_address_or_id_names_the_customer_before_the_name() -> None:
    assert customer_key("王芳", {"email": " WangFang@Example.com "}) == "email:wangfang@example.com"
    assert customer_key("王芳", {"customer_email": "a@b.c"}) == "customer_email:a@b.c"
    # e-mail first: what an e-mail import and most shop exports carry
    assert customer_key("x", {"customer_id": "C7", "email": "a@b.c"}) == "email:a@b.c"
    assert customer_key("x", {"customer_id": 12345}) == "customer_id:12345"
    assert customer_key("x", {"phone": "+86 138-0000-0000"}) == "phone:8613800000000"
    # nothing usable: the name, spacing and case folded
    assert customer_key("  Emily   CARTER ", {"email": "", "customer_id": True}) == (
        "name:emily carter"
    )
    assert customer_key("", {}) == ""


def _repeat(store: TicketStore) -> dict[str, str]:
    refresh_flags(store, load_flag_settings(None), now=lambda: NOW)
    return {
        f.id: r.detail
        for f in store.flagged(FlagFilter(status=None))
        for r in f.reasons
        if r.reason == REPEAT_CONTACT
    }


def test_two_customers_sharing_a_name_are_not_a_repeat_contact(store: TicketStore) -> None:
    store.import_tickets(
        [
            draft("T1", customer="王芳", metadata={"email": "wangfang1@example.com"}),
            draft("T2", customer="王芳", metadata={"email": "wangfang2@example.net"}),
        ],
        "f",
    )
    assert _repeat(store) == {}


def test_one_customer_under_two_names_is_a_repeat_contact(store: TicketStore) -> None:
    store.import_tickets(
        [
            draft("T1", customer="Anna", metadata={"email": "anna@example.com"}),
            draft(
                "T2",
                customer="Anna Smith",
                created_at="2026-11-27T10:00:00+00:00",
                metadata={"email": "ANNA@example.com"},
            ),
        ],
        "f",
    )
    assert _repeat(store) == {
        "T1": "the customer also wrote T2 24.0 h earlier (window 7 days)",
        "T2": "the customer also wrote T1 24.0 h later (window 7 days)",
    }
    # the history beside a ticket is the same customer's too
    assert [row.id for row in store.ticket("T1").history] == ["T2"]


def test_the_name_counts_only_between_tickets_with_nothing_better(store: TicketStore) -> None:
    store.import_tickets(
        [
            draft("T1", customer="Bo", channel="chat"),
            draft("T2", customer="Bo", channel="app"),
            draft("T3", customer="Bo", metadata={"email": "bo@example.com"}),
        ],
        "f",
    )
    assert set(_repeat(store)) == {"T1", "T2"}
    assert store.ticket("T3").history == ()


def test_a_changed_address_recomputes_both_customers_tickets(store: TicketStore) -> None:
    store.import_tickets(
        [
            draft("T1", customer="Cy", metadata={"email": "cy@example.com"}),
            draft("T2", customer="Cy", metadata={"email": "cy@example.org"}),
        ],
        "f",
    )
    assert _repeat(store) == {}
    # the shop corrects the second ticket's address: now both are the same customer's
    store.import_tickets([draft("T2", customer="Cy", metadata={"email": "cy@example.com"})], "f")
    assert set(_repeat(store)) == {"T1", "T2"}


def test_the_upgrade_keys_stored_tickets_and_recomputes_their_flags(tmp_path: Path) -> None:
    """A store from before: tickets keyed by nothing, flags without figures."""
    step = next(i for i, script in enumerate(MIGRATIONS) if "customer_key" in script)
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:step]:
        for statement in statements(script):
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {step}")
    for tid, customer, metadata in (
        ("T1", "王芳", {"email": "WF1@example.com"}),
        ("T2", "王芳", {"email": "wf2@example.com"}),
        ("T3", "Bo", {}),
    ):
        conn.execute(
            "INSERT INTO tickets (id, customer, metadata, created_at, created_ts, text_hash, "
            "imported_at, updated_at) VALUES (?, ?, ?, 'x', 0, 'h', 'x', 'x')",
            (tid, customer, json.dumps(metadata)),
        )
    conn.execute("UPDATE flag_state SET stale = 0")
    conn.execute("UPDATE flag_state SET status = 'open' WHERE ticket_id = 'T1'")
    conn.execute(
        "INSERT INTO flags (ticket_id, reason, detail, raised_at) "
        "VALUES ('T1', 'repeat_contact', 'the customer also wrote T2', 'x')"
    )
    conn.close()

    store = TicketStore(path)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        keys = dict(store.conn.execute("SELECT id, customer_key FROM tickets"))
        assert keys == {
            "T1": "email:wf1@example.com",
            "T2": "email:wf2@example.com",
            "T3": "name:bo",
        }
        # every ticket is recomputed, and the old reason reads back without figures
        assert sorted(store.flags_due(0.0, 10)) == ["T1", "T2", "T3"]
        (flag,) = store.flagged(FlagFilter(status=None))
        assert (flag.reasons[0].detail, flag.reasons[0].params) == (
            "the customer also wrote T2",
            {},
        )
    finally:
        store.close()


def test_flag_figures_are_stored_and_read_back(store: TicketStore) -> None:
    store.import_tickets([draft("T1")], "f")
    reason = FlagReason("negativity", "negativity 0.90 (threshold 0.85)", {"negativity": 0.9})
    store.transaction("flags", lambda: store.write_flags([("T1", [reason], None)]))
    (flag,) = store.flagged(FlagFilter(status=None))
    assert flag.reasons[0].params == {"negativity": 0.9}
    # new figures with the same words are stored too
    again = FlagReason(reason.reason, reason.detail, {"negativity": 0.91})
    store.transaction("flags", lambda: store.write_flags([("T1", [again], None)]))
    assert store.flagged(FlagFilter(status=None))[0].reasons[0].params == {"negativity": 0.91}


@pytest.mark.parametrize("stored", ["not json", "[1, 2]"])
def test_unreadable_figures_read_as_none(store: TicketStore, stored: str) -> None:
    store.import_tickets([draft("T1")], "f")
    reason = FlagReason("negativity", "negativity 0.90 (threshold 0.85)", {})
    store.transaction("flags", lambda: store.write_flags([("T1", [reason], None)]))
    store.conn.execute("UPDATE flags SET params = ?", (stored,))
    assert store.flagged(FlagFilter(status=None))[0].reasons[0].params == {}
