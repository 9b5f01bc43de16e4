"""Schema v3: accounts in the store, and an audit log that cannot be rewritten."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from console.store import SCHEMA_VERSION, StoreError, TicketStore, UserRow
from console.store.schema import MIGRATIONS, statements
from tests.console.store.test_store import draft


def _version_2_store(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:2]:
        for statement in statements(script):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 2")
    conn.execute(
        "INSERT INTO tickets (id, created_at, created_ts, text_hash, imported_at, updated_at) "
        "VALUES ('T1', 'x', 0, 'h', 'x', 'x')"
    )
    conn.execute(
        "INSERT INTO audit (at, actor, action, ticket_id, details) "
        "VALUES ('x', 'agent-a', 'status', 'T1', '{\"to\": \"solved\"}')"
    )
    conn.close()


def test_a_version_2_store_is_upgraded_keeping_its_data(tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    _version_2_store(path)

    store = TicketStore(path)
    try:
        assert SCHEMA_VERSION >= 3
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert [t["id"] for t in store.rows("tickets")] == ["T1"]
        (row,) = store.rows("audit")
        assert (row["actor"], row["action"], row["details"]) == (
            "agent-a",
            "status",
            '{"to": "solved"}',
        )
        assert (row["before"], row["after"]) == (None, None)
        assert store.users() == []
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            store.conn.execute("DELETE FROM audit")
    finally:
        store.close()


def test_audit_rows_cannot_be_updated_or_deleted(store: TicketStore) -> None:
    store.import_tickets([draft()], "f")
    store.set_status("T1", "solved", "agent-x")
    before = store.rows("audit")

    with pytest.raises(sqlite3.IntegrityError, match="audit rows are append-only"):
        store.conn.execute("UPDATE audit SET actor = 'someone-else'")
    with pytest.raises(sqlite3.IntegrityError, match="audit rows are append-only"):
        store.conn.execute("DELETE FROM audit WHERE action = 'status'")
    other = sqlite3.connect(store.path)  # another program opening the file is refused too
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"), other:
            other.execute("DELETE FROM audit")
    finally:
        other.close()

    assert store.rows("audit") == before
    store.set_status("T1", "open", "agent-x")  # appending still works
    assert len(store.rows("audit")) == len(before) + 1


def test_adding_an_account_stores_it_and_audits_without_the_hash(store: TicketStore) -> None:
    assert store.add_user_row("Ann", "supervisor", "scrypt$secret-hash", None)

    (user,) = store.users()
    assert (user.name, user.role, user.disabled, user.failed_logins) == (
        "Ann",
        "supervisor",
        False,
        0,
    )
    assert store.user_row("ANN") == user  # names match in any case
    (audit,) = store.rows("audit")
    assert (audit["actor"], audit["action"], audit["before"]) == ("Ann", "user_add", None)
    assert json.loads(audit["after"]) == {"name": "Ann", "role": "supervisor", "disabled": False}
    assert all("secret-hash" not in str(value) for value in audit.values())


def test_a_first_account_is_only_added_to_an_empty_store(store: TicketStore) -> None:
    assert store.add_user_row("ann", "supervisor", "h", None)
    assert not store.add_user_row("bob", "supervisor", "h", None)
    assert [u.name for u in store.users()] == ["ann"]
    assert len(store.rows("audit")) == 1


def test_a_later_account_needs_an_enabled_supervisor_at_write_time(store: TicketStore) -> None:
    store.add_user_row("ann", "supervisor", "h", None)
    assert store.add_user_row("bob", "agent", "h", "ann")
    assert not store.add_user_row("carl", "agent", "h", "bob")  # an agent
    assert not store.add_user_row("carl", "agent", "h", "nobody")
    store.conn.execute("UPDATE users SET disabled = 1 WHERE name = 'ann'")
    assert not store.add_user_row("carl", "agent", "h", "ann")
    assert [u.name for u in store.users()] == ["ann", "bob"]
    assert [a["actor"] for a in store.rows("audit")] == ["ann", "ann"]


def test_names_are_unique_whatever_their_case_and_roles_are_checked(store: TicketStore) -> None:
    store.add_user_row("ann", "supervisor", "h", None)
    with pytest.raises(StoreError, match="could not save the account ANN: UNIQUE"):
        store.add_user_row("ANN", "agent", "h", "ann")
    with pytest.raises(StoreError, match="CHECK"):
        store.add_user_row("bob", "admin", "h", "ann")
    assert [u.name for u in store.users()] == ["ann"]
    assert len(store.rows("audit")) == 1  # the failed writes left no audit row


def _left(user: UserRow) -> float:
    return 5.0 if user.failed_logins >= 2 else 0.0


def test_login_attempts_are_counted_until_cleared(store: TicketStore) -> None:
    store.add_user_row("ann", "supervisor", "h", None)

    assert store.start_login_attempt("nobody", 1.0, _left) == (None, 0.0)
    first, left = store.start_login_attempt("ANN", 10.0, _left)
    assert (first is not None and first.failed_logins, left) == (0, 0.0)
    store.start_login_attempt("ann", 11.0, _left)
    refused, left = store.start_login_attempt("ann", 12.0, _left)
    assert left == 5.0
    assert refused is not None
    assert (refused.failed_logins, refused.last_failed_at) == (2, 11.0)  # not counted again

    other = TicketStore(store.path)  # the count is in the file, seen by other processes
    try:
        assert other.start_login_attempt("ann", 12.0, _left)[1] == 5.0
    finally:
        other.close()

    store.clear_login_failures("ann")
    user = store.user_row("ann")
    assert user is not None
    assert (user.failed_logins, user.last_failed_at) == (0, None)


def test_upgrading_keeps_the_roles_corrections_were_made_with(tmp_path: Path) -> None:
    path = tmp_path / "v5.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:5]:
        for statement in statements(script):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 5")
    conn.execute(
        "INSERT INTO users (name, role, password_hash, created_at) VALUES ('Ann', 'supervisor', "
        "'x', 'x')"
    )
    conn.execute(
        "INSERT INTO tickets (id, created_at, created_ts, text_hash, imported_at, updated_at) "
        "VALUES ('T1', 'x', 0, 'h', 'x', 'x')"
    )
    for author in ("ann", "ghost"):
        conn.execute(
            "INSERT INTO corrections (ticket_id, field, old_value, new_value, text, agent, "
            "created_at) VALUES ('T1', 'sentiment', NULL, 'negative', 't', ?, 'x')",
            (author,),
        )
    conn.close()
    store = TicketStore(path)
    try:
        assert [r.role for r in store.label_events()] == ["supervisor", "agent"]
    finally:
        store.close()
