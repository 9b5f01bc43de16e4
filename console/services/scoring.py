"""Scoring stored tickets and explaining them, as plain functions over a model (a
:class:`inference.SentimentScorer`: the transformer, or the provisional n-gram model).

Thread: the model worker (never the GUI thread). The caller moves data in and out of the
store on the database worker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from console.store import scored_parts
from inference import Prediction, SentimentScorer, Span

Pending = tuple[str, str, list[tuple[int, str]]]


@dataclass(frozen=True)
class ScoredBatch:
    tickets: list[tuple[str, str, Prediction]]
    messages: list[tuple[int, Prediction]]


def score_batch(scorer: SentimentScorer, pending: Sequence[Pending]) -> ScoredBatch:
    """Ticket-level predictions plus one per customer message, in a single model call."""
    texts = [text for _, text, _ in pending]
    message_ids = [mid for _, _, messages in pending for mid, _ in messages]
    message_texts = [body for _, _, messages in pending for _, body in messages]
    usable = [i for i, t in enumerate(texts) if t.strip()]
    usable_messages = [i for i, t in enumerate(message_texts) if t.strip()]
    predictions = scorer.predict(
        [texts[i] for i in usable] + [message_texts[i] for i in usable_messages]
    )
    head = predictions[: len(usable)]
    tail = predictions[len(usable) :]
    return ScoredBatch(
        tickets=[(pending[i][0], pending[i][1], p) for i, p in zip(usable, head, strict=True)],
        messages=[(message_ids[i], p) for i, p in zip(usable_messages, tail, strict=True)],
    )


@dataclass(frozen=True)
class MessageSpan:
    """An explanation span in one part of a ticket (-1 = subject, 0.. = customer messages)."""

    part: int
    start: int
    end: int
    weight: float


def spans_by_part(
    subject: str, customer_messages: Sequence[str], spans: Sequence[Span]
) -> list[MessageSpan]:
    """Map spans over the scored text back onto the subject and customer messages."""
    _, parts = scored_parts(subject, customer_messages)
    out = []
    for span in spans:
        for index, start, end in parts:
            if start <= span.start < end:
                source = subject.strip() if index < 0 else customer_messages[index]
                # parts hold stripped text; shift back to the message's own offsets
                lead = len(source) - len(source.lstrip())
                out.append(
                    MessageSpan(
                        index,
                        span.start - start + lead,
                        min(span.end, end) - start + lead,
                        span.weight,
                    )
                )
                break
    return out


def explain_ticket(
    scorer: SentimentScorer, subject: str, customer_messages: Sequence[str]
) -> tuple[Span, ...]:
    text, _ = scored_parts(subject, customer_messages)
    return scorer.explain(text) if text.strip() else ()
