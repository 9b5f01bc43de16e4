"""The Trends numbers on a small hand-built store with known answers, the fast aggregates
against simple references (the queue's rows, the flag rules' facts), driving phrases and the
JSON the report writes."""

from __future__ import annotations

import dataclasses
import itertools
import math
import random
from datetime import UTC, datetime, timedelta, timezone

import pytest

from console.services.flags import FlagSettings, load_flag_settings, reply_sla_rule
from console.services.trends import (
    ALL,
    UNSCORED,
    Trends,
    TrendsError,
    TrendsQuery,
    breaches_sla,
    chinese_phrases,
    compute_trends,
    day_edges,
    driving_phrases,
    english_phrases,
    hour_edges,
    log_odds_z,
    parse_range,
    trends_dict,
)
from console.store import (
    LABELS_CHANNEL,
    MessageDraft,
    ReplyRecord,
    TicketDraft,
    TicketStore,
    TicketText,
)
from console.store import (
    store as store_module,
)
from inference import Prediction

HOUR = 3600.0
DAY = 86400.0
#: Monday 2026-11-02 00:00 UTC: the known store's first day
T0 = datetime(2026, 11, 2, tzinfo=UTC).timestamp()
#: the known store is read as of its range's end
NOW = T0 + 3 * DAY


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")


def predicted(label: str, category: str, language: str, version: str = "m1") -> Prediction:
    negativity = {"negative": 0.9, "neutral": 0.3, "positive": 0.05}[label]
    return Prediction(
        label,  # type: ignore[arg-type]
        {"negative": negativity, "neutral": 1 - negativity, "positive": 0.0},
        negativity,
        category,
        {category: 1.0},
        language,  # type: ignore[arg-type]
        version,
    )


def ticket(
    tid: str,
    at: float,
    text: str = "where is my parcel",
    channel: str = "email",
    status: str = "open",
    agent_at: float | None = None,
) -> TicketDraft:
    messages = [MessageDraft("customer", text, iso(at))]
    if agent_at is not None:
        messages.append(MessageDraft("agent", "we are on it", iso(agent_at)))
    return TicketDraft(
        id=tid,
        subject="",
        messages=tuple(messages),
        customer=f"customer {tid}",
        channel=channel,
        created_at=iso(at),
        status=status,
    )


def reply(tid: str, template: str | None, ratio: float) -> ReplyRecord:
    return ReplyRecord(
        ticket_id=tid,
        body="Sorry about that, we are on it.",
        suggestion=None if template is None else "Sorry.",
        template_id=template,
        edit_distance=5,
        edit_ratio=ratio,
        seconds_to_reply=60.0,
        from_scratch=template is None,
    )


def build_known_store(
    store: TicketStore, monkeypatch: pytest.MonkeyPatch, version: str = "m1"
) -> None:
    """Seven conversations over three UTC days (and one imported label, left out):

    ===  ====  =======  =========  =========  ========  =====================================
    id   day   channel  sentiment  category   language  first reply
    ===  ====  =======  =========  =========  ========  =====================================
    A1   0     email    negative   logistics  en        ann after 1 h (tpl-a, edited 0.1)
    A2   0     chat     neutral    logistics  en        bob after 6 h (tpl-a, edited 0.8)
    A3   0     email    negative   refund     zh        none, open (a review by sue)
    B1   1     app      positive   payment*   zh        ann after 30 min (from scratch)
    B2   1     email    neutral*   quality    en        none, solved
    B3   1     email    (unscored)                      none, open
    C2   2     chat     negative   logistics  en        imported after 1 h; ann later (tpl-b)
    ===  ====  =======  =========  =========  ========  =====================================

    \\* an agent's override: ann moved B1 from refund to payment, bob B2 from negative.
    """
    clock = [T0]
    monkeypatch.setattr(store_module, "now_iso", lambda: iso(clock[0]))
    store.import_tickets(
        [
            ticket("A1", T0 + 1 * HOUR),
            ticket("A2", T0 + 3 * HOUR, channel="chat"),
            ticket("A3", T0 + 5 * HOUR, text="快递丢了还没退款"),
            ticket("B1", T0 + DAY + 2 * HOUR, channel="app", text="谢谢"),
            ticket("B2", T0 + DAY + 10 * HOUR, status="solved"),
            ticket("B3", T0 + DAY + 12 * HOUR),
            ticket("C1", T0 + 2 * DAY + 1 * HOUR, channel=LABELS_CHANNEL),
            ticket("C2", T0 + 2 * DAY + 8 * HOUR, channel="chat", agent_at=T0 + 2 * DAY + 9 * HOUR),
        ],
        "known",
    )
    labels = {
        "A1": ("negative", "logistics", "en"),
        "A2": ("neutral", "logistics", "en"),
        "A3": ("negative", "refund", "zh"),
        "B1": ("positive", "refund", "zh"),
        "B2": ("negative", "quality", "en"),
        "C1": ("negative", "logistics", "en"),
        "C2": ("negative", "logistics", "en"),
    }
    pending = {tid: text for tid, text, _ in store.pending_scoring(version, limit=100)}
    store.save_predictions(
        [(tid, pending[tid], predicted(*labels[tid], version)) for tid in labels]
    )

    def at(moment: float) -> None:
        clock[0] = moment

    def replies() -> None:
        store.record_reply(reply("A1", "tpl-a", 0.1), "ann", sent_at=iso(T0 + 2 * HOUR))
        store.record_reply(reply("A2", "tpl-a", 0.8), "bob", sent_at=iso(T0 + 9 * HOUR))
        store.record_reply(reply("B1", None, 1.0), "ann", sent_at=iso(T0 + DAY + 2.5 * HOUR))
        store.record_reply(reply("C2", "tpl-b", 0.3), "ann", sent_at=iso(T0 + 2 * DAY + 10 * HOUR))

    store.transaction("replies", replies)
    at(T0 + DAY + 3 * HOUR)
    store.correct("B1", "category", "payment", "ann")
    at(T0 + DAY + 11 * HOUR)
    store.correct("B2", "sentiment", "neutral", "bob")
    at(T0 + 6 * HOUR)

    def review() -> None:
        cid = store.record_correction("A3", "category", "refund", "sue")
        store.add_review(
            "A3", "sue", "relabel", field="category", value="refund", correction_id=cid
        )

    store.transaction("review", review)


@pytest.fixture(scope="module")
def sla4() -> FlagSettings:
    return dataclasses.replace(load_flag_settings(None), reply_sla_hours=4.0)


@pytest.fixture
def known(store: TicketStore, monkeypatch: pytest.MonkeyPatch, sla4: FlagSettings) -> Trends:
    build_known_store(store, monkeypatch)
    return compute_trends(
        store,
        TrendsQuery(T0, T0 + 3 * DAY, min_phrase_tickets=1),
        sla4,
        titles={"tpl-a": "Delayed order"},
        tz=UTC,
        now=lambda: NOW,
    )


def test_volume_and_negative_share_per_day_and_breakdown(known: Trends) -> None:
    days = known.days
    assert days.edges == (T0, T0 + DAY, T0 + 2 * DAY, T0 + 3 * DAY)
    overall = days.overall
    assert overall.key == ALL
    assert [(p.volume, p.scored, p.negatives) for p in overall.points] == [
        (3, 3, 2),
        (3, 2, 0),
        (1, 1, 1),
    ]
    assert [p.share for p in overall.points] == [2 / 3, 0.0, 1.0]
    assert known.total.volume == 7 and known.total.negatives == 3

    def table(dimension: str) -> dict[str, list[tuple[int, int]]]:
        return {s.key: [(p.volume, p.negatives) for p in s.points] for s in days.of(dimension)}

    assert table("category") == {
        "logistics": [(2, 1), (0, 0), (1, 1)],
        "payment": [(0, 0), (1, 0), (0, 0)],
        "quality": [(0, 0), (1, 0), (0, 0)],
        "refund": [(1, 1), (0, 0), (0, 0)],
        UNSCORED: [(0, 0), (1, 0), (0, 0)],
    }
    # the largest series first
    assert days.of("category")[0].key == "logistics"
    assert table("channel") == {
        "email": [(2, 2), (2, 0), (0, 0)],
        "chat": [(1, 0), (0, 0), (1, 1)],
        "app": [(0, 0), (1, 0), (0, 0)],
    }
    assert table("language") == {
        "en": [(2, 1), (1, 0), (1, 1)],
        "zh": [(1, 1), (1, 0), (0, 0)],
        UNSCORED: [(0, 0), (1, 0), (0, 0)],
    }
    unscored = next(s for s in days.of("language") if s.key == UNSCORED)
    assert unscored.points[1].share is None


def test_hours_cover_the_last_two_days(known: Trends) -> None:
    hours = known.hours
    assert hours.resolution == "hour"
    assert hours.edges[0] == T0 + DAY and hours.edges[-1] == T0 + 3 * DAY
    assert hours.buckets == 48
    by_hour = {i: p.volume for i, p in enumerate(hours.overall.points) if p.volume}
    assert by_hour == {2: 1, 10: 1, 12: 1, 32: 1}  # B1, B2, B3, C2 (C1 is a label)


def test_waiting_time_and_sla_breaches(known: Trends) -> None:
    day0, day1, day2 = known.waiting_days
    assert (day0.tickets, day0.answered, day0.unanswered) == (3, 2, 1)
    assert day0.median_wait == 3.5 * HOUR and day0.p90_wait == 6 * HOUR
    assert day0.breaches == 2 and set(day0.breach_ids) == {"A2", "A3"}
    assert (day1.tickets, day1.answered, day1.unanswered, day1.breaches) == (3, 1, 1, 1)
    assert day1.median_wait == 0.5 * HOUR and day1.breach_ids == ("B3",)
    assert (day2.answered, day2.median_wait, day2.breaches) == (1, HOUR, 0)
    total = known.waiting_total
    assert (total.tickets, total.answered, total.breaches, total.unanswered) == (7, 4, 3, 2)
    assert total.median_wait == HOUR and total.p90_wait == 6 * HOUR
    assert known.sla_hours == 4.0


def test_team_figures_per_agent(known: Trends) -> None:
    ann, bob = known.agents  # sue only reviewed: no handling of her own
    assert ann.agent == "ann"
    assert (ann.tickets, ann.replies, ann.suggested, ann.relabelled) == (3, 3, 2, 1)
    assert ann.override_rate == pytest.approx(1 / 3)
    assert ann.first_replies == 2 and ann.median_first_reply == 0.75 * HOUR
    assert ann.mean_edit_ratio == pytest.approx(0.2) and ann.heavy_edits == 0
    assert set(ann.ticket_ids) == {"A1", "B1", "C2"}
    assert bob.agent == "bob"
    assert (bob.tickets, bob.replies, bob.suggested, bob.relabelled) == (2, 1, 1, 1)
    assert bob.override_rate == 0.5 and bob.median_first_reply == 6 * HOUR
    assert bob.mean_edit_ratio == pytest.approx(0.8) and bob.heavy_edits == 1
    assert bob.heavy_edit_share == 1.0


def test_templates_most_rewritten_first(known: Trends) -> None:
    a, b = known.templates
    assert (a.template_id, a.title, a.uses, a.agents, a.heavy_edits) == (
        "tpl-a",
        "Delayed order",
        2,
        2,
        1,
    )
    assert a.mean_edit_ratio == pytest.approx(0.45) and a.median_edit_ratio == pytest.approx(0.45)
    assert a.heavy_edit_share == 0.5 and a.ticket_ids == ("A1", "A2")
    assert (b.template_id, b.title, b.uses, b.mean_edit_ratio) == ("tpl-b", "", 1, 0.3)


def test_a_shorter_range_counts_only_its_own(
    store: TicketStore, monkeypatch: pytest.MonkeyPatch, sla4: FlagSettings
) -> None:
    build_known_store(store, monkeypatch)
    trends = compute_trends(
        store, TrendsQuery(T0 + DAY, T0 + 2 * DAY), sla4, tz=UTC, now=lambda: NOW
    )
    assert [p.volume for p in trends.days.overall.points] == [3]
    # ann's reply to B1 and her relabel of it fall on that day; bob's relabel of B2 too
    assert [(a.agent, a.tickets) for a in trends.agents] == [("ann", 1), ("bob", 1)]
    assert trends.templates == ()


def test_json_has_the_same_numbers(known: Trends) -> None:
    data = trends_dict(known, UTC)
    assert set(data) >= {
        "since",
        "until",
        "totals",
        "days",
        "hours",
        "phrases",
        "agents",
        "templates",
        "sla_hours",
    }
    assert data["since"] == "2026-11-02T00:00:00+00:00"
    assert data["totals"]["volume"] == 7 and data["totals"]["sla_breaches"] == 3
    assert data["totals"]["negative_share"] == round(3 / 6, 4)
    assert data["days"]["starts"][1] == "2026-11-03T00:00:00+00:00"
    assert [p["negatives"] for p in data["days"]["overall"]["all"]] == [2, 0, 1]
    assert data["days"]["category"]["logistics"][0]["negative_share"] == 0.5
    assert data["days"]["waiting"][0]["median_wait_hours"] == 3.5
    assert data["agents"][0] == {
        "agent": "ann",
        "tickets": 3,
        "replies": 3,
        "from_suggestion": 2,
        "relabelled": 1,
        "override_rate": 0.3333,
        "first_replies": 2,
        "median_first_reply_hours": 0.75,
        "mean_edit_ratio": 0.2,
        "heavy_edits": 0,
        "heavy_edit_share": 0.0,
    }
    assert data["templates"][0]["template"] == "tpl-a"
    assert data["templates"][0]["mean_edit_ratio"] == 0.45


# -- the fast aggregates against simple references ----------------------------------------
def _random_store(store: TicketStore, seed: int) -> list[str]:
    rng = random.Random(seed)
    drafts = []
    for i in range(160):
        at = T0 + rng.uniform(0, 5 * DAY)
        replied = rng.random() < 0.5
        drafts.append(
            ticket(
                f"R{i}",
                at,
                channel=rng.choice(["email", "chat", "app"]),
                status=rng.choice(["open", "pending", "solved"]),
                agent_at=at + rng.uniform(0, 30 * HOUR) if replied else None,
            )
        )
    store.import_tickets(drafts, "random")
    pending = {tid: text for tid, text, _ in store.pending_scoring("m1", limit=1000)}
    scored = [d.id for d in drafts if rng.random() < 0.85]
    store.save_predictions(
        [
            (
                tid,
                pending[tid],
                predicted(
                    rng.choice(["negative", "neutral", "positive"]),
                    rng.choice(["logistics", "refund", "quality"]),
                    rng.choice(["en", "zh"]),
                ),
            )
            for tid in scored
        ]
    )
    for tid in rng.sample(scored, 20):
        store.correct(tid, "sentiment", rng.choice(["negative", "neutral"]), "ann")
    return [d.id for d in drafts]


@pytest.mark.parametrize("seed", [1, 2])
def test_day_counts_match_the_queue_rows(store: TicketStore, sla4: FlagSettings, seed: int) -> None:
    _random_store(store, seed)
    since, until = T0 + 0.5 * DAY, T0 + 4.25 * DAY
    trends = compute_trends(store, TrendsQuery(since, until), sla4, tz=UTC, now=lambda: NOW)
    rows = [r for r in store.queue_rows() if since <= r.created_at < until]
    for dimension in ("category", "channel", "language"):
        for series in trends.days.of(dimension):
            for i, point in enumerate(series.points):
                start, end = trends.days.edges[i], trends.days.edges[i + 1]
                inside = [
                    r
                    for r in rows
                    if start <= r.created_at < end
                    and (getattr(r, dimension) or UNSCORED) == series.key
                ]
                assert point.volume == len(inside)
                assert point.scored == sum(r.sentiment is not None for r in inside)
                assert point.negatives == sum(r.sentiment == "negative" for r in inside)
    assert trends.days.overall.total.volume == len(rows)


@pytest.mark.parametrize("seed", [3, 4])
def test_waits_and_breaches_match_the_reply_sla_rule(
    store: TicketStore, sla4: FlagSettings, seed: int
) -> None:
    ids = _random_store(store, seed)
    waits = {w.ticket_id: w for w in store.reply_waits(T0, T0 + 10 * DAY)}
    assert set(waits) == set(ids)
    for facts in store.flag_facts(ids):
        wait = waits[facts.id]
        assert wait.first_customer_at == facts.first_customer_at
        assert wait.first_reply_at == facts.first_reply_at
        for now in (T0 + 2 * DAY, NOW + 10 * DAY):
            fires = reply_sla_rule(facts, sla4, now) is not None
            assert breaches_sla(wait, sla4.reply_sla_hours, now) == fires


# -- time ---------------------------------------------------------------------------------
def test_day_edges_follow_local_midnights_across_a_dst_change() -> None:
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    since = datetime(2026, 10, 24, tzinfo=berlin).timestamp()
    until = datetime(2026, 10, 27, tzinfo=berlin).timestamp()
    edges = day_edges(since, until, berlin)
    assert [b - a for a, b in itertools.pairwise(edges)] == [DAY, DAY + HOUR, DAY]
    # a range starting mid-day has a short first bucket
    assert day_edges(since + 6 * HOUR, until, berlin)[1] == edges[1]


def test_hour_edges_cut_at_full_hours() -> None:
    half = timezone(timedelta(hours=5, minutes=30))
    until = T0 + 10 * HOUR + 15 * 60
    edges = hour_edges(T0, until, 3, half)
    assert edges[0] == until - 3 * HOUR and edges[-1] == until
    assert all(datetime.fromtimestamp(e, half).minute == 0 for e in edges[1:-1])


def test_parse_range_reads_dates_as_whole_local_days() -> None:
    since, until = parse_range("2026-11-02", "2026-11-04", UTC)
    assert (since, until) == (T0, T0 + 3 * DAY)
    since, until = parse_range("2026-11-02T06:00", None, UTC, now=NOW)
    assert (since, until) == (T0 + 6 * HOUR, NOW)
    with pytest.raises(TrendsError, match="--since 'yesterday' is not a date"):
        parse_range("yesterday", None, UTC)
    with pytest.raises(TrendsError, match="range is empty"):
        parse_range("2026-11-04", "2026-11-02", UTC)


# -- driving phrases ----------------------------------------------------------------------
def test_english_phrases_leave_out_stop_words_but_keep_negations() -> None:
    found = english_phrases(
        "Hi, my parcel SD20261102 has NOT arrived and the courier won't answer!"
    )
    assert {"parcel", "not", "arrived", "not arrived", "courier", "won't", "won't answer"} <= found
    assert not found & {"hi", "my", "the", "and", "has", "my parcel", "the courier", "sd"}


def test_chinese_phrases_are_character_bigrams_without_particles() -> None:
    assert chinese_phrases("快递丢了，还没退款！") == {"快递", "递丢", "还没", "没退", "退款"}


def _texts(language: str, *texts: str, start: int = 0) -> list[TicketText]:
    return [TicketText(f"{language}{start + i}", T0, language, t) for i, t in enumerate(texts)]


def test_log_odds_rank_what_is_new_this_week() -> None:
    this_week = _texts(
        "en",
        "the courier lost my parcel again",
        "courier lost the parcel",
        "courier lost it, refund please",
        "refund please",
    )
    before = _texts(
        "en",
        *["refund not received"] * 4,
        "parcel late",
        "parcel late again",
        start=10,
    )
    phrases = driving_phrases(this_week, before, "en", limit=5, min_tickets=3)
    texts = [p.text for p in phrases]
    assert texts[:3] == ["courier", "courier lost", "lost"]
    assert "refund" not in texts  # said more often before
    courier = phrases[0]
    assert (courier.this_week, courier.before) == (3, 0)
    assert courier.this_share == 0.75 and courier.ticket_ids == ("en0", "en1", "en2")
    # the formula by hand for "courier": pooled prior = its counts in both weeks
    this = {"courier": 3, "x": 9}
    old = {"x": 10}
    a, a0 = 3, 22
    delta = math.log((3 + a) / (12 + a0 - 3 - a + 1)) - math.log(a / (10 + a0 - a + 1))
    assert log_odds_z(this, old)["courier"] == pytest.approx(delta / math.sqrt(1 / 6 + 1 / 3))


def test_no_phrases_without_earlier_weeks_to_compare_with() -> None:
    """Without negative tickets before this week every phrase would score about 0, and the
    list would be a plain word count of this week."""
    this_week = _texts("en", *["the courier lost my parcel"] * 4)
    assert driving_phrases(this_week, [], "en", min_tickets=1) == ()
    before = _texts("en", "refund not received", start=10)
    assert [p.text for p in driving_phrases(this_week, before, "en", limit=3)] != []


def test_phrases_through_the_store_by_language(
    store: TicketStore, monkeypatch: pytest.MonkeyPatch, sla4: FlagSettings
) -> None:
    build_known_store(store, monkeypatch)
    # one negative conversation per language in the weeks before, to compare with
    store.import_tickets(
        [
            ticket("E1", T0 - 10 * DAY, text="the invoice is wrong"),
            ticket("E2", T0 - 10 * DAY, text="发票错了"),
        ],
        "earlier",
    )
    pending = {tid: text for tid, text, _ in store.pending_scoring("m1", limit=100)}
    store.save_predictions(
        [
            ("E1", pending["E1"], predicted("negative", "payment", "en")),
            ("E2", pending["E2"], predicted("negative", "payment", "zh")),
        ]
    )
    trends = compute_trends(
        store,
        TrendsQuery(T0, T0 + 3 * DAY, min_phrase_tickets=1),
        sla4,
        tz=UTC,
        now=lambda: NOW,
    )
    report = trends.phrases
    assert report.week_end == T0 + 3 * DAY and report.week_start == T0 - 4 * DAY
    # this week's negatives: A1 and C2 (en), A3 (zh); B2 was relabelled neutral
    assert report.this_week == {"en": 2, "zh": 1} and report.before == {"en": 1, "zh": 1}
    assert {p.text for p in report.phrases["en"]} == {"parcel"}
    assert report.phrases["en"][0].ticket_ids == ("A1", "C2")
    assert {p.text for p in report.phrases["zh"]} == {"快递", "递丢", "还没", "没退", "退款"}


def test_an_empty_range_is_refused(store: TicketStore, sla4: FlagSettings) -> None:
    with pytest.raises(TrendsError, match="range is empty"):
        compute_trends(store, TrendsQuery(T0, T0), sla4)


def test_an_empty_store_gives_empty_figures(store: TicketStore, sla4: FlagSettings) -> None:
    trends = compute_trends(store, TrendsQuery(T0, T0 + 2 * DAY), sla4, tz=UTC)
    assert [p.volume for p in trends.days.overall.points] == [0, 0]
    assert trends.waiting_total.median_wait is None
    assert trends.agents == () and trends.templates == ()
    assert trends.phrases.phrases == {"en": (), "zh": ()}
    assert trends_dict(trends)["totals"]["negative_share"] is None


def test_stop_lists_ship_with_the_package() -> None:
    from console.services.trends import chinese_stop_chars, english_stop_words

    assert "the" in english_stop_words() and "not" not in english_stop_words()
    assert "的" in chinese_stop_chars() and "不" not in chinese_stop_chars()
