"""``sentidesk headless``: import, score, order and suggest replies without a window."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from console.services.desk import (
    explanation_for,
    import_path,
    open_scorer,
    open_store,
    suggest_for,
)
from console.services.flags import load_flag_settings, refresh_flags
from console.services.queue import QueueOrder, escalating, ordered
from console.services.scoring_loop import score_all_pending
from console.services.template_edits import effective_library


def run_headless(
    root: Path,
    tickets: Path,
    out: Path,
    agent_name: str = "Support team",
    order: QueueOrder = QueueOrder.NEGATIVITY,
) -> dict[str, Any]:
    """Write one JSON line per ticket of ``tickets``, in queue order. Returns a summary."""
    # read first: a malformed settings file must stop the run before anything is imported
    flag_settings = load_flag_settings(root)
    store = open_store(root)
    try:
        report = import_path(store, tickets)
        active = open_scorer(root)
        scorer = active.scorer
        scored = score_all_pending(store, scorer)
        # the queue order reads the escalation flags, as the window's does after each round
        refresh_flags(store, flag_settings)
        library = effective_library(store)
        wanted = set(report.ticket_ids)
        queue = ordered(store.queue_rows(), order, now=time.time())
        rows = [r for r in queue if r.id in wanted]
        with out.open("w", encoding="utf-8") as handle:
            for position, row in enumerate(rows, 1):
                detail = store.ticket(row.id)
                suggestions = suggest_for(library, detail, agent_name, limit=1)
                top = suggestions[0] if suggestions else None
                record = {
                    "id": row.id,
                    "queue_position": position,
                    "prediction": {
                        k: v
                        for k, v in (detail.prediction or {}).items()
                        if k not in ("id", "explanation", "text_hash")
                    },
                    "sentiment": detail.sentiment,
                    "category": detail.category,
                    "escalating": escalating(row),
                    "explanation": explanation_for(scorer, detail),
                    "suggestion": top.text if top else None,
                    "template_id": top.template.id if top else None,
                    "unfilled_placeholders": list(top.unfilled) if top else [],
                }
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        return {
            "imported": report.added,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "kept_agent_work": report.kept,
            "reopened": report.reopened,
            "rejected": [r.__dict__ for r in report.rejected],
            "scored": scored,
            "written": len(rows),
            "model_version": scorer.version,
            "model_fallback": None if active.fallback is None else str(active.fallback),
            # scores of the stand-in n-gram model are rougher; the caller warns about them
            "model_provisional": active.provisional,
        }
    finally:
        store.close()
