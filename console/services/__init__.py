"""Qt-free services of the console: scoring stored tickets, reply templates, headless runs."""

from console.services.editing import edit_distance, edit_ratio, finish_reply
from console.services.scoring import (
    MessageSpan,
    ScoredBatch,
    explain_ticket,
    score_batch,
    spans_by_part,
)
from console.services.templates import (
    ReplyTemplate,
    Suggestion,
    TemplateError,
    TemplateLibrary,
    TicketContext,
    extract_fields,
    fill,
    unfilled_placeholders,
)

__all__ = [
    "MessageSpan",
    "ReplyTemplate",
    "ScoredBatch",
    "Suggestion",
    "TemplateError",
    "TemplateLibrary",
    "TicketContext",
    "edit_distance",
    "edit_ratio",
    "explain_ticket",
    "extract_fields",
    "fill",
    "finish_reply",
    "score_batch",
    "spans_by_part",
    "unfilled_placeholders",
]
