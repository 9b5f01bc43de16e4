"""Reviewing flagged conversations: the list, one conversation in detail, and a supervisor's
decisions on it.

Every action is a supervisor's: it is refused with :class:`PermissionDenied` for anyone
else, checked again inside the write transaction (another console may have disabled the
account since it logged in), and written to the append-only audit log with what it changed.
A decision on a label (confirming the agent's, confirming the model's, relabelling) is
stored as a correction by the supervisor, so training counts it as a supervisor's label,
which outranks an agent's.

Thread: the database worker, like the store methods these call.
"""

from __future__ import annotations

import difflib
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from console.services.accounts import Account, require_supervisor, still_supervisor
from console.services.flags import FLAG_REASONS, FlagSettings, recompute_flags
from console.store import (
    FLAG_STATES,
    CorrectionView,
    FlagFilter,
    FlaggedTicket,
    ReplyView,
    ReviewRecord,
    TicketDetail,
    TicketStore,
    spans_from_json,
)
from inference import DEFAULT_CATEGORIES, SENTIMENTS, SentideskError, Span

T = TypeVar("T")

#: What review actions are called in refusals.
REVIEWING = "reviewing flagged conversations"
#: The longest comment kept; a longer one is a paste gone wrong.
MAX_COMMENT_CHARS = 4000
_FIELDS = ("sentiment", "category")


class ReviewError(SentideskError):
    """A review action that cannot apply to this ticket (unknown, not flagged, no label to
    confirm, an unknown label)."""


# -- reading ----------------------------------------------------------------------------
@dataclass(frozen=True)
class DiffSegment:
    """A run of a sent reply against its suggestion: ``equal`` (kept), ``delete`` (in the
    suggestion only) or ``insert`` (written by the agent)."""

    kind: str
    text: str


@dataclass(frozen=True)
class ReplyReview:
    reply: ReplyView
    #: the reply against its suggestion; empty for a reply written from scratch
    diff: tuple[DiffSegment, ...]


@dataclass(frozen=True)
class ReviewDetail:
    """Everything the review of one conversation shows."""

    ticket: TicketDetail
    #: the ticket's flag with every reason, None when it is not flagged (any more)
    flag: FlaggedTicket | None
    corrections: tuple[CorrectionView, ...]
    replies: tuple[ReplyReview, ...]
    reviews: tuple[ReviewRecord, ...]

    @property
    def model_sentiment(self) -> str | None:
        return None if self.ticket.prediction is None else str(self.ticket.prediction["label"])

    @property
    def model_category(self) -> str | None:
        prediction = self.ticket.prediction
        return None if prediction is None else str(prediction["category"])

    @property
    def explanation(self) -> tuple[Span, ...] | None:
        """The spans of the scored text that moved the model's negativity, if computed."""
        prediction = self.ticket.prediction
        if prediction is None or prediction.get("explanation") is None:
            return None
        return spans_from_json(prediction["explanation"])

    def agent_label(self, field: str) -> CorrectionView | None:
        """The agent's latest override of ``field`` (a supervisor's label is no agent's)."""
        return _agent_labels(self.corrections).get(field)


def _agent_labels(corrections: Sequence[CorrectionView]) -> dict[str, CorrectionView]:
    latest: dict[str, CorrectionView] = {}
    for c in corrections:
        if not c.from_review and c.role != "supervisor":
            latest[c.field] = c
    return latest


# Latin words, single other characters (a Chinese character is a word of its own) and runs
# of spaces: a diff over characters would shred English words, one over whitespace-split
# words would treat a whole Chinese sentence as one changed token.
_TOKEN = re.compile(r"[0-9A-Za-z\u00c0-\u024f'’]+|\s+|.", re.DOTALL)


def reply_diff(suggestion: str | None, body: str) -> tuple[DiffSegment, ...]:
    """``body`` against ``suggestion`` as segments a view can colour; adjacent segments
    differ in kind, and the ``equal`` + ``insert`` ones spell ``body``."""
    if suggestion is None:
        return ()
    old, new = _TOKEN.findall(suggestion), _TOKEN.findall(body)
    segments: list[DiffSegment] = []

    def add(kind: str, tokens: Sequence[str]) -> None:
        text = "".join(tokens)
        if not text:
            return
        if segments and segments[-1].kind == kind:
            segments[-1] = DiffSegment(kind, segments[-1].text + text)
        else:
            segments.append(DiffSegment(kind, text))

    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            add("equal", old[a1:a2])
        else:
            add("delete", old[a1:a2])
            add("insert", new[b1:b2])
    return tuple(segments)


def _check_filter(where: FlagFilter) -> None:
    if where.status is not None and where.status not in FLAG_STATES:
        raise ReviewError(f"unknown flag status {where.status!r}: choose {', '.join(FLAG_STATES)}")
    unknown = [r for r in where.reasons if r not in FLAG_REASONS]
    if unknown:
        raise ReviewError(
            f"unknown flag reason {', '.join(unknown)}: choose from {', '.join(FLAG_REASONS)}"
        )


#: The review list's default: every open flag.
OPEN_FLAGS = FlagFilter()


def list_flagged(store: TicketStore, where: FlagFilter = OPEN_FLAGS) -> list[FlaggedTicket]:
    """Flagged conversations matching ``where`` (by default the open ones), most negative
    first, each with every reason. Call :func:`~console.services.flags.refresh_flags` first
    for flags that reflect the latest writes."""
    _check_filter(where)
    return store.flagged(where)


def review_detail(store: TicketStore, ticket_id: str) -> ReviewDetail:
    """One conversation as its review shows it: the thread, the model's prediction and
    explanation, the agents' overrides, the sent replies against their suggestions, the
    flag's reasons and the review so far."""
    try:
        ticket = store.ticket(ticket_id)
    except KeyError:
        raise ReviewError(f"there is no ticket {ticket_id}") from None
    flags = store.flagged(FlagFilter(status=None), ids=[ticket_id])
    return ReviewDetail(
        ticket=ticket,
        flag=flags[0] if flags else None,
        corrections=tuple(store.corrections(ticket_id)),
        replies=tuple(
            ReplyReview(r, reply_diff(r.suggestion, r.body)) for r in store.replies(ticket_id)
        ),
        reviews=tuple(store.reviews(ticket_id)),
    )


# -- actions ----------------------------------------------------------------------------
def _supervised(
    store: TicketStore,
    actor: Account | None,
    ticket_id: str,
    what: str,
    body: Callable[[Account, TicketDetail], T],
) -> T:
    """Run ``body(actor, ticket)`` in one write transaction, once ``actor`` is found to be an
    enabled supervisor both before and inside it."""
    require_supervisor(actor, REVIEWING)
    assert actor is not None  # require_supervisor refuses None
    supervisor = actor

    def run() -> T:
        still_supervisor(store, supervisor, REVIEWING)
        try:
            ticket = store.ticket(ticket_id)
        except KeyError:
            raise ReviewError(f"there is no ticket {ticket_id}") from None
        return body(supervisor, ticket)

    return store.transaction(f"{what} on ticket {ticket_id} by {supervisor.name}", run)


def _labels(ticket: TicketDetail) -> dict[str, Any]:
    return {"sentiment": ticket.sentiment, "category": ticket.category}


def _decide(
    store: TicketStore,
    actor: Account | None,
    ticket_id: str,
    action: str,
    choose: Callable[[TicketDetail], dict[str, str]],
    comment: str,
) -> dict[str, str]:
    """Store the labels ``choose`` picks as the supervisor's corrections, with a review
    record each and one audit row; returns them."""
    note = _comment(comment, required=False)

    def body(supervisor: Account, ticket: TicketDetail) -> dict[str, str]:
        values = choose(ticket)
        for field, value in values.items():
            correction = store.record_correction(ticket_id, field, value, supervisor.name)
            store.add_review(
                ticket_id,
                supervisor.name,
                action,
                field=field,
                value=value,
                correction_id=correction,
                comment=note,
            )
        store.audit(
            f"review_{action}",
            ticket_id,
            {"labels": values, **({"comment": note} if note else {})},
            supervisor.name,
            before=_labels(ticket),
            after=_labels(store.ticket(ticket_id)),
        )
        return values

    return _supervised(store, actor, ticket_id, f"the review decision {action}", body)


def confirm_agent_label(
    store: TicketStore, actor: Account | None, ticket_id: str, comment: str = ""
) -> dict[str, str]:
    """Make the agent's overrides the supervisor's labels (gold for training); returns the
    labels confirmed. ReviewError when no agent overrode the model."""

    def choose(ticket: TicketDetail) -> dict[str, str]:
        agent = _agent_labels(store.corrections(ticket.id))
        if not agent:
            raise ReviewError(
                f"no agent relabelled ticket {ticket.id}: confirm the model's label or relabel it"
            )
        return {field: agent[field].new_value for field in _FIELDS if field in agent}

    return _decide(store, actor, ticket_id, "confirm_agent", choose, comment)


def confirm_model_label(
    store: TicketStore, actor: Account | None, ticket_id: str, comment: str = ""
) -> dict[str, str]:
    """Make the model's labels the supervisor's: those an agent overrode (undoing the
    override), or both when nobody did. ReviewError while the ticket is unscored."""

    def choose(ticket: TicketDetail) -> dict[str, str]:
        if ticket.prediction is None:
            raise ReviewError(f"ticket {ticket.id} has no prediction to confirm yet")
        model = {f: str(ticket.prediction["label" if f == "sentiment" else f]) for f in _FIELDS}
        agent = _agent_labels(store.corrections(ticket.id))
        fields = [f for f in _FIELDS if f in agent] or list(_FIELDS)
        return {f: model[f] for f in fields}

    return _decide(store, actor, ticket_id, "confirm_model", choose, comment)


def relabel(
    store: TicketStore,
    actor: Account | None,
    ticket_id: str,
    *,
    sentiment: str | None = None,
    category: str | None = None,
    comment: str = "",
) -> dict[str, str]:
    """Give the ticket the supervisor's own sentiment and/or category."""
    values: dict[str, str] = {}
    for field, value, allowed in (
        ("sentiment", sentiment, SENTIMENTS),
        ("category", category, DEFAULT_CATEGORIES),
    ):
        if value is None:
            continue
        if value not in allowed:
            raise ReviewError(f"unknown {field} {value!r}: choose one of {', '.join(allowed)}")
        values[field] = value
    if not values:
        raise ReviewError("relabelling needs a sentiment or a category")
    return _decide(store, actor, ticket_id, "relabel", lambda _: values, comment)


def _comment(text: str, required: bool) -> str:
    cleaned = text.strip()
    if required and not cleaned:
        raise ReviewError("a comment cannot be empty")
    if len(cleaned) > MAX_COMMENT_CHARS:
        raise ReviewError(f"a comment has at most {MAX_COMMENT_CHARS} characters")
    return cleaned


def add_comment(store: TicketStore, actor: Account | None, ticket_id: str, text: str) -> None:
    """Keep a supervisor's comment on the conversation."""
    note = _comment(text, required=True)

    def body(supervisor: Account, ticket: TicketDetail) -> None:
        store.add_review(ticket_id, supervisor.name, "comment", comment=note)
        store.audit(
            "review_comment", ticket_id, {"comment": note}, supervisor.name, after={"comment": note}
        )

    _supervised(store, actor, ticket_id, "the review comment", body)


def mark_for_coaching(
    store: TicketStore,
    actor: Account | None,
    ticket_id: str,
    coaching: bool = True,
    note: str = "",
) -> None:
    """Mark the conversation for coaching the agent (or take the mark away)."""
    cleaned = _comment(note, required=False)

    def body(supervisor: Account, ticket: TicketDetail) -> None:
        before = store.set_coaching(ticket_id, coaching)
        action = "coaching" if coaching else "coaching_removed"
        store.add_review(ticket_id, supervisor.name, action, comment=cleaned)
        store.audit(
            f"review_{action}",
            ticket_id,
            {"comment": cleaned} if cleaned else {},
            supervisor.name,
            before={"coaching": before},
            after={"coaching": coaching},
        )

    _supervised(store, actor, ticket_id, "the coaching mark", body)


def close_flag(
    store: TicketStore,
    actor: Account | None,
    ticket_id: str,
    settings: FlagSettings,
    note: str = "",
    *,
    now: Callable[[], float] = time.time,
) -> FlaggedTicket:
    """Close the conversation's flag, for every reason it has now (recomputed first, in the
    same transaction, so no reason the supervisor did not see reopens it); returns the
    closed flag. ReviewError when it is not flagged or already closed."""
    cleaned = _comment(note, required=False)

    def body(supervisor: Account, ticket: TicketDetail) -> FlaggedTicket:
        recompute_flags(store, settings, [ticket_id], now())
        current = store.flagged(FlagFilter(status=None), ids=[ticket_id])
        if not current:
            raise ReviewError(f"ticket {ticket_id} is not flagged")
        if current[0].status == "closed":
            raise ReviewError(
                f"the flag of ticket {ticket_id} was already closed by {current[0].closed_by}"
            )
        store.close_flag(ticket_id, supervisor.name)
        store.add_review(ticket_id, supervisor.name, "close", comment=cleaned)
        reasons = [r.reason for r in current[0].reasons]
        store.audit(
            "review_close",
            ticket_id,
            {"comment": cleaned} if cleaned else {},
            supervisor.name,
            before={"status": "open", "reasons": reasons},
            after={"status": "closed", "reasons": reasons},
        )
        (closed,) = store.flagged(FlagFilter(status=None), ids=[ticket_id])
        return closed

    return _supervised(store, actor, ticket_id, "closing the flag", body)
