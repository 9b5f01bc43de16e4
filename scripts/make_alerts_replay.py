"""Regenerate resources/demo/alerts_replay.jsonl: 30 days of tickets for
`sentidesk alerts --replay`, with one injected incident.

The stream: about 250 tickets a day, more by day than at night, from the authored ticket
lines (resources/data/tickets_*.tsv, filled like the training data), in a fixed category mix
(logistics is the largest, as in most shops). About 20 % of each category's tickets are
negative, with a day-to-day wobble of a few points so the normal days are not
unrealistically smooth.

The incident: a courier failure on INCIDENT_START for INCIDENT_HOURS hours. Logistics
tickets double in number (about 10 an hour instead of 5 by day) and 60 % of them are
negative (from about 20 %); every other category is untouched. Each row keeps its ground
truth as metadata (`true_sentiment`, `true_category`, `incident`), so the detector can be
measured on the labels as well as on a model's scores.

Deterministic: the same seed gives the same file. Run:
    python scripts/make_alerts_replay.py            # write the file
    python scripts/make_alerts_replay.py --measure  # the detector on the file's labels
    python scripts/make_alerts_replay.py --measure --streams 20  # and on 20 other seeds
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
from datetime import UTC, datetime, timedelta
from pathlib import Path

from console.services.alerts import detect, format_alerts, load_alert_settings
from console.store import SpikeAlert, StreamTicket
from training.corpora import _fill, authored_templates

OUT = Path(__file__).resolve().parent.parent / "resources" / "demo" / "alerts_replay.jsonl"
START = datetime(2026, 10, 1, tzinfo=UTC)
DAYS = 30
PER_DAY = 240
INCIDENT_START = datetime(2026, 10, 22, 10, 0, tzinfo=UTC)
INCIDENT_HOURS = 4
INCIDENT_SHARE = 0.6
INCIDENT_VOLUME = 2.0
MIX = {
    "logistics": 0.30,
    "quality": 0.15,
    "refund": 0.15,
    "service": 0.12,
    "payment": 0.10,
    "account": 0.08,
    "other": 0.10,
}
NEGATIVE = 0.20
POSITIVE = 0.25
#: relative ticket volume per hour of the day (UTC): quiet nights, busy days
PROFILE = [
    *(0.2, 0.15, 0.1, 0.1, 0.1, 0.2, 0.4, 0.8, 1.3, 1.6, 1.7, 1.7),
    *(1.6, 1.6, 1.7, 1.7, 1.6, 1.5, 1.4, 1.3, 1.1, 0.9, 0.6, 0.35),
]
SUBJECTS = {
    "logistics": ("Where is my order", "物流问题"),
    "quality": ("Problem with my item", "商品质量"),
    "service": ("Support request", "客服问题"),
    "refund": ("Return / refund", "退款退货"),
    "payment": ("Payment issue", "付款问题"),
    "account": ("Account help", "账号问题"),
    "other": ("Question", "咨询"),
}


def _in_incident(moment: datetime) -> bool:
    return INCIDENT_START <= moment < INCIDENT_START + timedelta(hours=INCIDENT_HOURS)


def _rows(seed: int = 2026) -> list[dict[str, object]]:
    rng = random.Random(seed)
    templates: dict[tuple[str, str, str], list[str]] = {}
    for lang in ("en", "zh"):
        for label, category, template in authored_templates(lang):
            templates.setdefault((lang, label, category), []).append(template)
    scale = sum(PROFILE) / 24
    rows: list[dict[str, object]] = []
    number = 0
    for day in range(DAYS):
        # day-to-day wobble of each category's negative share
        wobble = {c: rng.gauss(0, 0.025) for c in MIX}
        for hour in range(24):
            begin = START + timedelta(days=day, hours=hour)
            for category, part in MIX.items():
                rate = PER_DAY / 24 * PROFILE[hour] / scale * part
                negative = min(max(NEGATIVE + wobble[category], 0.05), 0.5)
                incident = category == "logistics" and _in_incident(begin)
                forced: list[bool] = []
                if incident:
                    # the injected incident is exactly as documented, not a lucky or
                    # unlucky draw: its expected volume, 60 % of it negative
                    count = round(rate * INCIDENT_VOLUME)
                    forced = [True] * round(count * INCIDENT_SHARE)
                    forced += [False] * (count - len(forced))
                    rng.shuffle(forced)
                else:
                    count = _poisson(rng, rate)
                for index in range(count):
                    at = begin + timedelta(seconds=rng.uniform(0, 3600))
                    draw = rng.random()
                    if forced[index] if incident else draw < negative:
                        label = "negative"
                    elif rng.random() < POSITIVE:
                        label = "positive"
                    else:
                        label = "neutral"
                    lang = "zh" if rng.random() < 0.5 else "en"
                    template = rng.choice(templates[(lang, label, category)])
                    number += 1
                    rows.append(
                        {
                            "id": f"R{number:05d}",
                            "subject": SUBJECTS[category][lang == "zh"],
                            "text": _fill(template, lang, label, rng),
                            "channel": rng.choice(["email", "chat"]),
                            "created_at": at.isoformat(timespec="seconds").replace("+00:00", "Z"),
                            "true_sentiment": label,
                            "true_category": category,
                            "incident": incident,
                        }
                    )
    rows.sort(key=lambda r: (str(r["created_at"]), str(r["id"])))
    return rows


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: the means here are small (a few per hour and category)
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _stream(rows: list[dict[str, object]]) -> list[StreamTicket]:
    """The rows as the detector sees them, with their ground-truth labels."""
    return [
        StreamTicket(
            str(r["id"]),
            datetime.fromisoformat(str(r["created_at"]).replace("Z", "+00:00")).timestamp(),
            str(r["true_category"]),
            str(r["true_sentiment"]),
        )
        for r in rows
    ]


def _verdicts(alerts: list[SpikeAlert], window_hours: float) -> tuple[float | None, int]:
    """Minutes from the incident's start to the first alert about it, and the false alerts
    (an alert whose window overlaps the incident is about it)."""
    start = INCIDENT_START.timestamp()
    end = start + INCIDENT_HOURS * 3600
    delay: float | None = None
    false = 0
    for a in alerts:
        if a.fired_at >= start and a.window_start < end + window_hours * 3600:
            if delay is None:
                delay = (a.fired_at - start) / 60
        else:
            false += 1
    return delay, false


def measure(path: Path, streams: int) -> None:
    """The detector (shipped settings) on the file's ground-truth labels, then on
    ``streams`` more generated the same way with other seeds."""
    settings = load_alert_settings(None)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    alerts = detect(_stream(rows), settings)
    print(format_alerts(alerts))
    table = [("shipped file", *_verdicts(alerts, settings.window_hours))]
    for seed in range(1, streams + 1):
        found = detect(_stream(_rows(seed)), settings)
        table.append((f"seed {seed}", *_verdicts(found, settings.window_hours)))
    print(f"\n{'stream':<14}  {'detected after':>14}  {'false alerts':>12}")
    for name, delay, false in table:
        after = "missed" if delay is None else f"{delay:.0f} min"
        print(f"{name:<14}  {after:>14}  {false:>12}")
    if streams:
        generated = table[1:]
        # a missed incident counts as the longest delay of all
        delays = sorted(math.inf if d is None else d for _, d, _ in generated)
        within = sum(d <= 120 for d in delays)
        middle = statistics.median(delays)
        median = "missed" if math.isinf(middle) else f"{middle:.0f} min"
        missed = sum(math.isinf(d) for d in delays)
        print(
            f"\ngenerated: {within} of {streams} incidents alerted within 2 hours, "
            f"{missed} missed (median delay {median}); "
            f"{sum(f for _, _, f in generated)} false alerts in {streams * DAYS} days"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measure", action="store_true", help="run the detector on the labels")
    parser.add_argument(
        "--streams",
        type=int,
        default=0,
        metavar="N",
        help="with --measure: also N streams generated with seeds 1..N (about 2 s each)",
    )
    args = parser.parse_args()
    if args.streams and not args.measure:
        parser.error("--streams needs --measure (without it the file is written)")
    if args.streams < 0:
        parser.error("--streams must be 0 or more")
    if args.measure:
        measure(OUT, args.streams)
        return
    rows = _rows()
    with OUT.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"wrote {len(rows)} tickets to {OUT} ({OUT.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
