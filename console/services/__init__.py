"""Qt-free services of the console: scoring stored tickets, reply templates, headless runs,
accounts and permissions, corrections read back as training data."""

from console.services.accounts import (
    Account,
    AccountError,
    LoginError,
    LoginThrottledError,
    PermissionDenied,
    add_user,
    authenticate,
    hash_password,
    list_users,
    login_delay,
    require_supervisor,
    verify_password,
)
from console.services.editing import edit_distance, edit_ratio, finish_reply
from console.services.learning import correction_set, label_event
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
    "Account",
    "AccountError",
    "LoginError",
    "LoginThrottledError",
    "MessageSpan",
    "PermissionDenied",
    "ReplyTemplate",
    "ScoredBatch",
    "Suggestion",
    "TemplateError",
    "TemplateLibrary",
    "TicketContext",
    "add_user",
    "authenticate",
    "correction_set",
    "edit_distance",
    "edit_ratio",
    "explain_ticket",
    "extract_fields",
    "fill",
    "finish_reply",
    "hash_password",
    "label_event",
    "list_users",
    "login_delay",
    "require_supervisor",
    "score_batch",
    "spans_by_part",
    "unfilled_placeholders",
    "verify_password",
]
