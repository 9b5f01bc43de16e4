"""Queue ordering and filtering rules, shared by the window and headless runs."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

from console.services.flags import ESCALATION
from console.store import LABELS_CHANNEL, QueueRow, TicketStore

#: What the queue sorts on: the order's value, then creation time, then ticket id.
SortKey = tuple[float, float, str]
#: Waiting time at which the blended priority gives full weight to age.
WAIT_SATURATION_HOURS = 24.0
WAIT_WEIGHT = 0.35


class QueueOrder(Enum):
    #: most negative first, escalating customers (see :func:`escalating`) before the rest
    NEGATIVITY = "negativity"
    #: negativity blended with waiting time, escalating customers first
    BLENDED = "blended"
    OLDEST = "oldest"
    NEWEST = "newest"


@dataclass(frozen=True)
class QueueScope:
    """A slice of the queue picked elsewhere (a bar of the Trends dashboard, a spike alert):
    the conversations created in ``[since, until)`` (epoch seconds) of a category, channel
    and language (None: any; "": none yet, unscored), only the negative ones when
    ``negative``, or just ``ids``.
    ``label`` says what it is, for the chip that shows it is on. Imported labels are no
    conversations and never in a scope."""

    label: str
    since: float | None = None
    until: float | None = None
    category: str | None = None
    channel: str | None = None
    language: str | None = None
    negative: bool = False
    ids: frozenset[str] | None = None

    def matches(self, row: QueueRow) -> bool:
        if row.channel == LABELS_CHANNEL:
            return False
        if self.ids is not None and row.id not in self.ids:
            return False
        if self.since is not None and row.created_at < self.since:
            return False
        if self.until is not None and row.created_at >= self.until:
            return False
        for wanted, value in (
            (self.category, row.category),
            (self.channel, row.channel),
            (self.language, row.language),
        ):
            if wanted is not None and (value or "") != wanted:
                return False
        return not self.negative or row.sentiment == "negative"


@dataclass(frozen=True)
class QueueFilter:
    """Empty fields match everything; ``search`` matches subject, preview, customer, id;
    ``scope`` (when set) must match too."""

    status: str = ""
    sentiment: str = ""
    category: str = ""
    language: str = ""
    channel: str = ""
    search: str = ""
    scope: QueueScope | None = None

    def matches(self, row: QueueRow) -> bool:
        if self.scope is not None and not self.scope.matches(row):
            return False
        if self.status and row.status != self.status:
            return False
        if self.sentiment and row.sentiment != self.sentiment:
            return False
        if self.category and row.category != self.category:
            return False
        if self.language and row.language != self.language:
            return False
        if self.channel and row.channel != self.channel:
            return False
        if self.search:
            needle = self.search.casefold()
            haystack = f"{row.subject}\n{row.preview}\n{row.customer}\n{row.id}".casefold()
            return needle in haystack
        return True


def escalating(row: QueueRow) -> bool:
    """An open, scored, negative ticket whose customer threatens to take it further: a
    complaint to a regulator or the consumer hotline, a lawyer, a chargeback, social media,
    a public bad review (the escalation phrases of the flag settings, so the flag and the
    queue agree on what counts, and turning the rule off turns this off).

    Negativity is a probability that the text is negative: a furious customer and a mildly
    disappointed one both read 98-100, so it cannot say which to answer first. A threat to
    escalate can, and it costs the shop most when it waits. A ticket an agent marked not
    negative is no longer escalating, whatever its words, and neither is one handled
    (pending or solved): it must not hold the top of the queue for good.
    """
    return (
        row.status == "open"
        and row.negativity is not None
        and row.sentiment == "negative"
        and ESCALATION in row.flags
    )


def _blended(negativity: float, created_at: float, now: float) -> float:
    """Negativity blended with the wait, which counts fully from
    :data:`WAIT_SATURATION_HOURS` on; in [0, 1] like negativity."""
    age = min(1.0, max(0.0, (now - created_at) / 3600) / WAIT_SATURATION_HOURS)
    return (1 - WAIT_WEIGHT) * negativity + WAIT_WEIGHT * age


def _most_negative_first(r: QueueRow) -> SortKey:
    if r.negativity is None:
        return (1.0, r.created_at, r.id)
    return (-r.negativity - (1.0 if escalating(r) else 0.0), r.created_at, r.id)


def sort_key(order: QueueOrder, now: float | None = None) -> Callable[[QueueRow], SortKey]:
    """Key for ``sorted``: first what the order puts first; ties older first, then by id
    (a total order, which the queue view's bisecting relies on).

    In the negativity orders unscored tickets come after scored ones, and escalating
    tickets (:func:`escalating`) before all others: both orders' values lie in [0, 1], so
    a step of 1 puts them ahead without changing their order among themselves.

    Each order is a closure of its own, without shared dispatch: the queue computes 50,000
    keys when the agent switches order, so each microsecond shows.
    """
    moment = now or time.time()
    if order is QueueOrder.NEGATIVITY:
        return _most_negative_first
    if order is QueueOrder.BLENDED:

        def blended_first(r: QueueRow) -> SortKey:
            if r.negativity is None:
                return (1.0, r.created_at, r.id)
            value = _blended(r.negativity, r.created_at, moment)
            return (-value - (1.0 if escalating(r) else 0.0), r.created_at, r.id)

        return blended_first
    if order is QueueOrder.OLDEST:
        return lambda r: (r.created_at, r.created_at, r.id)
    return lambda r: (-r.created_at, r.created_at, r.id)


def ordered(
    rows: Sequence[QueueRow],
    order: QueueOrder = QueueOrder.NEGATIVITY,
    flt: QueueFilter | None = None,
    now: float | None = None,
) -> list[QueueRow]:
    keep = [r for r in rows if flt is None or flt.matches(r)]
    return sorted(keep, key=sort_key(order, now))


def changed_rows(store: TicketStore, known: Mapping[str, QueueRow]) -> list[QueueRow]:
    """The queue rows of ``store`` that differ from ``known`` (a view's rows by ticket id),
    so a view re-reads the whole queue but takes in only what changed.
    Thread: the database worker (the comparison of 50,000 rows takes ~35 ms, too long for
    the GUI thread)."""
    return [row for row in store.queue_rows() if known.get(row.id) != row]
