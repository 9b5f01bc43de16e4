"""The demo queue shipped in resources/demo, moved in time so it looks like today's work."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from console.store import ImportReport, MessageDraft, TicketDraft, TicketStore, parse_file
from console.store.store import parse_time
from inference.resources import resource_path

#: Looked up on import: only the window and tests import this module, and both need it.
DEMO_FILE = resource_path("demo", "tickets.jsonl")


def _shift(value: str, delta: timedelta) -> str:
    moment = datetime.fromtimestamp(parse_time(value), UTC) + delta
    return moment.isoformat(timespec="seconds")


def shifted_to_now(drafts: list[TicketDraft], now: datetime | None = None) -> list[TicketDraft]:
    """Move all timestamps so the newest demo message is a few minutes old."""
    stamps = [parse_time(m.created_at) for d in drafts for m in d.messages]
    if not stamps:
        return drafts
    newest = datetime.fromtimestamp(max(stamps), UTC)
    delta = (now or datetime.now(UTC)) - timedelta(minutes=3) - newest
    return [
        replace(
            d,
            created_at=_shift(d.created_at, delta),
            messages=tuple(
                MessageDraft(m.author, m.body, _shift(m.created_at, delta)) for m in d.messages
            ),
        )
        for d in drafts
    ]


def import_demo(store: TicketStore, path: Path = DEMO_FILE) -> ImportReport:
    """Import the demo queue moved to now (see :func:`shifted_to_now`).

    Its times say when tickets came relative to one another, not when: like a file without
    times, the first import's times stand, so loading the demo again changes nothing rather
    than moving (and re-scoring) every ticket. Thread: database worker."""
    drafts, rejected = parse_file(path)
    moved = [replace(d, timed=False) for d in shifted_to_now(drafts)]
    return store.import_tickets(moved, "demo tickets", rejected)
