"""Reviewing flagged conversations: supervisors only, audited, decisions stored as
supervisor labels that outrank agents' in training."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest

from console.services import add_user, correction_set
from console.services.accounts import Account, PermissionDenied
from console.services.flags import FlagSettings, load_flag_settings, refresh_flags
from console.services.review import (
    DiffSegment,
    ReviewError,
    add_comment,
    close_flag,
    confirm_agent_label,
    confirm_model_label,
    list_flagged,
    mark_for_coaching,
    relabel,
    reply_diff,
    review_detail,
)
from console.store import FlagFilter, ReplyRecord, TicketStore
from tests.console.services.test_flags import NOW, draft, score

HOUR = 3600.0


@pytest.fixture(scope="module")
def settings() -> FlagSettings:
    # replies are stamped with the real clock, the tickets with a fixed date
    return dataclasses.replace(load_flag_settings(None), reply_sla_enabled=False)


@pytest.fixture
def ann(store: TicketStore) -> Account:
    return add_user(store, "ann", "supervisor", "supervisor-pass", None)


@pytest.fixture
def bob(store: TicketStore, ann: Account) -> Account:
    return add_user(store, "bob", "agent", "agent-password", ann)


@pytest.fixture
def flagged(store: TicketStore, settings: FlagSettings, bob: Account) -> str:
    """T1: scored negative by the model, relabelled neutral by the agent bob, answered
    with a heavily edited reply; flagged for negativity, the override and the edit."""
    store.import_tickets([draft("T1", "the parcel is late again")], "f")
    score(store, "T1", 0.9)
    store.correct("T1", "sentiment", "neutral", "bob")
    store.save_reply(
        ReplyRecord(
            "T1",
            "Sorry! Your parcel ships today.",
            "We are sorry about the delay.",
            "en-late",
            20,
            0.7,
            None,
            False,
        ),
        "bob",
    )
    refresh_flags(store, settings, now=lambda: NOW + HOUR)
    return "T1"


def _review_audit(store: TicketStore) -> list[dict[str, Any]]:
    return [r for r in store.rows("audit") if str(r["action"]).startswith("review_")]


def test_the_list_and_the_detail(store: TicketStore, flagged: str) -> None:
    (row,) = list_flagged(store)
    assert [r.reason for r in row.reasons] == ["negativity", "override", "reply_edit"]
    assert (row.agent, row.sentiment, row.predicted_sentiment) == ("bob", "neutral", "negative")
    detail = review_detail(store, flagged)
    assert detail.flag == row
    assert (detail.model_sentiment, detail.model_category) == ("negative", "logistics")
    assert detail.explanation is None
    label = detail.agent_label("sentiment")
    assert label is not None and (label.author, label.new_value) == ("bob", "neutral")
    assert detail.agent_label("category") is None
    (reply,) = detail.replies
    assert reply.reply.agent == "bob" and reply.reply.edit_ratio == 0.7
    assert "".join(s.text for s in reply.diff if s.kind != "delete") == reply.reply.body
    assert "".join(s.text for s in reply.diff if s.kind != "insert") == reply.reply.suggestion
    assert [r.reason for r in list_flagged(store, FlagFilter(reasons=("reply_edit",)))[0].reasons]
    with pytest.raises(ReviewError, match="unknown flag reason nope"):
        list_flagged(store, FlagFilter(reasons=("nope",)))
    with pytest.raises(ReviewError, match="there is no ticket T9"):
        review_detail(store, "T9")


def test_reply_diff_segments() -> None:
    assert reply_diff(None, "hi") == ()
    assert reply_diff("We ship today.", "We ship tomorrow, sorry.") == (
        DiffSegment("equal", "We ship "),
        DiffSegment("delete", "today"),
        DiffSegment("insert", "tomorrow, sorry"),
        DiffSegment("equal", "."),
    )
    assert reply_diff("您的订单已发货", "您的订单明天发货") == (
        DiffSegment("equal", "您的订单"),
        DiffSegment("delete", "已"),
        DiffSegment("insert", "明天"),
        DiffSegment("equal", "发货"),
    )


def test_every_action_refuses_an_agent(
    store: TicketStore, flagged: str, bob: Account, settings: FlagSettings
) -> None:
    before = (store.rows("corrections"), store.rows("reviews"), store.rows("flag_state"))
    actions: list[Callable[[Account | None], object]] = [
        lambda who: confirm_agent_label(store, who, flagged),
        lambda who: confirm_model_label(store, who, flagged),
        lambda who: relabel(store, who, flagged, sentiment="negative"),
        lambda who: add_comment(store, who, flagged, "hm"),
        lambda who: mark_for_coaching(store, who, flagged),
        lambda who: close_flag(store, who, flagged, settings),
    ]
    for action in actions:
        with pytest.raises(PermissionDenied, match="needs a supervisor account; bob is an agent"):
            action(bob)
        with pytest.raises(PermissionDenied, match="nobody is logged in"):
            action(None)
    assert (store.rows("corrections"), store.rows("reviews"), store.rows("flag_state")) == before
    assert _review_audit(store) == []


def test_a_supervisor_disabled_meanwhile_is_refused_inside_the_transaction(
    store: TicketStore, flagged: str, ann: Account
) -> None:
    store.conn.execute("UPDATE users SET disabled = 1 WHERE name = 'ann'")
    with pytest.raises(PermissionDenied, match="ann is no longer an enabled supervisor"):
        add_comment(store, ann, flagged, "fine")
    assert store.rows("reviews") == []


def test_confirming_the_agent_stores_a_supervisor_label_and_audits_it(
    store: TicketStore, flagged: str, ann: Account
) -> None:
    assert confirm_agent_label(store, ann, flagged, comment="right call") == {
        "sentiment": "neutral"
    }
    last = store.corrections(flagged)[-1]
    assert (last.author, last.role, last.new_value, last.from_review) == (
        "ann",
        "supervisor",
        "neutral",
        True,
    )
    (review,) = store.reviews(flagged)
    assert (review.reviewer, review.action, review.field, review.value, review.comment) == (
        "ann",
        "confirm_agent",
        "sentiment",
        "neutral",
        "right call",
    )
    (audit,) = _review_audit(store)
    assert (audit["actor"], audit["action"]) == ("ann", "review_confirm_agent")
    assert json.loads(audit["before"]) == {"sentiment": "neutral", "category": "logistics"}
    assert json.loads(audit["after"]) == {"sentiment": "neutral", "category": "logistics"}
    # the decision is the supervisor's, not another agent's work on the ticket
    (row,) = list_flagged(store)
    assert row.agents == ("bob",)


def test_confirming_the_model_undoes_the_override(
    store: TicketStore, flagged: str, ann: Account
) -> None:
    assert confirm_model_label(store, ann, flagged) == {"sentiment": "negative"}
    assert store.ticket(flagged).sentiment == "negative"
    (audit,) = _review_audit(store)
    assert json.loads(audit["before"])["sentiment"] == "neutral"
    assert json.loads(audit["after"])["sentiment"] == "negative"


def test_confirm_needs_something_to_confirm(store: TicketStore, ann: Account) -> None:
    store.import_tickets([draft("T2", customer="cy")], "f")
    with pytest.raises(ReviewError, match="no agent relabelled ticket T2"):
        confirm_agent_label(store, ann, "T2")
    with pytest.raises(ReviewError, match="no prediction to confirm"):
        confirm_model_label(store, ann, "T2")
    score(store, "T2", 0.2)
    assert confirm_model_label(store, ann, "T2") == {
        "sentiment": "neutral",
        "category": "logistics",
    }
    with pytest.raises(ReviewError, match="there is no ticket T9"):
        add_comment(store, ann, "T9", "x")
    assert [r.ticket_id for r in store.label_events()] == ["T2", "T2"]


def test_a_supervisor_relabel_outranks_the_agent_in_training(
    store: TicketStore, flagged: str, ann: Account
) -> None:
    with pytest.raises(ReviewError, match="unknown sentiment 'angry'"):
        relabel(store, ann, flagged, sentiment="angry")
    with pytest.raises(ReviewError, match="needs a sentiment or a category"):
        relabel(store, ann, flagged)
    relabel(store, ann, flagged, sentiment="negative", category="refund")
    # the agent relabels again afterwards: the supervisor's label still wins
    store.correct(flagged, "sentiment", "positive", "bob")
    events = correction_set(store, exclude_texts=())
    labelled = {(e.text, e.label) for e in events.train + events.held_out}
    assert {label for _, label in labelled} == {"negative"}
    assert [a["action"] for a in _review_audit(store)] == ["review_relabel"]


def test_comment_and_coaching(store: TicketStore, flagged: str, ann: Account) -> None:
    with pytest.raises(ReviewError, match="cannot be empty"):
        add_comment(store, ann, flagged, "  ")
    add_comment(store, ann, flagged, "tone was fine")
    mark_for_coaching(store, ann, flagged, note="edits too much")
    assert [f.id for f in list_flagged(store, FlagFilter(coaching=True))] == [flagged]
    mark_for_coaching(store, ann, flagged, coaching=False)
    assert list_flagged(store, FlagFilter(coaching=True)) == []
    assert [(r.action, r.comment) for r in store.reviews(flagged)] == [
        ("comment", "tone was fine"),
        ("coaching", "edits too much"),
        ("coaching_removed", ""),
    ]
    audit = _review_audit(store)
    assert [a["action"] for a in audit] == [
        "review_comment",
        "review_coaching",
        "review_coaching_removed",
    ]
    assert json.loads(audit[1]["before"]) == {"coaching": False}
    assert json.loads(audit[1]["after"]) == {"coaching": True}


def test_closing_a_flag_and_reopening_on_a_new_reason(
    store: TicketStore, flagged: str, ann: Account, settings: FlagSettings
) -> None:
    closed = close_flag(store, ann, flagged, settings, now=lambda: NOW + HOUR)
    assert (closed.status, closed.closed_by) == ("closed", "ann")
    assert list_flagged(store) == []
    (audit,) = _review_audit(store)
    assert json.loads(audit["before"])["status"] == "open"
    assert json.loads(audit["after"]) == {
        "status": "closed",
        "reasons": ["negativity", "override", "reply_edit"],
    }
    with pytest.raises(ReviewError, match="already closed by ann"):
        close_flag(store, ann, flagged, settings, now=lambda: NOW + HOUR)
    # the same reasons again change nothing; a new one (escalation) reopens it
    refresh_flags(store, settings, now=lambda: NOW + 2 * HOUR)
    assert list_flagged(store) == []
    store.import_tickets([draft("T1", "the parcel is late again\n我要投诉")], "f")
    refresh_flags(store, settings, now=lambda: NOW + 3 * HOUR)
    (row,) = list_flagged(store)
    assert "escalation" in [r.reason for r in row.reasons] and row.closed_by is None


def test_closing_an_unflagged_ticket_is_refused(
    store: TicketStore, ann: Account, settings: FlagSettings
) -> None:
    store.import_tickets([draft("T2", customer="cy")], "f")
    with pytest.raises(ReviewError, match="ticket T2 is not flagged"):
        close_flag(store, ann, "T2", settings, now=lambda: NOW)
    assert _review_audit(store) == []
