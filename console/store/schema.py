"""The SQLite schema and its migrations, versioned with ``PRAGMA user_version``.

Add a migration by appending a function to ``MIGRATIONS``; never edit a released one. A
database written by a newer Sentidesk (higher version than we know) is refused rather than
"upgraded" into something the newer version no longer understands.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from inference import SentideskError


class StoreVersionError(SentideskError):
    """The database was created by a newer Sentidesk."""


def _v1(conn: sqlite3.Connection) -> None:
    conn.executescript(
        """
        CREATE TABLE tickets (
            id TEXT PRIMARY KEY,
            subject TEXT NOT NULL DEFAULT '',
            customer TEXT NOT NULL DEFAULT '',
            order_id TEXT NOT NULL DEFAULT '',
            channel TEXT NOT NULL DEFAULT 'email',
            created_at TEXT NOT NULL,
            created_ts REAL NOT NULL,
            status TEXT NOT NULL DEFAULT 'open',
            language TEXT,
            metadata TEXT NOT NULL DEFAULT '{}',
            preview TEXT NOT NULL DEFAULT '',
            text_hash TEXT NOT NULL,
            -- the latest prediction, copied here so the queue is one indexed query
            negativity REAL,
            sentiment TEXT,
            category TEXT,
            model_version TEXT,
            prediction_id INTEGER,
            sentiment_override TEXT,
            category_override TEXT,
            imported_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX tickets_negativity ON tickets (negativity DESC);
        CREATE INDEX tickets_customer ON tickets (customer);
        CREATE INDEX tickets_model_version ON tickets (model_version);

        CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            author TEXT NOT NULL,
            body TEXT NOT NULL,
            created_at TEXT NOT NULL,
            label TEXT,
            negativity REAL,
            UNIQUE (ticket_id, seq)
        );

        CREATE TABLE predictions (
            id INTEGER PRIMARY KEY,
            ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
            label TEXT NOT NULL,
            probabilities TEXT NOT NULL,
            negativity REAL NOT NULL,
            category TEXT NOT NULL,
            category_probabilities TEXT NOT NULL,
            language TEXT NOT NULL,
            model_version TEXT NOT NULL,
            explanation TEXT,
            text_hash TEXT NOT NULL,
            scored_at TEXT NOT NULL
        );
        CREATE INDEX predictions_ticket ON predictions (ticket_id);

        CREATE TABLE replies (
            id INTEGER PRIMARY KEY,
            ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
            body TEXT NOT NULL,
            suggestion TEXT,
            template_id TEXT,
            edit_distance INTEGER NOT NULL,
            edit_ratio REAL NOT NULL,
            seconds_to_reply REAL,
            from_scratch INTEGER NOT NULL,
            agent TEXT NOT NULL,
            sent_at TEXT NOT NULL
        );

        CREATE TABLE corrections (
            id INTEGER PRIMARY KEY,
            ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
            field TEXT NOT NULL,
            old_value TEXT,
            new_value TEXT NOT NULL,
            model_version TEXT,
            prediction_id INTEGER,
            prediction TEXT,
            text TEXT NOT NULL,
            language TEXT,
            agent TEXT NOT NULL,
            created_at TEXT NOT NULL
        );

        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            ticket_id TEXT,
            details TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX audit_ticket ON audit (ticket_id);
        """
    )


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database up to ``SCHEMA_VERSION``; each step commits on its own."""
    (version,) = conn.execute("PRAGMA user_version").fetchone()
    if version > SCHEMA_VERSION:
        raise StoreVersionError(
            f"this store was written by a newer Sentidesk (schema {version}, we know "
            f"{SCHEMA_VERSION}); upgrade Sentidesk or choose another --data-dir"
        )
    for number in range(version, SCHEMA_VERSION):
        with conn:
            MIGRATIONS[number](conn)
            conn.execute(f"PRAGMA user_version = {number + 1}")
    return SCHEMA_VERSION
