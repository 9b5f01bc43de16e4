"""The learning loop's first step: the store's corrections as training data.

Which label counts (supervisors over agents, the latest within a role), which texts are
never trained on and which are held out for the promotion gate is decided in
:mod:`training.corrections`; this module only turns stored rows into its events.

Thread: the database worker, like the store methods it calls. Without ``exclude_texts`` the
first call also reads the packaged corpora (about a third of a second, then cached).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from console.store import LabelRow, TicketStore
from inference import DEFAULT_CATEGORIES
from training import CorrectionSet, LabelEvent, corrections_to_examples


def label_event(row: LabelRow) -> LabelEvent:
    return LabelEvent(
        ticket_key=row.ticket_id,
        text=row.text,
        field=row.field,
        value=row.value,
        role=row.role,
        author=row.author,
        at=row.created_at,
        language=row.language,
    )


def correction_set(
    store: TicketStore,
    categories: Collection[str] = DEFAULT_CATEGORIES,
    exclude_texts: Iterable[str] | None = None,
) -> CorrectionSet:
    """Every correction in ``store`` as examples to train on and a held-out slice.

    ``categories`` are those of the model to be trained; ``exclude_texts`` defaults to the
    evaluation sets of the base corpora.
    """
    events = [label_event(row) for row in store.label_events()]
    return corrections_to_examples(events, exclude_texts, categories)
