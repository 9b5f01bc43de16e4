"""Turning import files (CSV, JSONL, .eml) into ticket drafts, with per-row rejections.

A file that cannot be read at all raises :class:`InputFileError`; a readable file yields the
rows it could take plus a reason for each row it could not, so every row of a file is either
in a draft or in a :class:`Rejection` (``file:line`` and why). Nothing here touches the store.

Rows sharing an id, in CSV and JSONL alike, are one thread in file order: each later row
adds its messages (its ``messages`` list, or its one text) to the thread, and the ticket's
other fields (subject, customer, status...) come from the first of those rows.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from console.store.mail import read_mail
from console.store.records import (
    AUTHORS,
    MAX_MESSAGES,
    OPTIONAL_FIELDS,
    STATUSES,
    MessageDraft,
    Rejection,
    TicketDraft,
)
from console.store.store import scored_text
from inference import InputFileError
from inference.inputs import TEXT_COLUMNS, InputRow, ReadResult, read_file_bytes, read_rows

SUPPORTED_SUFFIXES = (".csv", ".jsonl", ".json", ".eml")
#: Columns with a meaning of their own; every other column is kept as ticket metadata (so is
#: a second text column when the row's text came from another one).
KNOWN_COLUMNS = {
    "id",
    "subject",
    "customer",
    "order_id",
    "channel",
    "created_at",
    "status",
    "messages",
}

# Size limits of what one imported ticket may hold. A value over a limit rejects its row with
# the reason, except the subject, which is a one-line summary: a longer one is cut to the
# limit and ends in "…" rather than cost the customer's message.
MAX_TEXT_CHARS = 100_000
MAX_ID_CHARS = 200
MAX_CUSTOMER_CHARS = 200
MAX_SUBJECT_CHARS = 500
MAX_ORDER_ID_CHARS = 100
MAX_CHANNEL_CHARS = 50
#: The metadata (every other column) as UTF-8 JSON.
MAX_METADATA_BYTES = 20_000

EML_ID_PREFIX = "eml-"
_TEXT_COLUMNS = ", ".join(TEXT_COLUMNS)


class _RejectError(ValueError):
    """Why one row cannot become (part of) a ticket."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _show(value: object) -> str:
    """A value quoted for a reason, short enough to read in a list of rejections."""
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "…"


def _kind(value: object) -> str:
    names = {dict: "an object", list: "a list", bool: "true/false", type(None): "null"}
    return names.get(type(value), type(value).__name__)


_SLASHED_DATE = re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?=$|[ T])")
_EPOCH = re.compile(r"\d{10}(\.\d+)?|\d{13}")
_SHORT_HOUR = re.compile(r"(\d{4}-\d{2}-\d{2}[ T])(\d:\d{2})")


def _seconds(text: str) -> float:
    """Epoch seconds of a time as exports write it: ISO 8601, ``2026/11/01 10:00`` (or with
    dots), or epoch seconds (10 digits) or milliseconds (13). A time without a zone is the
    machine's local time: a shop's export writes the time its staff see, and the console
    shows and reports days in local time too."""
    text = text.strip()
    if _EPOCH.fullmatch(text):
        value = float(text)
        return value / 1000 if len(text) == 13 else value
    slashed = _SLASHED_DATE.match(text)
    if slashed:
        year, month, day = slashed.groups()
        text = f"{year}-{int(month):02d}-{int(day):02d}" + text[slashed.end() :]
    # spreadsheets drop the leading zero of an hour: "2026-11-01 9:05"
    text = _SHORT_HOUR.sub(r"\g<1>0\g<2>", text)
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _time(value: Any, what: str = "created_at") -> str:
    """An ISO time (UTC) for a time string or epoch seconds; now when there is none."""
    if value is None or value == "":
        return _now()
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _RejectError(f"{what} must be a time, not {_kind(value)}")
    try:
        seconds = _seconds(value) if isinstance(value, str) else float(value)
        return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")
    except (ValueError, OverflowError, OSError) as exc:
        # Out of datetime's range (1e20, year 10000), not a number (NaN) or not a time.
        raise _RejectError(f"unreadable {what} {_show(value)}") from exc


def _text_field(record: dict[str, Any], name: str, limit: int, default: str = "") -> str:
    value = record.get(name)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _RejectError(f"{name} must be text, not {_kind(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise _RejectError(f"{name} must be text, not {value}")
    text = str(value).replace("\x00", "").strip()
    if len(text) > limit:
        raise _RejectError(f"{name} of {len(text)} characters exceeds {limit}")
    return text or default


def _subject(record: dict[str, Any]) -> str:
    subject = _text_field(record, "subject", MAX_TEXT_CHARS)
    if len(subject) > MAX_SUBJECT_CHARS:
        return subject[: MAX_SUBJECT_CHARS - 1].rstrip() + "…"
    return subject


def _clean(text: str, what: str = "text") -> str:
    text = text.replace("\x00", "").strip()
    if len(text) > MAX_TEXT_CHARS:
        raise _RejectError(f"{what} of {len(text)} characters exceeds {MAX_TEXT_CHARS}")
    return text


def _metadata(record: dict[str, Any], used: set[str]) -> dict[str, Any]:
    metadata = {k: v for k, v in record.items() if k not in used and v not in ("", None)}
    try:
        encoded = json.dumps(metadata, ensure_ascii=False, allow_nan=False, sort_keys=True)
    except ValueError as exc:
        raise _RejectError("metadata holds a number that is not finite (NaN or Infinity)") from exc
    size = len(encoded.encode("utf-8"))
    if size > MAX_METADATA_BYTES:
        raise _RejectError(f"metadata of {size} bytes exceeds {MAX_METADATA_BYTES}")
    return metadata


def _messages(raw: list[Any], created: str) -> list[MessageDraft]:
    if len(raw) > MAX_MESSAGES:
        raise _RejectError(f"{len(raw)} messages exceed {MAX_MESSAGES} per ticket")
    messages: list[MessageDraft] = []
    for i, m in enumerate(raw, 1):
        if not isinstance(m, dict):
            raise _RejectError(f"message {i} is not an object")
        author = m.get("author", "customer")
        if author not in AUTHORS:
            raise _RejectError(f"message {i} has unknown author {_show(author)}")
        body = next((m[k] for k in ("text", "body") if m.get(k) is not None), "")
        if not isinstance(body, str):
            raise _RejectError(f"message {i} text must be text, not {_kind(body)}")
        body = _clean(body, f"message {i}")
        if not body:
            raise _RejectError(f"message {i} is empty")
        when = m.get("created_at")
        when = created if when is None or when == "" else _time(when, f"message {i} created_at")
        messages.append(MessageDraft(author, body, when))
    return messages


def _thread(
    record: dict[str, Any], text: str, text_column: str, created: str
) -> tuple[list[MessageDraft], bool]:
    """The messages one row brings, and whether its text column was one of them.

    A row's ``messages`` list is its thread; its text, when it has one too, opens the thread
    unless the thread already holds it (an export that repeats it as the ticket's
    description). A row without a thread is one customer message: its text.
    """
    raw_messages = record.get("messages")
    if raw_messages is not None and not isinstance(raw_messages, list):
        raise _RejectError(f"messages must be a list, not {_kind(raw_messages)}")
    if raw_messages:
        messages = _messages(raw_messages, created)
        body = _clean(text) if text else ""
        if not body:
            return messages, False
        if " ".join(body.split()) not in {" ".join(m.body.split()) for m in messages}:
            messages.insert(0, MessageDraft("customer", body, created))
            if len(messages) > MAX_MESSAGES:
                raise _RejectError(f"{len(messages)} messages exceed {MAX_MESSAGES} per ticket")
        return messages, True
    if not text_column:
        raise _RejectError(f"no text (expected a messages list or a column {_TEXT_COLUMNS})")
    body = _clean(text)
    if not body:
        raise _RejectError("empty text")
    return [MessageDraft("customer", body, created)], True


def row_text(row: InputRow) -> str:
    """What the model reads for a CSV or JSONL row imported as a ticket: its subject and its
    customer's messages, as the queue scores that ticket (:func:`scored_text`).

    Raises ``ValueError`` with the reason an import would give when the row brings no
    customer text (an empty text, a malformed or agent-only ``messages`` thread).
    """
    messages, _ = _thread(row.fields, row.text, row.text_column, "")
    bodies = [m.body for m in messages if m.author == "customer"]
    if not bodies:
        raise _RejectError("no customer message")
    return scored_text(_subject(row.fields), bodies)


def _draft(record: dict[str, Any], text: str, text_column: str) -> TicketDraft:
    tid = _text_field(record, "id", MAX_ID_CHARS)
    if not tid:
        raise _RejectError("missing id")
    created = _time(record.get("created_at"))
    timed = record.get("created_at") not in (None, "")
    messages, text_used = _thread(record, text, text_column, created)
    used = set(KNOWN_COLUMNS) | ({text_column} if text_used else set())
    status = _text_field(record, "status", MAX_TEXT_CHARS, "open").lower()
    if status not in STATUSES:
        raise _RejectError(f"unknown status {_show(status)}")
    metadata = _metadata(record, used)
    # an empty cell says no more than a missing column does
    given = tuple(f for f in OPTIONAL_FIELDS if record.get(f) not in (None, ""))
    return TicketDraft(
        id=tid,
        subject=_subject(record),
        messages=tuple(messages),
        customer=_text_field(record, "customer", MAX_CUSTOMER_CHARS),
        order_id=_text_field(record, "order_id", MAX_ORDER_ID_CHARS),
        channel=_text_field(record, "channel", MAX_CHANNEL_CHARS, "email"),
        created_at=created,
        status=status,
        metadata=metadata,
        timed=timed,
        given=given,
    )


def read_table(path: Path) -> ReadResult:
    """The rows of a CSV or JSONL import file (InputFileError when it cannot be read).

    JSONL rows may carry a ``messages`` thread instead of a text column, so they are read
    without one; CSV rows always have one text per row, so a CSV without a text column is
    refused.
    """
    return read_rows(path, require_text=path.suffix.lower() == ".csv")


def parse_table(path: Path) -> tuple[list[TicketDraft], list[Rejection]]:
    """CSV or JSONL rows; rows sharing an id become one thread (in file order)."""
    result = read_table(path)
    rejected = [(e.line, Rejection(f"{path.name}:{e.line}", e.reason)) for e in result.errors]
    drafts: dict[str, TicketDraft] = {}
    for row in result.rows:
        try:
            draft = _draft(row.fields, row.text, row.text_column)
            prior = drafts.get(draft.id)
            if prior is not None:
                count = len(prior.messages) + len(draft.messages)
                if count > MAX_MESSAGES:
                    raise _RejectError(
                        f"thread {_show(draft.id)} would have {count} messages, "
                        f"more than {MAX_MESSAGES}"
                    )
                draft = dataclasses.replace(prior, messages=prior.messages + draft.messages)
            if not any(m.author == "customer" for m in draft.messages):
                raise _RejectError("no customer message")
            drafts[draft.id] = draft
        except _RejectError as exc:
            rejected.append((row.line, Rejection(f"{path.name}:{row.line}", str(exc))))
    rejected.sort(key=lambda pair: pair[0])
    return list(drafts.values()), [r for _, r in rejected]


#: "Re:", "Fwd:" and their translations that mail clients put before a subject ("Re[2]:").
_REPLY_PREFIX = re.compile(
    r"^\s*(?:(?:re|aw|sv|vs|antw|fwd?|wg|回复|答复|转发)\s*(?:\[\d+\])?\s*[:：]\s*)+",
    re.IGNORECASE,
)


def eml_ticket_id(message_id: str, data: bytes) -> str:
    """The ticket id of an e-mail: its whole Message-ID, or a SHA-1 when that cannot be.

    A Message-ID too long for an id, or not printable, is hashed whole (never cut: two
    Message-IDs may share a long beginning); a mail without one is known by its bytes.
    """
    mid = "".join(message_id.split())
    if not mid:
        return EML_ID_PREFIX + hashlib.sha1(data).hexdigest()
    if len(EML_ID_PREFIX) + len(mid) <= MAX_ID_CHARS and mid.isprintable() and mid.isascii():
        return EML_ID_PREFIX + mid
    return EML_ID_PREFIX + hashlib.sha1(mid.encode("utf-8", "surrogateescape")).hexdigest()


def parse_eml(path: Path) -> tuple[list[TicketDraft], list[Rejection]]:
    data = read_file_bytes(path)
    mail = read_mail(data)
    if not mail.has_headers:
        raise InputFileError(f"{path}: not an e-mail message (no From or Subject header)")
    if mail.problem:
        return [], [Rejection(path.name, mail.problem)]
    # A display name too long for the customer field still leaves the address to show.
    name = mail.sender_name if len(mail.sender_name) <= MAX_CUSTOMER_CHARS else ""
    try:
        created = _time(mail.date.isoformat()) if mail.date else None
    except _RejectError:
        created = None  # a mail was sent at some time; an absurd Date header is no reason
    answers = bool(mail.thread_root)
    record = {
        # a reply opens its ticket under the mail that started its conversation, unless the
        # store knows where a mail it answers went (TicketStore._follow_up_target)
        "id": eml_ticket_id(mail.thread_root if answers else mail.message_id, data),
        "subject": _REPLY_PREFIX.sub("", mail.subject) if answers else mail.subject,
        "customer": name or mail.sender_address,
        "channel": "email",
        "created_at": created,
        "email": mail.sender_address,
    }
    try:
        draft = _draft(record, mail.body, "text")  # its one message is the customer's
    except _RejectError as exc:
        return [], [Rejection(path.name, str(exc))]
    mail_key = eml_ticket_id(mail.message_id, data) if mail.message_id else ""
    draft = dataclasses.replace(draft, mail_key=mail_key)
    if answers:
        # The customer wrote again: the ticket is open, and everything else about it
        # (subject, when it was opened) stays as the conversation's first mail set it.
        answered = [eml_ticket_id(m, data) for m in mail.answers]
        draft = dataclasses.replace(
            draft,
            given=("status",),
            status="open",
            follow_up=True,
            answers=tuple(dict.fromkeys(answered)),
        )
    return [draft], []


def parse_file(path: str | Path) -> tuple[list[TicketDraft], list[Rejection]]:
    """Drafts and rejections from any supported file; raises InputFileError if unreadable."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputFileError(
            f"{path.name}: unsupported file type (use {', '.join(SUPPORTED_SUFFIXES)})"
        )
    return parse_eml(path) if suffix == ".eml" else parse_table(path)


def parse_files(paths: Sequence[Path]) -> tuple[list[TicketDraft], list[Rejection]]:
    drafts: list[TicketDraft] = []
    rejected: list[Rejection] = []
    for path in paths:
        d, r = parse_file(path)
        drafts += d
        rejected += r
    return drafts, rejected
