"""The console's services for one data directory, without any Qt.

The window calls these through its workers (database calls on the single database worker,
model calls on the model worker); headless runs call them directly, in order.
"""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from console.services.scoring import explain_ticket, score_batch, spans_by_part
from console.services.templates import Suggestion, TemplateLibrary, TicketContext
from console.store import (
    SUPPORTED_SUFFIXES,
    ImportReport,
    TicketDetail,
    TicketStore,
    parse_file,
)
from inference import ModelRegistry, Scorer, detect_language, models_dir

log = logging.getLogger(__name__)

STORE_FILE = "sentidesk.db"
SCORING_BATCH = 64


@dataclass(frozen=True)
class DeskPaths:
    root: Path

    @property
    def store(self) -> Path:
        return self.root / STORE_FILE

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"


def open_store(root: Path) -> TicketStore:
    """Thread: database worker."""
    return TicketStore(DeskPaths(root).store)


def open_scorer(root: Path, threads: int | None = None) -> Scorer:
    """Thread: model worker. Loads the active model version."""
    path = ModelRegistry(models_dir(root)).active_path()
    return Scorer(path, version=path.name, threads=threads)


def background_threads() -> int:
    """Inference threads for scoring behind a window: leave a core to the GUI thread."""
    return max(1, (os.cpu_count() or 2) - 1)


def import_path(store: TicketStore, path: Path) -> ImportReport:
    """Thread: database worker (parsing is cheap next to the transaction)."""
    drafts, rejected = parse_file(path)
    report = store.import_tickets(drafts, path.name, rejected)
    log.info(
        "imported %s: %d added, %d updated, %d rejected",
        path.name,
        report.added,
        report.updated,
        len(report.rejected),
    )
    return report


def new_inbox_files(inbox: Path, seen: frozenset[str]) -> list[Path]:
    """Thread: database worker. Importable files in the inbox not handled yet, by name."""
    if not inbox.is_dir():
        return []
    return sorted(
        p
        for p in inbox.iterdir()
        if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and p.name not in seen
    )


def file_away(inbox: Path, path: Path, report: ImportReport | None) -> None:
    """Thread: database worker. Move a handled inbox file to ``imported/`` (or ``failed/`` when
    it could not be read), with its rejected rows listed beside it."""
    folder = inbox / ("imported" if report is not None else "failed")
    folder.mkdir(exist_ok=True)
    target = folder / path.name
    if path.exists():
        shutil.move(str(path), target)
    if report is not None and report.rejected:
        target.with_suffix(target.suffix + ".rejected.txt").write_text(
            "\n".join(f"{r.where}: {r.reason}" for r in report.rejected), "utf-8"
        )


def score_all_pending(store: TicketStore, scorer: Scorer) -> int:
    """Score every ticket the active model has not scored yet (synchronously, headless)."""
    total = 0
    while pending := store.pending_scoring(scorer.version, SCORING_BATCH):
        batch = score_batch(scorer, pending)
        store.save_predictions(batch.tickets, batch.messages)
        total += len(pending)
        if not batch.tickets:
            break
    return total


def context_for(detail: TicketDetail, agent_name: str) -> TicketContext:
    return TicketContext(
        # unscored tickets have no stored language yet; the text tells
        language=detail.language or detect_language(detail.customer_text),
        sentiment=detail.sentiment,
        category=detail.category,
        text=f"{detail.subject}\n{detail.customer_text}",
        customer=detail.customer,
        order_id=detail.order_id,
        metadata=detail.metadata,
        agent_name=agent_name,
    )


def suggest_for(
    library: TemplateLibrary, detail: TicketDetail, agent_name: str, limit: int = 3
) -> list[Suggestion]:
    return library.suggest(context_for(detail, agent_name), limit)


def explanation_for(scorer: Scorer, detail: TicketDetail) -> list[dict[str, Any]]:
    """Spans (per subject/message part) that pushed this ticket's negativity up or down."""
    customer = [m.body for m in detail.messages if m.author == "customer"]
    spans = explain_ticket(scorer, detail.subject, customer)
    return [s.__dict__ for s in spans_by_part(detail.subject, customer, spans)]
