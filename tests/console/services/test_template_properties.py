"""Properties of reply rendering with random templates and random ticket fields.

Templates mix literal text (braces, unicode, control characters) with known and unknown
``{placeholders}``; tickets carry random, sometimes huge, customer text and metadata of any
JSON type. Rendering never raises, keeps every literal and unknown placeholder, puts each
known value in exactly once (never re-reading a value as a placeholder), and reports as
unfilled exactly the placeholders left in the reply.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import strategies as st

from console.services import TemplateLibrary, TicketContext, extract_fields
from console.services.templates import ReplyTemplate, fill, unfilled_placeholders
from tests.console.store.test_importer_properties import (
    NO_SURROGATES,
    Outcome,
    Property,
)

KNOWN = ("customer_name", "order_id", "tracking_number", "refund_amount", "product", "agent_name")
ANY_TEXT = st.text(st.characters(exclude_categories=NO_SURROGATES), max_size=30)
#: Literal template text, rich in braces that are no placeholders.
LITERAL = st.lists(
    ANY_TEXT | st.sampled_from(("{", "}", "{{", "}}", "{Name}", "{ x }", "{order-id}", "{}")),
    max_size=4,
).map("".join)
#: Placeholders: every known name, and unknown names of the same shape.
NAME = st.sampled_from(KNOWN) | st.from_regex(r"[a-z_]{1,12}", fullmatch=True)


@st.composite
def huge_text(draw: st.DrawFn) -> str:
    """Up to ~100k characters: a fragment repeated (long digit runs included), plus ordinary
    order and amount mentions."""
    fragment = draw(st.text(st.characters(exclude_categories=NO_SURROGATES), min_size=1))
    mention = draw(st.sampled_from(("", " order #SD12345678 ", " 退款 99.5 元 ", " SF123456789 ")))
    return fragment * draw(st.integers(1, 100_000 // len(fragment))) + mention


META_VALUE = st.none() | st.booleans() | st.integers() | st.floats() | ANY_TEXT
META = st.dictionaries(
    st.sampled_from(("order_id", "tracking_number", "refund_amount", "product", "vip")) | ANY_TEXT,
    META_VALUE | st.lists(META_VALUE, max_size=2) | st.dictionaries(ANY_TEXT, META_VALUE),
    max_size=5,
)


@dataclass(frozen=True)
class TemplateCase:
    parts: tuple[tuple[str, str], ...]  # (literal, placeholder name) pairs
    tail: str
    ticket: TicketContext

    @property
    def body(self) -> str:
        return "".join(f"{literal}{{{name}}}" for literal, name in self.parts) + self.tail


@st.composite
def template_cases(draw: st.DrawFn) -> TemplateCase:
    text = draw(ANY_TEXT | huge_text() | st.sampled_from(("", "Order SD12345678, 退款 50 元")))
    ticket = TicketContext(
        language=draw(st.sampled_from(("en", "zh", "xx"))),
        sentiment=draw(st.none() | st.sampled_from(("negative", "neutral", "positive"))),
        category=draw(st.none() | st.sampled_from(("logistics", "refund", "quality"))),
        text=text,
        customer=draw(ANY_TEXT | st.sampled_from(("{order_id}", "Ann {agent_name}"))),
        order_id=draw(ANY_TEXT),
        metadata=draw(META),
        agent_name=draw(ANY_TEXT),
    )
    parts = tuple(draw(st.lists(st.tuples(LITERAL, NAME), max_size=6)))
    return TemplateCase(parts, draw(LITERAL), ticket)


def expected_values(ticket: TicketContext) -> dict[str, str]:
    """What each known placeholder should become; a name missing here stays unfilled."""
    meta = {str(k): str(v).strip() for k, v in ticket.metadata.items() if v is not None}
    found = extract_fields(ticket.text)
    candidates = {
        "customer_name": [ticket.customer],
        "order_id": [ticket.order_id, meta.get("order_id", ""), found.get("order_id", "")],
        "tracking_number": [meta.get("tracking_number", ""), found.get("tracking_number", "")],
        "refund_amount": [meta.get("refund_amount", ""), found.get("refund_amount", "")],
        "product": [meta.get("product", "")],
        "agent_name": [ticket.agent_name],
    }
    values = {}
    for name, options in candidates.items():
        # The first source that is not blank wins; braces in it turn full-width so that a
        # value never reads as a placeholder.
        first = next((o.strip() for o in options if o.strip()), "")
        if first:
            values[name] = first.replace("{", "｛").replace("}", "｝")
    return values


def check_template(case: TemplateCase, folder: Path) -> Outcome:
    template = ReplyTemplate("t", "en", "title", case.body, ("negative",), ("logistics",))
    text, unfilled = fill(template, case.ticket)
    values = expected_values(case.ticket)
    expected = (
        "".join(literal + values.get(name, f"{{{name}}}") for literal, name in case.parts)
        + case.tail
    )
    assert text == expected
    assert unfilled == unfilled_placeholders(text)
    # literal text may hold placeholders of its own (a "{w}") or build one around a value
    left = {name for _, name in case.parts if name not in values}
    assert left <= set(unfilled)
    library = TemplateLibrary([template])
    for suggestion in library.suggest(case.ticket):
        assert suggestion.text == text and suggestion.unfilled == unfilled
    return Outcome(imported=1)


TEMPLATE_PROPERTY = Property("template fill", template_cases(), check_template)


def test_template_rendering_property(tmp_path: Path) -> None:
    TEMPLATE_PROPERTY.run_ci(tmp_path)


@pytest.mark.parametrize("value", ["{order_id}", "{{customer_name}}", "\\1 \\g<0>", "$1"])
def test_values_are_inserted_verbatim(value: str) -> None:
    template = ReplyTemplate("t", "en", "t", "Hi {customer_name}, {agent_name}", (), ())
    text, _ = fill(template, TicketContext("en", None, None, "", customer=value, agent_name="M"))
    # As typed (braces full-width): no second substitution, no regex group expansion.
    assert text == "Hi " + value.replace("{", "｛").replace("}", "｝") + ", M"
