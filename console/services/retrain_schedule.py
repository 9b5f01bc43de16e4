"""When a scheduled retrain is due: after some new corrections, or nightly at a set hour.

Off by default. The window keeps the settings per machine and asks :func:`retrain_due`
every minute while a supervisor is logged in; a scheduled retrain follows the promotion
gate without asking anyone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from console.services.learning import correction_set
from console.store import TicketStore
from inference import ModelRegistry, SentideskError, models_dir, read_model_config

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetrainSchedule:
    """``after_corrections``: retrain once this many corrections are new since the last
    retrain (0: never). ``nightly_hour``: retrain once a day during this hour (None: never).
    ``budget_minutes``: the time budget of a scheduled retrain."""

    after_corrections: int = 0
    nightly_hour: int | None = None
    budget_minutes: float = 10.0

    @property
    def enabled(self) -> bool:
        return self.after_corrections > 0 or self.nightly_hour is not None


@dataclass(frozen=True)
class ScheduleState:
    """What the schedule is decided on: corrections that would be trained on now, and how
    many the last retrain had (None: no retrain yet)."""

    corrections: int
    corrections_at_last_retrain: int | None

    @property
    def new_corrections(self) -> int:
        return self.corrections - (self.corrections_at_last_retrain or 0)


def schedule_state(store: TicketStore, root: Path) -> ScheduleState:
    """Thread: the database worker.

    Corrections are counted as a retrain would train on them (one per ticket, the latest
    label winning), so relabelling the same ticket twice is one new correction, not two."""
    registry = ModelRegistry(models_dir(root))
    try:
        categories = read_model_config(registry.active_path()).layout.categories
    except SentideskError as exc:
        log.info("no scheduled retrain without a usable active model: %s", exc)
        return ScheduleState(0, None)
    corrections = len(correction_set(store, categories).train)
    last: int | None = None
    for row in store.audit_entries(("retrain",)):
        # a failed retrain counts too: it would fail again at once on the same data
        count = row["details"].get("corrections")
        if isinstance(count, int):
            last = count
    return ScheduleState(corrections, last)


def retrain_due(
    schedule: RetrainSchedule,
    now: datetime,
    state: ScheduleState | None,
    last_nightly: str | None,
) -> str | None:
    """Why a retrain is due now ("corrections" or "nightly"), or None.

    ``last_nightly`` is the date (ISO) of the last nightly run, so a night runs once even if
    the check comes round several times during the hour; ``state`` may be None when only the
    nightly rule is on (it needs no count)."""
    if (
        schedule.nightly_hour is not None
        and now.hour == schedule.nightly_hour
        and last_nightly != now.date().isoformat()
    ):
        return "nightly"
    if (
        schedule.after_corrections > 0
        and state is not None
        and state.corrections > 0
        and state.new_corrections >= schedule.after_corrections
    ):
        return "corrections"
    return None
