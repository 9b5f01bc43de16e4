"""The flag rules at their boundaries, escalation phrases (false positives included), the
settings file, and refreshing stored flags."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path
from typing import Any

import pytest

from console.services.flags import (
    ESCALATION,
    FLAG_REASONS,
    LOW_CONFIDENCE,
    NEGATIVITY,
    OVERRIDE,
    REPEAT_CONTACT,
    REPLY_EDIT,
    REPLY_SLA,
    RULES,
    SETTINGS_FILE,
    FlagSettings,
    FlagSettingsError,
    escalation_phrases,
    flag_reasons,
    load_flag_settings,
    next_check,
    refresh_flags,
)
from console.services.scoring_loop import ScoringLoop
from console.store import (
    LABELS_CHANNEL,
    AgentLabel,
    Contact,
    FlagFacts,
    FlagFilter,
    MessageDraft,
    ReplyEdit,
    TicketDraft,
    TicketStore,
)
from tests.console.store.test_store import prediction

DAY = 86400.0
HOUR = 3600.0
T0 = 1_800_000_000.0


@pytest.fixture(scope="module")
def settings() -> FlagSettings:
    return load_flag_settings(None)


def facts(**changes: Any) -> FlagFacts:
    """A ticket that no rule flags: calm, confident, answered in time, no other contacts."""
    base = FlagFacts(
        id="T1",
        channel="email",
        status="open",
        customer="ann",
        created_at=T0,
        negativity=0.1,
        sentiment="neutral",
        category="logistics",
        confidence=0.9,
        agent_labels=(),
        customer_text="Order\nwhere is my parcel",
        first_customer_at=T0,
        first_reply_at=T0 + HOUR,
        reply_edits=(),
        previous_contact=None,
        next_contact=None,
    )
    return dataclasses.replace(base, **changes)


def reasons(f: FlagFacts, s: FlagSettings, now: float = T0 + 2 * HOUR) -> list[str]:
    return [r.reason for r in flag_reasons(f, s, now)]


def test_a_calm_ticket_is_not_flagged(settings: FlagSettings) -> None:
    assert reasons(facts(), settings) == []
    assert set(RULES) == set(FLAG_REASONS)


def test_the_shipped_defaults(settings: FlagSettings) -> None:
    assert settings.negativity_threshold == 0.85
    assert settings.low_confidence_threshold == 0.5
    assert settings.reply_edit_threshold == 0.6
    assert settings.repeat_contact_days == 7
    assert settings.reply_sla_hours == 24
    for phrase in ("投诉", "12315", "315", "律师", "曝光", "差评", "chargeback", "lawyer", "BBB"):
        assert phrase in settings.phrases


def test_negativity_fires_at_the_threshold(settings: FlagSettings) -> None:
    t = settings.negativity_threshold
    assert reasons(facts(negativity=t), settings) == [NEGATIVITY]
    assert reasons(facts(negativity=t - 0.001), settings) == []
    assert reasons(facts(negativity=None, confidence=None), settings) == []
    (reason,) = flag_reasons(facts(negativity=0.93), settings, T0)
    assert reason.detail == "negativity 0.93 (threshold 0.85)"


def test_low_confidence_fires_below_the_threshold(settings: FlagSettings) -> None:
    t = settings.low_confidence_threshold
    assert reasons(facts(confidence=t - 0.001), settings) == [LOW_CONFIDENCE]
    assert reasons(facts(confidence=t), settings) == []
    (reason,) = flag_reasons(facts(confidence=0.41), settings, T0)
    assert reason.detail == "the model is 41% sure of neutral (threshold 50%)"


def test_override_fires_while_an_agent_label_differs_from_the_model(
    settings: FlagSettings,
) -> None:
    changed = AgentLabel("sentiment", "negative", "bob")
    assert reasons(facts(agent_labels=(changed,)), settings) == [OVERRIDE]
    (reason,) = flag_reasons(facts(agent_labels=(changed,)), settings, T0)
    assert reason.detail == "bob changed sentiment from neutral (model) to negative"
    # the agent set what the model says (or changed it back): nothing overridden
    same = AgentLabel("category", "logistics", "bob")
    assert reasons(facts(agent_labels=(same,)), settings) == []
    # an unscored ticket has no model label to override
    assert reasons(facts(agent_labels=(changed,), sentiment=None, confidence=None), settings) == []


def test_reply_edit_fires_at_the_threshold(settings: FlagSettings) -> None:
    t = settings.reply_edit_threshold
    light, heavy = ReplyEdit(t - 0.01, "bob", "en-late"), ReplyEdit(t, "cy", None)
    assert reasons(facts(reply_edits=(light,)), settings) == []
    assert reasons(facts(reply_edits=(light, heavy)), settings) == [REPLY_EDIT]
    (reason,) = flag_reasons(facts(reply_edits=(ReplyEdit(0.72, "bob", "en-late"),)), settings, 0)
    assert reason.detail == (
        "bob's reply changed 72% of the suggestion (template en-late) (threshold 60%)"
    )


def test_repeat_contact_fires_within_the_window_either_way(settings: FlagSettings) -> None:
    window = settings.repeat_contact_days * DAY
    inside = Contact("T0", T0 - window)
    outside = Contact("T0", T0 - window - 1)
    assert reasons(facts(previous_contact=inside), settings) == [REPEAT_CONTACT]
    assert reasons(facts(previous_contact=outside), settings) == []
    assert reasons(facts(next_contact=Contact("T2", T0 + window)), settings) == [REPEAT_CONTACT]
    assert reasons(facts(next_contact=Contact("T2", T0 + window + 1)), settings) == []
    (reason,) = flag_reasons(
        facts(
            previous_contact=Contact("T0", T0 - 5 * HOUR), next_contact=Contact("T2", T0 + 3 * DAY)
        ),
        settings,
        T0,
    )
    assert reason.detail == (
        "the customer also wrote T0 5.0 h earlier and T2 3.0 days later (window 7 days)"
    )


def test_reply_sla_fires_after_a_late_reply(settings: FlagSettings) -> None:
    sla = settings.reply_sla_hours * HOUR
    assert reasons(facts(first_reply_at=T0 + sla), settings) == []
    late = facts(first_reply_at=T0 + sla + 1)
    assert reasons(late, settings) == [REPLY_SLA]
    assert flag_reasons(late, settings, T0)[0].detail == "first reply after 24.0 h (SLA 24 h)"


def test_reply_sla_fires_once_an_unanswered_ticket_waited_too_long(
    settings: FlagSettings,
) -> None:
    sla = settings.reply_sla_hours * HOUR
    waiting = facts(first_reply_at=None)
    assert reasons(waiting, settings, now=T0 + sla) == []
    assert reasons(waiting, settings, now=T0 + sla + 1) == [REPLY_SLA]
    assert flag_reasons(waiting, settings, T0 + 30 * HOUR)[0].detail == (
        "no reply after 30.0 h (SLA 24 h)"
    )
    # a solved ticket waits for nothing
    assert reasons(dataclasses.replace(waiting, status="solved"), settings, T0 + 2 * sla) == []
    # time alone will flag it: when is the next look due
    due = next_check(waiting, settings, T0)
    assert due is not None and T0 + sla < due < T0 + sla + 1e-3
    assert reasons(waiting, settings, now=due) == [REPLY_SLA]
    assert next_check(waiting, settings, due) is None
    assert next_check(facts(), settings, T0) is None


def test_every_rule_can_be_switched_off(settings: FlagSettings) -> None:
    everything = facts(
        negativity=0.99,
        confidence=0.3,
        customer_text="我要投诉",
        agent_labels=(AgentLabel("sentiment", "negative", "bob"),),
        reply_edits=(ReplyEdit(1.0, "bob", None),),
        previous_contact=Contact("T0", T0 - HOUR),
        first_reply_at=None,
    )
    assert reasons(everything, settings, T0 + 100 * HOUR) == list(FLAG_REASONS)
    switches: dict[str, Any] = {f"{r}_enabled": False for r in FLAG_REASONS}
    off = dataclasses.replace(settings, **switches)
    assert reasons(everything, off, T0 + 100 * HOUR) == []
    assert next_check(facts(first_reply_at=None), off, T0) is None
    # tickets that only hold imported labels are no conversations
    assert reasons(dataclasses.replace(everything, channel=LABELS_CHANNEL), settings) == []


# -- escalation language ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("再不退款我就去12315投诉你们", ["12315", "投诉"]),
        ("打315曝光你们", ["315", "曝光"]),
        ("我要找律师，给差评，去举报", ["律师", "差评", "举报"]),
        ("退款不处理就等着吧", ["退款不处理就"]),
        ("I will file a CHARGEBACK and talk to my Lawyer", ["chargeback", "lawyer"]),
        ("I'm going to report you to the BBB", ["report you", "BBB"]),
        ("my lawyers say so", ["lawyers"]),
        ("see you in small claims court", ["small claims"]),
        ("I opened a dispute with my bank", ["dispute with my bank"]),
        ("I called Trading Standards", ["trading standards"]),
        ("full-width ＢＢＢ and ３１５", ["BBB", "315"]),
        ("report\nyou", ["report you"]),
        ("If this isn't fixed I will sue", ["will sue"]),
        ("we're going to court over this", ["to court"]),
        ("不退款我就找媒体", ["找媒体"]),
        (
            "I'll post this online and all over social media",
            ["post this online", "all over social media"],
        ),
        ("Fix this or I'll put it on blast", ["on blast"]),
        ("再不解决我就发微博、发小红书", ["发微博", "发小红书"]),
        ("我要去315投诉你们", ["315", "投诉"]),
    ],
)
def test_escalation_phrases_are_found(settings: FlagSettings, text: str, found: list[str]) -> None:
    assert escalation_phrases(text, settings) == found


@pytest.mark.parametrize(
    "text",
    [
        "订单号13150已签收",  # 315 inside a longer number
        "order 231500 arrived",
        "I paid $315 for it",  # an amount, not the consumer-rights day
        "退款315元什么时候到",
        "it costs 315 dollars",
        "version 3.15 of the app",
        "the bbbs were great",  # a word that merely contains bbb
        "a lawyerly tone",
        "please report your address",  # not "report you"
        "曝光补偿调不了",  # a camera's exposure compensation
        "照片曝光过度",
        "放心，不会给差评的",
        "where is my parcel",
        "我在媒体公司上班，问下发票",  # works at a media company
        "Hi, this is Sue from accounts",  # a name, not a lawsuit
        "is the food court entrance open",
        "My order 315 arrived smashed",  # a numbered thing, not the consumer-rights day
        "room 315 has no hot water",
        "订单315还没发货",
        "我不想投诉，只想换货",  # a threat said not to be one
        "我没有投诉的意思",
        "I'm not going to leave a bad review, just fix it",
        "I don't want to sue you, I want a refund",
        "No need for lawyers, just send the right size",
        "I saw your ad on facebook, is it in stock?",
        "is anyone even responding to social media?",  # about the shop's team, no threat
    ],
)
def test_escalation_phrases_ignore_false_positives(settings: FlagSettings, text: str) -> None:
    assert escalation_phrases(text, settings) == []


def test_escalation_detail_names_the_phrases(settings: FlagSettings) -> None:
    (reason,) = flag_reasons(facts(customer_text="我要去12315投诉"), settings, T0)
    assert (reason.reason, reason.detail) == (ESCALATION, 'mentions "12315", "投诉"')


# -- the settings file ------------------------------------------------------------------
def test_a_user_file_overrides_only_its_keys(tmp_path: Path, settings: FlagSettings) -> None:
    (tmp_path / SETTINGS_FILE).write_text(
        "[negativity]\nthreshold = 0.5\n\n[reply_sla]\nenabled = false\n"
        '[escalation]\nextra_phrases = ["Watchdog"]\nignore = []\n',
        encoding="utf-8",
    )
    mine = load_flag_settings(tmp_path)
    assert mine.negativity_threshold == 0.5
    assert not mine.reply_sla_enabled
    assert mine.repeat_contact_days == settings.repeat_contact_days
    assert mine.phrases == (*settings.escalation_phrases, "Watchdog")
    assert escalation_phrases("calling the watchdog", mine) == ["Watchdog"]
    assert escalation_phrases("曝光补偿", mine) == ["曝光"]  # the ignore list was emptied
    assert mine.fingerprint() != settings.fingerprint()
    assert load_flag_settings(tmp_path / "elsewhere") == settings


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[negativity\nthreshold = 0.5\n", "not valid TOML"),
        ("[negativity]\ntreshold = 0.5\n", "unknown key negativity.treshold"),
        ("[negatvity]\nthreshold = 0.5\n", r"unknown section \[negatvity\]"),
        ("negativity = 0.5\n", r"negativity must be a \[negativity\] table"),
        ('[negativity]\nthreshold = "high"\n', "negativity.threshold must be a number from 0"),
        ("[negativity]\nthreshold = 1.5\n", "negativity.threshold must be a number from 0 to 1"),
        ("[negativity]\nenabled = 1\n", "negativity.enabled must be true or false"),
        ("[low_confidence]\nthreshold = true\n", "low_confidence.threshold must be a number"),
        ("[repeat_contact]\ndays = 0\n", "repeat_contact.days must be a number above 0"),
        ("[reply_sla]\nhours = nan\n", "reply_sla.hours must be a number above 0"),
        ('[escalation]\nphrases = ["ok", ""]\n', "escalation.phrases must be a list of non-empty"),
        ("[escalation]\nphrases = 12315\n", "escalation.phrases must be a list"),
    ],
)
def test_a_bad_settings_file_is_refused_naming_file_and_key(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / SETTINGS_FILE
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FlagSettingsError, match=message) as info:
        load_flag_settings(tmp_path)
    assert str(info.value).startswith(f"{path}: ")


def test_a_settings_file_that_is_not_text_is_refused(tmp_path: Path) -> None:
    (tmp_path / SETTINGS_FILE).write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(FlagSettingsError, match="not UTF-8"):
        load_flag_settings(tmp_path)


# -- refreshing stored flags ------------------------------------------------------------
AT = "2026-11-28T10:00:00+00:00"
NOW = 1_795_860_000.0  # 2026-11-28T10:00:00Z


def draft(tid: str, text: str = "where is my parcel", **kw: Any) -> TicketDraft:
    fields: dict[str, Any] = {"subject": "", "customer": "ann", "created_at": AT}
    fields.update(kw)
    return TicketDraft(
        id=tid, messages=(MessageDraft("customer", text, fields["created_at"]),), **fields
    )


def score(store: TicketStore, tid: str, negativity: float, version: str = "m1") -> None:
    (pending,) = [p for p in store.pending_scoring(version) if p[0] == tid]
    assert store.save_predictions([(tid, pending[1], prediction(negativity, version))]) == 1


def stored(store: TicketStore) -> dict[str, list[str]]:
    return {f.id: [r.reason for r in f.reasons] for f in store.flagged(FlagFilter(status=None))}


def test_refresh_recomputes_only_what_changed(store: TicketStore, settings: FlagSettings) -> None:
    store.import_tickets([draft("T1"), draft("T2", customer="bo")], "f")
    assert refresh_flags(store, settings, now=lambda: NOW) == 2
    assert stored(store) == {}
    assert refresh_flags(store, settings, now=lambda: NOW) == 0
    score(store, "T1", 0.95)
    assert refresh_flags(store, settings, now=lambda: NOW) == 1
    assert stored(store) == {"T1": [NEGATIVITY]}


def test_other_settings_recompute_everything(store: TicketStore, settings: FlagSettings) -> None:
    store.import_tickets([draft("T1"), draft("T2", customer="bo")], "f")
    score(store, "T1", 0.7)
    refresh_flags(store, settings, now=lambda: NOW)
    assert stored(store) == {}
    lower = dataclasses.replace(settings, negativity_threshold=0.6)
    assert refresh_flags(store, lower, now=lambda: NOW) == 2
    assert stored(store) == {"T1": [NEGATIVITY]}


def test_time_alone_flags_an_unanswered_ticket(store: TicketStore, settings: FlagSettings) -> None:
    store.import_tickets([draft("T1")], "f")
    refresh_flags(store, settings, now=lambda: NOW)
    assert stored(store) == {}
    assert refresh_flags(store, settings, now=lambda: NOW + 24 * HOUR) == 0
    assert refresh_flags(store, settings, now=lambda: NOW + 24 * HOUR + 1) == 1
    assert stored(store) == {"T1": [REPLY_SLA]}
    assert refresh_flags(store, settings, now=lambda: NOW + 48 * HOUR) == 0


def test_refresh_works_in_batches(store: TicketStore, settings: FlagSettings) -> None:
    store.import_tickets([draft(f"T{i}", customer=f"c{i}") for i in range(7)], "f")
    assert refresh_flags(store, settings, now=lambda: NOW, batch=3) == 7
    assert store.flags_due(NOW, 10) == []


def test_the_scoring_loop_refreshes_flags_after_saving(
    store: TicketStore, settings: FlagSettings, active_model: str, isolated_data_dir: Path
) -> None:
    from console.services.desk import open_scorer

    store.import_tickets([draft("T1", "我要去12315投诉你们")], "f")
    loop = ScoringLoop(store, open_scorer(isolated_data_dir).scorer, flag_settings=settings)
    result = asyncio.run(loop.round())
    assert result.scored == ("T1",) and result.flag_error is None
    assert ESCALATION in stored(store)["T1"]
    assert store.flags_due(NOW, 10) == []


def test_a_failed_flag_refresh_does_not_fail_the_scoring_round(
    store: TicketStore,
    settings: FlagSettings,
    active_model: str,
    isolated_data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from console.services import scoring_loop
    from console.services.desk import open_scorer
    from console.store import StoreError

    def broken(*args: object, **kwargs: object) -> int:
        raise StoreError("could not save the recomputed flags: the disk is full")

    monkeypatch.setattr(scoring_loop, "refresh_flags", broken)
    store.import_tickets([draft("T1")], "f")
    loop = ScoringLoop(store, open_scorer(isolated_data_dir).scorer, flag_settings=settings)
    result = asyncio.run(loop.round())
    assert result.scored == ("T1",)
    assert result.flag_error is not None and "disk is full" in result.flag_error
    assert store.ticket("T1").prediction is not None
    assert "flags could not be recomputed" in caplog.text
    caplog.clear()
    assert store.flags_due(NOW, 10) == ["T1"]  # still stale: the next refresh catches up
