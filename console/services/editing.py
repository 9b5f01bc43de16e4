"""How much an agent changed a suggested reply."""

from __future__ import annotations

from console.store import ReplyDraft, ReplyRecord


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insert, delete, substitute), two rows of memory."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def edit_ratio(suggestion: str | None, final: str) -> float:
    """0.0 = sent unchanged, 1.0 = completely rewritten (or written from scratch)."""
    if not suggestion:
        return 1.0
    longest = max(len(suggestion), len(final)) or 1
    return round(edit_distance(suggestion, final) / longest, 4)


def finish_reply(draft: ReplyDraft) -> ReplyRecord:
    """Measure how far the sent reply is from the suggestion it started from.

    Thread: a worker (Levenshtein on long replies takes longer than a GUI frame).
    """
    suggestion = draft.suggestion
    return ReplyRecord(
        ticket_id=draft.ticket_id,
        body=draft.body,
        suggestion=suggestion,
        template_id=draft.template_id if suggestion else None,
        edit_distance=edit_distance(suggestion, draft.body) if suggestion else len(draft.body),
        edit_ratio=edit_ratio(suggestion, draft.body),
        seconds_to_reply=draft.seconds_to_reply,
        from_scratch=suggestion is None,
    )
