"""The store's side of template edits: the v7 tables (upgraded from v6), stored versions by
id, the revision every write moves, and how often replies used each template."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from console.store import SCHEMA_VERSION, ReplyRecord, TemplateUsage, TicketStore
from console.store.schema import MIGRATIONS, statements
from tests.console.services.test_flags import draft


def _put(store: TicketStore, template_id: str, title: str, retired: bool = False) -> None:
    store.transaction(
        "a template",
        lambda: store.put_template_row(
            template_id,
            language="en",
            title=title,
            body="Hi {customer_name}",
            sentiments=("neutral",),
            categories=("other", "refund"),
            retired=retired,
            updated_by="ann",
        ),
    )


def test_upgrading_a_v6_store_adds_empty_template_tables(tmp_path: Path) -> None:
    path = tmp_path / "v6.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:6]:
        for statement in statements(script):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 6")
    conn.execute(
        "INSERT INTO tickets (id, created_at, created_ts, text_hash, imported_at, updated_at) "
        "VALUES ('T1', 'x', 0, 'h', 'x', 'x')"
    )
    conn.execute(
        "INSERT INTO replies (ticket_id, body, suggestion, template_id, edit_distance, "
        "edit_ratio, from_scratch, agent, sent_at) "
        "VALUES ('T1', 'b', 's', 'en-thanks', 2, 0.25, 0, 'bob', 'x')"
    )
    conn.close()
    store = TicketStore(path)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.template_rows() == [] and store.template_revision() == 0
        # replies sent before the upgrade count towards their template's use
        assert store.template_usage() == {"en-thanks": TemplateUsage("en-thanks", 1, 0.25)}
        _put(store, "en-thanks", "Thanks")
        assert store.template_revision() == 1
    finally:
        store.close()


def test_versions_by_id_and_the_revision(store: TicketStore) -> None:
    assert store.template_revision() == 0 and store.template_row("a") is None
    _put(store, "b", "Bee")
    _put(store, "a", "Ay", retired=True)
    _put(store, "b", "Bee two")
    assert store.template_revision() == 3
    rows = store.template_rows()
    assert [(r.id, r.title, r.retired, r.revision) for r in rows] == [
        ("a", "Ay", True, 2),
        ("b", "Bee two", False, 3),
    ]
    assert rows[1].categories == ("other", "refund") and rows[1].updated_by == "ann"
    assert rows[1].updated_at
    assert store.transaction("removing", lambda: store.remove_template_row("a")) is True
    assert store.transaction("removing", lambda: store.remove_template_row("a")) is False
    assert store.template_revision() == 4  # a removal that removed nothing moves nothing
    assert [r.id for r in store.template_rows()] == ["b"]


def test_template_writes_need_a_transaction_and_a_known_language(store: TicketStore) -> None:
    with pytest.raises(AssertionError, match="must run inside"):
        store.put_template_row(
            "a",
            language="en",
            title="A",
            body="b",
            sentiments=(),
            categories=(),
            retired=False,
            updated_by="ann",
        )
    with pytest.raises(AssertionError, match="must run inside"):
        store.remove_template_row("a")
    from console.store import StoreError

    with pytest.raises(StoreError, match="could not save"):
        store.transaction(
            "a template",
            lambda: store.put_template_row(
                "a",
                language="fr",
                title="A",
                body="b",
                sentiments=(),
                categories=(),
                retired=False,
                updated_by="ann",
            ),
        )
    assert store.template_rows() == [] and store.template_revision() == 0


def test_usage_counts_replies_per_template(store: TicketStore) -> None:
    store.import_tickets([draft("T1"), draft("T2", customer="bo")], "f")
    store.save_reply(ReplyRecord("T1", "b", "s", "x", 1, 0.2, None, False), "bob")
    store.save_reply(ReplyRecord("T2", "b", "s", "x", 1, 0.6, None, False), "bob")
    store.save_reply(ReplyRecord("T2", "b", None, None, 1, 1.0, None, True), "bob")
    usage = store.template_usage()
    assert list(usage) == ["x"]
    assert usage["x"].uses == 2 and usage["x"].mean_edit_ratio == pytest.approx(0.4)
