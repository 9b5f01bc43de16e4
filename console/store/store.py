"""The ticket store: SQLite (WAL) through sqlite-utils.

Thread: every method runs on the single database worker thread (see
``console.qt.workers``); the connection is opened with ``check_same_thread=False`` only so
that the worker that opens it need not be the one that first uses it. Writes are serialized
by that one worker, and each public write method is one ``BEGIN IMMEDIATE`` transaction: it
fully happens or not at all, and it is on disk (``synchronous=FULL``) when the method
returns. Another process writing the same file (``sentidesk import`` next to a running
console, a second console) makes a write wait and retry, a bounded number of times; every
failure is a :class:`StoreError` that says what was not saved.

Re-imports update only what came from the import file (customer text, metadata) and add its
new messages without dropping stored ones; messages written in the console, overrides and
an agent's status change are kept.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import math
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils

from console.store.identity import customer_key
from console.store.records import (
    MAX_MESSAGES,
    OPTIONAL_FIELDS,
    AgentLabel,
    AlertRecord,
    Contact,
    CorrectionView,
    FlagFacts,
    FlagFilter,
    FlaggedTicket,
    FlagReason,
    ImportReport,
    LabelDraft,
    LabelRow,
    LabelsOutcome,
    MessageDraft,
    MessageView,
    PredictionOutcome,
    QueueRow,
    RaisedFlag,
    Rejection,
    RelabelFact,
    ReplyEdit,
    ReplyFact,
    ReplyRecord,
    ReplyView,
    ReplyWait,
    ReviewRecord,
    SpikeAlert,
    StreamTicket,
    TemplateRow,
    TemplateUsage,
    TicketDetail,
    TicketDraft,
    TicketText,
    TrendCount,
    UserRow,
)
from console.store.schema import migrate
from inference import Prediction, SentideskError, Span

log = logging.getLogger(__name__)

PREVIEW_CHARS = 140
#: How often opening a store tries to switch it to WAL while another connection opens it
#: (about 2 s in all).
WAL_ATTEMPTS = 8
#: The customer text scored for the queue keeps its most recent part.
SCORED_TEXT_CHARS = 2000
#: How long one attempt waits for another process's write lock (SQLite's busy handler).
BUSY_TIMEOUT_SECONDS = 5.0
#: Attempts per write before it is reported as failed; with the busy timeout about 15 s.
WRITE_ATTEMPTS = 3
_RETRY_PAUSE_SECONDS = 0.25

T = TypeVar("T")


class StoreError(SentideskError):
    """The store cannot be opened or written (disk full, permissions, corrupt file)."""


class _ThreadFullError(Exception):
    """A draft would take a stored thread past MAX_MESSAGES; the import rejects it."""

    def __init__(self, ticket_id: str, stored: int, added: int) -> None:
        messages = "message" if added == 1 else "messages"
        super().__init__(
            f"{added} new {messages} would take the {stored} stored ones past "
            f"{MAX_MESSAGES} per ticket"
        )
        self.ticket_id = ticket_id


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def parse_time(value: str) -> float:
    """Epoch seconds for an ISO-8601 time (naive times are taken as UTC)."""
    moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def scored_parts(
    subject: str, customer_messages: Sequence[str]
) -> tuple[str, list[tuple[int, int, int]]]:
    """The text the model reads for a ticket, and where each part sits in it.

    Parts are ``(index, start, end)``: index -1 is the subject (left out when a message
    repeats it), 0.. the customer messages. Only the newest ``SCORED_TEXT_CHARS`` are kept.
    """
    pieces: list[tuple[int, str]] = [(i, m.strip()) for i, m in enumerate(customer_messages)]
    pieces = [(i, m) for i, m in pieces if m]
    head = subject.strip()
    if head and not any(head in m for _, m in pieces):
        pieces.insert(0, (-1, head))
    text = ""
    parts = []
    for index, piece in pieces:
        if text:
            text += "\n"
        parts.append((index, len(text), len(text) + len(piece)))
        text += piece
    cut = max(0, len(text) - SCORED_TEXT_CHARS)
    kept = [(i, max(0, a - cut), b - cut) for i, a, b in parts if b > cut]
    return text[cut:], kept


def scored_text(subject: str, customer_messages: Sequence[str]) -> str:
    """What the model reads for a ticket: subject plus the customer's words, newest kept."""
    return scored_parts(subject, customer_messages)[0]


def _hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


#: The channel of the tickets that hold labelled texts brought in without a ticket.
LABELS_CHANNEL = "labels"


def label_ticket_id(text: str) -> str:
    """The id of the ticket that holds a labelled ``text`` imported without a ticket.

    Derived from the text the model reads, which is also what a correction keeps, so the
    same text always lands on the same ticket and an exported correction can tell that its
    ticket was made for the label alone.
    """
    return "label-" + _hash(scored_text("", [text]))[:16]


_QUEUE_COLUMNS = """id, negativity, COALESCE(sentiment_override, sentiment), sentiment, category,
    category_override, language, customer, subject, preview, channel, created_ts, status,
    (SELECT group_concat(f.reason, ',') FROM flags f WHERE f.ticket_id = tickets.id)"""


def _queue_row(row: Sequence[Any]) -> QueueRow:
    (
        tid,
        negativity,
        sentiment,
        predicted,
        category,
        category_override,
        language,
        customer,
        subject,
        preview,
        channel,
        created_ts,
        status,
        flags,
    ) = row
    return QueueRow(
        id=tid,
        negativity=negativity,
        sentiment=sentiment,
        predicted_sentiment=predicted,
        category=category_override or category,
        language=language,
        customer=customer,
        subject=subject,
        preview=preview,
        channel=channel,
        created_at=created_ts,
        status=status,
        overridden=bool(category_override) or sentiment != predicted,
        flags=tuple(sorted(flags.split(","))) if flags else (),
    )


def _locked(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _reason(exc: sqlite3.Error) -> str:
    text = str(exc)
    if _locked(exc):
        return "the database is locked by another program"
    if "disk is full" in text or "disk I/O" in text:
        return f"the disk is full or failing ({text})"
    if "readonly" in text or "read-only" in text:
        return f"the database file is read-only ({text})"
    return text


class TicketStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Autocommit mode: every write opens its own BEGIN IMMEDIATE transaction (see
            # transaction()), so a read never upgrades to a write on a stale snapshot, which SQLite
            # answers with SQLITE_BUSY at once instead of waiting.
            conn = sqlite3.connect(
                str(path),
                check_same_thread=False,
                timeout=BUSY_TIMEOUT_SECONDS,
                isolation_level=None,
            )
            conn.execute("PRAGMA foreign_keys = ON")
            self.db = sqlite_utils.Database(conn)
            self._enable_wal()
            # WAL's default (NORMAL) may lose the last commits on power loss; set FULL here
            # rather than depend on how this SQLite was compiled.
            conn.execute("PRAGMA synchronous = FULL")
            migrate(conn)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the ticket store {path}: {_reason(exc)}") from exc
        except OSError as exc:
            raise StoreError(f"cannot open the ticket store {path}: {exc.strerror}") from exc
        self.conn = conn

    def _enable_wal(self) -> None:
        """Switch the file to WAL, retrying while another connection opens it."""
        for attempt in itertools.count(1):
            try:
                if self.db.journal_mode != "wal":
                    self.db.enable_wal()
                return
            except sqlite3.OperationalError as exc:
                # Switching a new file's journal mode needs it alone for an instant, and
                # SQLite answers a connection opening it at that instant with "locked" at
                # once, without waiting for the busy timeout.
                if not _locked(exc) or attempt >= WAL_ATTEMPTS:
                    raise
                time.sleep(0.05 * attempt)

    def close(self) -> None:
        self.conn.close()

    def transaction(self, what: str, body: Callable[[], T]) -> T:
        """Run ``body`` in one write transaction, retrying while another process holds the
        lock; any failure rolls back and becomes a StoreError naming ``what``.

        Every write goes through here: the store's own methods, and services that compose a
        write of their own (with :meth:`audit` inside ``body``). ``body`` may run more than
        once when the database was locked, so its side effects outside SQLite must be
        idempotent."""
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                result = body()
                self.conn.execute("COMMIT")
                return result
            except sqlite3.Error as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                if _locked(exc) and attempt < WRITE_ATTEMPTS:
                    log.info("%s: database locked, retrying (%d)", what, attempt)
                    time.sleep(_RETRY_PAUSE_SECONDS * attempt)
                    continue
                raise StoreError(f"could not save {what}: {_reason(exc)}") from exc
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
        raise AssertionError("unreachable")

    # -- import ---------------------------------------------------------------------------
    def import_tickets(
        self, drafts: Sequence[TicketDraft], source: str, rejected: Sequence[Rejection] = ()
    ) -> ImportReport:
        """Insert new tickets and update known ids, all in one transaction.

        Re-importing the same file changes nothing. An update takes only what the file owns
        (subject, customer, metadata, the status while no agent has set one) and adds its
        new messages to the thread (see :func:`_new_messages`: none is replaced or
        dropped); the ticket keeps the earliest time it was opened at. Replies written in
        the console, overrides and an agent's status stay. A ticket whose customer text
        changed loses its prediction so it is scored again; one that gained a customer
        message after an agent's reply is reopened. A draft that would take a stored
        thread past :data:`MAX_MESSAGES` is rejected and changes nothing. The report names
        the tickets the drafts were stored in (a follow-up's, not its draft's id).
        """

        def run() -> ImportReport:
            counts = dict.fromkeys(("added", "updated", "unchanged", "kept", "reopened"), 0)
            stamp = now_iso()
            refused = list(rejected)
            stored: list[str] = []
            for draft in drafts:
                try:
                    ticket_id, outcomes = self._upsert(draft, stamp)
                except _ThreadFullError as exc:
                    refused.append(Rejection(f"{source}: ticket {exc.ticket_id}", str(exc)))
                    continue
                stored.append(ticket_id)
                for outcome in outcomes:
                    counts[outcome] += 1
            self.audit(
                "import",
                None,
                {
                    "source": source,
                    **{k: v for k, v in counts.items() if k != "unchanged"},
                    "rejected": len(refused),
                },
            )
            return ImportReport(
                source,
                counts["added"],
                counts["updated"],
                counts["unchanged"],
                tuple(refused),
                tuple(dict.fromkeys(stored)),
                kept=counts["kept"],
                reopened=counts["reopened"],
            )

        return self.transaction(f"the import of {source} (nothing from it was stored)", run)

    def _with_stored_fields(self, draft: TicketDraft) -> TicketDraft:
        """``draft`` with the stored value of each optional field its file left out, and the
        stored metadata keys it lacks (each is a column of its own in the file)."""
        if draft.given is None:
            return draft
        missing = [f for f in OPTIONAL_FIELDS if f not in draft.given]
        row = self.conn.execute(
            f"SELECT {', '.join([*missing, 'metadata'])} FROM tickets WHERE id = ?", (draft.id,)
        ).fetchone()
        if row is None:
            return draft
        values: dict[str, Any] = dict(zip(missing, row[:-1], strict=True))
        values["metadata"] = {**json.loads(row[-1] or "{}"), **draft.metadata}
        return replace(draft, **values)

    def _follow_up_target(self, draft: TicketDraft) -> TicketDraft:
        """``draft`` for the ticket it continues.

        A mail imported before goes where it went then. Otherwise: the ticket of the
        nearest mail it answers that is stored (the ticket each mail joined is remembered by
        its key; a conversation's first mail is the ticket of that id), skipping tickets of
        other customers, since the answers of many customers to one mailing share its
        Message-ID. When only other customers' tickets answer, the customer gets a ticket of
        their own in the conversation; when none is stored, the draft's own id (its
        conversation's first mail) starts the ticket."""
        if draft.mail_key:
            row = self.conn.execute(
                "SELECT ticket_id FROM mail_keys WHERE mail_key = ?", (draft.mail_key,)
            ).fetchone()
            if row is not None:
                return replace(draft, id=row[0])
        key = customer_key(draft.customer, draft.metadata)
        others = False
        for mail_key in dict.fromkeys([*draft.answers, draft.id]):
            row = self.conn.execute(
                "SELECT t.id, t.customer_key FROM tickets AS t WHERE t.id = "
                "COALESCE((SELECT ticket_id FROM mail_keys WHERE mail_key = ?), ?)",
                (mail_key, mail_key),
            ).fetchone()
            if row is None:
                continue
            if not key or not row[1] or row[1] == key:
                return replace(draft, id=row[0])
            others = True
        return replace(draft, id=f"{draft.id}#{_hash(key)[:12]}") if others else draft

    def _upsert(self, draft: TicketDraft, stamp: str) -> tuple[str, list[str]]:
        """The ticket id a draft was stored in and its outcomes: "added", "unchanged" or
        "updated" [+ "kept"] [+ "reopened"]. Raises :class:`_ThreadFullError`, having written
        nothing, when the thread would grow past :data:`MAX_MESSAGES`."""
        if draft.follow_up:
            draft = self._follow_up_target(draft)
        outcomes = self._store_draft(draft, stamp)
        if draft.mail_key and draft.mail_key != draft.id:
            self.conn.execute(
                "INSERT INTO mail_keys (mail_key, ticket_id) VALUES (?, ?) "
                "ON CONFLICT (mail_key) DO NOTHING",
                (draft.mail_key, draft.id),
            )
        return draft.id, outcomes

    def _store_draft(self, draft: TicketDraft, stamp: str) -> list[str]:
        draft = self._with_stored_fields(draft)
        fields = {
            "subject": draft.subject,
            "customer": draft.customer,
            "customer_key": customer_key(draft.customer, draft.metadata),
            "order_id": draft.order_id,
            "channel": draft.channel,
            "created_at": draft.created_at,
            "created_ts": parse_time(draft.created_at),
            "metadata": json.dumps(draft.metadata, ensure_ascii=False, sort_keys=True),
        }
        existing = self.conn.execute(
            f"SELECT {', '.join(fields)}, preview, text_hash, status, status_by_agent, "
            "sentiment_override, category_override FROM tickets WHERE id = ?",
            (draft.id,),
        ).fetchone()
        # in time order (a stable sort: messages without times keep the file's order)
        incoming = sorted(
            ((m.author, m.body, m.created_at) for m in draft.messages), key=lambda m: _epoch(m[2])
        )
        if existing is None:
            fields.update(_thread_fields(draft.subject, incoming))
            self.conn.execute(
                f"INSERT INTO tickets (id, {', '.join(fields)}, status, imported_at, updated_at) "
                f"VALUES (?, {', '.join('?' * len(fields))}, ?, ?, ?)",
                (draft.id, *fields.values(), draft.status, stamp, stamp),
            )
            self._insert_messages(draft.id, incoming, first_seq=0)
            return ["added"]
        old = dict(zip([*fields, "preview", "text_hash"], existing[: len(fields) + 2], strict=True))
        status, by_agent, sentiment_override, category_override = existing[len(fields) + 2 :]
        stored = self.conn.execute(
            "SELECT id, author, body, created_at, origin FROM messages WHERE ticket_id = ? "
            "ORDER BY seq",
            (draft.id,),
        ).fetchall()
        console = [m for m in stored if m[4] != "import"]
        imported = [(a, b, c) for _, a, b, c, origin in stored if origin == "import"]
        if not draft.timed or old["created_ts"] < fields["created_ts"]:
            # A ticket was opened when its first message came: a follow-up file (of only
            # the newest messages) or one without times does not move that later.
            fields["created_at"], fields["created_ts"] = old["created_at"], old["created_ts"]
        if not draft.timed:
            # The file has no times: the stored ones (from the first import) stand, and
            # only messages new since then take this import's time.
            incoming = _keep_stored_times(incoming, imported)
        # An export from the shop's mail system may contain the replies sent from here:
        # keep the console's copy (it links to its reply record) instead of a duplicate.
        sent = {" ".join(m[2].split()) for m in console}
        incoming = [m for m in incoming if m[0] != "agent" or " ".join(m[1].split()) not in sent]

        added = _new_messages(imported, incoming, timed=draft.timed)
        if added and len(stored) + len(added) > MAX_MESSAGES:
            raise _ThreadFullError(draft.id, len(stored), len(added))
        (next_seq,) = self.conn.execute(
            "SELECT COALESCE(MAX(seq), -1) + 1 FROM messages WHERE ticket_id = ?", (draft.id,)
        ).fetchone()
        self._insert_messages(draft.id, added, first_seq=next_seq)
        messages_changed = bool(added)
        if messages_changed:
            self._renumber_thread(draft.id)
        thread = self.conn.execute(
            "SELECT author, body, created_at FROM messages WHERE ticket_id = ? ORDER BY seq",
            (draft.id,),
        ).fetchall()
        fields.update(_thread_fields(draft.subject, thread))

        outcomes: list[str] = []
        changed_fields = {k: v for k, v in fields.items() if old[k] != v}
        if changed_fields:
            sets = ", ".join(f"{k} = ?" for k in changed_fields)
            self.conn.execute(
                f"UPDATE tickets SET {sets} WHERE id = ?", (*changed_fields.values(), draft.id)
            )
        new_status = status
        if not by_agent:
            new_status = draft.status
        elif added and console and _customer_wrote_after(added, console):
            new_status = "open"
            outcomes.append("reopened")
        if new_status != status:
            self.conn.execute("UPDATE tickets SET status = ? WHERE id = ?", (new_status, draft.id))
        if "text_hash" in changed_fields:
            self.conn.execute(
                "UPDATE tickets SET negativity = NULL, sentiment = NULL, category = NULL, "
                "model_version = NULL, prediction_id = NULL WHERE id = ?",
                (draft.id,),
            )
        if not (changed_fields or messages_changed or new_status != status):
            return ["unchanged"]
        self.conn.execute("UPDATE tickets SET updated_at = ? WHERE id = ?", (stamp, draft.id))
        outcomes.insert(0, "updated")
        if console or by_agent or sentiment_override or category_override:
            outcomes.append("kept")
        return outcomes

    def _insert_messages(
        self, ticket_id: str, messages: Sequence[tuple[str, str, str]], first_seq: int
    ) -> None:
        self.conn.executemany(
            "INSERT INTO messages (ticket_id, seq, author, body, created_at, origin) "
            "VALUES (?, ?, ?, ?, ?, 'import')",
            [(ticket_id, first_seq + i, *m) for i, m in enumerate(messages)],
        )

    def _renumber_thread(self, ticket_id: str) -> None:
        """Order a thread that mixes imported and console messages by time (then old order)."""
        rows = self.conn.execute(
            "SELECT id, created_at, seq FROM messages WHERE ticket_id = ?", (ticket_id,)
        ).fetchall()
        ordered_ids = [mid for mid, _, _ in sorted(rows, key=lambda r: (_epoch(r[1]), r[2]))]
        # two passes keep UNIQUE (ticket_id, seq) satisfied while numbers move
        self.conn.executemany(
            "UPDATE messages SET seq = ? WHERE id = ?",
            [(-1 - i, mid) for i, mid in enumerate(ordered_ids)],
        )
        self.conn.executemany(
            "UPDATE messages SET seq = ? WHERE id = ?",
            [(i, mid) for i, mid in enumerate(ordered_ids)],
        )

    # -- queue ----------------------------------------------------------------------------
    def queue_rows(self, ids: Iterable[str] | None = None) -> list[QueueRow]:
        """All tickets (or just ``ids``), most negative first; unscored ones last."""
        order = " ORDER BY negativity IS NULL, negativity DESC, created_ts"
        if ids is None:
            rows = self.conn.execute(f"SELECT {_QUEUE_COLUMNS} FROM tickets{order}").fetchall()
        else:
            wanted = list(ids)
            rows = []
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows += self.conn.execute(
                    f"SELECT {_QUEUE_COLUMNS} FROM tickets WHERE id IN ({marks})", chunk
                ).fetchall()
        return [_queue_row(r) for r in rows]

    def status_counts(self) -> dict[str, int]:
        return dict(self.conn.execute("SELECT status, COUNT(*) FROM tickets GROUP BY status"))

    def ticket_count(self) -> int:
        (n,) = self.conn.execute("SELECT COUNT(*) FROM tickets").fetchone()
        return int(n)

    # -- scoring --------------------------------------------------------------------------
    def pending_scoring(
        self, model_version: str, limit: int = 64, skip: Collection[str] = ()
    ) -> list[tuple[str, str, list[tuple[int, str]]]]:
        """Tickets without a prediction from ``model_version``: (id, text, customer messages),
        newest first, leaving out the ids in ``skip`` (ones the model failed on)."""
        ids = [
            r[0]
            for r in self.conn.execute(
                "SELECT id FROM tickets WHERE (model_version IS NULL OR model_version != ?) "
                "AND id NOT IN (SELECT value FROM json_each(?)) "
                "ORDER BY created_ts DESC LIMIT ?",
                (model_version, json.dumps(list(skip)), limit),
            )
        ]
        out = []
        for tid in ids:
            (subject,) = self.conn.execute(
                "SELECT subject FROM tickets WHERE id = ?", (tid,)
            ).fetchone()
            messages = self.conn.execute(
                "SELECT id, body FROM messages WHERE ticket_id = ? AND author = 'customer' "
                "ORDER BY seq",
                (tid,),
            ).fetchall()
            out.append((tid, scored_text(subject, [b for _, b in messages]), messages))
        return out

    def save_predictions(
        self,
        tickets: Sequence[tuple[str, str, Prediction]],
        messages: Sequence[tuple[int, Prediction]] = (),
    ) -> int:
        """Store ticket-level predictions (ticket id, scored text, prediction) in one go.

        A ticket whose text changed since it was read for scoring (re-imported meanwhile)
        keeps waiting for a score of its new text. Returns how many predictions were stored.
        """

        def run() -> int:
            stamp = now_iso()
            saved = 0
            for tid, text, p in tickets:
                text_hash = _hash(text)
                current = self.conn.execute(
                    "SELECT text_hash FROM tickets WHERE id = ?", (tid,)
                ).fetchone()
                if current is None or current[0] != text_hash:
                    continue
                cursor = self.conn.execute(
                    "INSERT INTO predictions (ticket_id, label, probabilities, negativity, "
                    "category, category_probabilities, language, model_version, explanation, "
                    "text_hash, scored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        tid,
                        p.label,
                        json.dumps(p.probabilities),
                        p.negativity,
                        p.category,
                        json.dumps(p.category_probabilities),
                        p.language,
                        p.model_version,
                        _spans_json(p.explanation) if p.explanation else None,
                        text_hash,
                        stamp,
                    ),
                )
                self.conn.execute(
                    "UPDATE tickets SET negativity = ?, sentiment = ?, category = ?, "
                    "language = ?, model_version = ?, prediction_id = ? WHERE id = ?",
                    (
                        p.negativity,
                        p.label,
                        p.category,
                        p.language,
                        p.model_version,
                        cursor.lastrowid,
                        tid,
                    ),
                )
                saved += 1
            self.conn.executemany(
                "UPDATE messages SET label = ?, negativity = ? WHERE id = ?",
                [(p.label, p.negativity, mid) for mid, p in messages],
            )
            return saved

        return self.transaction("the new predictions", run)

    def save_explanation(self, ticket_id: str, spans: Sequence[Span]) -> None:
        self.transaction(
            f"the explanation of ticket {ticket_id}",
            lambda: self.conn.execute(
                "UPDATE predictions SET explanation = ? WHERE id = "
                "(SELECT prediction_id FROM tickets WHERE id = ?)",
                (_spans_json(spans), ticket_id),
            ),
        )

    # -- the ticket view ------------------------------------------------------------------
    def ticket(self, ticket_id: str) -> TicketDetail:
        row = self.conn.execute(
            "SELECT id, subject, customer, order_id, channel, created_at, status, language, "
            "metadata, prediction_id, sentiment_override, category_override "
            "FROM tickets WHERE id = ?",
            (ticket_id,),
        ).fetchone()
        if row is None:
            raise KeyError(ticket_id)
        messages = tuple(
            MessageView(*m)
            for m in self.conn.execute(
                "SELECT id, author, body, created_at, label, negativity FROM messages "
                "WHERE ticket_id = ? ORDER BY seq",
                (ticket_id,),
            )
        )
        prediction = None
        if row[9] is not None:
            p = self.conn.execute(
                "SELECT id, label, probabilities, negativity, category, category_probabilities, "
                "language, model_version, explanation, text_hash FROM predictions WHERE id = ?",
                (row[9],),
            ).fetchone()
            prediction = {
                "id": p[0],
                "label": p[1],
                "probabilities": json.loads(p[2]),
                "negativity": p[3],
                "category": p[4],
                "category_probabilities": json.loads(p[5]),
                "language": p[6],
                "model_version": p[7],
                "explanation": None if p[8] is None else json.loads(p[8]),
                "text_hash": p[9],
            }
        # the same customer's other tickets, by address or id rather than a shared name
        # (console/store/identity.py)
        history = tuple(
            _queue_row(r)
            for r in self.conn.execute(
                f"SELECT {_QUEUE_COLUMNS} FROM tickets WHERE customer_key != '' AND "
                "customer_key = (SELECT customer_key FROM tickets WHERE id = ?) AND id != ? "
                "ORDER BY created_ts DESC LIMIT 20",
                (ticket_id, ticket_id),
            )
        )
        return TicketDetail(
            id=row[0],
            subject=row[1],
            customer=row[2],
            order_id=row[3],
            channel=row[4],
            created_at=row[5],
            status=row[6],
            language=row[7],
            metadata=json.loads(row[8]),
            messages=messages,
            prediction=prediction,
            sentiment_override=row[10],
            category_override=row[11],
            history=history,
        )

    # -- agent actions --------------------------------------------------------------------
    def correct(self, ticket_id: str, field: str, value: str, agent: str) -> None:
        """Record an agent's override of the sentiment or category, with what it replaces."""
        if field not in ("sentiment", "category"):
            raise ValueError(f"cannot correct {field!r}")
        self.transaction(
            f"the {field} of ticket {ticket_id}",
            lambda: self._correct(ticket_id, field, value, agent),
        )

    def _correct(self, ticket_id: str, field: str, value: str, agent: str) -> None:
        """The writes of :meth:`correct`, inside a transaction already open."""
        # read inside the write transaction: what the override replaces is what it sees
        detail = self.ticket(ticket_id)
        old = detail.sentiment if field == "sentiment" else detail.category
        prediction = detail.prediction or {}
        stamp = now_iso()
        self.conn.execute(
            f"UPDATE tickets SET {field}_override = ?, updated_at = ? WHERE id = ?",
            (value, stamp, ticket_id),
        )
        self.conn.execute(
            "INSERT INTO corrections (ticket_id, field, old_value, new_value, model_version, "
            "prediction_id, prediction, text, language, agent, created_at, author_role) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "(SELECT role FROM users WHERE name = ?))",
            (
                ticket_id,
                field,
                old,
                value,
                prediction.get("model_version"),
                prediction.get("id"),
                _prediction_json(prediction),
                _detail_text(detail),
                detail.language,
                agent,
                stamp,
                agent,
            ),
        )
        self.audit(f"correct_{field}", ticket_id, {"from": old, "to": value}, agent)

    def import_labels(
        self, labels: Sequence[LabelDraft], author: str, source: str, rejected: int = 0
    ) -> LabelsOutcome:
        """Store ``labels`` as corrections by ``author``, all in one transaction, and audit
        the import once; returns the labels left out because their ticket is not stored and
        how many corrections were made or were already there.

        A label without a stored ticket but with a text gets one: a solved ticket of channel
        ``labels`` holding
        the text as its only customer message (the corrections table ties every correction
        to a ticket, and the text a correction keeps is read from its ticket). ``rejected``
        counts the rows the caller could not read, for the audit row. A label that is
        already the latest correction of its field by ``author`` is not stored again, so
        importing a file twice changes nothing.
        """

        def run() -> LabelsOutcome:
            stamp = now_iso()
            unknown: list[LabelDraft] = []
            corrections = already = 0
            for label in labels:
                ticket_id = label.ticket_id
                if ticket_id is not None and label.text.strip():
                    # a row from another store's export: its ticket may not be here, but
                    # the text it was given for is, and keeps the label
                    known = self.conn.execute(
                        "SELECT 1 FROM tickets WHERE id = ?", (ticket_id,)
                    ).fetchone()
                    ticket_id = ticket_id if known else None
                if ticket_id is None:
                    ticket_id = label_ticket_id(label.text)
                    self._upsert(
                        TicketDraft(
                            id=ticket_id,
                            subject="",
                            messages=(MessageDraft("customer", label.text, stamp),),
                            channel=LABELS_CHANNEL,
                            created_at=stamp,
                            status="solved",
                            timed=False,
                        ),
                        stamp,
                    )
                elif not self.conn.execute(
                    "SELECT 1 FROM tickets WHERE id = ?", (ticket_id,)
                ).fetchone():
                    unknown.append(label)
                    continue
                text = _detail_text(self.ticket(ticket_id))
                given = [
                    (field, value)
                    for field, value in (
                        ("sentiment", label.sentiment),
                        ("category", label.category),
                    )
                    if value is not None
                    # the same file imported again: the label is already this author's
                    and self._latest_correction(ticket_id, field) != (value, author, text)
                ]
                already += not given
                for field, value in given:
                    self._correct(ticket_id, field, value, author)
                    corrections += 1
            self.audit(
                "labels_import",
                None,
                {
                    "source": source,
                    "imported": len(labels) - len(unknown),
                    "corrections": corrections,
                    "already_stored": already,
                    "rejected": rejected + len(unknown),
                },
                author,
            )
            return LabelsOutcome(tuple(unknown), corrections, already)

        return self.transaction(f"the labels of {source} (none of them was stored)", run)

    def _latest_correction(self, ticket_id: str, field: str) -> tuple[str, str, str] | None:
        """(value, author, text) of the newest correction of ``field`` on the ticket."""
        row = self.conn.execute(
            "SELECT new_value, agent, text FROM corrections WHERE ticket_id = ? AND field = ? "
            "ORDER BY id DESC LIMIT 1",
            (ticket_id, field),
        ).fetchone()
        return None if row is None else (row[0], row[1], row[2])

    def save_reply(self, reply: ReplyRecord, agent: str, new_status: str = "pending") -> None:
        """Store a sent reply, append it to the thread and move the ticket to ``new_status``.

        The reply keeps the model version, the prediction and the sentiment/category shown
        when it was sent.
        """
        self.transaction(
            f"the reply to ticket {reply.ticket_id}",
            lambda: self.record_reply(reply, agent, new_status),
        )

    def record_reply(
        self,
        reply: ReplyRecord,
        agent: str,
        new_status: str = "pending",
        sent_at: str | None = None,
    ) -> None:
        """:meth:`save_reply`'s writes inside a transaction already open (a service
        composing a write of its own, or many replies loaded at once); ``sent_at`` (ISO 8601)
        is when it was sent, now when None."""
        self._require_transaction("a reply")
        stamp = sent_at or now_iso()
        detail = self.ticket(reply.ticket_id)
        prediction = detail.prediction or {}
        (seq,) = self.conn.execute(
            "SELECT COALESCE(MAX(seq), -1) + 1 FROM messages WHERE ticket_id = ?",
            (reply.ticket_id,),
        ).fetchone()
        message = self.conn.execute(
            "INSERT INTO messages (ticket_id, seq, author, body, created_at, origin) "
            "VALUES (?, ?, 'agent', ?, ?, 'console')",
            (reply.ticket_id, seq, reply.body, stamp),
        )
        self.conn.execute(
            "INSERT INTO replies (ticket_id, body, suggestion, template_id, edit_distance, "
            "edit_ratio, seconds_to_reply, from_scratch, agent, sent_at, message_id, "
            "model_version, prediction_id, prediction, sentiment, category) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                reply.ticket_id,
                reply.body,
                reply.suggestion,
                reply.template_id,
                reply.edit_distance,
                reply.edit_ratio,
                reply.seconds_to_reply,
                int(reply.from_scratch),
                agent,
                stamp,
                message.lastrowid,
                prediction.get("model_version"),
                prediction.get("id"),
                _prediction_json(prediction) if prediction else None,
                detail.sentiment,
                detail.category,
            ),
        )
        self.conn.execute(
            "UPDATE tickets SET status = ?, status_by_agent = 1, updated_at = ? WHERE id = ?",
            (new_status, stamp, reply.ticket_id),
        )
        self.audit(
            "reply",
            reply.ticket_id,
            {"template": reply.template_id, "edit_distance": reply.edit_distance},
            agent,
        )

    def set_status(self, ticket_id: str, status: str, agent: str) -> None:
        def run() -> None:
            cursor = self.conn.execute(
                "UPDATE tickets SET status = ?, status_by_agent = 1, updated_at = ? WHERE id = ?",
                (status, now_iso(), ticket_id),
            )
            if cursor.rowcount == 0:
                raise KeyError(ticket_id)
            self.audit("status", ticket_id, {"to": status}, agent)

        self.transaction(f"the status of ticket {ticket_id}", run)

    # -- learning -------------------------------------------------------------------------
    def label_events(self) -> list[LabelRow]:
        """Every correction, oldest first, with the role of its author.

        The role is the one the author had when the correction was made; an author without
        an account then (a store from before accounts recorded the OS user name) counts as an
        agent, the weaker role, so that an unverifiable name never outranks a supervisor.
        """
        return [
            LabelRow(*row)
            for row in self.conn.execute(
                "SELECT c.id, c.ticket_id, c.field, c.new_value, c.text, c.language, c.agent, "
                f"{_AUTHOR_ROLE}, c.created_at FROM corrections c ORDER BY c.id"
            )
        ]

    # -- trends -------------------------------------------------------------------------
    # Aggregates for the Trends dashboard and the report (console.services.trends), over the
    # conversations created in a time range: imported labels are no conversations and are
    # left out, and the sentiment and category that count are an agent's override over the
    # model's, as everywhere else.
    def trend_counts(self, edges: Sequence[float]) -> list[TrendCount]:
        """Per bucket ``[edges[i], edges[i + 1])`` (epoch seconds) and per category, channel
        and language: the conversations created then, how many are scored, how many are
        negative. One indexed range query per bucket: bucket edges are local midnights (or
        hours), which no fixed arithmetic on epoch seconds gives across a DST change."""
        out: list[TrendCount] = []
        for bucket, (start, end) in enumerate(itertools.pairwise(edges)):
            cursor = self.conn.execute(
                "SELECT COALESCE(category_override, category) AS c, channel, language, "
                "COUNT(*), COUNT(COALESCE(sentiment_override, sentiment)), "
                "TOTAL(COALESCE(sentiment_override, sentiment) = 'negative') "
                "FROM tickets WHERE created_ts >= ? AND created_ts < ? AND channel != ? "
                "GROUP BY c, channel, language",
                (start, end, LABELS_CHANNEL),
            )
            out += [
                TrendCount(bucket, c, ch, lang, int(n), int(scored), int(neg))
                for c, ch, lang, n, scored, neg in cursor
            ]
        return out

    def reply_waits(self, since: float, until: float) -> list[ReplyWait]:
        """Every conversation created in ``[since, until)`` with the time of the customer's
        first message, of the first agent message at or after it (as the reply SLA rule
        reads them) and the account that sent that one from the console, oldest first."""
        first_customer = _epoch_sql("MIN(julianday(m.created_at))", julian=True)
        cursor = self.conn.execute(
            "WITH span AS (SELECT id, created_ts, status FROM tickets "
            "WHERE created_ts >= ? AND created_ts < ? AND channel != ?), "
            f"firsts AS (SELECT m.ticket_id, {first_customer} AS at "
            "FROM messages m JOIN span s ON s.id = m.ticket_id "
            "WHERE m.author = 'customer' GROUP BY m.ticket_id), "
            # SQLite gives a bare column beside MIN() from the row holding the minimum
            f"answers AS (SELECT a.ticket_id, a.id AS message_id, "
            f"MIN({_epoch_sql('a.created_at')}) AS at FROM messages a "
            "JOIN firsts f ON f.ticket_id = a.ticket_id "
            f"WHERE a.author = 'agent' AND {_epoch_sql('a.created_at')} >= f.at "
            "GROUP BY a.ticket_id) "
            "SELECT s.id, s.created_ts, s.status, f.at, r.at, "
            "(SELECT p.agent FROM replies p WHERE p.ticket_id = s.id "
            "AND p.message_id = r.message_id) "
            "FROM span s LEFT JOIN firsts f ON f.ticket_id = s.id "
            "LEFT JOIN answers r ON r.ticket_id = s.id ORDER BY s.created_ts, s.id",
            (since, until, LABELS_CHANNEL),
        )
        return [ReplyWait(*row) for row in cursor]

    def ticket_texts(
        self, since: float, until: float, sentiment: str = "negative"
    ) -> list[TicketText]:
        """The customer's words (what the model reads) of the conversations created in
        ``[since, until)`` whose sentiment is ``sentiment``, oldest first."""
        cursor = self.conn.execute(
            "SELECT t.id, t.created_ts, t.language, t.subject, m.body FROM tickets t "
            "LEFT JOIN messages m ON m.ticket_id = t.id AND m.author = 'customer' "
            "WHERE t.created_ts >= ? AND t.created_ts < ? AND t.channel != ? "
            "AND COALESCE(t.sentiment_override, t.sentiment) = ? "
            "ORDER BY t.created_ts, t.id, m.seq",
            (since, until, LABELS_CHANNEL, sentiment),
        )
        out = []
        for (tid, created, language, subject), rows in itertools.groupby(
            cursor, key=lambda r: r[:4]
        ):
            bodies = [body for *_, body in rows if body is not None]
            out.append(TicketText(tid, float(created), language, scored_text(subject, bodies)))
        return out

    def reply_facts(self, since: float, until: float) -> list[ReplyFact]:
        """The replies sent from the console in ``[since, until)``, oldest first."""
        at = _epoch_sql("sent_at")
        return [
            ReplyFact(tid, agent, template, bool(scratch), float(ratio), float(sent))
            for tid, agent, template, scratch, ratio, sent in self.conn.execute(
                f"SELECT ticket_id, agent, template_id, from_scratch, edit_ratio, {at} AS at "
                "FROM replies WHERE at >= ? AND at < ? ORDER BY at, id",
                (since, until),
            )
        ]

    def relabel_facts(self, since: float, until: float) -> list[RelabelFact]:
        """The corrections accounts made themselves in ``[since, until)`` (not a review's
        decisions, not imported labels' tickets), oldest first."""
        at = _epoch_sql("c.created_at")
        return [
            RelabelFact(tid, agent, field, float(made))
            for tid, agent, field, made in self.conn.execute(
                f"SELECT c.ticket_id, c.agent, c.field, {at} AS at FROM corrections c "
                "JOIN tickets t ON t.id = c.ticket_id "
                "WHERE at >= ? AND at < ? AND t.channel != ? "
                "AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.correction_id = c.id) "
                "ORDER BY at, c.id",
                (since, until, LABELS_CHANNEL),
            )
        ]

    # -- flags ----------------------------------------------------------------------------
    # The rules live in console.services.flags; the store keeps their results, marks the
    # tickets they must look at again (schema triggers), and answers the review list.
    def _require_transaction(self, what: str) -> None:
        if not self.conn.in_transaction:
            raise AssertionError(f"{what} must run inside TicketStore.transaction()")

    def use_flag_settings(self, fingerprint: str) -> bool:
        """Record the flag settings the rules now run with; when they differ from the last
        ones, every ticket becomes stale (its flags were computed with other thresholds).
        Returns whether they differed."""

        def run() -> bool:
            row = self.conn.execute("SELECT value FROM flag_meta WHERE key = 'settings'").fetchone()
            if row is not None and row[0] == fingerprint:
                return False
            self.conn.execute("UPDATE flag_state SET stale = 1 WHERE stale = 0")
            self.conn.execute(
                "INSERT INTO flag_meta (key, value) VALUES ('settings', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (fingerprint,),
            )
            return True

        return self.transaction("the flag settings in use", run)

    def flags_due(self, now: float, limit: int) -> list[str]:
        """Tickets whose flags must be computed again: changed since (stale), or reaching a
        time at which a rule may fire (``now`` in epoch seconds)."""
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT ticket_id FROM flag_state WHERE stale = 1 "
                "UNION SELECT ticket_id FROM flag_state WHERE recheck_at <= ? LIMIT ?",
                (now, limit),
            )
        ]

    def flag_facts(self, ids: Iterable[str]) -> list[FlagFacts]:
        """What the flag rules read about each of ``ids`` (unknown ids are left out)."""
        return [f for f in (self._flag_facts(tid) for tid in ids) if f is not None]

    def _flag_facts(self, ticket_id: str) -> FlagFacts | None:
        row = self.conn.execute(
            "SELECT t.channel, t.status, t.customer, t.created_ts, t.subject, t.negativity, "
            "t.sentiment, t.category, p.probabilities, t.customer_key "
            "FROM tickets t LEFT JOIN predictions p ON p.id = t.prediction_id WHERE t.id = ?",
            (ticket_id,),
        ).fetchone()
        if row is None:
            return None
        channel, status, customer, created_ts, subject, negativity, sentiment, category = row[:8]
        probs, key = row[8:]
        confidence = None
        if probs is not None and sentiment is not None:
            value = json.loads(probs).get(sentiment)
            confidence = None if value is None else float(value)
        thread = self.conn.execute(
            "SELECT author, body, created_at FROM messages WHERE ticket_id = ? ORDER BY seq",
            (ticket_id,),
        ).fetchall()
        customer_times = [_epoch(c) for a, _, c in thread if a == "customer"]
        first_customer = min(customer_times, default=None)
        first_reply = None
        if first_customer is not None:
            first_reply = min(
                (t for a, _, c in thread if a == "agent" and (t := _epoch(c)) >= first_customer),
                default=None,
            )
        latest: dict[str, AgentLabel] = {}
        for field, value, author in self.conn.execute(
            "SELECT c.field, c.new_value, c.agent FROM corrections c "
            f"WHERE c.ticket_id = ? AND {_AUTHOR_ROLE} != 'supervisor' ORDER BY c.id",
            (ticket_id,),
        ):
            latest[field] = AgentLabel(field, value, author)
        edits = tuple(
            ReplyEdit(float(ratio), agent, template)
            for ratio, agent, template in self.conn.execute(
                "SELECT edit_ratio, agent, template_id FROM replies "
                "WHERE ticket_id = ? AND from_scratch = 0 ORDER BY id",
                (ticket_id,),
            )
        )
        previous = following = None
        if key:
            contact = (
                "SELECT id, created_ts FROM tickets WHERE customer_key = ? AND id != ? "
                f"AND channel != '{LABELS_CHANNEL}' AND created_ts "
            )
            before = self.conn.execute(
                contact + "<= ? ORDER BY created_ts DESC, id LIMIT 1",
                (key, ticket_id, created_ts),
            ).fetchone()
            after = self.conn.execute(
                contact + "> ? ORDER BY created_ts, id LIMIT 1", (key, ticket_id, created_ts)
            ).fetchone()
            previous = None if before is None else Contact(before[0], float(before[1]))
            following = None if after is None else Contact(after[0], float(after[1]))
        return FlagFacts(
            id=ticket_id,
            channel=channel,
            status=status,
            customer=customer,
            created_at=float(created_ts),
            negativity=negativity,
            sentiment=sentiment,
            category=category,
            confidence=confidence,
            agent_labels=tuple(latest[f] for f in sorted(latest)),
            customer_text="\n".join([subject, *(b for a, b, _ in thread if a == "customer")]),
            first_customer_at=first_customer,
            first_reply_at=first_reply,
            reply_edits=edits,
            previous_contact=previous,
            next_contact=following,
        )

    def write_flags(
        self, results: Sequence[tuple[str, Sequence[FlagReason], float | None]]
    ) -> list[str]:
        """Store what the rules found, inside a transaction already open: for each ticket
        its reasons (none: not flagged) and when time alone may change them (epoch seconds).

        A reason that keeps firing keeps the time it was first raised (its detail follows
        the facts); one that stops is dropped. A ticket flagged for the first time opens;
        a closed flag opens again when a reason it did not have fires. Returns the tickets
        whose flag opened or reopened.
        """
        self._require_transaction("writing flags")
        stamp = now_iso()
        opened: list[str] = []
        for ticket_id, reasons, recheck_at in results:
            state = self.conn.execute(
                "SELECT status FROM flag_state WHERE ticket_id = ?", (ticket_id,)
            ).fetchone()
            if state is None:
                continue  # the ticket is gone
            current = {
                r: (d, p)
                for r, d, p in self.conn.execute(
                    "SELECT reason, detail, params FROM flags WHERE ticket_id = ?", (ticket_id,)
                )
            }
            found = {
                r.reason: (r.detail, json.dumps(r.params, ensure_ascii=False, sort_keys=True))
                for r in reasons
            }
            gone = [r for r in current if r not in found]
            new = [r for r in found if r not in current]
            self.conn.executemany(
                "DELETE FROM flags WHERE ticket_id = ? AND reason = ?",
                [(ticket_id, r) for r in gone],
            )
            self.conn.executemany(
                "UPDATE flags SET detail = ?, params = ? WHERE ticket_id = ? AND reason = ?",
                [
                    (d, p, ticket_id, r)
                    for r, (d, p) in found.items()
                    if r in current and current[r] != (d, p)
                ],
            )
            self.conn.executemany(
                "INSERT INTO flags (ticket_id, reason, detail, params, raised_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [(ticket_id, r, *found[r], stamp) for r in new],
            )
            status = state[0]
            if not found:
                self.conn.execute(
                    "UPDATE flag_state SET status = NULL, opened_at = NULL, closed_by = NULL, "
                    "closed_at = NULL WHERE ticket_id = ?",
                    (ticket_id,),
                )
            elif status is None or (status == "closed" and new):
                self.conn.execute(
                    "UPDATE flag_state SET status = 'open', opened_at = ?, closed_by = NULL, "
                    "closed_at = NULL WHERE ticket_id = ?",
                    (stamp, ticket_id),
                )
                opened.append(ticket_id)
                if status == "closed":
                    self.audit(
                        "flag_reopen",
                        ticket_id,
                        {"new_reasons": new},
                        before={"status": "closed"},
                        after={"status": "open"},
                    )
            self.conn.execute(
                "UPDATE flag_state SET stale = 0, recheck_at = ?, checked_at = ? "
                "WHERE ticket_id = ?",
                (recheck_at, stamp, ticket_id),
            )
        return opened

    def flagged(self, where: FlagFilter, ids: Iterable[str] | None = None) -> list[FlaggedTicket]:
        """Flagged tickets matching ``where`` (and among ``ids`` if given), most negative
        first, each with every reason it is flagged for."""
        conditions = ["s.status IS NOT NULL"]
        params: list[Any] = []
        if where.status is not None:
            conditions.append("s.status = ?")
            params.append(where.status)
        if where.reasons:
            conditions.append(
                "EXISTS (SELECT 1 FROM flags f WHERE f.ticket_id = t.id AND f.reason IN "
                f"({', '.join('?' * len(where.reasons))}))"
            )
            params += where.reasons
        if where.agent is not None:
            conditions.append(
                f"EXISTS (SELECT 1 FROM ({_TICKET_AGENTS}) a "
                "WHERE a.ticket_id = t.id AND a.agent = ? COLLATE NOCASE)"
            )
            params.append(where.agent)
        if where.category is not None:
            conditions.append("COALESCE(t.category_override, t.category) = ?")
            params.append(where.category)
        if where.since is not None:
            conditions.append("t.created_ts >= ?")
            params.append(where.since)
        if where.until is not None:
            conditions.append("t.created_ts < ?")
            params.append(where.until)
        if where.coaching is not None:
            conditions.append("s.coaching = ?")
            params.append(int(where.coaching))
        if ids is not None:
            conditions.append("t.id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(list(ids)))
        rows = self.conn.execute(
            "SELECT t.id, t.customer, t.subject, t.preview, t.created_ts, t.negativity, "
            "COALESCE(t.sentiment_override, t.sentiment), t.sentiment, "
            "COALESCE(t.category_override, t.category), t.category, s.status, s.opened_at, "
            "s.closed_by, s.closed_at, s.coaching "
            "FROM flag_state s JOIN tickets t ON t.id = s.ticket_id "
            f"WHERE {' AND '.join(conditions)} "
            "ORDER BY t.negativity IS NULL, t.negativity DESC, t.created_ts, t.id",
            params,
        ).fetchall()
        found = [r[0] for r in rows]
        reasons: dict[str, list[RaisedFlag]] = {tid: [] for tid in found}
        agents: dict[str, list[str]] = {tid: [] for tid in found}
        for start in range(0, len(found), 500):
            chunk = json.dumps(found[start : start + 500])
            for tid, reason, detail, raised_at, figures in self.conn.execute(
                "SELECT ticket_id, reason, detail, raised_at, params FROM flags "
                "WHERE ticket_id IN (SELECT value FROM json_each(?)) ORDER BY raised_at, id",
                (chunk,),
            ):
                reasons[tid].append(RaisedFlag(reason, detail, raised_at, _params(figures)))
            for tid, agent in self.conn.execute(
                f"SELECT ticket_id, agent FROM ({_TICKET_AGENTS}) "
                "WHERE ticket_id IN (SELECT value FROM json_each(?)) ORDER BY at",
                (chunk,),
            ):
                if agent in agents[tid]:
                    agents[tid].remove(agent)  # listed once, where it last handled the ticket
                agents[tid].append(agent)
        return [
            FlaggedTicket(
                id=tid,
                customer=customer,
                subject=subject,
                preview=preview,
                created_at=created_ts,
                negativity=negativity,
                sentiment=sentiment,
                predicted_sentiment=predicted,
                category=category,
                predicted_category=predicted_category,
                status=status,
                reasons=tuple(reasons[tid]),
                agents=tuple(agents[tid]),
                opened_at=opened_at,
                closed_by=closed_by,
                closed_at=closed_at,
                coaching=bool(coaching),
            )
            for (
                tid,
                customer,
                subject,
                preview,
                created_ts,
                negativity,
                sentiment,
                predicted,
                category,
                predicted_category,
                status,
                opened_at,
                closed_by,
                closed_at,
                coaching,
            ) in rows
        ]

    def replies(self, ticket_id: str) -> list[ReplyView]:
        """The replies sent to a ticket from the console, oldest first."""
        return [
            ReplyView(rid, body, suggestion, template, float(ratio), bool(scratch), agent, sent)
            for rid, body, suggestion, template, ratio, scratch, agent, sent in self.conn.execute(
                "SELECT id, body, suggestion, template_id, edit_ratio, from_scratch, agent, "
                "sent_at FROM replies WHERE ticket_id = ? ORDER BY id",
                (ticket_id,),
            )
        ]

    def corrections(self, ticket_id: str) -> list[CorrectionView]:
        """A ticket's corrections, oldest first, with their authors' roles (see
        :meth:`label_events` for authors without an account)."""
        return [
            CorrectionView(cid, field, old, new, author, role, at, bool(from_review))
            for cid, field, old, new, author, role, at, from_review in self.conn.execute(
                "SELECT c.id, c.field, c.old_value, c.new_value, c.agent, "
                f"{_AUTHOR_ROLE}, c.created_at, "
                "EXISTS (SELECT 1 FROM reviews r WHERE r.correction_id = c.id) "
                "FROM corrections c WHERE c.ticket_id = ? ORDER BY c.id",
                (ticket_id,),
            )
        ]

    def reviews(self, ticket_id: str) -> list[ReviewRecord]:
        """The review actions taken on a ticket, oldest first."""
        return [
            ReviewRecord(*row)
            for row in self.conn.execute(
                "SELECT id, reviewer, action, field, value, comment, created_at FROM reviews "
                "WHERE ticket_id = ? ORDER BY id",
                (ticket_id,),
            )
        ]

    def record_correction(self, ticket_id: str, field: str, value: str, author: str) -> int:
        """:meth:`correct`'s writes inside a transaction already open (a service composing
        a write of its own); returns the correction's id."""
        self._require_transaction("a correction")
        if field not in ("sentiment", "category"):
            raise ValueError(f"cannot correct {field!r}")
        self._correct(ticket_id, field, value, author)
        (cid,) = self.conn.execute(
            "SELECT MAX(id) FROM corrections WHERE ticket_id = ?", (ticket_id,)
        ).fetchone()
        return int(cid)

    def add_review(
        self,
        ticket_id: str,
        reviewer: str,
        action: str,
        *,
        field: str | None = None,
        value: str | None = None,
        correction_id: int | None = None,
        comment: str = "",
    ) -> int:
        """Append a review record, inside a transaction already open; returns its id."""
        self._require_transaction("a review record")
        cursor = self.conn.execute(
            "INSERT INTO reviews (ticket_id, reviewer, action, field, value, correction_id, "
            "comment, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (ticket_id, reviewer, action, field, value, correction_id, comment, now_iso()),
        )
        return int(cursor.lastrowid or 0)

    def set_coaching(self, ticket_id: str, coaching: bool) -> bool:
        """Mark a ticket for coaching or not, inside a transaction already open; returns
        whether it was marked before."""
        self._require_transaction("marking for coaching")
        row = self.conn.execute(
            "SELECT coaching FROM flag_state WHERE ticket_id = ?", (ticket_id,)
        ).fetchone()
        if row is None:
            raise KeyError(ticket_id)
        self.conn.execute(
            "UPDATE flag_state SET coaching = ? WHERE ticket_id = ?", (int(coaching), ticket_id)
        )
        return bool(row[0])

    def close_flag(self, ticket_id: str, closed_by: str) -> None:
        """Close a ticket's open flag, inside a transaction already open."""
        self._require_transaction("closing a flag")
        self.conn.execute(
            "UPDATE flag_state SET status = 'closed', closed_by = ?, closed_at = ? "
            "WHERE ticket_id = ? AND status = 'open'",
            (closed_by, now_iso(), ticket_id),
        )

    # -- spike alerts ---------------------------------------------------------------------
    def scored_stream(self, since: float | None = None) -> list[StreamTicket]:
        """The scored conversations created at or after ``since`` (epoch seconds; all when
        None), oldest first, with the sentiment and category that count: an agent's override
        over the model's. Imported labels are no conversations and are left out."""
        cursor = self.conn.execute(
            "SELECT id, created_ts, COALESCE(category_override, category), "
            "COALESCE(sentiment_override, sentiment) FROM tickets "
            "WHERE created_ts >= ? AND channel != ? "
            "AND COALESCE(sentiment_override, sentiment) IS NOT NULL "
            "ORDER BY created_ts, id",
            (-math.inf if since is None else since, LABELS_CHANNEL),
        )
        return [StreamTicket(i, float(at), c, s) for i, at, c, s in cursor]

    def save_alerts(self, alerts: Sequence[SpikeAlert], cooldown: float) -> list[AlertRecord]:
        """Store the alerts that are new, inside a transaction already open: one of a
        category that already has an alert fired less than ``cooldown`` seconds before or
        after it is the same incident seen again. Returns the stored ones."""
        self._require_transaction("saving alerts")
        saved = []
        for alert in alerts:
            near = self.conn.execute(
                "SELECT 1 FROM alerts WHERE category = ? AND fired_ts > ? AND fired_ts < ?",
                (alert.category, alert.fired_at - cooldown, alert.fired_at + cooldown),
            ).fetchone()
            if near is not None:
                continue
            stamp = now_iso()
            cursor = self.conn.execute(
                "INSERT INTO alerts (category, fired_at, fired_ts, window_start, window_end, "
                "share, baseline, volume, negatives, p_value, tickets, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    alert.category,
                    iso_time(alert.fired_at),
                    alert.fired_at,
                    iso_time(alert.window_start),
                    iso_time(alert.window_end),
                    alert.share,
                    alert.baseline,
                    alert.volume,
                    alert.negatives,
                    alert.p_value,
                    json.dumps(list(alert.tickets)),
                    stamp,
                ),
            )
            saved.append(AlertRecord(int(cursor.lastrowid or 0), alert, stamp))
        return saved

    def alerts(self, limit: int = 200, ids: Iterable[int] | None = None) -> list[AlertRecord]:
        """Stored alerts, latest fired first (only ``ids`` when given)."""
        where, params = "", tuple[int, ...]()
        if ids is not None:
            wanted = tuple(ids)
            where = f"WHERE id IN ({', '.join('?' for _ in wanted)})" if wanted else "WHERE 0"
            params = wanted
        cursor = self.conn.execute(
            "SELECT id, category, fired_ts, window_start, window_end, share, baseline, volume, "
            "negatives, p_value, tickets, created_at, acknowledged_by, acknowledged_at "
            f"FROM alerts {where} ORDER BY fired_ts DESC, id DESC LIMIT ?",
            (*params, limit),
        )
        return [_alert_record(row) for row in cursor]

    def acknowledge_alert(self, alert_id: int, by: str) -> None:
        """Mark an alert acknowledged, inside a transaction already open."""
        self._require_transaction("acknowledging an alert")
        self.conn.execute(
            "UPDATE alerts SET acknowledged_by = ?, acknowledged_at = ? WHERE id = ?",
            (by, now_iso(), alert_id),
        )

    # -- reply templates ------------------------------------------------------------------
    # The shipped templates are package data; the store keeps only supervisors' versions,
    # which console.services.template_edits lays over them.
    def template_revision(self) -> int:
        """A number that grows with every write to the templates (from any process): what
        was built from them at one revision is current while it stays the same."""
        row = self.conn.execute("SELECT revision FROM template_revision WHERE id = 1").fetchone()
        return 0 if row is None else int(row[0])

    def template_rows(self) -> list[TemplateRow]:
        """Every stored template version, by id."""
        return [
            _template_row(r)
            for r in self.conn.execute(f"SELECT {_TEMPLATE_COLUMNS} FROM templates ORDER BY id")
        ]

    def template_row(self, template_id: str) -> TemplateRow | None:
        row = self.conn.execute(
            f"SELECT {_TEMPLATE_COLUMNS} FROM templates WHERE id = ?", (template_id,)
        ).fetchone()
        return None if row is None else _template_row(row)

    def put_template_row(
        self,
        template_id: str,
        *,
        language: str,
        title: str,
        body: str,
        sentiments: Sequence[str],
        categories: Sequence[str],
        retired: bool,
        updated_by: str,
    ) -> TemplateRow:
        """Store a template version (replacing the stored one of its id), inside a
        transaction already open; returns it as stored."""
        self._require_transaction("saving a template")
        revision = self._bump_template_revision()
        self.conn.execute(
            f"INSERT INTO templates ({_TEMPLATE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET language = excluded.language, "
            "title = excluded.title, body = excluded.body, sentiments = excluded.sentiments, "
            "categories = excluded.categories, retired = excluded.retired, "
            "revision = excluded.revision, updated_by = excluded.updated_by, "
            "updated_at = excluded.updated_at",
            (
                template_id,
                language,
                title,
                body,
                json.dumps(list(sentiments)),
                json.dumps(list(categories)),
                int(retired),
                revision,
                updated_by,
                now_iso(),
            ),
        )
        row = self.template_row(template_id)
        assert row is not None  # written just above, in this transaction
        return row

    def remove_template_row(self, template_id: str) -> bool:
        """Drop the stored version of a template (the shipped one shows again), inside a
        transaction already open; returns whether there was one."""
        self._require_transaction("removing a template")
        cursor = self.conn.execute("DELETE FROM templates WHERE id = ?", (template_id,))
        if not cursor.rowcount:
            return False
        self._bump_template_revision()
        return True

    def _bump_template_revision(self) -> int:
        self.conn.execute("UPDATE template_revision SET revision = revision + 1 WHERE id = 1")
        return self.template_revision()

    def template_usage(self) -> dict[str, TemplateUsage]:
        """Per template id: the replies sent from it and how much agents changed them."""
        return {
            tid: TemplateUsage(tid, int(uses), float(ratio))
            for tid, uses, ratio in self.conn.execute(
                "SELECT template_id, COUNT(*), AVG(edit_ratio) FROM replies "
                "WHERE template_id IS NOT NULL GROUP BY template_id"
            )
        }

    # -- accounts -------------------------------------------------------------------------
    def user_row(self, name: str) -> UserRow | None:
        """The account called ``name`` in any (ASCII) case, or None."""
        row = self.conn.execute(
            f"SELECT {_USER_COLUMNS} FROM users WHERE name = ?", (name,)
        ).fetchone()
        return None if row is None else _user_row(row)

    def users(self) -> list[UserRow]:
        """All accounts, by name."""
        return [
            _user_row(r)
            for r in self.conn.execute(f"SELECT {_USER_COLUMNS} FROM users ORDER BY name")
        ]

    def user_count(self) -> int:
        (n,) = self.conn.execute("SELECT COUNT(*) FROM users").fetchone()
        return int(n)

    def add_user_row(self, name: str, role: str, password_hash: str, actor: str | None) -> bool:
        """Add an account and its audit row in one transaction.

        With ``actor`` None this is the store's first account, added only while there is
        none. Otherwise ``actor`` must still be an enabled supervisor when the transaction
        runs: another process may have disabled it since it logged in. Returns False, having
        stored nothing, when that condition fails. The hash never reaches the audit log.
        """

        def run() -> bool:
            if actor is None:
                allowed = self.user_count() == 0
            else:
                allowed = (
                    self.conn.execute(
                        "SELECT 1 FROM users WHERE name = ? AND role = 'supervisor' "
                        "AND disabled = 0",
                        (actor,),
                    ).fetchone()
                    is not None
                )
            if not allowed:
                return False
            self.conn.execute(
                "INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                (name, role, password_hash, now_iso()),
            )
            self.audit(
                "user_add",
                None,
                {"name": name, "first_account": actor is None},
                name if actor is None else actor,
                after={"name": name, "role": role, "disabled": False},
            )
            return True

        return self.transaction(f"the account {name}", run)

    def update_user_row(
        self,
        name: str,
        actor: str,
        *,
        disabled: bool | None = None,
        role: str | None = None,
        password_hash: str | None = None,
        check: Callable[[Sequence[UserRow]], None] | None = None,
    ) -> UserRow | None:
        """Change an account and audit it (before/after, never the hash) in one transaction.

        ``actor`` must still be an enabled supervisor when it runs, else nothing changes and
        None is returned. ``check`` sees every account as it would be after the change and
        raises to refuse it. A new password clears the failed-login count.
        """

        def run() -> UserRow | None:
            by_actor = self.user_row(actor)
            if by_actor is None or by_actor.disabled or by_actor.role != "supervisor":
                return None
            before = self.user_row(name)
            if before is None:
                raise KeyError(name)
            after = replace(
                before,
                disabled=before.disabled if disabled is None else disabled,
                role=before.role if role is None else role,
            )
            if check is not None:
                check([after if u.name == before.name else u for u in self.users()])
            self.conn.execute(
                "UPDATE users SET disabled = ?, role = ? WHERE name = ?",
                (int(after.disabled), after.role, before.name),
            )
            if password_hash is not None:
                self.conn.execute(
                    "UPDATE users SET password_hash = ?, failed_logins = 0, last_failed_at = NULL"
                    " WHERE name = ?",
                    (password_hash, before.name),
                )
            shown = ("role", "disabled")
            self.audit(
                "user_update",
                None,
                {"name": before.name, "password_reset": password_hash is not None},
                actor,
                before={k: getattr(before, k) for k in shown},
                after={k: getattr(after, k) for k in shown},
            )
            return self.user_row(before.name)

        return self.transaction(f"the account {name}", run)

    def start_login_attempt(
        self, name: str, at: float, wait: Callable[[UserRow], float]
    ) -> tuple[UserRow | None, float]:
        """Count a login attempt for ``name`` at ``at`` (epoch seconds) as failed, unless
        ``wait(account)`` says it comes too soon.

        Returns the account as it was before this attempt (None for an unknown name) and the
        seconds still to wait. When that is 0 the attempt has been counted and may go ahead;
        :meth:`clear_login_failures` cancels the count once the password proves right.
        Checking and counting in one transaction means two processes cannot both slip
        through one wait, and an attempt cut short (a crash mid-check) counts as failed.
        """

        def run() -> tuple[UserRow | None, float]:
            user = self.user_row(name)
            if user is None:
                return None, 0.0
            left = wait(user)
            if left > 0:
                return user, left
            self.conn.execute(
                "UPDATE users SET failed_logins = failed_logins + 1, last_failed_at = ? "
                "WHERE name = ?",
                (at, name),
            )
            return user, 0.0

        return self.transaction(f"the login attempt of {name}", run)

    def clear_login_failures(self, name: str) -> None:
        self.transaction(
            f"the login of {name}",
            lambda: self.conn.execute(
                "UPDATE users SET failed_logins = 0, last_failed_at = NULL WHERE name = ?",
                (name,),
            ),
        )

    def rows(self, table: str) -> list[dict[str, Any]]:
        """All rows of a table (for exports and tests)."""
        return list(self.db[table].rows)

    def audit(
        self,
        action: str,
        ticket_id: str | None,
        details: dict[str, Any],
        actor: str = "system",
        *,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        """Append an audit row (rows are never changed: the schema refuses UPDATE and DELETE).

        ``before`` and ``after`` are the state an action replaced and the state it left.
        """
        self.conn.execute(
            "INSERT INTO audit (at, actor, action, ticket_id, details, before, after) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                now_iso(),
                actor,
                action,
                ticket_id,
                json.dumps(details, ensure_ascii=False),
                _json_or_null(before),
                _json_or_null(after),
            ),
        )

    def audit_entries(self, actions: Sequence[str]) -> list[dict[str, Any]]:
        """The audit rows of these actions, oldest first, with ``details``, ``before`` and
        ``after`` decoded (None where a row has none)."""
        marks = ", ".join("?" for _ in actions)
        cursor = self.conn.execute(
            "SELECT at, actor, action, ticket_id, details, before, after FROM audit "
            f"WHERE action IN ({marks}) ORDER BY id",
            tuple(actions),
        )
        return [
            {
                "at": at,
                "actor": actor,
                "action": action,
                "ticket_id": ticket_id,
                "details": json.loads(details) if details else {},
                "before": json.loads(before) if before else None,
                "after": json.loads(after) if after else None,
            }
            for at, actor, action, ticket_id, details, before, after in cursor
        ]

    def prediction_outcomes(self, version: str, since: str | None) -> list[PredictionOutcome]:
        """Every ticket's latest prediction by model ``version`` made at or after ``since``
        (an ISO time; None: any time), with the last label a person gave that very
        prediction: an agent's override, a supervisor's review decision or an imported
        label. Tickets made by a labels import are not the queue's and are left out.

        Thread: the database worker."""
        cursor = self.conn.execute(
            "SELECT p.ticket_id, p.id, p.label, p.category, "
            "(SELECT c.new_value FROM corrections c WHERE c.ticket_id = p.ticket_id "
            " AND c.prediction_id = p.id AND c.field = 'sentiment' ORDER BY c.id DESC LIMIT 1), "
            "(SELECT c.new_value FROM corrections c WHERE c.ticket_id = p.ticket_id "
            " AND c.prediction_id = p.id AND c.field = 'category' ORDER BY c.id DESC LIMIT 1) "
            "FROM predictions p JOIN tickets t ON t.id = p.ticket_id "
            "WHERE t.channel != ? AND p.id IN ("
            " SELECT MAX(id) FROM predictions WHERE model_version = ? "
            # julianday() reads the time zone suffix, so times written differently compare
            " AND (? IS NULL OR julianday(scored_at) >= julianday(?)) GROUP BY ticket_id) "
            "ORDER BY p.id",
            (LABELS_CHANNEL, version, since, since),
        )
        return [PredictionOutcome(*row) for row in cursor]


#: Who handled each ticket, and when: repliers and relabellers, not a review's decisions.
_TICKET_AGENTS = (
    "SELECT ticket_id, agent, sent_at AS at FROM replies "
    "UNION ALL SELECT c.ticket_id, c.agent, c.created_at FROM corrections c "
    "WHERE NOT EXISTS (SELECT 1 FROM reviews r WHERE r.correction_id = c.id)"
)


def _epoch_sql(value: str, julian: bool = False) -> str:
    """SQL for the epoch seconds (to the millisecond) of an ISO 8601 time column (naive times
    are UTC, as in :func:`parse_time`), or of a Julian day number when ``julian``."""
    day = value if julian else f"julianday({value})"
    return f"ROUND(({day} - 2440587.5) * 86400.0, 3)"


#: A correction's author's role when it was made (see :meth:`TicketStore.label_events`).
_AUTHOR_ROLE = "COALESCE(c.author_role, 'agent')"
_USER_COLUMNS = "name, role, password_hash, created_at, disabled, failed_logins, last_failed_at"


_TEMPLATE_COLUMNS = (
    "id, language, title, body, sentiments, categories, retired, revision, updated_by, updated_at"
)


def _template_row(row: Sequence[Any]) -> TemplateRow:
    tid, language, title, body, sentiments, categories, retired, revision, by, at = row
    return TemplateRow(
        id=tid,
        language=language,
        title=title,
        body=body,
        sentiments=tuple(json.loads(sentiments)),
        categories=tuple(json.loads(categories)),
        retired=bool(retired),
        revision=int(revision),
        updated_by=by,
        updated_at=at,
    )


def _user_row(row: Sequence[Any]) -> UserRow:
    name, role, password_hash, created_at, disabled, failed_logins, last_failed_at = row
    return UserRow(
        name=name,
        role=role,
        password_hash=password_hash,
        created_at=created_at,
        disabled=bool(disabled),
        failed_logins=int(failed_logins),
        last_failed_at=None if last_failed_at is None else float(last_failed_at),
    )


def iso_time(epoch: float) -> str:
    """Epoch seconds as an ISO 8601 UTC time."""
    return datetime.fromtimestamp(epoch, UTC).isoformat()


def _alert_record(row: Sequence[Any]) -> AlertRecord:
    (alert_id, category, fired_ts, start, end, share, baseline, volume, negatives, p_value) = row[
        :10
    ]
    tickets, created_at, acknowledged_by, acknowledged_at = row[10:]
    alert = SpikeAlert(
        category=category,
        fired_at=float(fired_ts),
        window_start=parse_time(start),
        window_end=parse_time(end),
        share=float(share),
        baseline=float(baseline),
        volume=int(volume),
        negatives=int(negatives),
        p_value=float(p_value),
        tickets=tuple(json.loads(tickets)),
    )
    return AlertRecord(int(alert_id), alert, created_at, acknowledged_by, acknowledged_at)


def _json_or_null(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _params(text: str | None) -> dict[str, Any]:
    """A flag reason's stored figures (see :class:`FlagReason`); {} when there are none."""
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _epoch(value: str) -> float:
    try:
        return parse_time(value)
    except (ValueError, OverflowError):
        return math.inf


def _keep_stored_times(
    incoming: Sequence[tuple[str, str, str]], imported: Sequence[tuple[str, str, str]]
) -> list[tuple[str, str, str]]:
    """``incoming`` with the stored time of each message that is already stored in place."""
    kept = list(incoming)
    for i, (author, body, _) in enumerate(incoming[: len(imported)]):
        if imported[i][:2] != (author, body):
            break
        kept[i] = (author, body, imported[i][2])
    return kept


def _detail_text(detail: TicketDetail) -> str:
    """What the model reads for a stored ticket (see :func:`scored_text`)."""
    return scored_text(detail.subject, [m.body for m in detail.messages if m.author == "customer"])


def _thread_fields(subject: str, thread: Sequence[Sequence[str]]) -> dict[str, str]:
    """The ticket columns derived from its thread of (author, body, time): the queue's
    preview of the newest customer message and the hash of the text the model reads."""
    customer_bodies = [body for author, body, _ in thread if author == "customer"]
    last_customer = customer_bodies[-1] if customer_bodies else ""
    return {
        "preview": " ".join(last_customer.split())[:PREVIEW_CHARS],
        "text_hash": _hash(scored_text(subject, customer_bodies)),
    }


def _new_messages(
    stored: Sequence[tuple[str, str, str]],
    incoming: Sequence[tuple[str, str, str]],
    *,
    timed: bool,
) -> list[tuple[str, str, str]]:
    """The messages of a re-imported thread (author, body, time) that are not stored yet.

    A message is known by its author, text and time; in a file without times (they stand
    in as the import time) by its author and text. Nothing stored is replaced or dropped:
    a follow-up export often holds only the newest messages, and times are often coarse
    (a day, or the ticket's own time given to each of its messages), so neither a missing
    message nor a shared time says that a stored one was meant to go. A message whose text
    changed is therefore added beside the old one. Exact matches are paired first, and a
    text repeated in the thread is matched as many times as it is stored.
    """
    left = Counter(stored)
    pending = [m for m in incoming if not _take(left, m)]
    if timed:
        return pending
    loose = Counter((author, body) for author, body, _ in left.elements())
    return [m for m in pending if not _take(loose, m[:2])]


def _take(counts: Counter[Any], key: Any) -> bool:
    """Use up one of ``key`` in ``counts``; False when none is left."""
    if counts[key] <= 0:
        return False
    counts[key] -= 1
    return True


def _customer_wrote_after(
    added: Sequence[tuple[str, str, str]], console: Sequence[Sequence[Any]]
) -> bool:
    """Whether a newly imported customer message is newer than the last console message."""
    last_console = max(_epoch(m[3]) for m in console)
    return any(a == "customer" and _epoch(c) > last_console for a, _, c in added)


def _prediction_json(prediction: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in prediction.items() if k != "explanation"})


def _spans_json(spans: Sequence[Span]) -> str:
    return json.dumps([[s.start, s.end, s.weight] for s in spans])


def spans_from_json(data: Sequence[Sequence[float]] | None) -> tuple[Span, ...]:
    return tuple(Span(int(a), int(b), float(w)) for a, b, w in data or ())
