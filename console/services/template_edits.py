"""Supervisors' edits of the reply templates, and the template library suggestions use.

The shipped templates (``resources/templates/*.toml``) stay read-only package data. The store
keeps supervisors' versions by template id: an edit of a shipped template, a new template,
or a retired (hidden) one. The *effective* library lays those over the shipped ones;
:class:`TemplateCatalog` rebuilds it whenever the store's template revision changes, so an
edit made in the window or by ``sentidesk templates import`` (another process) is used for
the next suggestion without a restart.

Every change is a supervisor's: it is refused with :class:`PermissionDenied` for anyone
else, checked again inside the write transaction (another console may have disabled or
demoted the account since it logged in), and written to the append-only audit log with the
template before and after.

Thread: every function that takes a store runs on the database worker, like the store's own
methods.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import threading
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from console.services.accounts import Account, require_supervisor, still_supervisor
from console.services.templates import (
    AGENT_PLACEHOLDERS,
    FILLED_PLACEHOLDERS,
    KNOWN_PLACEHOLDERS,
    ReplyTemplate,
    TemplateLibrary,
    TicketContext,
)
from console.store import TemplateRow, TemplateUsage, TicketStore
from inference import DEFAULT_CATEGORIES, SENTIMENTS, SentideskError

log = logging.getLogger(__name__)

T = TypeVar("T")

#: What template changes are called in refusals.
EDITING_TEMPLATES = "editing reply templates"
#: The languages a template can be written in (tickets in others get the English ones).
TEMPLATE_LANGUAGES = ("zh", "en")
#: ``default``: the shipped template as shipped; ``edited``: a shipped template a supervisor
#: changed; ``new``: added by a supervisor; ``retired``: hidden from suggestions.
TEMPLATE_STATES = ("default", "edited", "new", "retired")
MAX_ID_CHARS = 64
MAX_TITLE_CHARS = 120
MAX_BODY_CHARS = 10_000

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
#: Anything in braces, the way a reader would take it for a placeholder.
_BRACED = re.compile(r"\{([^{}\n]*)\}")
_FILE_KEYS = frozenset({"language", "template"})
_TEMPLATE_KEYS = frozenset(
    {"id", "language", "title", "body", "sentiments", "categories", "retired"}
)


class TemplateEditError(SentideskError):
    """A template change that cannot be made: invalid content, an unknown or taken id, a
    template changed by someone else meanwhile, a malformed template file."""


# -- the library ------------------------------------------------------------------------
@dataclass(frozen=True)
class TemplateEntry:
    """A template as the template list shows it: its current content, where that comes from,
    who changed it last and how agents use it."""

    template: ReplyTemplate
    state: str
    #: the shipped template of this id; None for a template a supervisor added
    default: ReplyTemplate | None
    #: the store's template revision when this version was written; 0 for a shipped one
    revision: int = 0
    updated_by: str | None = None
    updated_at: str | None = None
    #: replies sent from this template, and how much agents changed them on average
    uses: int = 0
    mean_edit_ratio: float | None = None

    @property
    def id(self) -> str:
        return self.template.id

    @property
    def retired(self) -> bool:
        return self.state == "retired"

    @property
    def packaged(self) -> bool:
        return self.default is not None

    @property
    def changed_from_default(self) -> bool:
        """There is a stored version to drop: an edit or a retirement of a shipped template."""
        return self.default is not None and self.state != "default"

    def to_dict(self) -> dict[str, Any]:
        """The entry as ``sentidesk templates list --json`` writes it."""
        t = self.template
        return {
            "id": t.id,
            "language": t.language,
            "title": t.title,
            "state": self.state,
            "sentiments": list(t.sentiments),
            "categories": list(t.categories),
            "placeholders": list(t.placeholders),
            "body": t.body,
            "retired": self.retired,
            "packaged": self.packaged,
            "revision": self.revision,
            "updated_by": self.updated_by,
            "updated_at": self.updated_at,
            "uses": self.uses,
            "mean_edit_ratio": self.mean_edit_ratio,
        }


@functools.cache
def packaged_templates() -> TemplateLibrary:
    """The shipped templates, read once per process."""
    return TemplateLibrary.load()


def _from_row(row: TemplateRow) -> ReplyTemplate:
    return ReplyTemplate(row.id, row.language, row.title, row.body, row.sentiments, row.categories)


def _entry(
    default: ReplyTemplate | None,
    row: TemplateRow | None,
    usage: Mapping[str, TemplateUsage],
) -> TemplateEntry:
    if row is None:
        assert default is not None
        entry = TemplateEntry(default, "default", default)
    else:
        state = "retired" if row.retired else "edited" if default is not None else "new"
        entry = TemplateEntry(
            _from_row(row), state, default, row.revision, row.updated_by, row.updated_at
        )
    used = usage.get(entry.id)
    if used is None:
        return entry
    return replace(entry, uses=used.uses, mean_edit_ratio=used.mean_edit_ratio)


def _entries(
    defaults: TemplateLibrary, rows: Iterable[TemplateRow], usage: Mapping[str, TemplateUsage]
) -> list[TemplateEntry]:
    """Shipped templates in their shipped order, then the added ones by id."""
    by_id = {row.id: row for row in rows}
    entries = [_entry(t, by_id.pop(t.id, None), usage) for t in defaults.templates]
    entries += [_entry(None, row, usage) for row in sorted(by_id.values(), key=lambda r: r.id)]
    return entries


def list_templates(
    store: TicketStore, defaults: TemplateLibrary | None = None, *, usage: bool = True
) -> list[TemplateEntry]:
    """Every template, retired ones included: the shipped ones in their shipped order (with
    a supervisor's version where there is one), then the added ones by id. ``usage`` adds
    how often each was sent and how much agents changed it."""
    defaults = packaged_templates() if defaults is None else defaults
    return _entries(defaults, store.template_rows(), store.template_usage() if usage else {})


def effective_library(
    store: TicketStore, defaults: TemplateLibrary | None = None
) -> TemplateLibrary:
    """The templates suggestions are made from: shipped and added ones as supervisors left
    them, retired ones left out."""
    entries = list_templates(store, defaults, usage=False)
    return TemplateLibrary([e.template for e in entries if not e.retired])


class TemplateCatalog:
    """The effective library of a store, rebuilt only when its templates changed.

    The store's template revision is read on every call (one indexed row): an edit by this
    window, another console or ``sentidesk templates import`` is seen by the next
    suggestion. Safe to call from any thread; each call reads the store on the caller's
    thread (the database worker)."""

    def __init__(self, defaults: TemplateLibrary | None = None) -> None:
        self._defaults = defaults
        self._lock = threading.Lock()
        self._cached: tuple[tuple[str, int], TemplateLibrary] | None = None

    @property
    def defaults(self) -> TemplateLibrary:
        if self._defaults is None:
            self._defaults = packaged_templates()
        return self._defaults

    def library(self, store: TicketStore) -> TemplateLibrary:
        key = (str(store.path), store.template_revision())
        with self._lock:
            if self._cached is not None and self._cached[0] == key:
                return self._cached[1]
        # Built outside the lock. Should another process write between reading the revision
        # and the rows, the library is newer than its key says and is simply built again.
        library = effective_library(store, self.defaults)
        with self._lock:
            self._cached = (key, library)
        log.debug("template library rebuilt at revision %d", key[1])
        return library


# -- validation -------------------------------------------------------------------------
def _dedupe(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def normalized(template: ReplyTemplate) -> ReplyTemplate:
    """``template`` as it is stored: id, title and body without surrounding whitespace,
    sentiments and categories without repeats."""
    return ReplyTemplate(
        id=template.id.strip(),
        language=template.language.strip(),
        title=template.title.strip(),
        body=template.body.strip(),
        sentiments=_dedupe(s.strip() for s in template.sentiments),
        categories=_dedupe(c.strip() for c in template.categories),
    )


def _placeholder_list() -> str:
    return ", ".join(f"{{{name}}}" for name in KNOWN_PLACEHOLDERS)


def template_problems(template: ReplyTemplate) -> list[str]:
    """What is wrong with ``template`` (say, as typed in the editor), for people; empty when
    it can be saved."""
    t = normalized(template)
    problems = []
    if not _ID.fullmatch(t.id) or len(t.id) > MAX_ID_CHARS:
        problems.append(
            f"the id {t.id!r} must be 1 to {MAX_ID_CHARS} letters, digits, '-', '_' or '.', "
            "starting with a letter or digit"
        )
    if t.language not in TEMPLATE_LANGUAGES:
        problems.append(f"the language must be zh or en, not {t.language!r}")
    if not t.title:
        problems.append("the title is empty")
    elif "\n" in t.title or "\r" in t.title:
        problems.append("the title must be one line")
    elif len(t.title) > MAX_TITLE_CHARS:
        problems.append(f"the title has more than {MAX_TITLE_CHARS} characters")
    if not t.body:
        problems.append("the body is empty")
    elif len(t.body) > MAX_BODY_CHARS:
        problems.append(f"the body has more than {MAX_BODY_CHARS} characters")
    unknown = _dedupe(m for m in _BRACED.findall(t.body) if m not in KNOWN_PLACEHOLDERS)
    if unknown:
        names = ", ".join(f"{{{name}}}" for name in unknown)
        problems.append(f"unknown placeholder {names}: use {_placeholder_list()}")
    if re.search(r"[{}]", _BRACED.sub("", t.body)):
        problems.append("a '{' or '}' has no partner: placeholders are written {name}")
    for field, values, allowed in (
        ("sentiment", t.sentiments, SENTIMENTS),
        ("category", t.categories, DEFAULT_CATEGORIES),
    ):
        if not values:
            problems.append(f"choose at least one {field}")
        wrong = [v for v in values if v not in allowed]
        if wrong:
            problems.append(
                f"unknown {field} {', '.join(map(repr, wrong))}: choose from {', '.join(allowed)}"
            )
    return problems


def checked(template: ReplyTemplate) -> ReplyTemplate:
    """``template`` normalized, or TemplateEditError naming every problem."""
    problems = template_problems(template)
    if problems:
        name = template.id.strip() or "without an id"
        raise TemplateEditError(f"template {name}: {'; '.join(problems)}")
    return normalized(template)


def same_content(a: ReplyTemplate, b: ReplyTemplate) -> bool:
    """Whether two templates say the same (the order of sentiments and categories aside)."""
    return (
        (a.id, a.language, a.title, a.body) == (b.id, b.language, b.title, b.body)
        and set(a.sentiments) == set(b.sentiments)
        and set(a.categories) == set(b.categories)
    )


# -- changes ----------------------------------------------------------------------------
def _supervised(
    store: TicketStore, actor: Account | None, what: str, body: Callable[[Account], T]
) -> T:
    """Run ``body(actor)`` in one write transaction, once ``actor`` is found to be an enabled
    supervisor both before and inside it."""
    require_supervisor(actor, EDITING_TEMPLATES)
    assert actor is not None  # require_supervisor refuses None
    supervisor = actor

    def run() -> T:
        still_supervisor(store, supervisor, EDITING_TEMPLATES)
        return body(supervisor)

    return store.transaction(f"{what} by {supervisor.name}", run)


def _current(
    store: TicketStore, defaults: TemplateLibrary, template_id: str
) -> TemplateEntry | None:
    default = defaults.by_id.get(template_id)
    row = store.template_row(template_id)
    if default is None and row is None:
        return None
    return _entry(default, row, {})


def _existing(store: TicketStore, defaults: TemplateLibrary, template_id: str) -> TemplateEntry:
    entry = _current(store, defaults, template_id)
    if entry is None:
        raise TemplateEditError(f"there is no template {template_id!r}")
    return entry


def _check_revision(entry: TemplateEntry, expected: int | None) -> None:
    """Refuse to overwrite a change the supervisor has not seen (two consoles, or the
    command line, editing the same template)."""
    if expected is None or entry.revision == expected:
        return
    if entry.updated_by is None:
        what = "was restored to its shipped version"
    else:
        when = (entry.updated_at or "").replace("T", " ")[:16]
        what = f"was changed by {entry.updated_by} at {when}"
    raise TemplateEditError(
        f"template {entry.id} {what} after you opened it; reload it and make your change again"
    )


def _store_version(
    store: TicketStore,
    defaults: TemplateLibrary,
    template: ReplyTemplate,
    retired: bool,
    actor: Account,
) -> TemplateEntry:
    """Store ``template`` as its id's current version; a shipped template set back to its
    shipped content (and not retired) needs no stored version, so it has none."""
    default = defaults.by_id.get(template.id)
    if default is not None and not retired and same_content(template, default):
        store.remove_template_row(template.id)
        return _entry(default, None, {})
    row = store.put_template_row(
        template.id,
        language=template.language,
        title=template.title,
        body=template.body,
        sentiments=template.sentiments,
        categories=template.categories,
        retired=retired,
        updated_by=actor.name,
    )
    return _entry(default, row, {})


def _snapshot(entry: TemplateEntry | None) -> dict[str, Any] | None:
    if entry is None:
        return None
    t = entry.template
    return {
        "language": t.language,
        "title": t.title,
        "body": t.body,
        "sentiments": list(t.sentiments),
        "categories": list(t.categories),
        "retired": entry.retired,
        "state": entry.state,
    }


def _audit(
    store: TicketStore,
    action: str,
    actor: Account,
    template_id: str,
    before: TemplateEntry | None,
    after: TemplateEntry,
    **details: Any,
) -> None:
    store.audit(
        action,
        None,
        {"template": template_id, **details},
        actor.name,
        before=_snapshot(before),
        after=_snapshot(after),
    )


def create_template(
    store: TicketStore,
    actor: Account | None,
    template: ReplyTemplate,
    defaults: TemplateLibrary | None = None,
) -> TemplateEntry:
    """Add a template (a supervisor's action, audited). TemplateEditError when it is invalid
    or its id is taken, by a shipped, added or retired template."""
    defaults = packaged_templates() if defaults is None else defaults
    wanted = checked(template)

    def body(supervisor: Account) -> TemplateEntry:
        if _current(store, defaults, wanted.id) is not None:
            raise TemplateEditError(
                f"a template with the id {wanted.id} already exists; choose another id"
            )
        after = _store_version(store, defaults, wanted, False, supervisor)
        _audit(store, "template_create", supervisor, wanted.id, None, after)
        return after

    return _supervised(store, actor, f"the new template {wanted.id}", body)


def edit_template(
    store: TicketStore,
    actor: Account | None,
    template: ReplyTemplate,
    *,
    expected_revision: int | None = None,
    defaults: TemplateLibrary | None = None,
) -> TemplateEntry:
    """Change a template's content (a supervisor's action, audited with before and after);
    a retired one stays retired. ``expected_revision`` is the entry's revision when the
    supervisor opened it: a change someone made since is not overwritten. Saving what is
    already there changes and audits nothing."""
    defaults = packaged_templates() if defaults is None else defaults
    wanted = checked(template)

    def body(supervisor: Account) -> TemplateEntry:
        before = _existing(store, defaults, wanted.id)
        _check_revision(before, expected_revision)
        if same_content(wanted, before.template):
            return before
        after = _store_version(store, defaults, wanted, before.retired, supervisor)
        _audit(store, "template_edit", supervisor, wanted.id, before, after)
        return after

    return _supervised(store, actor, f"the template {wanted.id}", body)


def retire_template(
    store: TicketStore,
    actor: Account | None,
    template_id: str,
    *,
    expected_revision: int | None = None,
    defaults: TemplateLibrary | None = None,
) -> TemplateEntry:
    """Hide a template from suggestions (kept, as sent replies name it; audited)."""
    defaults = packaged_templates() if defaults is None else defaults

    def body(supervisor: Account) -> TemplateEntry:
        before = _existing(store, defaults, template_id)
        _check_revision(before, expected_revision)
        if before.retired:
            raise TemplateEditError(f"template {template_id} is already retired")
        after = _store_version(store, defaults, before.template, True, supervisor)
        _audit(store, "template_retire", supervisor, template_id, before, after)
        return after

    return _supervised(store, actor, f"retiring the template {template_id}", body)


def reinstate_template(
    store: TicketStore,
    actor: Account | None,
    template_id: str,
    *,
    expected_revision: int | None = None,
    defaults: TemplateLibrary | None = None,
) -> TemplateEntry:
    """Offer a retired template in suggestions again, as it was when retired (audited)."""
    defaults = packaged_templates() if defaults is None else defaults

    def body(supervisor: Account) -> TemplateEntry:
        before = _existing(store, defaults, template_id)
        _check_revision(before, expected_revision)
        if not before.retired:
            raise TemplateEditError(f"template {template_id} is not retired")
        after = _store_version(store, defaults, before.template, False, supervisor)
        _audit(store, "template_reinstate", supervisor, template_id, before, after)
        return after

    return _supervised(store, actor, f"reinstating the template {template_id}", body)


def restore_default(
    store: TicketStore,
    actor: Account | None,
    template_id: str,
    *,
    expected_revision: int | None = None,
    defaults: TemplateLibrary | None = None,
) -> TemplateEntry:
    """Drop a supervisor's version of a shipped template, retirement included: the shipped
    template is suggested again (audited with the version it replaces)."""
    defaults = packaged_templates() if defaults is None else defaults

    def body(supervisor: Account) -> TemplateEntry:
        before = _existing(store, defaults, template_id)
        _check_revision(before, expected_revision)
        if before.default is None:
            raise TemplateEditError(
                f"template {template_id} was added in this console and has no shipped "
                "version to restore; retire it instead"
            )
        if before.state == "default":
            raise TemplateEditError(f"template {template_id} already is the shipped version")
        store.remove_template_row(template_id)
        after = _entry(before.default, None, {})
        _audit(store, "template_restore_default", supervisor, template_id, before, after)
        return after

    return _supervised(store, actor, f"restoring the template {template_id}", body)


# -- files ------------------------------------------------------------------------------
@dataclass(frozen=True)
class TemplateImportReport:
    source: str
    created: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]


def describe_template_import(report: TemplateImportReport) -> str:
    return (
        f"{report.source}: {len(report.created)} new, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged"
    )


@dataclass(frozen=True)
class TemplateFileEntry:
    template: ReplyTemplate
    retired: bool = False


def _text_list(value: Any, where: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TemplateEditError(f'{where}: {key} must be a list of names, such as ["negative"]')
    return tuple(value)


def parse_template_text(text: str, source: str) -> list[TemplateFileEntry]:
    """The templates of a template file (the format of ``resources/templates``, where each
    template may also name its own ``language`` and say ``retired = true``), each valid;
    otherwise TemplateEditError, one line naming ``source``, the template and the problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateEditError(f"{source}: not a valid TOML file: {exc}") from exc
    unknown = sorted(set(data) - _FILE_KEYS)
    if unknown:
        raise TemplateEditError(
            f"{source}: unknown key {unknown[0]!r} (a template file has language and "
            "[[template]] entries)"
        )
    file_language = data.get("language")
    if file_language is not None and not isinstance(file_language, str):
        raise TemplateEditError(f'{source}: language must be "zh" or "en"')
    raws = data.get("template")
    if not isinstance(raws, list) or not raws:
        raise TemplateEditError(f"{source}: no [[template]] entries")
    found: list[TemplateFileEntry] = []
    seen: set[str] = set()
    for i, raw in enumerate(raws, 1):
        named = raw.get("id") if isinstance(raw, dict) else None
        where = f"{source}: template {i}" + (f" ({named})" if isinstance(named, str) else "")
        if not isinstance(raw, dict):
            raise TemplateEditError(f"{where}: not a table of keys")
        extra = sorted(set(raw) - _TEMPLATE_KEYS)
        if extra:
            raise TemplateEditError(
                f"{where}: unknown key {extra[0]!r} (known: {', '.join(sorted(_TEMPLATE_KEYS))})"
            )
        values: dict[str, str] = {}
        for key in ("id", "title", "body"):
            if key not in raw:
                raise TemplateEditError(f"{where}: lacks {key}")
            if not isinstance(raw[key], str):
                raise TemplateEditError(f"{where}: {key} must be text")
            values[key] = raw[key]
        language = raw.get("language", file_language)
        if language is None:
            raise TemplateEditError(
                f'{where}: no language; add language = "zh" or "en" to it or to the file'
            )
        if not isinstance(language, str):
            raise TemplateEditError(f'{where}: language must be "zh" or "en"')
        retired = raw.get("retired", False)
        if not isinstance(retired, bool):
            raise TemplateEditError(f"{where}: retired must be true or false")
        template = ReplyTemplate(
            id=values["id"],
            language=language,
            title=values["title"],
            body=values["body"],
            sentiments=_text_list(raw.get("sentiments", []), where, "sentiments"),
            categories=_text_list(raw.get("categories", []), where, "categories"),
        )
        problems = template_problems(template)
        if problems:
            raise TemplateEditError(f"{where}: {'; '.join(problems)}")
        template = normalized(template)
        if template.id in seen:
            raise TemplateEditError(f"{where}: the id {template.id} appears twice in the file")
        seen.add(template.id)
        found.append(TemplateFileEntry(template, retired))
    return found


def read_template_file(path: Path) -> list[TemplateFileEntry]:
    """:func:`parse_template_text` of a file."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise TemplateEditError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise TemplateEditError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return parse_template_text(text, path.name)


def import_templates(
    store: TicketStore,
    actor: Account | None,
    path: Path,
    defaults: TemplateLibrary | None = None,
) -> TemplateImportReport:
    """Add or replace, by id, every template of a template file, in one transaction (a
    supervisor's action; each change audited with before and after, and the file's name).

    A template's ``retired`` key (false when absent) is taken too. The whole file is read
    and checked before anything is written: a malformed file changes nothing."""
    require_supervisor(actor, EDITING_TEMPLATES)
    defaults = packaged_templates() if defaults is None else defaults
    found = read_template_file(path)

    def body(supervisor: Account) -> TemplateImportReport:
        created: list[str] = []
        updated: list[str] = []
        unchanged: list[str] = []
        for item in found:
            template = item.template
            before = _current(store, defaults, template.id)
            if (
                before is not None
                and before.retired == item.retired
                and same_content(before.template, template)
            ):
                unchanged.append(template.id)
                continue
            after = _store_version(store, defaults, template, item.retired, supervisor)
            action = "template_create" if before is None else "template_edit"
            _audit(store, action, supervisor, template.id, before, after, file=path.name)
            (created if before is None else updated).append(template.id)
        return TemplateImportReport(path.name, tuple(created), tuple(updated), tuple(unchanged))

    return _supervised(store, actor, f"the templates of {path.name}", body)


def _toml_string(text: str, multiline: bool = False) -> str:
    """``text`` as a TOML basic string (multi-line keeps its line breaks readable)."""
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\n" if multiline else "\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    escaped = "".join(out)
    # the line break right after the opening quotes is not part of the string
    return f'"""\n{escaped}"""' if multiline else f'"{escaped}"'


def _toml_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(_toml_string(v) for v in values) + "]"


def dump_templates(entries: Sequence[TemplateEntry]) -> str:
    """``entries`` as a template file that :func:`import_templates` reads back."""
    lines = [
        "# Sentidesk reply templates. Import with: sentidesk templates import FILE --user NAME",
        "# Placeholders in {braces} are filled from the ticket where possible:",
        "# " + " ".join(f"{{{name}}}" for name in FILLED_PLACEHOLDERS),
        "# and these are left for the agent to write before sending:",
        "# " + " ".join(f"{{{name}}}" for name in AGENT_PLACEHOLDERS),
        "# A template with retired = true is not suggested.",
    ]
    for entry in entries:
        t = entry.template
        lines += [
            "",
            "[[template]]",
            f"id = {_toml_string(t.id)}",
            f"language = {_toml_string(t.language)}",
            f"title = {_toml_string(t.title)}",
            f"sentiments = {_toml_list(t.sentiments)}",
            f"categories = {_toml_list(t.categories)}",
        ]
        if entry.retired:
            lines.append("retired = true")
        lines.append(f"body = {_toml_string(t.body, multiline=True)}")
    return "\n".join(lines) + "\n"


def export_templates(
    store: TicketStore, path: Path, defaults: TemplateLibrary | None = None
) -> int:
    """Write every template, retired ones included, to ``path`` as a template file; returns
    how many. Anyone may: templates hold no customer data."""
    if path.is_dir():
        raise TemplateEditError(f"cannot write {path}: it is a folder")
    entries = list_templates(store, defaults, usage=False)
    text = dump_templates(entries)
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise TemplateEditError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return len(entries)


# -- the editor's helpers ---------------------------------------------------------------
@dataclass(frozen=True)
class TemplateFilter:
    """What the template list shows: text in the id, title or body, and exact values (an
    empty one matches everything)."""

    search: str = ""
    language: str = ""
    category: str = ""
    sentiment: str = ""
    state: str = ""

    def matches(self, entry: TemplateEntry) -> bool:
        t = entry.template
        needle = self.search.strip().casefold()
        return (
            (not needle or needle in f"{t.id}\n{t.title}\n{t.body}".casefold())
            and (not self.language or t.language == self.language)
            and (not self.category or self.category in t.categories)
            and (not self.sentiment or self.sentiment in t.sentiments)
            and (not self.state or entry.state == self.state)
        )


_SAMPLES = {
    "en": (
        "Ann Lee",
        "Order SD20261128 still hasn't arrived and tracking SF1234567890 hasn't moved. "
        "I want my $129.00 back.",
        "wireless earbuds",
    ),
    "zh": (
        "王芳",
        "订单号 SD20261128 还没到，运单号 SF1234567890 一直没更新，请退我 ¥129.00。",
        "蓝牙耳机",
    ),
}


def sample_ticket(language: str, agent_name: str) -> TicketContext:
    """A made-up ticket in ``language`` with every placeholder's value, for previews."""
    customer, text, product = _SAMPLES.get(language, _SAMPLES["en"])
    return TicketContext(
        language=language,
        sentiment="negative",
        category="logistics",
        text=text,
        customer=customer,
        metadata={"product": product},
        agent_name=agent_name,
    )
