"""Cue phrases marked on the authored tickets, and how often explanations hit them.

The authored ticket files (``resources/data/tickets_<lang>.tsv``) may carry a 4th column:
the phrases, separated by ``|``, that carry a line's sentiment, the words a person would
point at ("rude", "filing a complaint", "太慢了", "投诉"). They are marked on every positive
and negative line of the held-out splits (dev + test: the test split alone has under 60
templates per language) and on no neutral line, whose explanation has nothing to point at:
neutral lines are left out of the measure. Training reads only the first three columns
(:func:`training.corpora.authored_templates`), and a line's split hashes its text alone, so
marking a line changes neither its text nor its split.

The measure (:func:`cue_hit`): a ticket's explanation *hits* when one of its three strongest
spans overlaps a cue and points the way of the ticket's label (raises negativity on a
negative ticket, lowers it on a positive one); a highlight on "rude" that says it made the
ticket *less* negative is no explanation of why it is negative.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from inference import InputFileError, Span
from inference.resources import resource_path
from training.corpora import FILL, AuthoredKind, authored_lines

#: Separates the cue phrases of one line.
CUE_SEPARATOR = "|"
#: The spans of an explanation the measure looks at, strongest first.
TOP_SPANS = 3


@dataclass(frozen=True)
class CueLine:
    """One authored line with its cue phrases (empty when it has none)."""

    lang: str
    label: str
    category: str
    template: str
    cues: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class CueTicket:
    """A cue-marked line as a ticket: its placeholders filled, its cues located in the text."""

    lang: str
    label: str
    template: str
    text: str
    #: (start, end) of every occurrence of every cue phrase in ``text``
    cues: tuple[tuple[int, int], ...]


def parse_cues(field: str) -> tuple[str, ...]:
    """The cue phrases of a 4th-column value (``"rude|filing a complaint"``); raises
    :class:`ValueError` for an empty phrase, which is always a typo (``a||b``, ``a|``)."""
    if not field.strip():
        return ()
    phrases = tuple(p.strip() for p in field.split(CUE_SEPARATOR))
    if not all(phrases):
        raise ValueError(f"empty cue phrase in {field!r}")
    return phrases


def read_cue_lines(lang: str, kind: AuthoredKind = "tickets") -> list[CueLine]:
    """Every data line of ``resources/data/<kind>_<lang>.tsv`` with its cues.

    Raises :class:`InputFileError` naming the file and line for a malformed cue column: an
    empty phrase, a phrase that is not in the line's text or holds a placeholder (it must be
    found, literally, in the filled ticket), or a cue on a neutral line."""
    out = []
    for row in authored_lines(lang, kind):
        where = f"{resource_path('data', f'{kind}_{lang}.tsv')}:{row.line}"
        try:
            cues = parse_cues(row.cues)
        except ValueError as exc:
            raise InputFileError(f"{where}: {exc}") from None
        for cue in cues:
            if "{" in cue or cue not in row.template:
                raise InputFileError(
                    f"{where}: cue {cue!r} is not a literal part of the line's text"
                )
        if cues and row.label == "neutral":
            raise InputFileError(f"{where}: a neutral line has no cue to mark")
        out.append(CueLine(lang, row.label, row.category, row.template, cues, row.line))
    return out


def fill_placeholders(template: str, lang: str) -> str:
    """The template with its placeholders filled, the same way every run (seeded by the
    template); no greeting or sign-off is added, since the cues mark the line alone."""
    rng = random.Random(template)
    fill = FILL[lang]
    return template.format(
        order="SD" + str(rng.randint(10_000_000, 99_999_999)),
        tracking="SF" + str(rng.randint(10**9, 10**10 - 1)),
        amount=str(rng.choice([19, 35, 49.9, 88, 120, 199, 268, 599])),
        days=str(rng.randint(3, 15)),
        product=rng.choice(fill["product"]),
        name=rng.choice(fill["name"]),
    )


def locate(text: str, phrases: Sequence[str]) -> tuple[tuple[int, int], ...]:
    """(start, end) of every occurrence of each phrase in ``text``, in text order."""
    found = set()
    for phrase in phrases:
        start = text.find(phrase)
        while start >= 0:
            found.add((start, start + len(phrase)))
            start = text.find(phrase, start + 1)
    return tuple(sorted(found))


def cue_tickets(lang: str) -> list[CueTicket]:
    """The cue-marked lines of one language as tickets, in file order."""
    out = []
    for row in read_cue_lines(lang):
        if not row.cues:
            continue
        text = fill_placeholders(row.template, lang)
        out.append(CueTicket(lang, row.label, row.template, text, locate(text, row.cues)))
    return out


def strongest(spans: Sequence[Span], k: int = TOP_SPANS) -> list[Span]:
    """The ``k`` spans with the largest |weight| (earlier first on ties)."""
    return sorted(spans, key=lambda s: (-abs(s.weight), s.start))[:k]


def _overlaps(span: Span, cues: Sequence[tuple[int, int]]) -> bool:
    return any(span.start < end and start < span.end for start, end in cues)


def _agrees(span: Span, label: str) -> bool:
    return span.weight > 0 if label == "negative" else span.weight < 0


def cue_hit(
    spans: Sequence[Span], cues: Sequence[tuple[int, int]], label: str, k: int = TOP_SPANS
) -> bool:
    """Whether one of the ``k`` strongest spans overlaps a cue, pointing the label's way."""
    return any(_overlaps(s, cues) and _agrees(s, label) for s in strongest(spans, k))


def cue_precision(
    spans: Sequence[Span], cues: Sequence[tuple[int, int]], label: str, k: int = TOP_SPANS
) -> float:
    """Share of the ``k`` strongest spans that are on a cue and point the label's way (0 for
    no spans): how much of what is highlighted is noise."""
    top = strongest(spans, k)
    if not top:
        return 0.0
    return sum(_overlaps(s, cues) and _agrees(s, label) for s in top) / len(top)
