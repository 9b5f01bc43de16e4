"""Occlusion explanations: which words of a ticket pushed its negativity up or down.

Units. English (and other Latin-script) text is cut into words, a contraction ("I'm",
"can't"), hyphenated word ("copy-paste") or number ("49.9") being one word. Chinese is cut
into words by the model's own token pieces (its vocabulary holds the common words: 客服,
投诉, 到底), with function words split off (的问题 -> 的 + 问题) and neighbouring single
characters joined (签+收, 尺+码); see :func:`_han_words` for why not SnowNLP. Words sharing a
token piece are one unit, since a piece cannot be half left out. Punctuation is never a
unit, and function words (the list in ``resources/data/function_words.txt``, English and
Chinese) are units that are never weighed: they stay in every variant and are never
highlighted.

What is measured. The ticket is cut into segments (sentences; long sentences into clauses)
and every segment is scored on its own, whole and with words left out. A word's weight is
the mean of two changes in the log-odds of "negative": how much the segment loses when the
word alone is left out (the word's last marginal contribution), and how much the segment's
function words gain when the word alone is put back among them (its first). Their mean is
the two-point estimate of the word's Shapley value in its segment. Leaving one word out of
the whole ticket, as before, missed any cue that another word repeats: in "Your staff was
rude and told me it was my fault. I'm filing a complaint." no single word is needed for the
verdict, so the weights were noise ("Your", "was", "a") and "rude" was not marked.

Cost. Scoring segments rather than the whole ticket keeps every variant a short row: a
typical ticket scores about half the tokens that leaving words out of the whole ticket
did. A ticket whose variants would exceed :data:`TOKEN_BUDGET` tokens is cut into shorter
segments, scores each of them whole, then weighs the words of the segments that push
hardest towards its label, as many as fit: a 128-token ticket scores about 4x its own
length instead of 90x.

Words are left out by deleting their tokens (and their characters, for the n-gram model),
not by replacing them with ``<mask>`` or hiding them from attention: on the authored
tickets' cue marks (``scripts/explain_cues.py``) deletion was as good as ``<mask>`` within
segments and better over whole English tickets (top-3 cue hits 0.95 against 0.81, attention
masking 0.65); the fine-tuned model has never seen ``<mask>`` or holes in its attention, and
the n-gram model can only read text, so deletion gives both models the same input.

Log-odds come from the scorer's uncalibrated scores (log-space), not from probabilities: a
float32 probability of 0.99999994 is 1.0, and every variant of a confident ticket would
then have the same log-odds.

Which spans are shown: the words that pushed the ticket towards its predicted label
(towards negative on a negative ticket, away from it on a positive one; both ways on a
neutral one), at least :data:`MIN_WEIGHT` and :data:`RELATIVE_WEIGHT` of the strongest,
with neighbours joined into one span when only function words or spaces lie between them.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from inference.encoding import Encoded
from inference.prediction import Span
from inference.resources import resource_path

#: Spans whose |weight| (log-odds) is below this are noise, not explanation.
MIN_WEIGHT = 0.2
#: Spans weaker than this share of the strongest shown span are left out: next to a word
#: that moved the log-odds by 6, one that moved them by 0.5 is not why the ticket reads so.
RELATIVE_WEIGHT = 0.25
#: At most this many words are highlighted (before neighbours are joined), strongest first.
MAX_SPANS = 12
#: Units (words, function words included) a segment holds at most. A segment of n words
#: costs about 2n variants of its own length; 16 keeps most sentences whole.
SEGMENT_UNITS = 16
#: Tokens one explanation may score (the summed length of its variants, the ticket itself
#: included). Int8 inference on one core of the 2-core machine (the window leaves the other
#: to the GUI) runs about 2,500 tokens a second, so with the rest of the work a long ticket
#: is explained in about 250 ms (``scripts/explain_cues.py`` measures it).
TOKEN_BUDGET = 320
#: Units a segment of a ticket over the budget holds at most.
LONG_SEGMENT_UNITS = 8
#: Characters of a text a model without tokens (the provisional n-gram one) explains: about
#: what 128 tokens hold; its own window is far longer, and the n-gram variants cost time
#: with every character.
TEXT_WINDOW = 512
#: The data file listing the words that are never weighed.
FUNCTION_WORDS_FILE = ("data", "function_words.txt")

#: Sentiment scores (log-space, one column per sentiment) of token rows and their texts.
Evidence = Callable[[Sequence[Sequence[int]], Sequence[str]], npt.NDArray[np.floating]]
#: The same for a model that reads text alone.
TextEvidence = Callable[[Sequence[str]], npt.NDArray[np.floating]]


@dataclass(frozen=True)
class Unit:
    """A word of the text: ``text[start:end]``; ``function`` words are never weighed."""

    start: int
    end: int
    function: bool


# -- units ----------------------------------------------------------------------------------

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_LATIN = "A-Za-z0-9\u00c0-\u024f"
#: A Latin-script word or number with inner apostrophes or hyphens ("can't", "copy-paste")
#: or decimal marks ("49.9", "1,000"), a run of Han characters, or a run of other letters
#: (kana, Hangul, Cyrillic...).
_WORD = re.compile(rf"[{_LATIN}]+(?:['’\-][{_LATIN}]+|(?<=\d)[.,:]\d+)*|[{_HAN}]+|[^\W\d_{_HAN}]+")
_HAN_RUN = re.compile(rf"[{_HAN}]+")
#: Neighbouring one-character words are joined up to this length.
_JOIN_CHARS = 4


@functools.cache
def function_words() -> frozenset[str]:
    """The words never weighed (lower-case, ’ as ')."""
    path = resource_path(*FUNCTION_WORDS_FILE)
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


@functools.cache
def _longest_function_word() -> int:
    return max(len(w) for w in function_words())


def _is_function(word: str) -> bool:
    return word.lower().replace("’", "'") in function_words()


def _function_parts(piece: str) -> list[tuple[str, bool]]:
    """``piece`` cut into function words (longest first, from the left) and the stretches
    of other characters between them: 我已经退订了 -> 我, 已经, 退订, 了."""
    out: list[tuple[str, bool]] = []
    i = 0
    while i < len(piece):
        size = next(
            (n for n in range(_longest_function_word(), 0, -1) if _is_function(piece[i : i + n])),
            0,
        )
        if size:
            out.append((piece[i : i + size], True))
            i += size
        elif out and not out[-1][1]:
            out[-1] = (out[-1][0] + piece[i], False)
            i += 1
        else:
            out.append((piece[i], False))
            i += 1
    return out


def _han_piece(piece: str, whole: bool) -> list[tuple[str, bool]]:
    """Words of one piece of a Han run. A piece the tokenizer keeps whole (``whole``) is one
    word, unless it is only function words (是我, 我要) or a function word sticks to a word of
    two characters or more (的问题 -> 的, 问题); 到底 or 也不 stay whole. A stretch with no
    piece boundaries inside (a text model's) is cut at function words, and what lies between
    them into words of two characters, the commonest length of a Chinese word."""
    parts = _function_parts(piece)
    if all(f for _, f in parts):
        return [(piece, True)] if whole else parts
    if whole:
        lead = len(parts[0][0]) if parts[0][1] else 0
        trail = len(parts[-1][0]) if parts[-1][1] and len(parts) > 1 else 0
        core = piece[lead : len(piece) - trail]
        if len(core) < 2 or any(f for _, f in _function_parts(core)):
            return [(piece, False)]
        cut = [(piece[:lead], True), (core, False), (piece[len(core) + lead :], True)]
        return [(w, f) for w, f in cut if w]
    out: list[tuple[str, bool]] = []
    for word, function in parts:
        if function or len(word) <= _JOIN_CHARS:
            out.append((word, function))
        else:
            out += [(word[i : i + 2], False) for i in range(0, len(word), 2)]
    return out


def _han_words(run: str, start: int, cuts: Sequence[int] | None) -> list[tuple[str, bool]]:
    """Words of a run of Han characters starting at ``start`` of the text. ``cuts`` are the
    offsets where the model's token pieces start: its vocabulary holds the common words
    (客服, 投诉, 到底) and splits the rest into characters, so pieces are cut at function words
    and neighbouring one-character pieces joined again (签+收, 莫+名+其+妙). Without pieces
    (a text model) the run is cut at function words alone.

    SnowNLP's segmenter was tried first and is not used: loading its model holds the GIL for
    3.7 s (the window would freeze at its first Chinese explanation) and it takes 0.27 ms a
    character (50 ms of a long ticket's budget); on the cue marks it did no better (top-3
    hits 0.95 and precision 0.80, against 0.97 and 0.82 with the pieces)."""
    bounds = sorted({0, len(run), *(c - start for c in cuts or () if start < c < start + len(run))})
    if cuts is None:
        words = _han_piece(run, whole=False)
    else:
        words = [w for a, b in itertools.pairwise(bounds) for w in _han_piece(run[a:b], True)]
    out: list[tuple[str, bool]] = []
    joinable: list[bool] = []
    for word, function in words:
        single = len(word) == 1 and not function
        if single and joinable and joinable[-1] and len(out[-1][0]) < _JOIN_CHARS:
            out[-1] = (out[-1][0] + word, False)
        else:
            out.append((word, function))
            joinable.append(single)
    return out


def explanation_units(
    text: str, start: int = 0, end: int | None = None, cuts: Sequence[int] | None = None
) -> list[Unit]:
    """The words of ``text[start:end]`` in order (offsets into ``text``); punctuation and
    spaces belong to none, an emoji or other symbol is a unit of its own. ``cuts``: where
    the model's token pieces start, which words of Han characters follow (see
    :func:`_han_words`)."""
    end = len(text) if end is None else end
    units: list[Unit] = []
    pos = start
    for match in _WORD.finditer(text, start, end):
        units += _symbols(text, pos, match.start())
        pos = match.end()
        word = match.group()
        if not _HAN_RUN.fullmatch(word):
            units.append(Unit(match.start(), match.end(), _is_function(word)))
            continue
        at = match.start()
        for part, function in _han_words(word, at, cuts):
            units.append(Unit(at, at + len(part), function))
            at += len(part)
    units += _symbols(text, pos, end)
    return units


def _symbols(text: str, start: int, end: int) -> list[Unit]:
    """Emoji and other symbols between words: they carry tone (😊, 👎); punctuation does not."""
    return [
        Unit(i, i + 1, False) for i in range(start, end) if unicodedata.category(text[i]) == "So"
    ]


# -- segments -------------------------------------------------------------------------------

#: Where a sentence ends: its punctuation, closing quotes and brackets after it, a line end.
_SENTENCE_END = re.compile(r"(?:[.!?。！？;；…]+|\n)[\"'”’)）」』]*")
#: Where a clause of a long sentence ends.
_CLAUSE_END = re.compile(r"[,，、:：]+")


def _cuts(text: str, pattern: re.Pattern[str], start: int, end: int) -> list[int]:
    cuts = []
    for match in pattern.finditer(text, start, end):
        after = match.end()
        # "49.9", "e.g": a full stop inside a word or number ends nothing
        inner = match.group() == "." and after < len(text) and text[after].isalnum()
        if not inner and start < after < end:
            cuts.append(after)
    return cuts


def _pieces(start: int, end: int, cuts: Iterable[int]) -> list[tuple[int, int]]:
    bounds = [start, *cuts, end]
    return [(a, b) for a, b in itertools.pairwise(bounds) if a < b]


def segments(
    text: str, units: Sequence[Unit], max_units: int = SEGMENT_UNITS
) -> list[tuple[int, int]]:
    """(start, end) of the parts of ``text`` scored on their own: its sentences; a sentence
    of more than ``max_units`` units is cut into runs of whole clauses, and a clause longer
    than that into runs of ``max_units`` units."""

    def count(a: int, b: int) -> int:
        return sum(1 for u in units if a <= u.start < b)

    out: list[tuple[int, int]] = []
    for s_start, s_end in _pieces(0, len(text), _cuts(text, _SENTENCE_END, 0, len(text))):
        if count(s_start, s_end) <= max_units:
            out.append((s_start, s_end))
            continue
        run_start, run_units = s_start, 0
        for c_start, c_end in _pieces(s_start, s_end, _cuts(text, _CLAUSE_END, s_start, s_end)):
            n = count(c_start, c_end)
            if run_units and run_units + n > max_units:
                out.append((run_start, c_start))
                run_start, run_units = c_start, 0
            if n > max_units:
                starts = [u.start for u in units if c_start <= u.start < c_end]
                chunk_starts = starts[max_units::max_units]
                out += _pieces(run_start, c_end, chunk_starts)
                run_start, run_units = c_end, 0
            else:
                run_units += n
        if run_start < s_end:
            out.append((run_start, s_end))
    return [(a, b) for a, b in out if count(a, b)]


# -- occlusion ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Group:
    """Units left out together: ``cut`` is removed from the text, ``positions`` from the
    token row; ``shown`` is what a span highlights (its words that are not function words)."""

    cut: tuple[int, int]
    shown: tuple[int, int]
    positions: frozenset[int]
    function: bool


def _token_ranges(text: str, encoded: Encoded) -> list[tuple[int, int, int]]:
    """(start, end, position) of each token between ``<s>`` and ``</s>``, trimmed to visible
    characters (a metaspace piece's offsets include the space before its word)."""
    out = []
    for pos in range(1, len(encoded.ids) - 1):
        start, end = encoded.offsets[pos]
        while start < end and text[start].isspace():
            start += 1
        if start < end:
            out.append((start, end, pos))
    return out


def _windows(text: str, tokens: Sequence[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """The character ranges the token row covers: the whole text, or its head and its tail
    when the middle of a long text was cut (see :func:`inference.encoding._head_and_tail`)."""
    out: list[tuple[int, int]] = []
    for start, end, _ in tokens:
        if out and not text[out[-1][1] : start].strip():
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _groups(units: Sequence[Unit], tokens: Sequence[tuple[int, int, int]] | None) -> list[_Group]:
    """Units as groups: for a token model, units sharing a piece are joined and units with no
    token (cut off by truncation) are dropped; for a text model each unit is its own group."""
    parts: list[tuple[list[Unit], set[int]]] = []
    for unit in units:
        positions = (
            set()
            if tokens is None
            else {p for a, b, p in tokens if a < unit.end and unit.start < b}
        )
        if tokens is not None and not positions:
            continue
        if parts and parts[-1][1] & positions:
            parts[-1][0].append(unit)
            parts[-1][1].update(positions)
        else:
            parts.append(([unit], positions))
    out = []
    for members, positions in parts:
        content = [u for u in members if not u.function] or members
        out.append(
            _Group(
                (members[0].start, members[-1].end),
                (content[0].start, content[-1].end),
                frozenset(positions),
                all(u.function for u in members),
            )
        )
    return out


def _without(text: str, offset: int, cuts: Iterable[tuple[int, int]]) -> str:
    """``text`` (which starts at ``offset`` of the ticket) with the ``cuts`` removed."""
    kept, pos = [], 0
    for start, end in sorted(cuts):
        kept.append(text[pos : start - offset])
        pos = end - offset
    kept.append(text[pos:])
    return "".join(kept)


@dataclass
class _Segment:
    """A segment's variants: ``rows``/``texts`` hold it whole, then without any weighed
    group, then for each weighed group (``groups``) the segment without it and the group
    alone among the function words (``index``: where those two are; a variant that
    repeats another is scored once)."""

    groups: list[_Group]
    rows: list[list[int]]
    texts: list[str]
    index: list[tuple[int, int]]


def _segment(
    text: str,
    ids: Sequence[int],
    tokens: Sequence[tuple[int, int, int]] | None,
    span: tuple[int, int],
    members: Sequence[_Group],
) -> _Segment:
    seg_start, seg_end = span
    weighed = [i for i, g in enumerate(members) if not g.function]
    seg_text = text[seg_start:seg_end]
    seg_positions = [p for a, _, p in (tokens or ()) if seg_start <= a < seg_end]
    segment = _Segment([members[i] for i in weighed], [], [], [])
    seen: dict[frozenset[int], int] = {}

    def variant(absent: frozenset[int]) -> int:
        if absent not in seen:
            seen[absent] = len(segment.rows)
            drop: set[int] = set().union(*(members[i].positions for i in absent))
            row = [ids[0], *(ids[p] for p in seg_positions if p not in drop), ids[-1]]
            segment.rows.append(row if tokens is not None else [])
            segment.texts.append(_without(seg_text, seg_start, (members[i].cut for i in absent)))
        return seen[absent]

    everything = frozenset(weighed)
    variant(frozenset())
    variant(everything)
    segment.index += [(variant(frozenset({i})), variant(everything - {i})) for i in weighed]
    return segment


def _segments(
    text: str,
    ids: Sequence[int],
    tokens: Sequence[tuple[int, int, int]] | None,
    units: Sequence[Unit],
    groups: Sequence[_Group],
    max_units: int,
) -> list[_Segment]:
    out = []
    for span in segments(text, units, max_units):
        members = [g for g in groups if span[0] <= g.cut[0] < span[1]]
        if any(not g.function for g in members):
            out.append(_segment(text, ids, tokens, span, members))
    return out


def _explain(
    text: str,
    ids: Sequence[int],
    tokens: Sequence[tuple[int, int, int]] | None,
    evidence: Evidence,
    sentiments: Sequence[str],
) -> tuple[Span, ...]:
    """Spans of ``text`` for a token model (``tokens`` given) or a text model (None)."""
    windows = [(0, min(len(text), TEXT_WINDOW))] if tokens is None else _windows(text, tokens)
    cuts = None if tokens is None else sorted({a for a, _, _ in tokens})
    units = [u for a, b in windows for u in explanation_units(text, a, b, cuts)]
    groups = _groups(units, tokens)
    parts = _segments(text, ids, tokens, units, groups, SEGMENT_UNITS)
    if not parts:
        return ()
    negative = sentiments.index("negative")
    # The ticket as it was scored (for its label) goes alone: in one batch with the short
    # segment rows it would pad them all to its length.
    label = sentiments[int(np.argmax(evidence([list(ids)], [text])[0]))]
    cost = len(ids) + sum(len(r) for p in parts for r in p.rows)
    if tokens is not None and cost > TOKEN_BUDGET:
        # shorter segments are cheaper to weigh, so more of the ticket fits
        parts = _segments(text, ids, tokens, units, groups, LONG_SEGMENT_UNITS)
        chosen, found = _screened(parts, evidence, negative, label, TOKEN_BUDGET - len(ids))
    else:
        chosen, found = parts, _scored(parts, evidence, negative)
    shown_groups, weights = [], []
    for part, y in zip(chosen, found, strict=True):
        whole, none = y[0], y[1]
        for group, (left_out, alone) in zip(part.groups, part.index, strict=True):
            shown_groups.append(group)
            weights.append(((whole - y[left_out]) + (y[alone] - none)) / 2)
    return _shown(text, units, shown_groups, weights, label)


def _scored(
    parts: Sequence[_Segment], evidence: Evidence, negative: int
) -> list[npt.NDArray[np.float64]]:
    """The log-odds of every variant of every segment, in one batch."""
    rows, texts = [], []
    for part in parts:
        rows += part.rows
        texts += part.texts
    y = _log_odds(np.asarray(evidence(rows, texts), dtype=np.float64), negative)
    found, at = [], 0
    for part in parts:
        found.append(y[at : at + len(part.rows)])
        at += len(part.rows)
    return found


def _screened(
    parts: Sequence[_Segment], evidence: Evidence, negative: int, label: str, budget: int
) -> tuple[list[_Segment], list[npt.NDArray[np.float64]]]:
    """A ticket too long to weigh every word in time: first each segment whole (against an
    empty row), then the words of the segments that push hardest towards the label, as
    many as ``budget`` tokens allow (always the strongest)."""
    empty = [parts[0].rows[0][0], parts[0].rows[0][-1]] if parts[0].rows[0] else []
    rows, texts = [empty], [""]
    for part in parts:
        rows.append(part.rows[0])
        texts.append(part.texts[0])
    y = _log_odds(np.asarray(evidence(rows, texts), dtype=np.float64), negative)
    direction = {"negative": 1.0, "positive": -1.0}.get(label)
    pushes = [float(y[1 + i] - y[0]) for i in range(len(parts))]
    pushes = [abs(x) if direction is None else x * direction for x in pushes]
    left = budget - sum(len(r) for r in rows)
    chosen: list[int] = []
    for i in sorted(range(len(parts)), key=lambda i: -pushes[i]):
        cost = sum(len(r) for r in parts[i].rows[1:])
        if chosen and (cost > left or pushes[i] < MIN_WEIGHT):
            continue
        chosen.append(i)
        left -= cost
    chosen.sort()
    rows, texts = [], []
    for i in chosen:
        rows += parts[i].rows[1:]
        texts += parts[i].texts[1:]
    words = _log_odds(np.asarray(evidence(rows, texts), dtype=np.float64), negative)
    found, at = [], 0
    for i in chosen:
        n = len(parts[i].rows) - 1
        found.append(np.concatenate([y[1 + i : 2 + i], words[at : at + n]]))
        at += n
    return [parts[i] for i in chosen], found


def _log_odds(scores: npt.NDArray[np.float64], k: int) -> npt.NDArray[np.float64]:
    """log P(k) - log P(not k) from log-space scores, exact where probabilities round to 1."""
    others = np.delete(scores, k, axis=1)
    top = others.max(axis=1)
    rest = top + np.log(np.exp(others - top[:, None]).sum(axis=1))
    return np.asarray(scores[:, k] - rest)


def _shown(
    text: str,
    units: Sequence[Unit],
    groups: Sequence[_Group],
    weights: Sequence[float],
    label: str,
) -> tuple[Span, ...]:
    """The spans worth showing (see the module docstring), in text order."""
    direction = {"negative": 1.0, "positive": -1.0}.get(label)
    spans = [
        Span(g.shown[0], g.shown[1], round(float(w), 3))
        for g, w in zip(groups, weights, strict=True)
        if abs(w) >= MIN_WEIGHT and (direction is None or w * direction > 0)
    ]
    if not spans:
        return ()
    spans.sort(key=lambda s: -abs(s.weight))
    floor = RELATIVE_WEIGHT * abs(spans[0].weight)
    spans = sorted((s for s in spans[:MAX_SPANS] if abs(s.weight) >= floor), key=lambda s: s.start)
    return tuple(_joined(text, units, spans))


def _joined(text: str, units: Sequence[Unit], spans: Sequence[Span]) -> list[Span]:
    """Neighbouring spans pushing the same way become one ("filing a complaint", "quick and
    easy") when only spaces and function words lie between them; its weight is their sum."""
    filler = {i for u in units if u.function for i in range(u.start, u.end)}
    out: list[Span] = []
    for span in spans:
        if out and (out[-1].weight > 0) == (span.weight > 0):
            gap = range(out[-1].end, span.start)
            if all(text[i].isspace() or i in filler for i in gap):
                last = out.pop()
                out.append(Span(last.start, span.end, round(last.weight + span.weight, 3)))
                continue
        out.append(span)
    return out


def occlusion_spans(
    text: str, encoded: Encoded, evidence: Evidence, sentiments: Sequence[str]
) -> tuple[Span, ...]:
    """Explanation spans for a token model: ``evidence`` gives the sentiment scores
    (log-space, columns ``sentiments``) of token rows and their texts (for a blended n-gram
    model). Words outside the token window of a truncated text are not weighed."""
    return _explain(text, encoded.ids, _token_ranges(text, encoded), evidence, sentiments)


def text_occlusion_spans(
    text: str, evidence: TextEvidence, sentiments: Sequence[str]
) -> tuple[Span, ...]:
    """:func:`occlusion_spans` for a model that reads raw text (the provisional n-gram one)."""
    return _explain(text, (0, 0), None, lambda _rows, texts: evidence(texts), sentiments)
