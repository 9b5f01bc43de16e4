"""Flagged conversations: the rules that flag a ticket for a supervisor, their settings, and
keeping the stored flags up to date.

A rule is a pure function of a ticket's :class:`FlagFacts` (read by the store), the
:class:`FlagSettings` and the time; it returns a :class:`FlagReason` saying what it saw, or
None. The store marks a ticket stale whenever something a rule reads changes (schema
triggers), so :func:`refresh_flags` only recomputes those, plus the tickets whose reply
deadline has passed since they were last looked at.

Settings: the defaults ship in ``resources/flags/flags.toml``; a data directory's
``flags.toml`` overrides any of its keys. The same file holds the spike alerts' ``[alerts]``
section (read with :func:`load_section`, see console/services/alerts.py) and the ``[models]``
section of how many old model versions are kept (console/services/models.py), so a data
directory has one settings file, checked one way. A malformed file, an unknown key or a value of the
wrong type is a :class:`FlagSettingsError` naming the file and the key, never ignored.

Thread: :func:`refresh_flags` runs on the database worker; the rules run anywhere.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import math
import re
import time
import tomllib
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from console.store import LABELS_CHANNEL, FlagFacts, FlagReason, TicketStore
from inference import SentideskError
from inference.resources import resource_path

log = logging.getLogger(__name__)

#: The flag settings of a data directory, next to its store.
SETTINGS_FILE = "flags.toml"
#: Tickets recomputed per transaction: short enough not to hold the write lock for long.
FLAG_BATCH = 200

NEGATIVITY = "negativity"
ESCALATION = "escalation"
LOW_CONFIDENCE = "low_confidence"
OVERRIDE = "override"
REPLY_EDIT = "reply_edit"
REPEAT_CONTACT = "repeat_contact"
REPLY_SLA = "reply_sla"
#: Every reason a ticket can be flagged for, in the order the rules run.
FLAG_REASONS = (
    NEGATIVITY,
    ESCALATION,
    LOW_CONFIDENCE,
    OVERRIDE,
    REPLY_EDIT,
    REPEAT_CONTACT,
    REPLY_SLA,
)

#: The section of the spike alerts' settings (not a flag reason).
ALERTS = "alerts"
#: The section of how many old model versions are kept (not a flag reason either).
MODELS = "models"
#: Sections of the settings file that are not flag rules.
OTHER_SECTIONS = (ALERTS, MODELS)

_DAY = 86400.0
_HOUR = 3600.0


class FlagSettingsError(SentideskError):
    """A flag settings file is malformed, or has an unknown key or a value of a wrong type."""


@dataclass(frozen=True)
class FlagSettings:
    """Every rule's switch and threshold; field names are ``<section>_<key>`` of the file."""

    negativity_enabled: bool
    negativity_threshold: float
    escalation_enabled: bool
    escalation_phrases: tuple[str, ...]
    escalation_extra_phrases: tuple[str, ...]
    escalation_ignore: tuple[str, ...]
    low_confidence_enabled: bool
    low_confidence_threshold: float
    override_enabled: bool
    reply_edit_enabled: bool
    reply_edit_threshold: float
    repeat_contact_enabled: bool
    repeat_contact_days: float
    reply_sla_enabled: bool
    reply_sla_hours: float

    @property
    def phrases(self) -> tuple[str, ...]:
        """The escalation phrases looked for: the list and the user's additions."""
        return tuple(dict.fromkeys(self.escalation_phrases + self.escalation_extra_phrases))

    def fingerprint(self) -> str:
        """Identifies these settings: flags computed with other ones are recomputed."""
        return hashlib.sha1(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()


# -- settings ---------------------------------------------------------------------------
def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _fraction(value: Any) -> float | None:
    # bool is an int: `threshold = true` is a mistake, not 1.0
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1:
        return float(value)
    return None


def _positive(value: Any) -> float | None:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and math.isfinite(value) and value > 0:
        return float(value)
    return None


def _count(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    return None


def _whole(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def _probability(value: Any) -> float | None:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and 0 < value < 1:
        return float(value)
    return None


def _phrases(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, list) and all(isinstance(p, str) and p.strip() for p in value):
        return tuple(p.strip() for p in value)
    return None


_Check = Callable[[Any], Any]
_ENABLED: tuple[_Check, str] = (_flag, "true or false")
_FRACTION: tuple[_Check, str] = (_fraction, "a number from 0 to 1")
#: section → key → (check returning the value or None, what the value must be)
_SCHEMA: dict[str, dict[str, tuple[_Check, str]]] = {
    NEGATIVITY: {"enabled": _ENABLED, "threshold": _FRACTION},
    ESCALATION: {
        "enabled": _ENABLED,
        "phrases": (_phrases, "a list of non-empty strings"),
        "extra_phrases": (_phrases, "a list of non-empty strings"),
        "ignore": (_phrases, "a list of non-empty strings"),
    },
    LOW_CONFIDENCE: {"enabled": _ENABLED, "threshold": _FRACTION},
    OVERRIDE: {"enabled": _ENABLED},
    REPLY_EDIT: {"enabled": _ENABLED, "threshold": _FRACTION},
    REPEAT_CONTACT: {"enabled": _ENABLED, "days": (_positive, "a number above 0")},
    REPLY_SLA: {"enabled": _ENABLED, "hours": (_positive, "a number above 0")},
    # Not a flag rule: the spike alerts' thresholds share this file so that a data
    # directory has one settings file, read and checked one way (console/services/alerts.py).
    ALERTS: {
        "enabled": _ENABLED,
        "window_hours": (_positive, "a number above 0"),
        "baseline_half_life_hours": (_positive, "a number above 0"),
        "min_volume": (_count, "a whole number of at least 1"),
        "significance": (_probability, "a number between 0 and 1 (exclusive)"),
        "overall_significance": (_probability, "a number between 0 and 1 (exclusive)"),
        "min_lift": _FRACTION,
        "cooldown_hours": (_positive, "a number above 0"),
    },
    # Not a flag rule either: the model versions pruning keeps (console/services/models.py).
    MODELS: {"keep": (_whole, "a whole number of at least 0")},
}


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise FlagSettingsError(f"{path}: not valid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise FlagSettingsError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise FlagSettingsError(f"{path}: cannot be read: {exc.strerror}") from exc


def _checked(data: Mapping[str, Any], path: Path, complete: bool) -> dict[str, Any]:
    """``data`` as settings fields, or FlagSettingsError naming ``path`` and the key.
    ``complete``: every key must be present (the shipped defaults)."""
    fields: dict[str, Any] = {}
    for section, table in data.items():
        keys = _SCHEMA.get(section)
        if keys is None:
            raise FlagSettingsError(
                f"{path}: unknown section [{section}]; known sections: {', '.join(_SCHEMA)}"
            )
        if not isinstance(table, dict):
            raise FlagSettingsError(f"{path}: {section} must be a [{section}] table")
        for key, value in table.items():
            if key not in keys:
                raise FlagSettingsError(
                    f"{path}: unknown key {section}.{key}; [{section}] knows {', '.join(keys)}"
                )
            check, wanted = keys[key]
            cleaned = check(value)
            if cleaned is None:
                raise FlagSettingsError(f"{path}: {section}.{key} must be {wanted}, not {value!r}")
            fields[f"{section}_{key}"] = cleaned
    if complete:
        missing = [
            f"{s}.{k}" for s, keys in _SCHEMA.items() for k in keys if f"{s}_{k}" not in fields
        ]
        if missing:
            raise FlagSettingsError(f"{path}: missing {', '.join(missing)}")
    return fields


def default_settings_path() -> Path:
    return resource_path("flags", SETTINGS_FILE)


def _settings_fields(root: Path | None) -> dict[str, Any]:
    """Every checked ``<section>_<key>`` of the settings file of ``root`` over the shipped
    defaults; the whole file is checked whichever part the caller wants."""
    defaults = default_settings_path()
    fields = _checked(_read_toml(defaults), defaults, complete=True)
    user = None if root is None else root / SETTINGS_FILE
    if user is not None and user.exists():
        fields.update(_checked(_read_toml(user), user, complete=False))
    return fields


def load_section(root: Path | None, section: str) -> dict[str, Any]:
    """One section of the settings of ``root`` as ``{key: checked value}``, e.g. the spike
    alerts' thresholds; FlagSettingsError as for :func:`load_flag_settings`."""
    prefix = f"{section}_"
    return {
        name.removeprefix(prefix): value
        for name, value in _settings_fields(root).items()
        if name.startswith(prefix)
    }


def load_flag_settings(root: Path | None) -> FlagSettings:
    """The flag settings of the data directory ``root``: its ``flags.toml`` over the shipped
    defaults (just the defaults when ``root`` is None or has no such file)."""
    fields = _settings_fields(root)
    settings = FlagSettings(
        **{
            name: value
            for name, value in fields.items()
            if not name.startswith(tuple(f"{section}_" for section in OTHER_SECTIONS))
        }
    )
    _matcher(settings.phrases, settings.escalation_ignore)  # a bad list fails here, not later
    return settings


# -- escalation language ----------------------------------------------------------------
_LATIN = "0-9a-z"
#: Words after which a number names a thing (an order, a room, a size), not the consumer
#: hotline or the consumer-rights day: "my order 315 arrived smashed".
_NUMBERED_THINGS = (
    "order", "room", "size", "item", "unit", "model", "number", "no", "no.", "ticket",
    "订单", "单号", "房间", "编号", "型号", "尺码", "号码", "第",
)  # fmt: skip
#: A number right after or before these is an amount, part of another number or a label.
_NUMBER_BEFORE = r"(?<![0-9a-z.,$¥€£#])" + "".join(
    f"(?<!{re.escape(word + gap)})" for word in _NUMBERED_THINGS for gap in ("", " ")
)
_NUMBER_AFTER = r"(?![0-9a-z%]|[.,][0-9]|\s*(?:元|块|円|美元|yuan|rmb|usd|dollars?)(?![a-z]))"


def _fold(text: str) -> str:
    """Full-width letters and digits as ASCII, any case as lower case."""
    return unicodedata.normalize("NFKC", text).casefold()


def _phrase_pattern(phrase: str) -> str:
    folded = _fold(phrase)
    body = r"\s+".join(re.escape(word) for word in folded.split())
    if folded.isdigit():
        return _NUMBER_BEFORE + body + _NUMBER_AFTER
    # a Latin letter or digit at an end must not continue into a longer word there
    head = f"(?<![{_LATIN}])" if re.match(f"[{_LATIN}]", folded) else ""
    tail = f"(?![{_LATIN}])" if re.search(f"[{_LATIN}]$", folded) else ""
    return head + body + tail


@dataclass(frozen=True)
class _Matcher:
    pattern: re.Pattern[str] | None
    ignore: re.Pattern[str] | None
    phrases: tuple[str, ...]

    def find(self, text: str) -> list[str]:
        if self.pattern is None:
            return []
        folded = _fold(text)
        if self.ignore is not None:
            folded = self.ignore.sub(lambda m: " " * len(m.group()), folded)
        found = dict.fromkeys(
            self.phrases[int(m.lastgroup[1:])] for m in self.pattern.finditer(folded) if m.lastgroup
        )
        return list(found)


@functools.lru_cache(maxsize=8)
def _matcher(phrases: tuple[str, ...], ignore: tuple[str, ...]) -> _Matcher:
    # longest first: at one place "lawyers" is reported rather than "lawyer"
    ordered = tuple(sorted(phrases, key=lambda p: (-len(_fold(p)), p)))
    pattern = None
    if ordered:
        pattern = re.compile(
            "|".join(f"(?P<p{i}>{_phrase_pattern(p)})" for i, p in enumerate(ordered))
        )
    masked = None
    if ignore:
        masked = re.compile("|".join(re.escape(_fold(p)) for p in sorted(ignore, key=len)[::-1]))
    return _Matcher(pattern, masked, ordered)


def escalation_phrases(text: str, settings: FlagSettings) -> list[str]:
    """The escalation phrases of ``settings`` that ``text`` contains, as listed there."""
    return _matcher(settings.phrases, settings.escalation_ignore).find(text)


# -- the rules --------------------------------------------------------------------------
# Each rule returns its reason with the figures it saw as ``params`` (JSON values) and the
# English ``detail`` made from them by describe_reason(): the command line and JSON show the
# detail, the window says the same params in its own language (console/qt/reasons.py).
def _hours(seconds: float) -> str:
    return f"{seconds / _HOUR:.1f} h"


def _duration(seconds: float) -> str:
    return _hours(seconds) if seconds < 2 * _DAY else f"{seconds / _DAY:.1f} days"


def _override_change(change: Mapping[str, Any]) -> str:
    return (
        f"{change['author']} changed {change['field']} from {change['model']} (model) "
        f"to {change['value']}"
    )


def _contact(contact: Mapping[str, Any]) -> str:
    return f"{contact['ticket']} {_duration(contact['seconds'])} {contact['when']}"


def describe_reason(reason: str, params: Mapping[str, Any]) -> str:
    """``reason`` with its ``params`` said in English: a flag's ``detail``."""
    if reason == NEGATIVITY:
        return f"negativity {params['negativity']:.2f} (threshold {params['threshold']:.2f})"
    if reason == ESCALATION:
        return "mentions " + ", ".join(f'"{p}"' for p in params["phrases"])
    if reason == LOW_CONFIDENCE:
        return (
            f"the model is {params['confidence']:.0%} sure of {params['sentiment']} "
            f"(threshold {params['threshold']:.0%})"
        )
    if reason == OVERRIDE:
        return "; ".join(_override_change(c) for c in params["changes"])
    if reason == REPLY_EDIT:
        template = f" (template {params['template']})" if params["template"] else ""
        return (
            f"{params['agent']}'s reply changed {params['ratio']:.0%} of the suggestion"
            f"{template} (threshold {params['threshold']:.0%})"
        )
    if reason == REPEAT_CONTACT:
        return (
            f"the customer also wrote {' and '.join(_contact(c) for c in params['contacts'])} "
            f"(window {params['days']:g} days)"
        )
    if reason == REPLY_SLA:
        what = "first reply" if params["replied"] else "no reply"
        return f"{what} after {_hours(params['seconds'])} (SLA {params['sla_hours']:g} h)"
    raise ValueError(f"unknown flag reason {reason!r}")


def _reason(reason: str, **params: Any) -> FlagReason:
    return FlagReason(reason, describe_reason(reason, params), params)


def negativity_rule(facts: FlagFacts, settings: FlagSettings, now: float) -> FlagReason | None:
    """Fires at or above the threshold."""
    if facts.negativity is None or facts.negativity < settings.negativity_threshold:
        return None
    return _reason(NEGATIVITY, negativity=facts.negativity, threshold=settings.negativity_threshold)


def escalation_rule(facts: FlagFacts, settings: FlagSettings, now: float) -> FlagReason | None:
    found = escalation_phrases(facts.customer_text, settings)
    if not found:
        return None
    return _reason(ESCALATION, phrases=found)


def low_confidence_rule(facts: FlagFacts, settings: FlagSettings, now: float) -> FlagReason | None:
    """Fires below the threshold."""
    if facts.confidence is None or facts.confidence >= settings.low_confidence_threshold:
        return None
    return _reason(
        LOW_CONFIDENCE,
        confidence=facts.confidence,
        sentiment=facts.sentiment,
        threshold=settings.low_confidence_threshold,
    )


def override_rule(facts: FlagFacts, settings: FlagSettings, now: float) -> FlagReason | None:
    """Fires while an agent's latest label of a field differs from the model's.

    A supervisor's later decision does not stop it: the agent did override the model, and
    the flag stays until the supervisor closes it. Only a model that comes to agree (a new
    prediction) or the agent's own change back does."""
    model = {"sentiment": facts.sentiment, "category": facts.category}
    changes = [
        {
            "author": label.author,
            "field": label.field,
            "model": model[label.field],
            "value": label.value,
        }
        for label in facts.agent_labels
        if model.get(label.field) is not None and label.value != model[label.field]
    ]
    return _reason(OVERRIDE, changes=changes) if changes else None


def reply_edit_rule(facts: FlagFacts, settings: FlagSettings, now: float) -> FlagReason | None:
    """Fires for the most edited reply sent from a suggestion, at or above the threshold."""
    edits = [e for e in facts.reply_edits if e.edit_ratio >= settings.reply_edit_threshold]
    if not edits:
        return None
    worst = max(edits, key=lambda e: e.edit_ratio)
    return _reason(
        REPLY_EDIT,
        agent=worst.agent,
        ratio=worst.edit_ratio,
        template=worst.template_id,
        threshold=settings.reply_edit_threshold,
    )


def repeat_contact_rule(facts: FlagFacts, settings: FlagSettings, now: float) -> FlagReason | None:
    """Fires when another ticket of the customer was created within the window, before or
    after this one (both conversations are worth a look). The store finds the customer's
    tickets by address or id where the tickets have one (console/store/identity.py)."""
    window = settings.repeat_contact_days * _DAY
    near = []
    for contact, when in ((facts.previous_contact, "earlier"), (facts.next_contact, "later")):
        if contact is not None and abs(contact.created_at - facts.created_at) <= window:
            gap = abs(contact.created_at - facts.created_at)
            near.append({"ticket": contact.ticket_id, "seconds": gap, "when": when})
    if not near:
        return None
    return _reason(REPEAT_CONTACT, contacts=near, days=settings.repeat_contact_days)


def _reply_deadline(facts: FlagFacts, settings: FlagSettings) -> float | None:
    """When an unanswered ticket falls past its SLA; None when no wait is running."""
    if facts.first_customer_at is None or facts.first_reply_at is not None:
        return None
    if facts.status == "solved" or not math.isfinite(facts.first_customer_at):
        return None
    return facts.first_customer_at + settings.reply_sla_hours * _HOUR


def sla_breach(
    first_customer_at: float | None,
    first_reply_at: float | None,
    status: str | None,
    sla_hours: float,
    now: float,
) -> float | None:
    """The reply SLA's test, for the flag rule and the dashboard alike: the seconds the
    customer waited when the first reply came more than ``sla_hours`` after their first
    message, or an unsolved ticket has waited longer than that without one; else None."""
    if first_customer_at is None or not math.isfinite(first_customer_at):
        return None
    if first_reply_at is not None:
        waited = first_reply_at - first_customer_at
        return waited if math.isfinite(waited) and waited > sla_hours * _HOUR else None
    if status == "solved" or now <= first_customer_at + sla_hours * _HOUR:
        return None
    return now - first_customer_at


def reply_sla_rule(facts: FlagFacts, settings: FlagSettings, now: float) -> FlagReason | None:
    """Fires when the first reply came more than the SLA after the customer's first
    message, or an unsolved ticket has waited longer than that without one."""
    waited = sla_breach(
        facts.first_customer_at, facts.first_reply_at, facts.status, settings.reply_sla_hours, now
    )
    if waited is None:
        return None
    return _reason(
        REPLY_SLA,
        replied=facts.first_reply_at is not None,
        seconds=waited,
        sla_hours=settings.reply_sla_hours,
    )


_Rule = Callable[[FlagFacts, FlagSettings, float], FlagReason | None]
#: reason → (whether it is switched on, its rule)
RULES: dict[str, tuple[Callable[[FlagSettings], bool], _Rule]] = {
    NEGATIVITY: (lambda s: s.negativity_enabled, negativity_rule),
    ESCALATION: (lambda s: s.escalation_enabled, escalation_rule),
    LOW_CONFIDENCE: (lambda s: s.low_confidence_enabled, low_confidence_rule),
    OVERRIDE: (lambda s: s.override_enabled, override_rule),
    REPLY_EDIT: (lambda s: s.reply_edit_enabled, reply_edit_rule),
    REPEAT_CONTACT: (lambda s: s.repeat_contact_enabled, repeat_contact_rule),
    REPLY_SLA: (lambda s: s.reply_sla_enabled, reply_sla_rule),
}


def flag_reasons(facts: FlagFacts, settings: FlagSettings, now: float) -> tuple[FlagReason, ...]:
    """Every reason ``facts`` is flagged for at ``now`` (epoch seconds), in rule order.

    Tickets that only hold imported labels are no conversations and are never flagged."""
    if facts.channel == LABELS_CHANNEL:
        return ()
    reasons = []
    for enabled, rule in RULES.values():
        if enabled(settings):
            reason = rule(facts, settings, now)
            if reason is not None:
                reasons.append(reason)
    return tuple(reasons)


def next_check(facts: FlagFacts, settings: FlagSettings, now: float) -> float | None:
    """When time alone may change ``facts``' reasons (later than ``now``), or None."""
    if not settings.reply_sla_enabled or facts.channel == LABELS_CHANNEL:
        return None
    deadline = _reply_deadline(facts, settings)
    if deadline is None or now > deadline:
        return None
    # the rule fires once the wait is *longer* than the SLA
    return math.nextafter(deadline, math.inf)


# -- keeping stored flags current -------------------------------------------------------
def recompute_flags(
    store: TicketStore, settings: FlagSettings, ids: Sequence[str], now: float
) -> list[str]:
    """Compute and store the flags of ``ids``, inside a transaction already open (so what
    the rules read is what they write over). Returns the tickets whose flag (re)opened."""
    results = [
        (facts.id, flag_reasons(facts, settings, now), next_check(facts, settings, now))
        for facts in store.flag_facts(ids)
    ]
    return store.write_flags(results)


def refresh_flags(
    store: TicketStore,
    settings: FlagSettings,
    *,
    now: Callable[[], float] = time.time,
    batch: int = FLAG_BATCH,
) -> int:
    """Recompute the flags of every ticket that changed since, or whose reply deadline
    passed, one transaction per ``batch``; returns how many tickets were recomputed.

    Settings other than the last ones used make every ticket due. Call it after writes
    that may change a flag (the scoring loop does after saving predictions; the window
    after an override, a reply or an import) and before listing flags.
    Thread: the database worker.
    """
    if store.use_flag_settings(settings.fingerprint()):
        log.info("flag settings changed: recomputing every ticket's flags")
    total = 0
    while True:

        def run() -> int:
            moment = now()
            ids = store.flags_due(moment, batch)
            recompute_flags(store, settings, ids, moment)
            return len(ids)

        done = store.transaction("the recomputed flags", run)
        total += done
        if done < batch:
            return total
