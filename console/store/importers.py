"""Turning import files (CSV, JSONL, .eml) into ticket drafts, with per-row rejections.

A file that cannot be read at all raises :class:`InputFileError`; a readable file yields the
rows it could take plus a reason for each row it could not. Nothing here touches the store.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import html
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path
from typing import Any

from console.store.records import STATUSES, MessageDraft, Rejection, TicketDraft
from console.store.store import parse_time
from inference import InputFileError
from inference.inputs import TEXT_COLUMNS, read_rows, read_text_file

SUPPORTED_SUFFIXES = (".csv", ".jsonl", ".json", ".eml")
#: Columns with a meaning of their own; every other column is kept as ticket metadata.
KNOWN_COLUMNS = {
    "id",
    "subject",
    "customer",
    "order_id",
    "channel",
    "created_at",
    "status",
    "messages",
    *TEXT_COLUMNS,
}
MAX_TEXT_CHARS = 100_000


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _time(value: Any, where: str) -> str:
    if value in (None, ""):
        return _now()
    if isinstance(value, int | float):
        return datetime.fromtimestamp(float(value), UTC).isoformat(timespec="seconds")
    try:
        return datetime.fromtimestamp(parse_time(str(value)), UTC).isoformat(timespec="seconds")
    except ValueError as exc:
        raise ValueError(f"unreadable created_at {value!r}") from exc


def _clean(text: str) -> str:
    text = text.replace("\x00", "").strip()
    if len(text) > MAX_TEXT_CHARS:
        raise ValueError(f"text of {len(text)} characters exceeds {MAX_TEXT_CHARS}")
    return text


def _draft(record: dict[str, Any], text: str | None, where: str) -> TicketDraft:
    tid = str(record.get("id") or "").strip()
    if not tid:
        raise ValueError("missing id")
    created = _time(record.get("created_at"), where)
    messages: list[MessageDraft] = []
    raw_messages = record.get("messages")
    if isinstance(raw_messages, list) and raw_messages:
        for i, m in enumerate(raw_messages):
            if not isinstance(m, dict):
                raise ValueError(f"message {i + 1} is not an object")
            author = str(m.get("author", "customer"))
            if author not in ("customer", "agent"):
                raise ValueError(f"message {i + 1} has unknown author {author!r}")
            body = _clean(str(m.get("text") or m.get("body") or ""))
            if not body:
                raise ValueError(f"message {i + 1} is empty")
            messages.append(
                MessageDraft(author, body, _time(m.get("created_at") or created, where))
            )
    else:
        body = _clean(text or "")
        if not body:
            raise ValueError("empty text")
        messages.append(MessageDraft("customer", body, created))
    if not any(m.author == "customer" for m in messages):
        raise ValueError("no customer message")
    status = str(record.get("status") or "open").lower()
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    return TicketDraft(
        id=tid,
        subject=_clean(str(record.get("subject") or ""))[:500],
        messages=tuple(messages),
        customer=str(record.get("customer") or "").strip(),
        order_id=str(record.get("order_id") or "").strip(),
        channel=str(record.get("channel") or "email").strip() or "email",
        created_at=created,
        status=status,
        metadata={
            k: v for k, v in record.items() if k not in KNOWN_COLUMNS and v not in ("", None)
        },
    )


def parse_table(path: Path) -> tuple[list[TicketDraft], list[Rejection]]:
    """CSV or JSONL rows; rows sharing an id become one thread (in file order)."""
    # JSONL rows may carry a "messages" thread instead of a text column, so they are read
    # here; CSV rows always have one text per row.
    rows = read_rows(path, require_text=False)
    drafts: dict[str, TicketDraft] = {}
    rejected: list[Rejection] = []
    for row in rows:
        where = f"{path.name}:{row.line}"
        try:
            draft = _draft(row.fields or {"id": row.id}, row.text, where)
        except (ValueError, TypeError) as exc:
            rejected.append(Rejection(where, str(exc)))
            continue
        if draft.id in drafts:
            prior = drafts[draft.id]
            drafts[draft.id] = TicketDraft(
                **{**prior.__dict__, "messages": prior.messages + draft.messages}
            )
        else:
            drafts[draft.id] = draft
    return list(drafts.values()), rejected


_TAG = re.compile(r"<[^>]+>")


def _email_body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    if part.get_content_type() == "text/html":
        content = html.unescape(_TAG.sub(" ", content))
    # Quoted history ("> ..." lines) is the agent's own earlier text, not the customer's.
    lines = [ln for ln in str(content).splitlines() if not ln.lstrip().startswith(">")]
    return "\n".join(lines).strip()


def parse_eml(path: Path) -> tuple[list[TicketDraft], list[Rejection]]:
    data = read_text_file(path)
    message = email.message_from_string(data, policy=email.policy.default)
    if not isinstance(message, EmailMessage) or not (message.get("From") or message.get("Subject")):
        raise InputFileError(f"{path}: not an e-mail message (no From or Subject header)")
    name, address = parseaddr(str(message.get("From", "")))
    try:
        created = (
            parsedate_to_datetime(str(message["Date"])).isoformat() if message["Date"] else _now()
        )
    except (TypeError, ValueError):
        created = _now()
    message_id = str(message.get("Message-ID", "")).strip("<> ")
    tid = "eml-" + (message_id or hashlib.sha1(data.encode()).hexdigest())[:40]
    record = {
        "id": tid,
        "subject": str(message.get("Subject", "")),
        "customer": name or address,
        "channel": "email",
        "created_at": created,
        "email": address,
    }
    try:
        return [_draft(record, _email_body(message), path.name)], []
    except ValueError as exc:
        return [], [Rejection(path.name, str(exc))]


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
