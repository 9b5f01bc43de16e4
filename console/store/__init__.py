"""The ticket store (SQLite) and the importers that feed it. No Qt."""

from console.store.importers import SUPPORTED_SUFFIXES, parse_file, parse_files
from console.store.records import (
    STATUSES,
    ImportReport,
    MessageDraft,
    MessageView,
    QueueRow,
    Rejection,
    ReplyDraft,
    ReplyRecord,
    TicketDetail,
    TicketDraft,
)
from console.store.schema import SCHEMA_VERSION, StoreVersionError
from console.store.store import (
    StoreError,
    TicketStore,
    scored_parts,
    scored_text,
    spans_from_json,
)

__all__ = [
    "SCHEMA_VERSION",
    "STATUSES",
    "SUPPORTED_SUFFIXES",
    "ImportReport",
    "MessageDraft",
    "MessageView",
    "QueueRow",
    "Rejection",
    "ReplyDraft",
    "ReplyRecord",
    "StoreError",
    "StoreVersionError",
    "TicketDetail",
    "TicketDraft",
    "TicketStore",
    "parse_file",
    "parse_files",
    "scored_parts",
    "scored_text",
    "spans_from_json",
]
