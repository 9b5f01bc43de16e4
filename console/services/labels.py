"""Labels in and out: corrections brought from another labelling tool, and taken out again.

A file holds one label per row: ``id`` (a stored ticket) or ``text``, then ``label`` (a
sentiment) and/or ``category``. Imported labels are corrections by the account that imports
them, so they count with its role (a supervisor's are gold); an export writes every
correction event, oldest first, as ``{id, text, label, category, author, role, created_at}``.

Thread: the database worker, like the store methods it calls.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from console.services.accounts import (
    Account,
    PermissionDenied,
    require_supervisor,
    still_supervisor,
)
from console.store import (
    MAX_ID_CHARS,
    MAX_TEXT_CHARS,
    LabelDraft,
    Rejection,
    TicketStore,
    label_ticket_id,
)
from inference import DEFAULT_CATEGORIES, SENTIMENTS, SentideskError
from inference.inputs import read_rows

#: First characters that make a spreadsheet read a CSV cell as a formula. A customer's
#: text (or an attacker's, sent as a ticket) such as ``=HYPERLINK(...)`` would run when a
#: supervisor opens the export, so such cells get a leading apostrophe, which spreadsheets
#: show as text and :func:`import_labels` removes again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: Columns of an export, in this order in a CSV.
EXPORT_COLUMNS = ("id", "text", "label", "category", "author", "role", "created_at")
EXPORTING_LABELS = "exporting labels"


@dataclass(frozen=True)
class LabelImportReport:
    """What an import of labels did: rows stored, rows refused and why.

    ``unknown_ids`` are the ticket ids named by rows that were refused because the store
    has no such ticket; those rows are also among ``rejected``.
    """

    source: str
    imported: int
    rejected: tuple[Rejection, ...]
    unknown_ids: tuple[str, ...] = ()
    #: imported rows whose every label was already the importing account's latest
    #: correction (counted in ``imported``, but nothing was stored again)
    already_stored: int = 0


class _RowRejectedError(ValueError):
    """A reason to refuse one row of a labels file."""


def _value(fields: dict[str, Any], key: str, allowed: tuple[str, ...]) -> str | None:
    """The row's ``key``, None when absent or empty; refused unless one of ``allowed``."""
    value = fields.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _RowRejectedError(f"{key} must be text, not {type(value).__name__}")
    cleaned = value.strip().lower()
    if cleaned not in allowed:
        raise _RowRejectedError(f"unknown {key} {value!r}: choose one of {', '.join(allowed)}")
    return cleaned


def _draft(where: str, fields: dict[str, Any], text: str) -> LabelDraft:
    sentiment = _value(fields, "label", SENTIMENTS)
    category = _value(fields, "category", DEFAULT_CATEGORIES)
    if sentiment is None and category is None:
        raise _RowRejectedError("no label and no category")
    raw_id = fields.get("id")
    if raw_id is not None and raw_id != "":
        if isinstance(raw_id, bool) or not isinstance(raw_id, str | int):
            raise _RowRejectedError("id must be text or a whole number")
        ticket_id = str(raw_id).strip()
        if not ticket_id or len(ticket_id) > MAX_ID_CHARS:
            raise _RowRejectedError(f"id must have 1 to {MAX_ID_CHARS} characters")
        if len(text) > MAX_TEXT_CHARS:
            text = ""  # the id alone still labels a stored ticket
        return LabelDraft(where, ticket_id, text, sentiment, category)
    if not text.strip():
        raise _RowRejectedError("neither an id nor a text")
    if len(text) > MAX_TEXT_CHARS:
        raise _RowRejectedError(f"text of {len(text)} characters exceeds {MAX_TEXT_CHARS}")
    return LabelDraft(where, None, text, sentiment, category)


def import_labels(store: TicketStore, account: Account, path: Path) -> LabelImportReport:
    """Store the labels of ``path`` (JSONL, or CSV) as corrections by ``account``, all in one
    transaction, audited once.

    A row that cannot be read or checked is refused with its line and reason; the other rows
    are stored. A row with an ``id`` labels that stored ticket; when no ticket has that id, its
    ``text`` is labelled as a row without an id would be (without a text it is refused);
    a row with only a ``text`` labels a ticket made for it (see ``TicketStore.import_labels``).
    """
    if account.disabled:
        raise PermissionDenied(f"importing labels needs an enabled account; {account.name} is not")
    fmt = "csv" if path.suffix.lower() == ".csv" else "jsonl"
    result = read_rows(path, fmt=fmt, require_text=False)
    rejected = [Rejection(f"line {e.line}", e.reason) for e in result.errors]
    drafts: list[LabelDraft] = []
    for row in result.rows:
        where = f"line {row.line}"
        text = from_csv_cell(row.text) if fmt == "csv" else row.text
        try:
            drafts.append(_draft(where, row.fields, text))
        except _RowRejectedError as exc:
            rejected.append(Rejection(where, str(exc)))
    outcome = store.import_labels(drafts, account.name, path.name, rejected=len(rejected))
    rejected += [
        Rejection(d.where, f"no stored ticket has the id {d.ticket_id!r}") for d in outcome.unknown
    ]
    rejected.sort(key=lambda r: int(r.where.split()[-1]))
    return LabelImportReport(
        source=path.name,
        imported=len(drafts) - len(outcome.unknown),
        rejected=tuple(rejected),
        unknown_ids=tuple(d.ticket_id for d in outcome.unknown if d.ticket_id is not None),
        already_stored=outcome.already_stored,
    )


def describe_label_import(report: LabelImportReport) -> str:
    """One line for the terminal: what an import of labels did."""
    already = f" ({report.already_stored} of them already stored)" if report.already_stored else ""
    return (
        f"{report.source}: {report.imported} labels imported{already}, "
        f"{len(report.rejected)} rejected"
    )


def label_records(store: TicketStore) -> list[dict[str, Any]]:
    """Every correction, oldest first, as an export row.

    A correction on a ticket made for a labelled text alone is written with ``id`` null, so
    that importing it elsewhere makes that ticket again from the text.
    """
    records = []
    for row in store.label_events():
        made_for_label = row.ticket_id == label_ticket_id(row.text)
        records.append(
            {
                "id": None if made_for_label else row.ticket_id,
                "text": row.text,
                "label": row.value if row.field == "sentiment" else None,
                "category": row.value if row.field == "category" else None,
                "author": row.author,
                "role": row.role,
                "created_at": row.created_at,
            }
        )
    return records


def csv_cell(value: object) -> str:
    """``value`` as a CSV cell no spreadsheet runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def from_csv_cell(text: str) -> str:
    """Undo :func:`csv_cell` on a text read from a CSV."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def _write(records: list[dict[str, Any]], out: Path, as_csv: bool) -> Path:
    """``records`` in a temporary file next to ``out``, flushed to disk."""
    fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    temp = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            if as_csv:
                writer = csv.DictWriter(handle, fieldnames=EXPORT_COLUMNS)
                writer.writeheader()
                writer.writerows({k: csv_cell(v) for k, v in r.items()} for r in records)
            else:
                for record in records:
                    handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def export_labels(store: TicketStore, account: Account, out: Path) -> int:
    """Write every correction to ``out`` (JSONL, or CSV for a ``.csv`` name) and return how
    many; supervisors only, audited.

    The file appears whole or not at all: it is written beside ``out`` and renamed over it,
    so a reader never sees half an export and a failed one leaves the old file in place.
    """
    require_supervisor(account, EXPORTING_LABELS)
    if out.is_dir():  # the rename would fail only after the export was audited
        raise SentideskError(f"cannot write {out}: it is a folder")
    records = label_records(store)
    try:
        temp = _write(records, out, as_csv=out.suffix.lower() == ".csv")
    except OSError as exc:
        raise SentideskError(f"cannot write {out}: {exc.strerror or exc}") from exc

    def audit() -> None:
        # a supervisor disabled or demoted by another console since logging in takes nothing
        still_supervisor(store, account, EXPORTING_LABELS)
        store.audit("labels_export", None, {"file": out.name, "rows": len(records)}, account.name)

    try:
        store.transaction(
            f"the audit of the label export to {out.name} (no file was written)", audit
        )
        os.replace(temp, out)
    except OSError as exc:
        raise SentideskError(f"cannot write {out}: {exc.strerror or exc}") from exc
    finally:
        temp.unlink(missing_ok=True)
    return len(records)
