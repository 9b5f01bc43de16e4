"""Flag details and the promotion gate's reasons in the interface's language.

The services say both in English for the command line and JSON (a flag's ``detail``, the
gate's ``reasons``), and keep them as data as well: a flag reason's ``params``
(:func:`console.services.flags.describe_reason` says which), the gate's ``reason_details``
(``{"code", "params"}``, see :mod:`training.gate`). The window says that data here, with
``tr()``, so a Chinese interface does not show English sentences; in English a flag detail
reads exactly as the command line prints it. Whatever cannot be said from the data (a
reason stored before it was kept, a code from a newer version) falls back to the English
text.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication

from console.services.flags import (
    ESCALATION,
    LOW_CONFIDENCE,
    NEGATIVITY,
    OVERRIDE,
    REPEAT_CONTACT,
    REPLY_EDIT,
    REPLY_SLA,
)
from training.gate import REASON_CHECK, REASON_NO_HELD_OUT

log = logging.getLogger(__name__)

_HOUR = 3600.0
_DAY = 86400.0


def tr(text: str) -> str:
    return QCoreApplication.translate("Reasons", text)


def _label(value: object) -> str:
    """A sentiment or category as the queue names it (the queue's translations)."""
    return QCoreApplication.translate("QueueModel", str(value))


def _field(name: object) -> str:
    names = {"sentiment": tr("sentiment"), "category": tr("category")}
    return names.get(str(name), str(name))


def _percent(value: float) -> str:
    return f"{value:.0%}"


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"not a number: {value!r}")
    return float(value)


def _hours(seconds: float) -> str:
    return tr("%s h") % f"{seconds / _HOUR:.1f}"


def _duration(seconds: float) -> str:
    return _hours(seconds) if seconds < 2 * _DAY else tr("%s days") % f"{seconds / _DAY:.1f}"


def _quoted(phrases: Sequence[object]) -> str:
    return tr(", ").join(tr('"%s"') % str(p) for p in phrases)


def _contact(contact: Mapping[str, Any]) -> str:
    ticket, gap = str(contact["ticket"]), _duration(_number(contact["seconds"]))
    if contact["when"] == "earlier":
        return tr("%s %s earlier") % (ticket, gap)
    return tr("%s %s later") % (ticket, gap)


def _change(change: Mapping[str, Any]) -> str:
    return tr("%s changed %s from %s (model) to %s") % (
        str(change["author"]),
        _field(change["field"]),
        _label(change["model"]),
        _label(change["value"]),
    )


def _say_flag(reason: str, params: Mapping[str, Any]) -> str:
    if reason == NEGATIVITY:
        return tr("negativity %s (threshold %s)") % (
            f"{_number(params['negativity']):.2f}",
            f"{_number(params['threshold']):.2f}",
        )
    if reason == ESCALATION:
        return tr("mentions %s") % _quoted(params["phrases"])
    if reason == LOW_CONFIDENCE:
        return tr("the model is %s sure of %s (threshold %s)") % (
            _percent(_number(params["confidence"])),
            _label(params["sentiment"]),
            _percent(_number(params["threshold"])),
        )
    if reason == OVERRIDE:
        return tr("; ").join(_change(c) for c in params["changes"])
    if reason == REPLY_EDIT:
        ratio = _percent(_number(params["ratio"]))
        threshold = _percent(_number(params["threshold"]))
        if params["template"]:
            return tr("%s's reply changed %s of the suggestion (template %s) (threshold %s)") % (
                str(params["agent"]),
                ratio,
                str(params["template"]),
                threshold,
            )
        return tr("%s's reply changed %s of the suggestion (threshold %s)") % (
            str(params["agent"]),
            ratio,
            threshold,
        )
    if reason == REPEAT_CONTACT:
        return tr("the customer also wrote %s (window %s days)") % (
            tr(" and ").join(_contact(c) for c in params["contacts"]),
            f"{_number(params['days']):g}",
        )
    if reason == REPLY_SLA:
        waited = _hours(_number(params["seconds"]))
        sla = f"{_number(params['sla_hours']):g}"
        if params["replied"]:
            return tr("first reply after %s (SLA %s h)") % (waited, sla)
        return tr("no reply after %s (SLA %s h)") % (waited, sla)
    raise KeyError(reason)


def flag_detail(reason: str, detail: str, params: Mapping[str, Any]) -> str:
    """What a flag rule saw, in the interface's language; ``detail`` (English) when
    ``params`` cannot say it."""
    if not params:
        return detail
    try:
        return _say_flag(reason, params)
    except (KeyError, TypeError, ValueError) as exc:
        log.info("flag %s said in English: its figures cannot be read (%r)", reason, exc)
        return detail


# -- the promotion gate ---------------------------------------------------------------------
def check_name(measure: object, label: object = None) -> str:
    """A gate check as the verdict's tables name it."""
    if measure == "recall":
        return tr("Gold recall: %s") % _label(label)
    if measure == "held_out_correct":
        return tr("Held-out corrections right")
    if measure == "macro_f1":
        return tr("Gold macro-F1")
    raise KeyError(measure)


def _say_gate(detail: Mapping[str, Any]) -> str:
    code, params = detail["code"], detail.get("params") or {}
    if code == REASON_NO_HELD_OUT:
        return tr(
            "No supervisor-confirmed corrections are held out yet: judged on the gold set alone."
        )
    if code != REASON_CHECK:
        raise KeyError(code)
    name = check_name(params["measure"], params.get("label"))
    verdict = tr("ok") if params["passed"] else tr("worse")
    champion, challenger = _number(params["champion"]), _number(params["challenger"])
    limit = _number(params["limit"])
    if params["measure"] == "held_out_correct":
        return tr("%s: current model %s, new model %s (needs at least %s): %s") % (
            name,
            f"{champion:.0f}",
            f"{challenger:.0f}",
            f"{limit:.0f}",
            verdict,
        )
    return tr("%s: current model %s, new model %s (%s points, may drop %s): %s") % (
        name,
        f"{champion * 100:.2f}%",
        f"{challenger * 100:.2f}%",
        f"{(challenger - champion) * 100:+.2f}",
        f"{(champion - limit) * 100:.1f}",
        verdict,
    )


def gate_reasons(details: Sequence[Mapping[str, Any]], texts: Sequence[str]) -> list[str]:
    """The gate's reasons in the interface's language: ``details`` (its data) said here,
    each falling back to its English text in ``texts`` (same order); just ``texts`` for a
    verdict made before the data was kept."""
    if not details:
        return list(texts)
    said = []
    for number, detail in enumerate(details):
        try:
            said.append(_say_gate(detail))
        except (KeyError, TypeError, ValueError) as exc:
            log.info("gate reason said in English: it cannot be read (%r)", exc)
            said.append(texts[number] if number < len(texts) else str(detail))
    return said
