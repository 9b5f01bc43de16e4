"""The SQLite schema and its migrations, versioned with ``PRAGMA user_version``.

Add a migration by appending an SQL script to ``MIGRATIONS``; never edit a released one. A
database written by a newer Sentidesk (higher version than we know) is refused rather than
"upgraded" into something the newer version no longer understands. Each step runs in one
``BEGIN IMMEDIATE`` transaction together with its ``user_version`` bump, so a crash or a
second process opening the same file never sees a half-migrated schema.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from console.store.identity import SQL_FUNCTION, sql_customer_key
from inference import SentideskError


class StoreVersionError(SentideskError):
    """The database was created by a newer Sentidesk."""


_V1 = """
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


# Re-imports must keep what agents did: messages remember whether they came from the import
# file or were written in the console, and tickets whether an agent set their status. Replies
# keep the model version and the prediction they answered, for retraining and team figures.
_V2 = """
ALTER TABLE messages ADD COLUMN origin TEXT NOT NULL DEFAULT 'import';
UPDATE messages SET origin = 'console'
    WHERE author = 'agent' AND EXISTS (
        SELECT 1 FROM replies r WHERE r.ticket_id = messages.ticket_id AND r.body = messages.body
    );
ALTER TABLE tickets ADD COLUMN status_by_agent INTEGER NOT NULL DEFAULT 0;
UPDATE tickets SET status_by_agent = 1
    WHERE id IN (SELECT ticket_id FROM audit WHERE action IN ('status', 'reply'));
ALTER TABLE replies ADD COLUMN message_id INTEGER;
ALTER TABLE replies ADD COLUMN model_version TEXT;
ALTER TABLE replies ADD COLUMN prediction_id INTEGER;
ALTER TABLE replies ADD COLUMN prediction TEXT;
ALTER TABLE replies ADD COLUMN sentiment TEXT;
ALTER TABLE replies ADD COLUMN category TEXT;
CREATE INDEX replies_ticket ON replies (ticket_id);
CREATE INDEX corrections_ticket ON corrections (ticket_id);
"""

# Accounts for agents and supervisors. Names are unique whatever their (ASCII) case, so "Ann"
# cannot be added next to "ann". Failed logins are counted in the row, not in memory, so the
# slow-down holds across processes (a second console, the command line). The audit log becomes
# append-only: a supervisor's action must stay visible to whoever reviews it later, so no
# statement may rewrite or remove it, and each row can say what was there before and after.
_V3 = """
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role TEXT NOT NULL CHECK (role IN ('agent', 'supervisor')),
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    failed_logins INTEGER NOT NULL DEFAULT 0,
    last_failed_at REAL
);
ALTER TABLE audit ADD COLUMN before TEXT;
ALTER TABLE audit ADD COLUMN after TEXT;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit rows are append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit rows are append-only');
END;
"""

# Flagged conversations and their review. A rule's outcome depends on the prediction, the
# overrides, the thread, the replies and the customer's other tickets, so every write to
# those marks the ticket stale here, in the same statement, whichever program writes it
# (the window, `sentidesk import`, a labels import); the flag service recomputes stale
# tickets later. Recomputing inside each write would put the rules and their settings file
# into the store. `recheck_at` is when time alone may change the outcome (a reply falling
# past its deadline). Each reason keeps when it was first raised; a closed flag opens again
# only when a reason it did not have fires.
_V4 = """
CREATE TABLE flag_state (
    ticket_id TEXT PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
    stale INTEGER NOT NULL DEFAULT 1 CHECK (stale IN (0, 1)),
    recheck_at REAL,
    status TEXT CHECK (status IN ('open', 'closed')),
    opened_at TEXT,
    closed_by TEXT,
    closed_at TEXT,
    coaching INTEGER NOT NULL DEFAULT 0 CHECK (coaching IN (0, 1)),
    checked_at TEXT
);
CREATE INDEX flag_state_stale ON flag_state (stale) WHERE stale = 1;
CREATE INDEX flag_state_recheck ON flag_state (recheck_at) WHERE recheck_at IS NOT NULL;
CREATE INDEX flag_state_status ON flag_state (status) WHERE status IS NOT NULL;
INSERT INTO flag_state (ticket_id) SELECT id FROM tickets;

CREATE TABLE flags (
    id INTEGER PRIMARY KEY,
    ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL,
    raised_at TEXT NOT NULL,
    UNIQUE (ticket_id, reason)
);
CREATE INDEX flags_reason ON flags (reason);

CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    reviewer TEXT NOT NULL,
    action TEXT NOT NULL,
    field TEXT,
    value TEXT,
    correction_id INTEGER REFERENCES corrections (id),
    comment TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX reviews_ticket ON reviews (ticket_id);

-- what the rules were last computed with: other settings make every ticket stale
CREATE TABLE flag_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TRIGGER flags_ticket_added AFTER INSERT ON tickets
BEGIN
    INSERT INTO flag_state (ticket_id) VALUES (NEW.id)
        ON CONFLICT (ticket_id) DO UPDATE SET stale = 1;
    UPDATE flag_state SET stale = 1
        WHERE NEW.customer != '' AND ticket_id IN (
            SELECT id FROM tickets WHERE customer = NEW.customer AND id != NEW.id
        );
END;
CREATE TRIGGER flags_ticket_changed AFTER UPDATE OF
    prediction_id, negativity, sentiment, category, sentiment_override, category_override,
    status, channel
    ON tickets
BEGIN
    UPDATE flag_state SET stale = 1 WHERE ticket_id = NEW.id;
END;
CREATE TRIGGER flags_customer_changed AFTER UPDATE OF customer, created_ts ON tickets
BEGIN
    UPDATE flag_state SET stale = 1
        WHERE ticket_id = NEW.id OR ticket_id IN (
            SELECT id FROM tickets
            WHERE customer != '' AND customer IN (OLD.customer, NEW.customer)
        );
END;
CREATE TRIGGER flags_message_added AFTER INSERT ON messages
BEGIN
    UPDATE flag_state SET stale = 1 WHERE ticket_id = NEW.ticket_id;
END;
CREATE TRIGGER flags_message_changed AFTER UPDATE OF author, body, created_at ON messages
BEGIN
    UPDATE flag_state SET stale = 1 WHERE ticket_id = NEW.ticket_id;
END;
CREATE TRIGGER flags_message_removed AFTER DELETE ON messages
BEGIN
    UPDATE flag_state SET stale = 1 WHERE ticket_id = OLD.ticket_id;
END;
CREATE TRIGGER flags_reply_added AFTER INSERT ON replies
BEGIN
    UPDATE flag_state SET stale = 1 WHERE ticket_id = NEW.ticket_id;
END;
CREATE TRIGGER flags_correction_added AFTER INSERT ON corrections
BEGIN
    UPDATE flag_state SET stale = 1 WHERE ticket_id = NEW.ticket_id;
END;
"""

# v5: spike alerts. Times are kept as ISO text for people and epoch seconds for ordering;
# an alert is unique per category and firing time, so replaying the same tickets twice
# stores it once.
_V5 = """
CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    category TEXT NOT NULL,
    fired_at TEXT NOT NULL,
    fired_ts REAL NOT NULL,
    window_start TEXT NOT NULL,
    window_end TEXT NOT NULL,
    share REAL NOT NULL,
    baseline REAL NOT NULL,
    volume INTEGER NOT NULL,
    negatives INTEGER NOT NULL,
    p_value REAL NOT NULL,
    tickets TEXT NOT NULL,
    created_at TEXT NOT NULL,
    acknowledged_by TEXT,
    acknowledged_at TEXT,
    UNIQUE (category, fired_ts)
);
CREATE INDEX alerts_fired ON alerts (fired_ts DESC);
CREATE INDEX tickets_created ON tickets (created_ts);
"""

# v6: a correction keeps the role its author had when it was made. Read through the
# users table instead, promoting an agent turned all their old overrides into supervisor
# gold, and demoting a supervisor took it away from their review decisions. Existing rows
# get their author's role at the time of the upgrade, the best that is known.
_V6 = """
ALTER TABLE corrections ADD COLUMN author_role TEXT;
UPDATE corrections SET author_role = (SELECT role FROM users WHERE users.name = corrections.agent);
"""

# v7: supervisors' edits of the reply templates. The shipped templates stay package data; a
# row here overrides the shipped template of its id (an edit), adds one (a new template) or
# hides either (retired; kept rather than deleted, as sent replies name their template).
# Removing a row restores the shipped template. Every write bumps the one revision in
# template_revision, so any process can tell whether the templates it has built changed.
_V7 = """
CREATE TABLE templates (
    id TEXT PRIMARY KEY,
    language TEXT NOT NULL CHECK (language IN ('zh', 'en')),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    sentiments TEXT NOT NULL DEFAULT '[]',
    categories TEXT NOT NULL DEFAULT '[]',
    retired INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    revision INTEGER NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE template_revision (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    revision INTEGER NOT NULL
);
INSERT INTO template_revision (id, revision) VALUES (1, 0);
CREATE INDEX replies_template ON replies (template_id);
"""

# v8: a customer is known by an address or id where the ticket has one, not by a display
# name that many customers share (see console/store/identity.py): ``customer_key`` is what
# repeat contacts and the customer history match on, computed on every write by the store
# and here for the tickets stored before (through the SQL function migrate() registers). A
# flag reason keeps its figures as JSON in ``params`` beside the English ``detail``, so the
# window can say it in its own language. Every ticket's flags are recomputed afterwards.
_V8 = f"""
ALTER TABLE tickets ADD COLUMN customer_key TEXT NOT NULL DEFAULT '';
UPDATE tickets SET customer_key = {SQL_FUNCTION}(customer, metadata);
CREATE INDEX tickets_customer_key ON tickets (customer_key, created_ts);
DROP TRIGGER flags_ticket_added;
CREATE TRIGGER flags_ticket_added AFTER INSERT ON tickets
BEGIN
    INSERT INTO flag_state (ticket_id) VALUES (NEW.id)
        ON CONFLICT (ticket_id) DO UPDATE SET stale = 1;
    UPDATE flag_state SET stale = 1
        WHERE NEW.customer_key != '' AND ticket_id IN (
            SELECT id FROM tickets WHERE customer_key = NEW.customer_key AND id != NEW.id
        );
END;
DROP TRIGGER flags_customer_changed;
CREATE TRIGGER flags_customer_changed AFTER UPDATE OF customer_key, created_ts ON tickets
BEGIN
    UPDATE flag_state SET stale = 1
        WHERE ticket_id = NEW.id OR ticket_id IN (
            SELECT id FROM tickets
            WHERE customer_key != '' AND customer_key IN (OLD.customer_key, NEW.customer_key)
        );
END;
ALTER TABLE flags ADD COLUMN params TEXT NOT NULL DEFAULT '{{}}';
UPDATE flag_state SET stale = 1;
"""

# v9: the Trends dashboard reads every conversation of a range (up to 90 days, tens of
# thousands) by creation time, with what it counts them by: one covering index answers that
# without visiting the table (a third of the time on a 50,000-ticket store), and another
# finds each thread's first customer message and first reply without reading the bodies.
_V9 = """
CREATE INDEX tickets_trends ON tickets (
    created_ts, channel, category, category_override, sentiment, sentiment_override,
    language, status, id
);
CREATE INDEX messages_thread_times ON messages (ticket_id, author, created_at);
"""

# v10: an e-mail answering an answer may name only that answer (its In-Reply-To), whose
# Message-ID is no ticket's id: the store remembers which ticket each imported mail joined,
# by the key its Message-ID gives, so that the answer finds its conversation.
_V10 = """
CREATE TABLE mail_keys (
    mail_key TEXT PRIMARY KEY,
    ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX mail_keys_ticket ON mail_keys (ticket_id);
"""

MIGRATIONS: list[str] = [_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8, _V9, _V10]
SCHEMA_VERSION = len(MIGRATIONS)


def statements(script: str) -> Iterator[str]:
    """The complete SQL statements of ``script`` (trigger bodies with inner ``;`` stay whole).

    ``executescript`` cannot be used inside a transaction (it commits first), so scripts are
    run statement by statement.
    """
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                yield buffer.strip()
            buffer = ""
    if buffer.strip():
        raise ValueError(f"incomplete SQL statement: {buffer.strip()[:80]}")


def _version(conn: sqlite3.Connection) -> int:
    (version,) = conn.execute("PRAGMA user_version").fetchone()
    return int(version)


def _refuse_newer(version: int) -> None:
    if version > SCHEMA_VERSION:
        raise StoreVersionError(
            f"this store was written by a newer Sentidesk (schema {version}, we know "
            f"{SCHEMA_VERSION}); upgrade Sentidesk or choose another --data-dir"
        )


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database up to ``SCHEMA_VERSION``, one transaction per step.

    ``conn`` must be in autocommit mode (``isolation_level=None``). The version is read again
    after taking the write lock: another process may have migrated meanwhile.
    """
    _refuse_newer(_version(conn))
    # what v8 keys the tickets stored before it with
    conn.create_function(SQL_FUNCTION, 2, sql_customer_key, deterministic=True)
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = _version(conn)
            _refuse_newer(version)
            if version == SCHEMA_VERSION:
                conn.execute("COMMIT")
                return SCHEMA_VERSION
            for statement in statements(MIGRATIONS[version]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
