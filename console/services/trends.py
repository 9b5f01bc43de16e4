"""Trends: what the Trends dashboard and ``sentidesk report`` show, computed once here so that
both show the same numbers.

Over the conversations created in a time range (imported labels are no conversations):

* **Volume and negative share** per local day, and per hour for the last two days of the
  range, overall and per category, channel and language. The sentiment and category that
  count are an agent's override over the model's (as in the queue and the spike alerts); the
  share is of the *scored* conversations, so an unscored backlog does not read as calm.
* **Waiting time and SLA breaches**: from the customer's first message to the first agent
  message after it. A conversation breaches the reply SLA (``[reply_sla] hours`` of the flag
  settings) when that reply came later than the SLA, or when none came, it is not solved
  and the SLA has passed by now: the reply SLA flag rule's test (see
  :func:`console.services.flags.reply_sla_rule`), applied to every conversation at once.
* **Driving phrases**: what this week's negative conversations say more often than the
  negative conversations of the weeks before, as the smoothed log-odds ratio with an
  informative Dirichlet prior of Monroe, Colaresi & Quinn ("Fightin' Words", 2008): the
  pooled counts of both periods are the prior, so a phrase seen a few times is pulled
  towards "no change", and phrases are ranked by the ratio's z-score. A conversation counts a
  phrase once. English: words and word pairs without the stop words of
  ``resources/trends/stopwords_en.txt`` (negations are kept); Chinese: character bigrams
  without the particles of ``resources/trends/stopchars_zh.txt``.
* **Team figures** for the replies and corrections made in the range: per account the
  conversations handled (replied to or relabelled; a review decision is not handling), the
  override rate, how much of the suggestions they changed (the edit ratio each reply
  stores, see :mod:`console.services.editing`; "heavily" at the reply-edit flag's threshold)
  and the median time to first reply of the conversations created in the range whose
  first reply was theirs. Per template how often it was used and how much it was
  rewritten, most rewritten first: the templates to fix.

Times are epoch seconds; days and hours are those of ``tz`` (the machine's local time when
None). Thread: :func:`compute_trends` runs on the database worker; the rest anywhere.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import re
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from console.services.flags import FlagSettings, sla_breach
from console.store import (
    RelabelFact,
    ReplyFact,
    ReplyWait,
    TicketStore,
    TicketText,
    TrendCount,
)
from inference import SentideskError
from inference.resources import resource_path

#: The breakdowns of volume and negative share, in the order the dashboard lists them.
DIMENSIONS = ("overall", "category", "channel", "language")
#: The one series of the overall breakdown.
ALL = "all"
#: The key of conversations without a value in a breakdown (not scored yet).
UNSCORED = ""
#: The languages driving phrases are found in.
PHRASE_LANGUAGES = ("en", "zh")

_HOUR = 3600.0
_DAY = 86400.0
_WEEK = 7 * _DAY


class TrendsError(SentideskError):
    """A time range that cannot be used (unreadable, or ending before it starts)."""


# -- results --------------------------------------------------------------------------------
@dataclass(frozen=True)
class TrendsQuery:
    """What to compute: conversations created in ``[since, until)`` (epoch seconds), hourly
    buckets for the last ``hours`` of it, driving phrases of the week before ``until``
    against the ``weeks_before`` weeks before that."""

    since: float
    until: float
    hours: float = 48.0
    weeks_before: int = 4
    #: phrases listed per language
    phrases: int = 15
    #: a phrase must be in at least this many of this week's negative conversations
    min_phrase_tickets: int = 3


@dataclass(frozen=True)
class TrendPoint:
    """One bucket of one series: conversations created, scored, negative."""

    volume: int = 0
    scored: int = 0
    negatives: int = 0

    @property
    def share(self) -> float | None:
        """The negative share of the scored conversations; None when none is scored."""
        return self.negatives / self.scored if self.scored else None

    def __add__(self, other: TrendPoint) -> TrendPoint:
        return TrendPoint(
            self.volume + other.volume,
            self.scored + other.scored,
            self.negatives + other.negatives,
        )


@dataclass(frozen=True)
class Series:
    """A breakdown's series: ``dimension`` is one of :data:`DIMENSIONS`, ``key`` the
    category, channel or language (:data:`ALL` overall, :data:`UNSCORED` for none)."""

    dimension: str
    key: str
    points: tuple[TrendPoint, ...]

    @property
    def total(self) -> TrendPoint:
        return sum(self.points, TrendPoint())


@dataclass(frozen=True)
class Timeline:
    """Buckets ``[edges[i], edges[i + 1])`` and every series over them."""

    resolution: str  # "day" or "hour"
    edges: tuple[float, ...]
    series: tuple[Series, ...]

    @property
    def buckets(self) -> int:
        return max(0, len(self.edges) - 1)

    def of(self, dimension: str) -> tuple[Series, ...]:
        """The series of one breakdown, largest first (overall: the one series)."""
        return tuple(s for s in self.series if s.dimension == dimension)

    @property
    def overall(self) -> Series:
        return self.of("overall")[0]

    def bucket_of(self, at: float) -> int | None:
        """The bucket holding the time ``at``, or None outside the timeline."""
        i = bisect.bisect_right(self.edges, at) - 1
        return i if 0 <= i < self.buckets else None


@dataclass(frozen=True)
class WaitPoint:
    """Waiting for the first reply, over the conversations created in one bucket (or the
    whole range). Waits are seconds; ``breach_ids`` are the conversations past the SLA."""

    tickets: int = 0
    answered: int = 0
    median_wait: float | None = None
    p90_wait: float | None = None
    breaches: int = 0
    #: waiting for a first reply now (not solved)
    unanswered: int = 0
    breach_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Phrase:
    """A phrase this week's negative conversations use more than those of the weeks before.

    ``this_week`` and ``before`` count conversations; ``ticket_ids`` are this week's."""

    text: str
    language: str
    z: float
    this_week: int
    before: int
    this_share: float
    before_share: float
    ticket_ids: tuple[str, ...]


@dataclass(frozen=True)
class PhraseReport:
    """Driving phrases per language, and what they were compared over."""

    week_start: float
    week_end: float
    before_start: float
    #: negative conversations per language this week and in the weeks before
    this_week: Mapping[str, int]
    before: Mapping[str, int]
    phrases: Mapping[str, tuple[Phrase, ...]]


@dataclass(frozen=True)
class AgentFigures:
    """One account's work in the range (see the module docstring). Seconds for times."""

    agent: str
    tickets: int
    replies: int
    #: replies that started from a suggestion
    suggested: int
    #: conversations whose sentiment or category they changed
    relabelled: int
    #: conversations created in the range whose first reply was theirs
    first_replies: int
    median_first_reply: float | None
    #: mean edit ratio of their replies from a suggestion (0 sent as is … 1 rewritten)
    mean_edit_ratio: float | None
    #: replies from a suggestion changed at or above the heavy-edit threshold
    heavy_edits: int
    ticket_ids: tuple[str, ...]

    @property
    def override_rate(self) -> float | None:
        return self.relabelled / self.tickets if self.tickets else None

    @property
    def heavy_edit_share(self) -> float | None:
        return self.heavy_edits / self.suggested if self.suggested else None


@dataclass(frozen=True)
class TemplateFigures:
    """How a reply template was used in the range and how much agents rewrote it."""

    template_id: str
    title: str
    uses: int
    mean_edit_ratio: float
    median_edit_ratio: float
    heavy_edits: int
    agents: int
    ticket_ids: tuple[str, ...]

    @property
    def heavy_edit_share(self) -> float:
        return self.heavy_edits / self.uses if self.uses else 0.0


@dataclass(frozen=True)
class Trends:
    """Everything the dashboard and the report show for one range."""

    since: float
    until: float
    generated_at: float
    timezone: str
    sla_hours: float
    heavy_edit_threshold: float
    days: Timeline
    hours: Timeline
    waiting_days: tuple[WaitPoint, ...]
    waiting_hours: tuple[WaitPoint, ...]
    waiting_total: WaitPoint
    phrases: PhraseReport
    agents: tuple[AgentFigures, ...]
    templates: tuple[TemplateFigures, ...]
    #: how long each part took on the database worker, in ms (for `sentidesk bench-ui`)
    timings: Mapping[str, float] = field(default_factory=dict, compare=False)

    @property
    def total(self) -> TrendPoint:
        return self.days.overall.total


# -- time ----------------------------------------------------------------------------------
def _at(day: date, tz: tzinfo | None, hour: int = 0) -> float:
    # a naive datetime's timestamp() is local time, DST included (mktime)
    return datetime(day.year, day.month, day.day, hour, tzinfo=tz).timestamp()


def _local(epoch: float, tz: tzinfo | None) -> datetime:
    return datetime.fromtimestamp(epoch, tz)


def day_edges(since: float, until: float, tz: tzinfo | None = None) -> tuple[float, ...]:
    """``since``, every local midnight strictly between, ``until``."""
    edges = [since]
    day = _local(since, tz).date() + timedelta(days=1)
    while (edge := _at(day, tz)) < until:
        if edge > edges[-1]:
            edges.append(edge)
        day += timedelta(days=1)
    edges.append(until)
    return tuple(edges)


def hour_edges(
    since: float, until: float, hours: float, tz: tzinfo | None = None
) -> tuple[float, ...]:
    """The last ``hours`` of ``[since, until)`` cut at every local full hour."""
    start = max(since, until - hours * _HOUR)
    moment = _local(start, tz)
    first = moment.replace(minute=0, second=0, microsecond=0).timestamp() + _HOUR
    edges = [start]
    edge = first
    while edge < until:
        if edge > edges[-1]:
            edges.append(edge)
        edge += _HOUR
    edges.append(until)
    return tuple(edges)


def timezone_name(tz: tzinfo | None) -> str:
    return (datetime.now(tz) if tz else datetime.now().astimezone()).strftime("%Z") or "local"


def parse_range(
    since: str, until: str | None, tz: tzinfo | None = None, now: float | None = None
) -> tuple[float, float]:
    """``--since``/``--until`` as epoch seconds: a date (``YYYY-MM-DD``) is that local day's
    start for ``since`` and its end for ``until`` (so the day is included); an ISO time is
    taken as it is (local when it has no offset). No ``until`` is now."""

    def parse(text: str, option: str, end: bool) -> float:
        value = text.strip()
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                day = date.fromisoformat(value)
                return _at(day + timedelta(days=1) if end else day, tz)
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except (ValueError, OverflowError) as exc:
            raise TrendsError(
                f"{option} {text!r} is not a date (YYYY-MM-DD) or an ISO time"
            ) from exc
        if moment.tzinfo is None and tz is not None:
            moment = moment.replace(tzinfo=tz)
        return moment.timestamp()

    start = parse(since, "--since", end=False)
    end = time.time() if now is None else now
    if until is not None:
        end = parse(until, "--until", end=True)
    if end <= start:
        raise TrendsError("the range is empty: --until must come after --since")
    return start, end


# -- volume and negative share --------------------------------------------------------------
def timeline(resolution: str, edges: Sequence[float], counts: Iterable[TrendCount]) -> Timeline:
    """Series per breakdown from the store's counts over ``edges``; each breakdown's series
    largest first, then by key."""
    size = max(0, len(edges) - 1)

    def zeros() -> list[list[int]]:
        return [[0, 0, 0] for _ in range(size)]

    # plain counters while adding up: a frozen point per addition would cost more than the
    # query on a 90-day store
    cells: dict[tuple[str, str], list[list[int]]] = {("overall", ALL): zeros()}
    for c in counts:
        for series_key in (
            ("overall", ALL),
            ("category", c.category or UNSCORED),
            ("channel", c.channel or UNSCORED),
            ("language", c.language or UNSCORED),
        ):
            row = cells.get(series_key)
            if row is None:
                row = cells[series_key] = zeros()
            cell = row[c.bucket]
            cell[0] += c.volume
            cell[1] += c.scored
            cell[2] += c.negatives
    series = [
        Series(d, k, tuple(TrendPoint(*cell) for cell in row)) for (d, k), row in cells.items()
    ]
    series.sort(key=lambda s: (DIMENSIONS.index(s.dimension), -s.total.volume, s.key))
    return Timeline(resolution, tuple(edges), tuple(series))


# -- waiting and the reply SLA --------------------------------------------------------------
def first_reply_wait(wait: ReplyWait) -> float | None:
    """Seconds from the customer's first message to the first reply, None without one."""
    if wait.first_customer_at is None or wait.first_reply_at is None:
        return None
    return wait.first_reply_at - wait.first_customer_at


def breaches_sla(wait: ReplyWait, sla_hours: float, now: float) -> bool:
    """The reply SLA rule's test (:func:`console.services.flags.sla_breach`) on a
    conversation's times."""
    return (
        sla_breach(wait.first_customer_at, wait.first_reply_at, wait.status, sla_hours, now)
        is not None
    )


def nearest_rank(values: Sequence[float], fraction: float) -> float | None:
    """The nearest-rank percentile of sorted ``values`` (None when empty)."""
    if not values:
        return None
    return values[max(0, math.ceil(fraction * len(values)) - 1)]


#: What a :class:`WaitPoint` adds up per conversation: created at, the wait for its first
#: reply (None: none), whether it is waiting for one now, whether it breached the SLA, id.
_WaitFact = tuple[float, float | None, bool, bool, str]


def wait_facts(waits: Iterable[ReplyWait], sla_hours: float, now: float) -> list[_WaitFact]:
    """Each conversation's wait, worked out once for every bucket it is counted in."""
    return [
        (
            w.created_at,
            first_reply_wait(w),
            w.first_reply_at is None and w.first_customer_at is not None and w.status != "solved",
            breaches_sla(w, sla_hours, now),
            w.ticket_id,
        )
        for w in waits
    ]


def wait_point(facts: Sequence[_WaitFact]) -> WaitPoint:
    durations = sorted(waited for _, waited, _, _, _ in facts if waited is not None)
    breached = tuple(tid for _, _, _, breach, tid in facts if breach)
    return WaitPoint(
        tickets=len(facts),
        answered=len(durations),
        median_wait=statistics.median(durations) if durations else None,
        p90_wait=nearest_rank(durations, 0.9),
        breaches=len(breached),
        unanswered=sum(1 for _, _, waiting_now, _, _ in facts if waiting_now),
        breach_ids=breached,
    )


def waiting(edges: Sequence[float], facts: Sequence[_WaitFact]) -> tuple[WaitPoint, ...]:
    """One :class:`WaitPoint` per bucket, by the conversations' creation time."""
    size = max(0, len(edges) - 1)
    buckets: list[list[_WaitFact]] = [[] for _ in range(size)]
    for fact in facts:
        i = bisect.bisect_right(edges, fact[0]) - 1
        if 0 <= i < size:
            buckets[i].append(fact)
    return tuple(wait_point(b) for b in buckets)


# -- driving phrases ------------------------------------------------------------------------
def _word_list(name: str) -> frozenset[str]:
    text = resource_path("trends", name).read_text(encoding="utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


@functools.cache
def english_stop_words() -> frozenset[str]:
    return _word_list("stopwords_en.txt")


@functools.cache
def chinese_stop_chars() -> frozenset[str]:
    return _word_list("stopchars_zh.txt")


#: whole words only: the letters of an order number such as SD20261102 are no word
_WORD = re.compile(r"\b[a-z]+(?:'[a-z]+)*\b")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")


def english_phrases(text: str) -> set[str]:
    """Words (of two letters or more) and adjacent word pairs, stop words left out."""
    stop = english_stop_words()
    words = _WORD.findall(text.casefold().replace("’", "'"))
    found = {w for w in words if len(w) > 1 and w not in stop}
    for a, b in itertools.pairwise(words):
        if a not in stop and b not in stop and len(a) > 1 and len(b) > 1:
            found.add(f"{a} {b}")
    return found


def chinese_phrases(text: str) -> set[str]:
    """Character bigrams inside runs of Chinese characters, particles left out."""
    stop = chinese_stop_chars()
    found = set()
    for run in _HAN_RUN.findall(text):
        for a, b in itertools.pairwise(run):
            if a not in stop and b not in stop:
                found.add(a + b)
    return found


PHRASERS: dict[str, Callable[[str], set[str]]] = {
    "en": english_phrases,
    "zh": chinese_phrases,
}


def log_odds_z(this: Mapping[str, int], before: Mapping[str, int]) -> dict[str, float]:
    """The z-score of the log-odds ratio of each phrase of ``this`` against ``before`` with
    the pooled counts as an informative Dirichlet prior (positive: more frequent in
    ``this``). The rest of the vocabulary gets one more pseudo-count, so that a phrase that
    is all there is (a tiny store) keeps finite odds."""
    n_this = sum(this.values())
    n_before = sum(before.values())
    pooled = Counter(this) + Counter(before)
    a0 = sum(pooled.values())
    scores = {}
    for phrase, y_this in this.items():
        a = pooled[phrase]
        y_before = before.get(phrase, 0)
        delta = math.log((y_this + a) / (n_this + a0 - y_this - a + 1)) - math.log(
            (y_before + a) / (n_before + a0 - y_before - a + 1)
        )
        scores[phrase] = delta / math.sqrt(1 / (y_this + a) + 1 / (y_before + a))
    return scores


def driving_phrases(
    this_week: Sequence[TicketText],
    before: Sequence[TicketText],
    language: str,
    *,
    limit: int = 15,
    min_tickets: int = 3,
) -> tuple[Phrase, ...]:
    """This week's phrases of ``language`` most over-represented against ``before``."""
    phraser = PHRASERS[language]
    docs = [(t.ticket_id, phraser(t.text)) for t in this_week if t.language == language]
    old = [phraser(t.text) for t in before if t.language == language]
    if not old:
        # nothing to stand out against: every phrase would score about 0 and the list
        # would be this week's word count (a new store's, say)
        return ()
    counts_this: Counter[str] = Counter()
    for _, found in docs:
        counts_this.update(found)
    counts_before: Counter[str] = Counter()
    for found in old:
        counts_before.update(found)
    scores = log_odds_z(counts_this, counts_before)
    candidates = [
        p
        for p, n in counts_this.items()
        if n >= max(1, min_tickets)
        and scores[p] > 0
        and n / len(docs) > (counts_before[p] / len(old) if old else 0.0)
    ]
    candidates.sort(key=lambda p: (-scores[p], -counts_this[p], p))
    chosen = candidates[:limit]
    ids: dict[str, list[str]] = {p: [] for p in chosen}
    for tid, found in docs:
        for p in chosen:
            if p in found:
                ids[p].append(tid)
    return tuple(
        Phrase(
            text=p,
            language=language,
            z=scores[p],
            this_week=counts_this[p],
            before=counts_before[p],
            this_share=counts_this[p] / len(docs),
            before_share=counts_before[p] / len(old) if old else 0.0,
            ticket_ids=tuple(ids[p]),
        )
        for p in chosen
    )


def phrase_report(store: TicketStore, query: TrendsQuery) -> PhraseReport:
    """Driving phrases of the week before ``query.until``. Thread: the database worker."""
    week_start = query.until - _WEEK
    before_start = week_start - query.weeks_before * _WEEK
    this_week = store.ticket_texts(week_start, query.until)
    before = store.ticket_texts(before_start, week_start)
    return PhraseReport(
        week_start=week_start,
        week_end=query.until,
        before_start=before_start,
        this_week={lang: sum(t.language == lang for t in this_week) for lang in PHRASE_LANGUAGES},
        before={lang: sum(t.language == lang for t in before) for lang in PHRASE_LANGUAGES},
        phrases={
            lang: driving_phrases(
                this_week,
                before,
                lang,
                limit=query.phrases,
                min_tickets=query.min_phrase_tickets,
            )
            for lang in PHRASE_LANGUAGES
        },
    )


# -- team figures ---------------------------------------------------------------------------
def agent_figures(
    replies: Sequence[ReplyFact],
    relabels: Sequence[RelabelFact],
    waits: Sequence[ReplyWait],
    heavy: float,
) -> tuple[AgentFigures, ...]:
    """Per account, most conversations handled first (then by name)."""
    handled: dict[str, dict[str, None]] = defaultdict(dict)
    relabelled: dict[str, set[str]] = defaultdict(set)
    sent: dict[str, list[ReplyFact]] = defaultdict(list)
    for reply in replies:
        handled[reply.agent][reply.ticket_id] = None
        sent[reply.agent].append(reply)
    for relabel in relabels:
        handled[relabel.agent][relabel.ticket_id] = None
        relabelled[relabel.agent].add(relabel.ticket_id)
    first: dict[str, list[float]] = defaultdict(list)
    for wait in waits:
        waited = first_reply_wait(wait)
        if wait.first_reply_by is not None and waited is not None:
            first[wait.first_reply_by].append(waited)
    out = []
    for agent in set(handled) | set(first):
        suggested = [r.edit_ratio for r in sent[agent] if not r.from_scratch]
        out.append(
            AgentFigures(
                agent=agent,
                tickets=len(handled[agent]),
                replies=len(sent[agent]),
                suggested=len(suggested),
                relabelled=len(relabelled[agent]),
                first_replies=len(first[agent]),
                median_first_reply=statistics.median(first[agent]) if first[agent] else None,
                mean_edit_ratio=statistics.fmean(suggested) if suggested else None,
                heavy_edits=sum(r >= heavy for r in suggested),
                ticket_ids=tuple(handled[agent]),
            )
        )
    out.sort(key=lambda a: (-a.tickets, a.agent.casefold(), a.agent))
    return tuple(out)


def template_figures(
    replies: Sequence[ReplyFact], heavy: float, titles: Mapping[str, str]
) -> tuple[TemplateFigures, ...]:
    """Per template sent from a suggestion, most rewritten first (then most used)."""
    used: dict[str, list[ReplyFact]] = defaultdict(list)
    for reply in replies:
        if reply.template_id is not None and not reply.from_scratch:
            used[reply.template_id].append(reply)
    out = []
    for template_id, rows in used.items():
        ratios = [r.edit_ratio for r in rows]
        out.append(
            TemplateFigures(
                template_id=template_id,
                title=titles.get(template_id, ""),
                uses=len(rows),
                mean_edit_ratio=statistics.fmean(ratios),
                median_edit_ratio=statistics.median(ratios),
                heavy_edits=sum(r >= heavy for r in ratios),
                agents=len({r.agent for r in rows}),
                ticket_ids=tuple(dict.fromkeys(r.ticket_id for r in rows)),
            )
        )
    out.sort(key=lambda t: (-t.mean_edit_ratio, -t.uses, t.template_id))
    return tuple(out)


# -- all of it -------------------------------------------------------------------------------
def compute_trends(
    store: TicketStore,
    query: TrendsQuery,
    settings: FlagSettings,
    *,
    titles: Mapping[str, str] | None = None,
    tz: tzinfo | None = None,
    now: Callable[[], float] = time.time,
) -> Trends:
    """Everything the dashboard shows for ``query``; ``titles`` names templates by id.

    Thread: the database worker."""
    if query.until <= query.since:
        raise TrendsError("the range is empty: its end must come after its start")
    moment = now()
    timings: dict[str, float] = {}

    def timed(name: str, fn: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        result = fn()
        timings[name] = round((time.perf_counter() - start) * 1000, 1)
        return result

    days = day_edges(query.since, query.until, tz)
    hours = hour_edges(query.since, query.until, query.hours, tz)
    day_counts = timed("volume_days", lambda: store.trend_counts(days))
    hour_counts = timed("volume_hours", lambda: store.trend_counts(hours))
    waits: list[ReplyWait] = timed("waits", lambda: store.reply_waits(query.since, query.until))
    sla = settings.reply_sla_hours
    replies: list[ReplyFact] = timed("replies", lambda: store.reply_facts(query.since, query.until))
    relabels: list[RelabelFact] = timed(
        "relabels", lambda: store.relabel_facts(query.since, query.until)
    )
    phrases = timed("phrases", lambda: phrase_report(store, query))
    heavy = settings.reply_edit_threshold
    start = time.perf_counter()
    facts = wait_facts(waits, sla, moment)
    trends = Trends(
        since=query.since,
        until=query.until,
        generated_at=moment,
        timezone=timezone_name(tz),
        sla_hours=sla,
        heavy_edit_threshold=heavy,
        days=timeline("day", days, day_counts),
        hours=timeline("hour", hours, hour_counts),
        waiting_days=waiting(days, facts),
        waiting_hours=waiting(hours, facts),
        waiting_total=wait_point(facts),
        phrases=phrases,
        agents=agent_figures(replies, relabels, waits, heavy),
        templates=template_figures(replies, heavy, titles or {}),
        timings=timings,
    )
    timings["summaries"] = round((time.perf_counter() - start) * 1000, 1)
    return trends


# -- JSON -----------------------------------------------------------------------------------
def iso_local(epoch: float, tz: tzinfo | None = None) -> str:
    """An epoch time as ISO 8601 with the local (or ``tz``'s) offset."""
    return _local(epoch, tz).astimezone(tz).isoformat(timespec="seconds")


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / _HOUR, 3)


def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _point(p: TrendPoint) -> dict[str, Any]:
    return {
        "volume": p.volume,
        "scored": p.scored,
        "negatives": p.negatives,
        "negative_share": _ratio(p.share),
    }


def _wait(w: WaitPoint) -> dict[str, Any]:
    return {
        "tickets": w.tickets,
        "answered": w.answered,
        "median_wait_hours": _hours(w.median_wait),
        "p90_wait_hours": _hours(w.p90_wait),
        "sla_breaches": w.breaches,
        "unanswered": w.unanswered,
    }


def _timeline(line: Timeline, waits: Sequence[WaitPoint], tz: tzinfo | None) -> dict[str, Any]:
    return {
        "starts": [iso_local(e, tz) for e in line.edges[:-1]],
        "ends": [iso_local(e, tz) for e in line.edges[1:]],
        **{
            dimension: {s.key: [_point(p) for p in s.points] for s in line.of(dimension)}
            for dimension in DIMENSIONS
        },
        "waiting": [_wait(w) for w in waits],
    }


def trends_dict(trends: Trends, tz: tzinfo | None = None) -> dict[str, Any]:
    """The numbers of ``trends`` for ``--json``: the same the dashboard and the report show.
    Shares are fractions, waits hours, times ISO 8601 with their offset."""
    total = trends.total
    phrases = trends.phrases
    return {
        "since": iso_local(trends.since, tz),
        "until": iso_local(trends.until, tz),
        "generated_at": iso_local(trends.generated_at, tz),
        "timezone": trends.timezone,
        "sla_hours": trends.sla_hours,
        "heavy_edit_threshold": trends.heavy_edit_threshold,
        "totals": {
            **_point(total),
            **_wait(trends.waiting_total),
        },
        "days": _timeline(trends.days, trends.waiting_days, tz),
        "hours": _timeline(trends.hours, trends.waiting_hours, tz),
        "phrases": {
            "week_start": iso_local(phrases.week_start, tz),
            "week_end": iso_local(phrases.week_end, tz),
            "before_start": iso_local(phrases.before_start, tz),
            "negative_tickets": {
                lang: {"this_week": phrases.this_week[lang], "before": phrases.before[lang]}
                for lang in PHRASE_LANGUAGES
            },
            **{
                lang: [
                    {
                        "phrase": p.text,
                        "z": round(p.z, 3),
                        "this_week": p.this_week,
                        "before": p.before,
                        "this_week_share": _ratio(p.this_share),
                        "before_share": _ratio(p.before_share),
                    }
                    for p in phrases.phrases[lang]
                ]
                for lang in PHRASE_LANGUAGES
            },
        },
        "agents": [
            {
                "agent": a.agent,
                "tickets": a.tickets,
                "replies": a.replies,
                "from_suggestion": a.suggested,
                "relabelled": a.relabelled,
                "override_rate": _ratio(a.override_rate),
                "first_replies": a.first_replies,
                "median_first_reply_hours": _hours(a.median_first_reply),
                "mean_edit_ratio": _ratio(a.mean_edit_ratio),
                "heavy_edits": a.heavy_edits,
                "heavy_edit_share": _ratio(a.heavy_edit_share),
            }
            for a in trends.agents
        ],
        "templates": [
            {
                "template": t.template_id,
                "title": t.title,
                "uses": t.uses,
                "mean_edit_ratio": _ratio(t.mean_edit_ratio),
                "median_edit_ratio": _ratio(t.median_edit_ratio),
                "heavy_edits": t.heavy_edits,
                "heavy_edit_share": _ratio(t.heavy_edit_share),
                "agents": t.agents,
            }
            for t in trends.templates
        ],
    }
