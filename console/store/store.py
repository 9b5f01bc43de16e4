"""The ticket store: SQLite (WAL) through sqlite-utils.

Thread: every method runs on the single database worker thread (see
``console.qt.workers``); the connection is opened with ``check_same_thread=False`` only so
that the worker that opens it need not be the one that first uses it. Writes are serialized
by that one worker, and each public write method is one transaction: it fully happens or
not at all.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from console.store.records import (
    ImportReport,
    MessageView,
    QueueRow,
    Rejection,
    ReplyRecord,
    TicketDetail,
    TicketDraft,
)
from console.store.schema import migrate
from inference import Prediction, SentideskError, Span

log = logging.getLogger(__name__)

PREVIEW_CHARS = 140
#: The customer text scored for the queue keeps its most recent part.
SCORED_TEXT_CHARS = 2000


class StoreError(SentideskError):
    """The store cannot be opened or written (disk full, permissions, corrupt file)."""


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


_QUEUE_COLUMNS = """id, negativity, COALESCE(sentiment_override, sentiment), sentiment, category,
    category_override, language, customer, subject, preview, channel, created_ts, status"""


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
    )


class TicketStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(path), check_same_thread=False, timeout=10)
            conn.execute("PRAGMA foreign_keys = ON")
            self.db = sqlite_utils.Database(conn)
            if self.db.journal_mode != "wal":
                self.db.enable_wal()
            migrate(conn)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the ticket store {path}: {exc}") from exc
        self.conn = conn

    def close(self) -> None:
        self.conn.close()

    # -- import ---------------------------------------------------------------------------
    def import_tickets(
        self, drafts: Sequence[TicketDraft], source: str, rejected: Sequence[Rejection] = ()
    ) -> ImportReport:
        """Insert new tickets and update known ids, all in one transaction.

        Re-importing the same file changes nothing; a ticket whose customer text changed
        loses its prediction so it is scored again.
        """
        added = updated = unchanged = 0
        stamp = now_iso()
        try:
            with self.conn:
                for draft in drafts:
                    outcome = self._upsert(draft, stamp)
                    added += outcome == "added"
                    updated += outcome == "updated"
                    unchanged += outcome == "unchanged"
                self._audit(
                    "import",
                    None,
                    {
                        "source": source,
                        "added": added,
                        "updated": updated,
                        "rejected": len(rejected),
                    },
                )
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"import of {source} failed, nothing was stored: {exc}") from exc
        return ImportReport(
            source, added, updated, unchanged, tuple(rejected), tuple(d.id for d in drafts)
        )

    def _upsert(self, draft: TicketDraft, stamp: str) -> str:
        customer_bodies = [m.body for m in draft.messages if m.author == "customer"]
        text_hash = _hash(scored_text(draft.subject, customer_bodies))
        last_customer = customer_bodies[-1] if customer_bodies else ""
        preview = " ".join(last_customer.split())[:PREVIEW_CHARS]
        fields = {
            "subject": draft.subject,
            "customer": draft.customer,
            "order_id": draft.order_id,
            "channel": draft.channel,
            "created_at": draft.created_at,
            "created_ts": parse_time(draft.created_at),
            "status": draft.status,
            "metadata": json.dumps(draft.metadata, ensure_ascii=False, sort_keys=True),
            "preview": preview,
            "text_hash": text_hash,
        }
        existing = self.conn.execute(
            "SELECT subject, customer, order_id, channel, created_at, created_ts, status, "
            "metadata, preview, text_hash FROM tickets WHERE id = ?",
            (draft.id,),
        ).fetchone()
        messages = [
            (draft.id, seq, m.author, m.body, m.created_at) for seq, m in enumerate(draft.messages)
        ]
        if existing is None:
            self.conn.execute(
                "INSERT INTO tickets (id, subject, customer, order_id, channel, created_at, "
                "created_ts, status, metadata, preview, text_hash, imported_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (draft.id, *fields.values(), stamp, stamp),
            )
            self.conn.executemany(
                "INSERT INTO messages (ticket_id, seq, author, body, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                messages,
            )
            return "added"
        old = dict(zip(fields, existing, strict=True))
        stored_messages = self.conn.execute(
            "SELECT ticket_id, seq, author, body, created_at FROM messages WHERE ticket_id = ? "
            "ORDER BY seq",
            (draft.id,),
        ).fetchall()
        if old == fields and [tuple(m) for m in stored_messages] == messages:
            return "unchanged"
        sets = ", ".join(f"{k} = ?" for k in fields)
        self.conn.execute(
            f"UPDATE tickets SET {sets}, updated_at = ? WHERE id = ?",
            (*fields.values(), stamp, draft.id),
        )
        if [tuple(m) for m in stored_messages] != messages:
            self.conn.execute("DELETE FROM messages WHERE ticket_id = ?", (draft.id,))
            self.conn.executemany(
                "INSERT INTO messages (ticket_id, seq, author, body, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                messages,
            )
        if old["text_hash"] != text_hash:
            self.conn.execute(
                "UPDATE tickets SET negativity = NULL, sentiment = NULL, category = NULL, "
                "model_version = NULL, prediction_id = NULL WHERE id = ?",
                (draft.id,),
            )
        return "updated"

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
        self, model_version: str, limit: int = 64
    ) -> list[tuple[str, str, list[tuple[int, str]]]]:
        """Tickets without a prediction from ``model_version``: (id, text, customer messages)."""
        ids = [
            r[0]
            for r in self.conn.execute(
                "SELECT id FROM tickets WHERE model_version IS NULL OR model_version != ? "
                "ORDER BY created_ts DESC LIMIT ?",
                (model_version, limit),
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
    ) -> None:
        """Store ticket-level predictions (ticket id, scored text, prediction) in one go."""
        stamp = now_iso()
        with self.conn:
            for tid, text, p in tickets:
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
                        _hash(text),
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
            self.conn.executemany(
                "UPDATE messages SET label = ?, negativity = ? WHERE id = ?",
                [(p.label, p.negativity, mid) for mid, p in messages],
            )

    def save_explanation(self, ticket_id: str, spans: Sequence[Span]) -> None:
        with self.conn:
            self.conn.execute(
                "UPDATE predictions SET explanation = ? WHERE id = "
                "(SELECT prediction_id FROM tickets WHERE id = ?)",
                (_spans_json(spans), ticket_id),
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
        history: tuple[QueueRow, ...] = ()
        if row[2]:
            history = tuple(
                _queue_row(r)
                for r in self.conn.execute(
                    f"SELECT {_QUEUE_COLUMNS} FROM tickets WHERE customer = ? AND id != ? "
                    "ORDER BY created_ts DESC LIMIT 20",
                    (row[2], ticket_id),
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
        detail = self.ticket(ticket_id)
        old = detail.sentiment if field == "sentiment" else detail.category
        prediction = detail.prediction or {}
        with self.conn:
            self.conn.execute(
                f"UPDATE tickets SET {field}_override = ?, updated_at = ? WHERE id = ?",
                (value, now_iso(), ticket_id),
            )
            self.conn.execute(
                "INSERT INTO corrections (ticket_id, field, old_value, new_value, model_version, "
                "prediction_id, prediction, text, language, agent, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    ticket_id,
                    field,
                    old,
                    value,
                    prediction.get("model_version"),
                    prediction.get("id"),
                    json.dumps({k: v for k, v in prediction.items() if k != "explanation"}),
                    scored_text(
                        detail.subject, [m.body for m in detail.messages if m.author == "customer"]
                    ),
                    detail.language,
                    agent,
                    now_iso(),
                ),
            )
            self._audit(f"correct_{field}", ticket_id, {"from": old, "to": value}, agent)

    def save_reply(self, reply: ReplyRecord, agent: str, new_status: str = "pending") -> None:
        """Store a sent reply, append it to the thread and move the ticket to ``new_status``."""
        stamp = now_iso()
        with self.conn:
            self.conn.execute(
                "INSERT INTO replies (ticket_id, body, suggestion, template_id, edit_distance, "
                "edit_ratio, seconds_to_reply, from_scratch, agent, sent_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                ),
            )
            (seq,) = self.conn.execute(
                "SELECT COALESCE(MAX(seq), -1) + 1 FROM messages WHERE ticket_id = ?",
                (reply.ticket_id,),
            ).fetchone()
            self.conn.execute(
                "INSERT INTO messages (ticket_id, seq, author, body, created_at) "
                "VALUES (?, ?, 'agent', ?, ?)",
                (reply.ticket_id, seq, reply.body, stamp),
            )
            self.conn.execute(
                "UPDATE tickets SET status = ?, updated_at = ? WHERE id = ?",
                (new_status, stamp, reply.ticket_id),
            )
            self._audit(
                "reply",
                reply.ticket_id,
                {"template": reply.template_id, "edit_distance": reply.edit_distance},
                agent,
            )

    def set_status(self, ticket_id: str, status: str, agent: str) -> None:
        with self.conn:
            self.conn.execute(
                "UPDATE tickets SET status = ?, updated_at = ? WHERE id = ?",
                (status, now_iso(), ticket_id),
            )
            self._audit("status", ticket_id, {"to": status}, agent)

    def rows(self, table: str) -> list[dict[str, Any]]:
        """All rows of a table (for exports and tests)."""
        return list(self.db[table].rows)

    def _audit(
        self, action: str, ticket_id: str | None, details: dict[str, Any], actor: str = "system"
    ) -> None:
        self.conn.execute(
            "INSERT INTO audit (at, actor, action, ticket_id, details) VALUES (?, ?, ?, ?, ?)",
            (now_iso(), actor, action, ticket_id, json.dumps(details, ensure_ascii=False)),
        )


def _spans_json(spans: Sequence[Span]) -> str:
    return json.dumps([[s.start, s.end, s.weight] for s in spans])


def spans_from_json(data: Sequence[Sequence[float]] | None) -> tuple[Span, ...]:
    return tuple(Span(int(a), int(b), float(w)) for a, b, w in data or ())
