"""Do explanations point at the words that carry a ticket's sentiment? Old and new side by side.

The cue-marked authored lines (the 4th column of ``resources/data/tickets_<lang>.tsv``, see
``training/cues.py``) are explained by the active model of a data directory, once with the
explanation code of BASELINE (leave-one-out over the whole ticket, read with ``git show``)
and once with the current one, and for each language the script prints:

* hit rate: share of tickets whose three strongest spans include one on a cue that points
  the label's way (raises negativity on a negative ticket, lowers it on a positive one);
* precision: share of those three spans (or fewer, when fewer are shown) that do;
* mean and max milliseconds per ticket, wall clock and CPU time of this process (which
  other work on the machine inflates far less), on the cue tickets as they are ("typical":
  one or two sentences) and on "long" tickets made by joining cue lines of the same
  language and label until they fill the 128-token window (their cues are measured too).

Timing uses as many inference threads as the window does (all cores but one) unless
``--threads`` says otherwise; old and new run one after the other on each ticket, so both
see the same load. The 1-minute load average is printed, since a busy machine slows both.

    python scripts/explain_cues.py --data-dir DIR [--json OUT] [--threads N] [--baseline REV]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from inference import Scorer, Span, models_dir, open_active_scorer
from inference.prediction import softmax
from training.cues import CueTicket, cue_hit, cue_precision, cue_tickets

ROOT = Path(__file__).resolve().parent.parent
#: The last commit whose inference/explain.py left one word at a time out of the whole ticket.
BASELINE = "1fd69a2"
#: A long ticket is joined from cue lines until it has at least this many tokens.
LONG_TOKENS = 110
LONG_TICKETS = 12

Explainer = Callable[[str], tuple[Span, ...]]


@dataclass(frozen=True)
class Result:
    """One algorithm on one language: cue hits and milliseconds (wall clock, and CPU time of
    this process, which a busy machine inflates far less) on typical and on long tickets."""

    hit_rate: float
    #: the hit rate on the tickets whose label the model gets right: an explanation of a
    #: wrong label cannot point the label's way
    hit_rate_model_right: float
    precision: float
    mean_ms: float
    max_ms: float
    cpu_mean_ms: float
    cpu_max_ms: float
    long_hit_rate: float
    long_precision: float
    long_mean_ms: float
    long_max_ms: float
    long_cpu_mean_ms: float
    long_cpu_max_ms: float


def baseline_explainer(scorer: Scorer, rev: str) -> Explainer:
    """The explanation of ``inference/explain.py`` at ``rev``, over the same model."""
    try:
        source = subprocess.run(
            ["git", "show", f"{rev}:inference/explain.py"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        sys.exit(f"cannot read inference/explain.py at {rev} with git (needs the checkout): {exc}")
    module = types.ModuleType("explain_baseline")
    exec(compile(source, f"{rev}:inference/explain.py", "exec"), module.__dict__)
    negative = scorer.layout.sentiments.index("negative")

    def negativity(rows: Sequence[Sequence[int]], texts: Sequence[str]) -> npt.NDArray[np.float32]:
        # what Scorer.negativity was then: the blended, uncalibrated P(negative)
        sentiment, _ = scorer.layout.split(scorer._logits(rows))
        return softmax(scorer.sentiment_scores(sentiment, texts))[:, negative]

    def explain(text: str) -> tuple[Span, ...]:
        spans: tuple[Span, ...] = module.occlusion_spans(
            text, scorer.encoder.encode([text])[0], negativity
        )
        return spans

    return explain


def long_tickets(scorer: Scorer, tickets: Sequence[CueTicket]) -> list[CueTicket]:
    """Cue lines of one label joined (in file order) until each fills the token window."""
    out: list[CueTicket] = []
    for label in ("negative", "positive"):
        pool = [t for t in tickets if t.label == label]
        taken = 0
        for _ in range(LONG_TICKETS // 2 if pool else 0):
            text, cues = "", list[tuple[int, int]]()
            while len(scorer.encoder.encode([text])[0].ids) < LONG_TOKENS:
                part = pool[taken % len(pool)]
                taken += 1
                joiner = " " if text and part.lang != "zh" else ""
                offset = len(text) + len(joiner)
                text += joiner + part.text
                cues += [(a + offset, b + offset) for a, b in part.cues]
            out.append(CueTicket(pool[0].lang, label, "", text, tuple(cues)))
    return out


def measure(
    explainers: dict[str, Explainer],
    tickets: Sequence[CueTicket],
    long: Sequence[CueTicket],
    right: Sequence[bool],
) -> dict[str, Result]:
    """Each explainer on each ticket, one after the other, so both see the same load;
    ``right``: whether the model labels each of ``tickets`` as marked."""
    seen: dict[tuple[str, str], list[tuple[bool, float, float, float]]] = {}
    for kind, batch in (("", tickets), ("long_", long)):
        for ticket in batch:
            for name, explain in explainers.items():
                wall, cpu = time.perf_counter(), time.process_time()
                spans = explain(ticket.text)
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                seen.setdefault((name, kind), []).append(
                    (
                        cue_hit(spans, ticket.cues, ticket.label),
                        cue_precision(spans, ticket.cues, ticket.label),
                        wall * 1000,
                        cpu * 1000,
                    )
                )
    out = {}
    for name in explainers:
        values: dict[str, float] = {}
        for kind in ("", "long_"):
            hits, precision, wall_ms, cpu_ms = zip(*seen[(name, kind)], strict=True)
            values |= {
                f"{kind}hit_rate": round(statistics.mean(hits), 3),
                f"{kind}precision": round(statistics.mean(precision), 3),
                f"{kind}mean_ms": round(statistics.mean(wall_ms), 1),
                f"{kind}max_ms": round(max(wall_ms), 1),
                f"{kind}cpu_mean_ms": round(statistics.mean(cpu_ms), 1),
                f"{kind}cpu_max_ms": round(max(cpu_ms), 1),
            }
        hits_right = [h for (h, *_), r in zip(seen[(name, "")], right, strict=True) if r]
        values["hit_rate_model_right"] = round(statistics.mean(hits_right or [False]), 3)
        out[name] = Result(**values)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="holds models/")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--threads",
        type=int,
        default=max(1, (os.cpu_count() or 2) - 1),
        help="inference threads (default: as the window, all cores but one)",
    )
    parser.add_argument("--baseline", default=BASELINE, help="git revision of the old code")
    args = parser.parse_args(argv)

    scorer = open_active_scorer(models_dir(args.data_dir), threads=args.threads).scorer
    explainers: dict[str, Explainer] = {
        "old": baseline_explainer(scorer, args.baseline),
        "new": scorer.explain,
    }
    results: dict[str, dict[str, object]] = {}
    for lang in ("en", "zh"):
        tickets = cue_tickets(lang)
        long = long_tickets(scorer, tickets)
        for explain in explainers.values():  # warm up (SnowNLP's model loads once)
            explain(tickets[0].text)
        predicted = scorer.predict([t.text for t in tickets])
        right = [p.label == t.label for p, t in zip(predicted, tickets, strict=True)]
        measured = measure(explainers, tickets, long, right)
        results[lang] = {
            "tickets": len(tickets),
            "model_right": sum(right),
            "long_tickets": len(long),
            **{name: vars(r) for name, r in measured.items()},
        }
    report = {
        "model": scorer.version,
        "baseline": args.baseline,
        "threads": args.threads,
        "load_average_1min": round(os.getloadavg()[0], 2),
        "languages": results,
    }
    print(format_table(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


def format_table(report: dict[str, object]) -> str:
    rows = [
        ("cue hit rate (top 3)", "hit_rate", "{:.2f}"),
        ("  where model is right", "hit_rate_model_right", "{:.2f}"),
        ("precision of top 3", "precision", "{:.2f}"),
        ("ms per ticket, mean", "mean_ms", "{:.0f}"),
        ("ms per ticket, max", "max_ms", "{:.0f}"),
        ("CPU ms, mean", "cpu_mean_ms", "{:.0f}"),
        ("CPU ms, max", "cpu_max_ms", "{:.0f}"),
        ("long: cue hit rate", "long_hit_rate", "{:.2f}"),
        ("long: precision", "long_precision", "{:.2f}"),
        ("long: ms mean", "long_mean_ms", "{:.0f}"),
        ("long: ms max", "long_max_ms", "{:.0f}"),
        ("long: CPU ms mean", "long_cpu_mean_ms", "{:.0f}"),
        ("long: CPU ms max", "long_cpu_max_ms", "{:.0f}"),
    ]
    languages = report["languages"]
    assert isinstance(languages, dict)
    head = f"{'':24}" + "".join(f"{lang + ' old':>10}{lang + ' new':>10}" for lang in languages)
    counts = "".join(
        f"{str(v['tickets']) + '+' + str(v['long_tickets']):>20}" for v in languages.values()
    )
    lines = [
        f"model {report['model']}, baseline {report['baseline']}, {report['threads']} "
        f"thread(s), load {report['load_average_1min']}",
        head,
        f"{'tickets (+long)':24}{counts}",
        f"{'model label right':24}"
        + "".join(f"{v['model_right']:>20}" for v in languages.values()),
    ]
    for title, key, fmt in rows:
        cells = "".join(
            f"{fmt.format(v['old'][key]):>10}{fmt.format(v['new'][key]):>10}"
            for v in languages.values()
        )
        lines.append(f"{title:24}{cells}")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
