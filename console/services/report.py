"""The Trends report: one self-contained HTML file (charts as embedded PNG images, every
number in tables beside them) for people who never open the console, and the same numbers
as JSON for scripts. Both come from one :class:`~console.services.trends.Trends`, the one
the dashboard draws.

Exporting is a supervisor's action: refused with PermissionDenied for anyone else, checked
again inside the transaction that audits it, and the files appear whole or not at all
(written beside their names, renamed over them once audited).

The page loads nothing from anywhere: no scripts, fonts, style sheets or images from a
network, so it opens the same offline and in a mail attachment. Every text that comes from
customers or accounts (phrases, names, template titles) is HTML-escaped.

Thread: :func:`export_report` runs on the database worker; :func:`report_html` anywhere.
"""

from __future__ import annotations

import base64
import html
import json
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, tzinfo
from pathlib import Path

from console.services.accounts import Account, require_supervisor, still_supervisor
from console.services.trends import (
    ALL,
    DIMENSIONS,
    PHRASE_LANGUAGES,
    UNSCORED,
    Series,
    Timeline,
    TrendPoint,
    Trends,
    WaitPoint,
    iso_local,
    trends_dict,
)
from console.store import TicketStore
from inference import SentideskError

#: What exporting is called in refusals.
EXPORTING_REPORT = "exporting a report"

_STYLE = """
body { font-family: -apple-system, "Segoe UI", "Noto Sans", "Microsoft YaHei", sans-serif;
       margin: 2em auto; max-width: 980px; color: #263238; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #cfd8dc; }
h3 { font-size: 1.05em; margin-top: 1.4em; }
p.meta { color: #546e7a; margin-top: 0; }
img { display: block; max-width: 100%; margin: 0.8em 0; }
table { border-collapse: collapse; margin: 0.6em 0 1.2em; font-size: 0.9em; }
th, td { border: 1px solid #cfd8dc; padding: 0.25em 0.6em; }
th { background: #eceff1; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
details { margin: 0.4em 0 1em; }
"""

_DIMENSION_TITLES = {
    "category": "category",
    "channel": "channel",
    "language": "language",
}


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def _hours(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds / 3600:.1f} h"


def _key(key: str) -> str:
    if key == ALL:
        return "all tickets"
    return "not scored yet" if key == UNSCORED else key


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]], numeric_from: int = 1) -> str:
    """A table; columns from ``numeric_from`` on are right-aligned numbers."""
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{_e(c)}</td>' if i >= numeric_from else f"<td>{_e(c)}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _image(images: Mapping[str, bytes], name: str, alt: str) -> str:
    data = images.get(name)
    if not data:
        return ""
    encoded = base64.b64encode(data).decode("ascii")
    return f'<img alt="{_e(alt)}" src="data:image/png;base64,{encoded}">'


def _point_cells(p: TrendPoint) -> list[object]:
    return [p.volume, p.scored, p.negatives, _share(p.share)]


def _wait_cells(w: WaitPoint) -> list[object]:
    return [
        w.answered,
        _hours(w.median_wait),
        _hours(w.p90_wait),
        w.breaches,
        w.unanswered,
    ]


def _periods(line: Timeline, label: Callable[[float], str]) -> list[str]:
    return [label(start) for start in line.edges[:-1]]


def _timeline_table(
    line: Timeline, waits: Sequence[WaitPoint], label: Callable[[float], str]
) -> str:
    overall = line.overall
    rows = [
        [period, *_point_cells(p), *_wait_cells(w)]
        for period, p, w in zip(_periods(line, label), overall.points, waits, strict=True)
    ]
    return _table(
        [
            "period",
            "tickets",
            "scored",
            "negative",
            "negative share",
            "answered",
            "median first reply",
            "90% within",
            "SLA breaches",
            "waiting now",
        ],
        rows,
    )


def _breakdown(line: Timeline, dimension: str, label: Callable[[float], str]) -> str:
    series: Sequence[Series] = line.of(dimension)
    totals = _table(
        [_DIMENSION_TITLES[dimension], "tickets", "scored", "negative", "negative share"],
        [[_key(s.key), *_point_cells(s.total)] for s in series],
    )
    periods = _periods(line, label)
    per_period = _table(
        ["period", _DIMENSION_TITLES[dimension], "tickets", "scored", "negative", "negative share"],
        [
            [periods[i], _key(s.key), *_point_cells(p)]
            for i in range(line.buckets)
            for s in series
            if (p := s.points[i]).volume
        ],
        numeric_from=2,
    )
    return (
        totals
        + f"<details><summary>Per {_unit(line)} and {_e(_DIMENSION_TITLES[dimension])}"
        + f"</summary>{per_period}</details>"
    )


def _unit(line: Timeline) -> str:
    return "hour" if line.resolution == "hour" else "day"


def report_html(
    trends: Trends,
    images: Mapping[str, bytes],
    *,
    author: str,
    tz: tzinfo | None = None,
) -> str:
    """The report page for ``trends``; ``images`` are the charts by name (PNG bytes; see
    ``console.qt.charts.REPORT_CHARTS``), any missing one is left out."""

    def when(epoch: float, fmt: str = "%Y-%m-%d %H:%M") -> str:
        return datetime.fromtimestamp(epoch, tz).strftime(fmt)

    def day(epoch: float) -> str:
        return when(epoch, "%Y-%m-%d (%a)")

    def hour(epoch: float) -> str:
        return when(epoch, "%Y-%m-%d %H:00")

    total = trends.total
    wait = trends.waiting_total
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Sentidesk report {_e(when(trends.since, '%Y-%m-%d'))} – "
        f"{_e(when(trends.until - 1, '%Y-%m-%d'))}</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>Sentidesk report</h1>",
        f'<p class="meta">Conversations created from {_e(when(trends.since))} up to '
        f"{_e(when(trends.until))} ({_e(trends.timezone)}). Made "
        f"{_e(when(trends.generated_at))} by {_e(author)}. Reply SLA {trends.sla_hours:g} h; "
        f"a reply counts as heavily edited from {trends.heavy_edit_threshold:.0%} of its "
        "suggestion changed.</p>",
        "<h2>Summary</h2>",
        _table(
            ["", "value"],
            [
                ["tickets", total.volume],
                ["scored", total.scored],
                ["negative", total.negatives],
                ["negative share", _share(total.share)],
                ["answered", wait.answered],
                ["median wait for the first reply", _hours(wait.median_wait)],
                ["90% answered within", _hours(wait.p90_wait)],
                ["SLA breaches", wait.breaches],
                ["waiting for a first reply now", wait.unanswered],
            ],
        ),
        "<h2>Volume and negative share per day</h2>",
        _image(images, "volume_days", "Tickets per day"),
        _image(images, "share_days", "Negative share per day"),
        _timeline_table(trends.days, trends.waiting_days, day),
    ]
    for dimension in DIMENSIONS[1:]:
        parts += [
            f"<h3>By {_e(_DIMENSION_TITLES[dimension])}</h3>",
            _image(images, f"share_{dimension}", f"Negative share per day by {dimension}"),
            _breakdown(trends.days, dimension, day),
        ]
    parts += [
        "<h2>The last 48 hours, per hour</h2>",
        _image(images, "volume_hours", "Tickets per hour"),
        _image(images, "share_hours", "Negative share per hour"),
        _timeline_table(trends.hours, trends.waiting_hours, hour),
        "<h2>Waiting time and SLA breaches</h2>",
        _image(images, "wait_days", "Wait for the first reply per day"),
        _image(images, "breaches_days", "SLA breaches per day"),
        "<p>The tables above give each day's median and 90th-percentile wait for the first "
        "reply and its SLA breaches, by the day the conversation was created.</p>",
    ]
    phrases = trends.phrases
    parts += [
        "<h2>What drives negativity this week</h2>",
        f'<p class="meta">Negative conversations from {_e(when(phrases.week_start))} to '
        f"{_e(when(phrases.week_end))} against those of the weeks from "
        f"{_e(when(phrases.before_start, '%Y-%m-%d'))}: phrases ranked by the z-score of "
        "their smoothed log-odds ratio.</p>",
    ]
    names = {"en": "English", "zh": "Chinese"}
    for lang in PHRASE_LANGUAGES:
        found = phrases.phrases.get(lang, ())
        parts += [
            f"<h3>{names[lang]} ({phrases.this_week.get(lang, 0)} negative conversations "
            f"this week, {phrases.before.get(lang, 0)} before)</h3>",
            _image(images, f"phrases_{lang}", f"Driving phrases, {names[lang]}"),
            _table(
                ["phrase", "this week", "share this week", "share before", "z"],
                [
                    [
                        p.text,
                        p.this_week,
                        _share(p.this_share),
                        _share(p.before_share),
                        f"{p.z:.1f}",
                    ]
                    for p in found
                ],
            )
            if found
            else "<p>No phrase stands out.</p>"
            if phrases.before.get(lang, 0)
            else "<p>No negative conversations in the weeks before to compare with.</p>",
        ]
    parts += [
        "<h2>Team</h2>",
        _image(images, "agents", "Tickets handled per agent"),
        _table(
            [
                "agent",
                "tickets handled",
                "replies",
                "from a suggestion",
                "relabelled",
                "override rate",
                "median first reply",
                "suggestion changed (mean)",
                "heavily edited",
            ],
            [
                [
                    a.agent,
                    a.tickets,
                    a.replies,
                    a.suggested,
                    a.relabelled,
                    _share(a.override_rate),
                    _hours(a.median_first_reply),
                    _share(a.mean_edit_ratio),
                    a.heavy_edits,
                ]
                for a in trends.agents
            ],
        )
        if trends.agents
        else "<p>No replies or corrections in this range.</p>",
        "<h3>Templates, most rewritten first</h3>",
        _image(images, "templates", "Most rewritten templates"),
        _table(
            [
                "template",
                "title",
                "uses",
                "changed (mean)",
                "changed (median)",
                "heavily edited",
                "agents",
            ],
            [
                [
                    t.template_id,
                    t.title,
                    t.uses,
                    _share(t.mean_edit_ratio),
                    _share(t.median_edit_ratio),
                    t.heavy_edits,
                    t.agents,
                ]
                for t in trends.templates
            ],
            numeric_from=2,
        )
        if trends.templates
        else "<p>No replies were sent from a template in this range.</p>",
        "</body></html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"


def _new_file_mode() -> int:
    """The mode an ordinary new file gets here: 0o666 less the process's umask (read from
    /proc where there is one, without changing it: other threads may be creating files),
    else 0o644."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o644


def _temp_beside(out: Path, text: str) -> Path:
    """``text`` in a temporary file next to ``out``, flushed to disk, with the mode of an
    ordinary new file (mkstemp's are for the owner only, and a report is made to be read
    by others)."""
    if out.is_dir():
        raise SentideskError(f"cannot write {out}: it is a folder")
    try:
        fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    except OSError as exc:
        raise SentideskError(f"cannot write {out}: {exc.strerror or exc}") from exc
    temp = Path(name)
    try:
        os.chmod(temp, _new_file_mode())
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise SentideskError(f"cannot write {out}: {exc.strerror or exc}") from exc
    return temp


def export_report(
    store: TicketStore,
    account: Account,
    trends: Trends,
    files: Mapping[Path, str],
    *,
    tz: tzinfo | None = None,
) -> list[Path]:
    """Write ``files`` (path → text: the report page, its JSON) and audit the export;
    supervisors only. Every file appears whole or none does, and only once the audit row is
    stored. Returns the paths written. Thread: the database worker."""
    require_supervisor(account, EXPORTING_REPORT)
    temps: dict[Path, Path] = {}
    try:
        for out, text in files.items():
            temps[out] = _temp_beside(out, text)

        def audit() -> None:
            still_supervisor(store, account, EXPORTING_REPORT)
            store.audit(
                "report_export",
                None,
                {
                    "files": [p.name for p in files],
                    "since": iso_local(trends.since, tz),
                    "until": iso_local(trends.until, tz),
                    "tickets": trends.total.volume,
                },
                account.name,
            )

        store.transaction("the audit of the report export (no file was written)", audit)
        for out, temp in temps.items():
            try:
                os.replace(temp, out)
            except OSError as exc:
                raise SentideskError(f"cannot write {out}: {exc.strerror or exc}") from exc
    finally:
        for temp in temps.values():
            temp.unlink(missing_ok=True)
    return list(files)


def report_json(trends: Trends, tz: tzinfo | None = None) -> str:
    """The numbers of the report as JSON text (see :func:`~console.services.trends.trends_dict`)."""
    return json.dumps(trends_dict(trends, tz), ensure_ascii=False, indent=2) + "\n"
