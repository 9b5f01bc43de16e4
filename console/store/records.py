"""Plain values that move between the store, the services and the views."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

STATUSES = ("open", "pending", "solved")
AUTHORS = ("customer", "agent")
ROLES = ("agent", "supervisor")
#: Messages in one ticket's thread: all rows of a file that share its id, and all the
#: messages a stored ticket may gather from re-imports and answers.
MAX_MESSAGES = 500


@dataclass(frozen=True)
class MessageDraft:
    author: str
    body: str
    created_at: str


@dataclass(frozen=True)
class TicketDraft:
    """A ticket as parsed from an import file, before it is stored."""

    id: str
    subject: str
    messages: tuple[MessageDraft, ...]
    customer: str = ""
    order_id: str = ""
    channel: str = "email"
    created_at: str = ""
    status: str = "open"
    metadata: dict[str, Any] = field(default_factory=dict)
    #: False when the file gave no time and ``created_at`` is the import time: a re-import
    #: then keeps the times stored the first time instead of "updating" them to now
    timed: bool = True
    #: The fields of :data:`OPTIONAL_FIELDS` the file gave a value for (None: a draft not
    #: read from a file, which owns all of them). A re-import keeps the stored value of
    #: every other one, and the stored metadata keys the file lacks: a file with fewer
    #: columns (an export of new messages only, say) must not blank the customer or the
    #: order number.
    given: tuple[str, ...] | None = None
    #: A later message of a stored ticket (an e-mail answering an earlier one): it adds its
    #: messages and the fields it gives to that ticket, unless the ticket is another
    #: customer's; then it goes to a ticket of its own (see ``TicketStore._upsert``).
    follow_up: bool = False
    #: An e-mail's own key (the ticket id its Message-ID would give): the store remembers
    #: which ticket the mail joined, so that a later answer to it finds that ticket.
    mail_key: str = ""
    #: A follow-up's keys of the mails it answers, the nearest first: it joins the ticket
    #: of the first one stored that is its customer's, else ``id`` (the conversation's
    #: first mail; see ``TicketStore._follow_up_target``).
    answers: tuple[str, ...] = ()


#: Ticket fields an import file may leave out (see :attr:`TicketDraft.given`).
OPTIONAL_FIELDS = ("subject", "customer", "order_id", "channel", "status")


@dataclass(frozen=True)
class Rejection:
    where: str
    reason: str


@dataclass(frozen=True)
class LabelDraft:
    """A label read from a file, before it is stored: for the stored ticket ``ticket_id``,
    or, with ``ticket_id`` None, for ``text`` alone. ``where`` names the row in the file."""

    where: str
    ticket_id: str | None
    text: str
    sentiment: str | None
    category: str | None


@dataclass(frozen=True)
class LabelsOutcome:
    """What storing a file's labels did: the labels whose ticket is not stored, the
    corrections made, and the labels left alone because everything they give was already
    stored."""

    unknown: tuple[LabelDraft, ...]
    corrections: int
    already_stored: int


@dataclass(frozen=True)
class ImportReport:
    source: str
    added: int
    updated: int
    unchanged: int
    rejected: tuple[Rejection, ...]
    ticket_ids: tuple[str, ...] = ()
    #: updated tickets on which agents' replies, overrides or status were kept
    kept: int = 0
    #: tickets set back to open because the customer wrote again after an agent's reply
    reopened: int = 0

    @property
    def taken(self) -> int:
        return self.added + self.updated + self.unchanged


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue: everything the table shows, nothing it doesn't."""

    id: str
    negativity: float | None
    sentiment: str | None  # the agent's override if any, else the model's label
    predicted_sentiment: str | None
    category: str | None
    language: str | None
    customer: str
    subject: str
    preview: str
    channel: str
    created_at: float  # epoch seconds
    status: str
    overridden: bool
    #: the reasons the ticket is flagged for, sorted (see console/services/flags.py)
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class MessageView:
    id: int
    author: str
    body: str
    created_at: str
    label: str | None
    negativity: float | None


@dataclass(frozen=True)
class TicketDetail:
    id: str
    subject: str
    customer: str
    order_id: str
    channel: str
    created_at: str
    status: str
    language: str | None
    metadata: dict[str, Any]
    messages: tuple[MessageView, ...]
    prediction: dict[str, Any] | None
    sentiment_override: str | None
    category_override: str | None
    history: tuple[QueueRow, ...]

    @property
    def sentiment(self) -> str | None:
        if self.sentiment_override:
            return self.sentiment_override
        return None if self.prediction is None else str(self.prediction["label"])

    @property
    def category(self) -> str | None:
        if self.category_override:
            return self.category_override
        return None if self.prediction is None else str(self.prediction["category"])

    @property
    def customer_text(self) -> str:
        return "\n".join(m.body for m in self.messages if m.author == "customer")


@dataclass(frozen=True)
class ReplyDraft:
    """What the agent sent, before the edit measures are computed (off the GUI thread)."""

    ticket_id: str
    body: str
    suggestion: str | None
    template_id: str | None
    seconds_to_reply: float | None


@dataclass(frozen=True)
class ReplyRecord:
    ticket_id: str
    body: str
    suggestion: str | None
    template_id: str | None
    edit_distance: int
    edit_ratio: float
    seconds_to_reply: float | None
    from_scratch: bool


@dataclass(frozen=True)
class UserRow:
    """An account as stored, password hash and login throttling state included.

    Only the account service reads the hash; everything shown to people uses its ``Account``.
    """

    name: str
    role: str
    password_hash: str
    created_at: str
    disabled: bool
    failed_logins: int
    #: epoch seconds of the latest failed (or not yet finished) login attempt
    last_failed_at: float | None


@dataclass(frozen=True)
class LabelRow:
    """A stored correction as training data: the label, the text it was given for, and the
    role of whoever gave it ("agent" for an author with no account, such as the OS user name
    older stores recorded)."""

    id: int
    ticket_id: str
    field: str
    value: str
    text: str
    language: str | None
    author: str
    role: str
    created_at: str


# -- flags and their review ------------------------------------------------------------
FLAG_STATES = ("open", "closed")


@dataclass(frozen=True)
class FlagReason:
    """Why a ticket is flagged: the rule that fired and what it saw, said for people in
    English (``detail``, what the command line and JSON show) and as data (``params``, JSON
    values, from which the window says it in its own language)."""

    reason: str
    detail: str
    params: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class RaisedFlag:
    """A stored reason, with when it first fired (it keeps that time while it fires);
    ``params`` as in :class:`FlagReason` ({} for reasons stored before they were kept)."""

    reason: str
    detail: str
    raised_at: str
    params: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class AgentLabel:
    """The latest label an agent (anyone but a supervisor) gave one field of a ticket."""

    field: str
    value: str
    author: str


@dataclass(frozen=True)
class ReplyEdit:
    """How much a sent reply changed the suggestion it started from."""

    edit_ratio: float
    agent: str
    template_id: str | None


@dataclass(frozen=True)
class Contact:
    """Another ticket of the same customer."""

    ticket_id: str
    created_at: float  # epoch seconds


@dataclass(frozen=True)
class FlagFacts:
    """Everything the flag rules read about one ticket; times are epoch seconds."""

    id: str
    channel: str
    status: str
    customer: str
    created_at: float
    #: the model's latest prediction (None while unscored)
    negativity: float | None
    sentiment: str | None
    category: str | None
    #: the probability of the model's sentiment label
    confidence: float | None
    agent_labels: tuple[AgentLabel, ...]
    #: the subject and the customer's messages: what escalation language is looked for in
    customer_text: str
    first_customer_at: float | None
    #: the first agent message after the customer's first one
    first_reply_at: float | None
    #: replies sent from a suggestion
    reply_edits: tuple[ReplyEdit, ...]
    #: the customer's nearest other tickets before and after this one
    previous_contact: Contact | None
    next_contact: Contact | None


@dataclass(frozen=True)
class FlagFilter:
    """Which flagged tickets to list; every criterion left at its default matches all."""

    #: "open", "closed", or None for both
    status: str | None = "open"
    #: tickets with any of these reasons; empty: any reason
    reasons: tuple[str, ...] = ()
    #: tickets this agent replied to or relabelled (any case)
    agent: str | None = None
    #: the ticket's category as shown (the override, else the model's)
    category: str | None = None
    #: tickets created at or after ``since`` and before ``until`` (epoch seconds)
    since: float | None = None
    until: float | None = None
    #: only tickets marked (True) or not marked (False) for coaching
    coaching: bool | None = None


@dataclass(frozen=True)
class FlaggedTicket:
    """One line of the review list: a flagged ticket with every reason it is flagged for."""

    id: str
    customer: str
    subject: str
    preview: str
    created_at: float  # epoch seconds
    negativity: float | None
    sentiment: str | None  # the override if any, else the model's
    predicted_sentiment: str | None
    category: str | None  # the override if any, else the model's
    predicted_category: str | None
    status: str  # of the flag: "open" or "closed"
    reasons: tuple[RaisedFlag, ...]
    #: who replied to or relabelled the ticket, oldest first (review decisions not included)
    agents: tuple[str, ...]
    opened_at: str | None
    closed_by: str | None
    closed_at: str | None
    coaching: bool

    @property
    def agent(self) -> str | None:
        """The agent whose work is reviewed: the latest one to handle the ticket."""
        return self.agents[-1] if self.agents else None


@dataclass(frozen=True)
class ReplyView:
    """A reply sent from the console, as stored."""

    id: int
    body: str
    suggestion: str | None
    template_id: str | None
    edit_ratio: float
    from_scratch: bool
    agent: str
    sent_at: str


@dataclass(frozen=True)
class CorrectionView:
    """A stored correction with the current role of its author."""

    id: int
    field: str
    old_value: str | None
    new_value: str
    author: str
    role: str
    created_at: str
    #: whether a supervisor's review decision wrote it
    from_review: bool


@dataclass(frozen=True)
class ReviewRecord:
    """A supervisor's review action on a ticket: a decision, a comment, coaching, a close."""

    id: int
    reviewer: str
    action: str
    field: str | None
    value: str | None
    comment: str
    created_at: str


@dataclass(frozen=True)
class StreamTicket:
    """A scored ticket as the spike detector sees it: when, what about, and the sentiment
    that counts (an agent's override over the model's prediction)."""

    id: str
    #: epoch seconds of the ticket's creation
    at: float
    category: str | None
    sentiment: str | None


@dataclass(frozen=True)
class SpikeAlert:
    """A jump of a category's (or ``"all"`` tickets') negative share over its baseline.

    Times are epoch seconds; ``tickets`` are the negative tickets of the window, the ones
    behind the jump."""

    category: str
    fired_at: float
    window_start: float
    window_end: float
    share: float
    baseline: float
    volume: int
    negatives: int
    p_value: float
    tickets: tuple[str, ...]


@dataclass(frozen=True)
class AlertRecord:
    """A stored alert and who acknowledged it (None while nobody has)."""

    id: int
    alert: SpikeAlert
    created_at: str
    acknowledged_by: str | None = None
    acknowledged_at: str | None = None


# -- reply templates -------------------------------------------------------------------
@dataclass(frozen=True)
class TemplateRow:
    """A supervisor's version of a reply template, overriding the shipped one of its id (or
    adding one); ``retired`` hides it from suggestions. ``revision`` is the store's template
    revision when it was written."""

    id: str
    language: str
    title: str
    body: str
    sentiments: tuple[str, ...]
    categories: tuple[str, ...]
    retired: bool
    revision: int
    updated_by: str
    updated_at: str


@dataclass(frozen=True)
class TemplateUsage:
    """How often replies were sent from a template, and how much of its suggestion agents
    changed on average (0: sent as suggested, 1: rewritten completely)."""

    template_id: str
    uses: int
    mean_edit_ratio: float


# -- trends -----------------------------------------------------------------------------
@dataclass(frozen=True)
class TrendCount:
    """The conversations created in one time bucket with one category, channel and language:
    how many, how many are scored, how many are negative. Category and sentiment are the ones
    that count: an agent's override over the model's."""

    #: the bucket's index in the edges asked for
    bucket: int
    category: str | None
    channel: str
    language: str | None
    volume: int
    scored: int
    negatives: int


@dataclass(frozen=True)
class ReplyWait:
    """How long a conversation waited for its first reply: from the customer's first message
    to the first agent message after it (epoch seconds; None when there is none), and the
    account that sent that reply from the console (None for an imported reply)."""

    ticket_id: str
    created_at: float
    status: str
    first_customer_at: float | None
    first_reply_at: float | None
    first_reply_by: str | None


@dataclass(frozen=True)
class TicketText:
    """The customer's words of a conversation (what the model reads), for phrase counts."""

    ticket_id: str
    created_at: float
    language: str | None
    text: str


@dataclass(frozen=True)
class ReplyFact:
    """A reply sent from the console: who, with which template, how much of the suggestion
    was changed (0 unchanged … 1 rewritten, 1 from scratch), when (epoch seconds)."""

    ticket_id: str
    agent: str
    template_id: str | None
    from_scratch: bool
    edit_ratio: float
    sent_at: float


@dataclass(frozen=True)
class RelabelFact:
    """An account's own correction of a conversation's sentiment or category (not a
    supervisor's review decision), when (epoch seconds)."""

    ticket_id: str
    agent: str
    field: str
    created_at: float


@dataclass(frozen=True)
class PredictionOutcome:
    """A ticket's latest prediction by one model version, and the last label a person gave
    that prediction's sentiment and category (None where nobody changed it)."""

    ticket_id: str
    prediction_id: int
    sentiment: str
    category: str
    human_sentiment: str | None
    human_category: str | None
