from __future__ import annotations

import time
from pathlib import Path

import pytest

from console.services import (
    ReplyTemplate,
    TemplateError,
    TemplateLibrary,
    TicketContext,
    edit_distance,
    edit_ratio,
    extract_fields,
    fill,
    unfilled_placeholders,
)


@pytest.fixture(scope="module")
def library() -> TemplateLibrary:
    return TemplateLibrary.load()


def test_shipped_library_covers_every_language_sentiment_and_category(
    library: TemplateLibrary,
) -> None:
    from inference import DEFAULT_CATEGORIES, SENTIMENTS

    for language in ("en", "zh"):
        templates = library.for_language(language)
        assert {s for t in templates for s in t.sentiments} == set(SENTIMENTS)
        assert {c for t in templates for c in t.categories} == set(DEFAULT_CATEGORIES)


def test_suggestion_matches_ticket_and_fills_fields(library: TemplateLibrary) -> None:
    ticket = TicketContext(
        language="en",
        sentiment="negative",
        category="logistics",
        text="Order SD12345678 still not here, tracking SF1234567890 hasn't moved!",
        customer="Ann",
        agent_name="Max",
    )
    top = library.suggest(ticket)[0]
    assert top.template.id.startswith("en-logistics")
    assert "Hi Ann" in top.text
    assert "SD12345678" in top.text
    assert "SF1234567890" in top.text
    assert "Max" in top.text
    assert top.unfilled == ()


def test_unknown_values_stay_marked(library: TemplateLibrary) -> None:
    ticket = TicketContext(
        language="zh", sentiment="negative", category="quality", text="质量太差了", customer="王芳"
    )
    top = library.suggest(ticket)[0]
    assert top.template.language == "zh"
    assert "王芳" in top.text
    assert "order_id" in top.unfilled
    assert "{order_id}" in top.text


def test_other_languages_fall_back_to_english(library: TemplateLibrary) -> None:
    ticket = TicketContext(language="other", sentiment="neutral", category="other", text="?")
    assert library.suggest(ticket)[0].template.language == "en"


def test_extract_fields_in_both_languages() -> None:
    assert extract_fields("订单号：E20261128 运单号 YT1234567890，退款 ¥199") == {
        "order_id": "E20261128",
        "tracking_number": "YT1234567890",
        "refund_amount": "¥199",
    }
    assert extract_fields("order #88776655 was $35.50") == {
        "order_id": "88776655",
        "refund_amount": "$35.50",
    }
    assert extract_fields("nothing here") == {}


def test_unfilled_and_edit_measures() -> None:
    assert unfilled_placeholders("Hi {customer_name}, {x} and {x}") == ("customer_name", "x")
    assert unfilled_placeholders("Price {100}") == ()
    assert edit_distance("kitten", "sitting") == 3
    assert edit_ratio("abc", "abc") == 0.0
    assert edit_ratio(None, "anything") == 1.0


def test_malformed_template_file(tmp_path: Path) -> None:
    (tmp_path / "en.toml").write_text('[[template]]\nid = "x"\n', encoding="utf-8")
    with pytest.raises(TemplateError, match="lacks"):
        TemplateLibrary.load(tmp_path)
    (tmp_path / "en.toml").write_text("[[template]\n", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"en\.toml"):
        TemplateLibrary.load(tmp_path)


def test_a_long_digit_run_is_scanned_in_linear_time() -> None:
    # The amount pattern used to restart at every digit of a run: a 100,000-digit text took
    # minutes. Linear scanning takes milliseconds; the bound only catches the quadratic case.
    started = time.perf_counter()
    assert extract_fields("1" * 100_000) == {}
    assert extract_fields("退款 " + "9" * 100_000 + " 元")["refund_amount"].endswith("元")
    assert time.perf_counter() - started < 5


def test_values_that_look_like_placeholders_do_not_block_sending() -> None:
    template = ReplyTemplate("t", "en", "T", "Hi {customer_name}, order {order_id}", (), ())
    ticket = TicketContext(
        "en", None, None, "where is order SD12345678", customer="{order_id}", order_id=" "
    )
    text, unfilled = fill(template, ticket)
    assert unfilled == ()
    assert text == "Hi ｛order_id｝, order SD12345678"
