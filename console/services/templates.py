"""The reply template library: loading, ranking for a ticket, and filling placeholders."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inference import SentideskError
from inference.resources import resource_path

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
#: The placeholders :func:`fill` fills from the ticket (listed at the top of the shipped
#: template files).
FILLED_PLACEHOLDERS = (
    "customer_name",
    "order_id",
    "product",
    "tracking_number",
    "refund_amount",
    "agent_name",
)
#: Placeholders the agent writes before sending (the shipped templates use them where the
#: answer depends on the case); nothing fills them, so they always block sending until typed.
AGENT_PLACEHOLDERS = ("answer", "next_step")
#: The placeholders a template may use.
KNOWN_PLACEHOLDERS = FILLED_PLACEHOLDERS + AGENT_PLACEHOLDERS

_ORDER = re.compile(
    r"(?:订单号?|order(?:\s+(?:no\.?|number|#))?)\s*[:：#]?\s*([A-Z]{0,3}\d{6,})|#([A-Z]{0,3}\d{6,})",
    re.IGNORECASE,
)
_TRACKING = re.compile(
    r"(?:运单号?|快递单号|tracking(?:\s+(?:no\.?|number))?)\s*[:：#]?\s*([A-Z0-9]{8,})"
    r"|\b((?:SF|YT|JD|ZTO|YD|1Z)[0-9A-Z]{8,})\b",
    re.IGNORECASE,
)
# The lookbehind starts the unit-suffixed form only at the start of a number: without it a
# long digit run is rescanned from every position (quadratic; minutes on a 100,000-digit text).
_AMOUNT = re.compile(
    r"(?:[¥￥$€]|RMB|USD|EUR)\s?(\d+(?:\.\d{1,2})?)"
    r"|(?<![\d.])(\d+(?:\.\d{1,2})?)\s?(?:元|块钱|块|RMB|USD|dollars?)",
    re.IGNORECASE,
)


class TemplateError(SentideskError):
    """A template file is malformed."""


@dataclass(frozen=True)
class ReplyTemplate:
    id: str
    language: str
    title: str
    body: str
    sentiments: tuple[str, ...]
    categories: tuple[str, ...]

    @property
    def placeholders(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(PLACEHOLDER.findall(self.body)))


@dataclass(frozen=True)
class TicketContext:
    """What a suggestion needs to know about a ticket."""

    language: str
    sentiment: str | None
    category: str | None
    text: str
    customer: str = ""
    order_id: str = ""
    metadata: Mapping[str, Any] = field(default_factory=dict)
    agent_name: str = ""


@dataclass(frozen=True)
class Suggestion:
    template: ReplyTemplate
    text: str
    unfilled: tuple[str, ...]
    score: float


def unfilled_placeholders(text: str) -> tuple[str, ...]:
    """Placeholder names still present in a reply; a reply with any cannot be sent."""
    return tuple(dict.fromkeys(PLACEHOLDER.findall(text)))


def extract_fields(text: str) -> dict[str, str]:
    """Order number, tracking number and amount mentioned in the customer's text."""
    found: dict[str, str] = {}
    if m := _ORDER.search(text):
        found["order_id"] = m.group(1) or m.group(2)
    if m := _TRACKING.search(text):
        found["tracking_number"] = m.group(1) or m.group(2)
    if m := _AMOUNT.search(text):
        found["refund_amount"] = m.group(0).strip()
    return found


def fill(template: ReplyTemplate, ticket: TicketContext) -> tuple[str, tuple[str, ...]]:
    """Fill what the ticket knows; unknown placeholders stay as ``{name}`` and are listed."""
    values: dict[str, str] = {}
    from_text = extract_fields(ticket.text)
    # blank sources count as missing, so a whitespace-only column cannot hide a value that
    # the customer's text does give
    meta = {str(k): str(v).strip() for k, v in ticket.metadata.items() if v is not None}
    values["customer_name"] = ticket.customer
    values["order_id"] = (
        ticket.order_id.strip() or meta.get("order_id", "") or from_text.get("order_id", "")
    )
    values["tracking_number"] = meta.get("tracking_number", "") or from_text.get(
        "tracking_number", ""
    )
    values["refund_amount"] = meta.get("refund_amount", "") or from_text.get("refund_amount", "")
    values["product"] = meta.get("product", "")
    values["agent_name"] = ticket.agent_name
    # Values come from customers and import files: braces in them become full-width ones,
    # or a customer called "{order_id}" would read as a placeholder and block sending.
    values = {
        k: v.strip().replace("{", "｛").replace("}", "｝")
        for k, v in values.items()
        if v and v.strip()
    }

    def substitute(match: re.Match[str]) -> str:
        return values.get(match.group(1), match.group(0))

    text = PLACEHOLDER.sub(substitute, template.body)
    return text, unfilled_placeholders(text)


def _bigrams(text: str) -> Counter[str]:
    cleaned = re.sub(r"\s+", " ", PLACEHOLDER.sub(" ", text.lower()))
    return Counter(cleaned[i : i + 2] for i in range(len(cleaned) - 1))


def similarity(a: str, b: str) -> float:
    """Cosine similarity of character bigrams: language-agnostic, fine for short texts."""
    ca, cb = _bigrams(a), _bigrams(b)
    dot = sum(v * cb[k] for k, v in ca.items())
    norm = (sum(v * v for v in ca.values()) * sum(v * v for v in cb.values())) ** 0.5
    return dot / norm if norm else 0.0


def parse_templates(
    data: Mapping[str, Any], source: str, default_language: str
) -> list[ReplyTemplate]:
    """The ``[[template]]`` entries of a parsed template file (``source`` names it in errors).

    A template's language is its own ``language`` key, else the file's, else
    ``default_language`` (the shipped files are named after their language)."""
    language = str(data.get("language", default_language))
    templates = []
    for i, raw in enumerate(data.get("template", [])):
        try:
            templates.append(
                ReplyTemplate(
                    id=str(raw["id"]),
                    language=str(raw.get("language", language)),
                    title=str(raw["title"]),
                    body=str(raw["body"]).strip(),
                    sentiments=tuple(raw.get("sentiments", ())),
                    categories=tuple(raw.get("categories", ())),
                )
            )
        except KeyError as exc:
            raise TemplateError(f"{source}: template {i + 1} lacks {exc}") from exc
    return templates


class TemplateLibrary:
    """All templates of a folder (``*.toml``), indexed by id."""

    def __init__(self, templates: Sequence[ReplyTemplate]) -> None:
        self.templates = tuple(templates)
        self.by_id = {t.id: t for t in self.templates}
        self._profiles = {t.id: _bigrams(f"{t.title} {t.body}") for t in self.templates}

    @classmethod
    def load(cls, folder: Path | None = None) -> TemplateLibrary:
        """``folder`` defaults to the shipped templates; a missing folder is an error."""
        # Looked up on call, not on import: every command imports this module, and a damaged
        # installation should fail the command that needs templates, with a clear message.
        folder = resource_path("templates") if folder is None else folder
        if not folder.is_dir():
            raise TemplateError(f"template folder {folder} is missing")
        templates: list[ReplyTemplate] = []
        seen: set[str] = set()
        for path in sorted(folder.glob("*.toml")):
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                raise TemplateError(f"{path.name}: {exc}") from exc
            for template in parse_templates(data, path.name, path.stem):
                if template.id in seen:
                    raise TemplateError(f"{path.name}: duplicate template id {template.id!r}")
                seen.add(template.id)
                templates.append(template)
        return cls(templates)

    def for_language(self, language: str) -> list[ReplyTemplate]:
        lang = language if any(t.language == language for t in self.templates) else "en"
        return [t for t in self.templates if t.language == lang]

    def suggest(self, ticket: TicketContext, limit: int = 3) -> list[Suggestion]:
        """Best templates for the ticket: category and sentiment matches, then similarity."""
        profile = _bigrams(ticket.text)
        ranked = []
        for template in self.for_language(ticket.language):
            score = 3.0 * (ticket.category in template.categories)
            score += 2.0 * (ticket.sentiment in template.sentiments)
            other = self._profiles[template.id]
            dot = sum(v * other[k] for k, v in profile.items())
            norm = sum(v * v for v in profile.values()) * sum(v * v for v in other.values())
            score += dot / norm**0.5 if norm else 0.0
            ranked.append((score, template))
        ranked.sort(key=lambda pair: -pair[0])
        out = []
        for score, template in ranked[:limit]:
            text, unfilled = fill(template, ticket)
            out.append(Suggestion(template, text, unfilled, round(score, 3)))
        return out
