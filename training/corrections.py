"""Agents' and supervisors' corrections, read back as training data.

The rules, in the order they apply:

1. An event whose field, role or value is unknown (a category the model does not have, a
   sentiment outside ``SENTIMENTS``) or whose text is empty is dropped.
2. Per ticket and field one label counts: a supervisor's outranks an agent's whatever their
   times, and within one role the latest wins (equal times: the later event in the input).
3. A label whose text is in an evaluation set (dev or test of the base corpora) is dropped:
   training on it would inflate the very figures that judge the model.
4. Tickets with the same normalized text give one example; per field the strongest label of
   any of them wins, ranked as in rule 2. A ticket's sentiment and category become one
   example when they were given on the same text; a ticket whose text changed between the
   two (a re-import added a message) gives one example per text, each label staying on the
   text it was given for.
5. Texts in one hash bucket that carry a supervisor's label are held out for the promotion
   gate with only the supervisor's labels as gold; they are never trained on.

Pure computation, no I/O except reading the packaged corpora (cached) when no exclusion list
is given; safe on any thread.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from inference import DEFAULT_CATEGORIES, LANGUAGES, SENTIMENTS, Language, detect_language
from training.corpora import Example, evaluation_texts, fingerprint, normalize_text, text_bucket

FIELDS = ("sentiment", "category")
#: Higher outranks lower, whatever the times.
ROLE_RANK = {"agent": 0, "supervisor": 1}
#: ``text_bucket`` of a normalized text that puts a supervisor-confirmed text in the held-out
#: slice. The bucket of the same number is the base corpora's test split, so roughly a tenth
#: of supervisors' work judges the model and the rest teaches it.
HELD_OUT_BUCKET = 9


@dataclass(frozen=True)
class LabelEvent:
    """One label someone gave a ticket: ``field`` is "sentiment" or "category", ``at`` an
    ISO-8601 time, ``role`` "agent" or "supervisor"."""

    ticket_key: str
    text: str
    field: str
    value: str
    role: str
    author: str
    at: str
    language: str | None = None


@dataclass(frozen=True)
class CorrectionSet:
    """Corrections as examples, and what happened to every event, for the model manifest.

    The counts are in labels (one event is one label) except ``train`` and ``held_out``,
    which are examples. Each event ends in exactly one of ``invalid``, ``superseded``,
    ``excluded_as_evaluation``, ``duplicates_removed``, ``withheld``, ``held_out_labels`` or
    the labels counted in ``by_role``.
    """

    train: tuple[Example, ...]
    held_out: tuple[Example, ...]
    events: int = 0
    #: unknown field, role or value, or an empty text
    invalid: int = 0
    #: outranked by another label of the same ticket and field
    superseded: int = 0
    #: the text is in an evaluation set
    excluded_as_evaluation: int = 0
    #: outranked by (or equal to) another ticket's label on the same normalized text
    duplicates_removed: int = 0
    #: agents' labels on a held-out text: neither trained on nor used as gold
    withheld: int = 0
    #: supervisors' labels kept as gold in ``held_out``
    held_out_labels: int = 0
    #: labels in ``train`` per role of whoever gave them, and per field
    by_role: dict[str, int] = field(default_factory=dict)
    by_field: dict[str, int] = field(default_factory=dict)
    #: sha1 of the train rows (same digest as the training set's sources)
    sha1: str = fingerprint(())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, for handing the set to a training process."""
        rows = {name: [asdict(e) for e in getattr(self, name)] for name in ("train", "held_out")}
        counts = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in rows}
        return {**rows, **counts}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CorrectionSet:
        """Raises ``ValueError`` (naming what is wrong) for anything :meth:`to_dict` did
        not write."""
        try:
            train = tuple(Example(**row) for row in data["train"])
            held_out = tuple(Example(**row) for row in data["held_out"])
            known = {f.name for f in fields(cls)} - {"train", "held_out"}
            return cls(train, held_out, **{k: v for k, v in data.items() if k in known})
        except (KeyError, TypeError) as exc:
            raise ValueError(f"not a correction set: {exc}") from exc

    def manifest(self) -> dict[str, Any]:
        """The counts for ``sources["corrections"]`` of a model manifest."""
        return {
            "events": self.events,
            "invalid": self.invalid,
            "superseded": self.superseded,
            "excluded_as_evaluation": self.excluded_as_evaluation,
            "duplicates_removed": self.duplicates_removed,
            "withheld": self.withheld,
            "by_role": dict(self.by_role),
            "by_field": dict(self.by_field),
            "held_out": len(self.held_out),
            "held_out_labels": self.held_out_labels,
            "held_out_sha1": fingerprint(self.held_out),
        }


def corrections_to_examples(
    events: Iterable[LabelEvent],
    exclude_texts: Iterable[str] | None = None,
    categories: Collection[str] = DEFAULT_CATEGORIES,
) -> CorrectionSet:
    """Apply the rules of this module to ``events``.

    ``exclude_texts`` are texts never to train on, compared after :func:`normalize_text`;
    None means :func:`training.corpora.evaluation_texts`. ``categories`` are the model's
    categories. The result does not depend on the order of ``events`` except between
    events of one role with equal times.
    """
    allowed = {"sentiment": frozenset(SENTIMENTS), "category": frozenset(categories)}
    excluded = {
        normalize_text(t) for t in (evaluation_texts() if exclude_texts is None else exclude_texts)
    }
    counts: Counter[str] = Counter()

    # rule 1 and 2: the winning label per ticket and field
    per_ticket: dict[tuple[str, str], _Label] = {}
    for index, event in enumerate(events):
        counts["events"] += 1
        if (
            event.field not in FIELDS
            or event.role not in ROLE_RANK
            or event.value not in allowed[event.field]
            or not event.text.strip()
        ):
            counts["invalid"] += 1
            continue
        label = _Label(
            event, normalize_text(event.text), (ROLE_RANK[event.role], _epoch(event.at), index)
        )
        slot = (event.ticket_key, event.field)
        if slot in per_ticket:
            counts["superseded"] += 1
            if label.rank <= per_ticket[slot].rank:
                continue
        per_ticket[slot] = label

    # rule 3 and 4: drop evaluation texts, then the winning label per text and field
    per_text: dict[tuple[str, str], _Label] = {}
    for label in per_ticket.values():
        if label.norm in excluded:
            counts["excluded_as_evaluation"] += 1
            continue
        slot = (label.norm, label.event.field)
        if slot in per_text:
            counts["duplicates_removed"] += 1
            if label.rank <= per_text[slot].rank:
                continue
        per_text[slot] = label

    by_text: dict[str, dict[str, _Label]] = {}
    for (norm, name), label in per_text.items():
        by_text.setdefault(norm, {})[name] = label

    # rule 5: the held-out slice, then the examples
    train: list[Example] = []
    held_out: list[Example] = []
    by_role: Counter[str] = Counter()
    by_field: Counter[str] = Counter()
    for norm in sorted(by_text):
        labels = by_text[norm]
        confirmed = {k: v for k, v in labels.items() if v.event.role == "supervisor"}
        if confirmed and text_bucket(norm) == HELD_OUT_BUCKET:
            held_out.append(_example(confirmed))
            counts["held_out_labels"] += len(confirmed)
            counts["withheld"] += len(labels) - len(confirmed)
            continue
        train.append(_example(labels))
        by_role.update(v.event.role for v in labels.values())
        by_field.update(labels.keys())

    return CorrectionSet(
        train=tuple(train),
        held_out=tuple(held_out),
        events=counts["events"],
        invalid=counts["invalid"],
        superseded=counts["superseded"],
        excluded_as_evaluation=counts["excluded_as_evaluation"],
        duplicates_removed=counts["duplicates_removed"],
        withheld=counts["withheld"],
        held_out_labels=counts["held_out_labels"],
        by_role={role: by_role[role] for role in ROLE_RANK},
        by_field={name: by_field[name] for name in FIELDS},
        sha1=fingerprint(train),
    )


@dataclass(frozen=True)
class _Label:
    event: LabelEvent
    norm: str
    #: (role rank, epoch seconds, input position): the larger outranks the smaller
    rank: tuple[int, float, int]


def _example(labels: dict[str, _Label]) -> Example:
    """One example from a text's winning labels; text, language and source come from the
    strongest of them."""
    top = max(labels.values(), key=lambda label: label.rank).event
    sentiment = labels.get("sentiment")
    category = labels.get("category")
    return Example(
        text=top.text,
        label=None if sentiment is None else sentiment.event.value,
        category=None if category is None else category.event.value,
        lang=_language(top),
        source=f"correction-{top.role}",
    )


def _language(event: LabelEvent) -> Language:
    for lang in LANGUAGES:
        if event.language == lang:
            return lang
    return detect_language(event.text)


def _epoch(value: str) -> float:
    """Epoch seconds of an ISO-8601 time (naive: UTC); an unreadable time counts as oldest,
    so it never overrides a label whose time is known."""
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.timestamp()
    except (ValueError, OverflowError):
        return -math.inf
