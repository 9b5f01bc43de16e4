"""The store's corrections read back as training data, with the roles of their authors."""

from __future__ import annotations

import pytest

from console.services import add_user, correction_set
from console.services.accounts import Account
from console.store import LabelRow, MessageDraft, TicketDraft, TicketStore
from training import authored_examples, normalize_text
from training.corpora import text_bucket
from training.corrections import HELD_OUT_BUCKET

AT = "2026-11-28T10:00:00+00:00"


def draft(tid: str, text: str) -> TicketDraft:
    # no subject: the text the model reads (and a correction keeps) is the message itself
    return TicketDraft(
        id=tid, subject="", messages=(MessageDraft("customer", text, AT),), created_at=AT
    )


def trained(text: str) -> str:
    """``text`` made unique until it is not in the held-out bucket."""
    n = 0
    while text_bucket(normalize_text(f"{text} #{n}")) == HELD_OUT_BUCKET:
        n += 1
    return f"{text} #{n}"


def held(text: str) -> str:
    n = 0
    while text_bucket(normalize_text(f"{text} #{n}")) != HELD_OUT_BUCKET:
        n += 1
    return f"{text} #{n}"


@pytest.fixture
def ann(store: TicketStore) -> Account:
    return add_user(store, "ann", "supervisor", "supervisor-pass", None)


@pytest.fixture
def bob(store: TicketStore, ann: Account) -> Account:
    return add_user(store, "bob", "agent", "agent-password", ann)


def test_label_events_carry_the_role_of_their_author(
    store: TicketStore, ann: Account, bob: Account
) -> None:
    store.import_tickets([draft("T1", "where is my parcel")], "test")
    store.correct("T1", "sentiment", "negative", "bob")
    store.correct("T1", "category", "logistics", "ANN")  # names match whatever their case
    store.correct("T1", "sentiment", "neutral", "jdoe")  # an OS user name from an old store
    rows = store.label_events()
    assert [(r.field, r.value, r.author, r.role) for r in rows] == [
        ("sentiment", "negative", "bob", "agent"),
        ("category", "logistics", "ANN", "supervisor"),
        ("sentiment", "neutral", "jdoe", "agent"),
    ]
    assert all(isinstance(r, LabelRow) and r.text == "where is my parcel" for r in rows)
    assert rows[0].id < rows[1].id < rows[2].id
    assert all(r.ticket_id == "T1" and r.created_at for r in rows)


def test_correction_set_from_a_store(store: TicketStore, ann: Account, bob: Account) -> None:
    evaluation = authored_examples("test")[0].text
    texts = {
        "T1": trained("where is my parcel"),
        "T2": trained("the blender broke after two days"),
        "T3": held("I was charged twice"),
        "T4": evaluation,
        "T5": trained("can I change my address"),
    }
    report = store.import_tickets([draft(tid, text) for tid, text in texts.items()], "test")
    assert report.added == 5

    # T1: the supervisor's label stands although an agent relabelled it afterwards
    store.correct("T1", "sentiment", "negative", "ann")
    store.correct("T1", "sentiment", "positive", "bob")
    store.correct("T1", "category", "logistics", "bob")
    # T2: the later of two agents' labels wins (same second: the later row)
    store.correct("T2", "sentiment", "neutral", "jdoe")
    store.correct("T2", "sentiment", "negative", "bob")
    # T3: a supervisor's label in the held-out bucket is kept back for the promotion gate
    store.correct("T3", "sentiment", "negative", "ann")
    # T4: an evaluation text is never trained on
    store.correct("T4", "sentiment", "negative", "ann")
    # T5: a category the model does not have
    store.correct("T5", "category", "warranty", "bob")

    result = correction_set(store)
    by_text = {e.text: e for e in result.train}
    assert set(by_text) == {texts["T1"], texts["T2"]}
    t1, t2 = by_text[texts["T1"]], by_text[texts["T2"]]
    assert (t1.label, t1.category, t1.source) == ("negative", "logistics", "correction-supervisor")
    assert (t2.label, t2.category, t2.source) == ("negative", None, "correction-agent")
    assert [(e.text, e.label) for e in result.held_out] == [(texts["T3"], "negative")]
    assert result.events == 8
    assert result.superseded == 2
    assert result.excluded_as_evaluation == 1
    assert result.invalid == 1
    assert result.by_role == {"agent": 2, "supervisor": 1}
    assert result.by_field == {"sentiment": 2, "category": 1}

    # the model's own categories decide what is valid
    custom = correction_set(store, categories=("logistics", "warranty"))
    assert custom.invalid == 0
    assert texts["T5"] in {e.text for e in custom.train}


def test_a_store_without_corrections_gives_an_empty_set(store: TicketStore) -> None:
    result = correction_set(store, exclude_texts=())
    assert (result.train, result.held_out, result.events) == ((), (), 0)
