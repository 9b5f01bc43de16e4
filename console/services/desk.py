"""The console's services for one data directory, without any Qt.

The window calls these through its workers (database calls on the single database worker,
model calls on the model worker); headless runs call them directly, in order.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from console.services.editing import finish_reply
from console.services.scoring import explain_ticket, spans_by_part
from console.services.templates import Suggestion, TemplateLibrary, TicketContext
from console.store import ImportReport, ReplyDraft, TicketDetail, TicketStore, parse_file
from inference import (
    ActiveScorer,
    SentimentScorer,
    detect_language,
    models_dir,
    open_active_scorer,
)

log = logging.getLogger(__name__)

STORE_FILE = "sentidesk.db"


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


def open_scorer(root: Path, threads: int | None = None) -> ActiveScorer[SentimentScorer]:
    """Thread: model worker. The active model version, or the nearest one that loads (with a
    notice saying so) when the active one is missing or broken. A provisional version loads
    too (``provisional`` is set on the result): a fresh machine scores with it until its
    default model is built, and the caller says so."""
    return open_active_scorer(models_dir(root), threads=threads, provisional=True)


def background_threads() -> int:
    """Inference threads for scoring behind a window: leave a core to the GUI thread."""
    return max(1, (os.cpu_count() or 2) - 1)


def import_path(store: TicketStore, path: Path) -> ImportReport:
    """Thread: database worker (parsing is cheap next to the transaction).

    The packaged demo queue is imported as the window loads it, moved in time so that its
    newest message is minutes old (:func:`console.services.demo.import_demo`): whoever
    opens the demo (``sentidesk import``, ``headless``) expects today's queue, and the
    file's fixed dates would make every unanswered ticket look days overdue. Any other file
    keeps its times: how long its customers have waited is what they did wait."""
    from console.services.demo import DEMO_FILE, import_demo

    if path.resolve() == DEMO_FILE.resolve():
        return import_demo(store, path)
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


def send_reply(store: TicketStore, draft: ReplyDraft, agent: str) -> None:
    """Thread: database worker. Measure the agent's edits and store the reply."""
    store.save_reply(finish_reply(draft), agent)


def describe_import(report: ImportReport) -> str:
    """One line for the status bar or the terminal: what an import did."""
    text = (
        f"{report.source}: {report.added} new, {report.updated} updated, "
        f"{report.unchanged} unchanged, {len(report.rejected)} rejected"
    )
    if report.kept:
        text += f"; agents' replies, overrides and status kept on {report.kept}"
    if report.reopened:
        text += f"; {report.reopened} reopened (the customer wrote again)"
    return text


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


def explanation_for(scorer: SentimentScorer, detail: TicketDetail) -> list[dict[str, Any]]:
    """Spans (per subject/message part) that pushed this ticket's negativity up or down."""
    customer = [m.body for m in detail.messages if m.author == "customer"]
    spans = explain_ticket(scorer, detail.subject, customer)
    return [s.__dict__ for s in spans_by_part(detail.subject, customer, spans)]
