"""Scoring labelled rows and computing the metrics of ``sentidesk eval``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from inference import SENTIMENTS, InputFileError, SentimentScorer, detect_language
from inference.inputs import read_rows
from training.corpora import Example
from training.metrics import sentiment_metrics

_LABEL_ALIASES = {
    "neg": "negative",
    "pos": "positive",
    "neu": "neutral",
    "0": "negative",
    "1": "positive",
}


def read_labelled(path: str | Path) -> list[Example]:
    """Rows ``{"text", "label"[, "category", "lang"]}`` from a JSONL file.

    Any unreadable row refuses the whole file (InputFileError naming file and line): metrics
    computed on silently fewer rows would mislead.
    """
    result = read_rows(path, "jsonl")
    if result.errors:
        first = result.errors[0]
        raise InputFileError(f"{path}:{first.line}: {first.reason}")
    out = []
    for row in result.rows:
        raw = str(row.fields.get("label", "")).strip().lower()
        label = _LABEL_ALIASES.get(raw, raw)
        if label not in SENTIMENTS:
            raise InputFileError(f"{path}:{row.line}: unknown label {raw!r}")
        if not row.text.strip():
            raise InputFileError(f"{path}:{row.line}: empty text")
        lang = row.fields.get("lang") or detect_language(row.text)
        category = row.fields.get("category") or None
        out.append(Example(row.text, label, category, lang, str(path)))
    if not out:
        raise InputFileError(f"{path}: no rows to evaluate")
    return out


def evaluate(scorer: SentimentScorer, examples: Sequence[Example]) -> dict[str, Any]:
    """Overall metrics plus the same keys per language under ``by_lang``."""
    predictions = scorer.predict([e.text for e in examples])

    def block(indices: list[int]) -> dict[str, Any]:
        return sentiment_metrics(
            [examples[i].label or "" for i in indices],
            [predictions[i].probabilities for i in indices],
            [examples[i].category for i in indices],
            [predictions[i].category for i in indices],
        )

    report = block(list(range(len(examples))))
    report["by_lang"] = {
        lang: block([i for i, e in enumerate(examples) if e.lang == lang])
        for lang in sorted({e.lang for e in examples})
    }
    report["model_version"] = scorer.version
    report["backend"] = scorer.backend.name
    return report
