"""Scoring labelled rows and computing the metrics of ``sentidesk eval``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from inference import (
    SENTIMENTS,
    BackendInfo,
    HeadLayout,
    InputFileError,
    Prediction,
    SentimentScorer,
    Span,
    detect_language,
)
from inference.inputs import read_rows
from training.corpora import Example
from training.metrics import sentiment_metrics, severity_metrics

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
    report["severity"] = severity_metrics(
        [e.label or "" for e in examples],
        [e.confidence for e in examples],
        [p.probabilities.get("negative", 0.0) for p in predictions],
    )
    report["by_lang"] = {
        lang: block([i for i, e in enumerate(examples) if e.lang == lang])
        for lang in sorted({e.lang for e in examples})
    }
    report["model_version"] = scorer.version
    report["backend"] = scorer.backend.name
    return report


class MemoScorer:
    """A scorer that remembers its predictions: a build reports the same splits in more than
    one shape (the manifest's metrics, the gate's pooled figures), and each text is scored
    once. Explanations are not remembered."""

    def __init__(self, scorer: SentimentScorer) -> None:
        self._scorer = scorer
        self._seen: dict[str, Prediction] = {}

    @property
    def version(self) -> str:
        return self._scorer.version

    @property
    def layout(self) -> HeadLayout:
        return self._scorer.layout

    @property
    def model_dir(self) -> Path:
        return self._scorer.model_dir

    @property
    def backend(self) -> BackendInfo:
        return self._scorer.backend

    def predict(self, texts: Sequence[str], explain: bool = False) -> list[Prediction]:
        if explain:
            return self._scorer.predict(texts, explain=True)
        new = list(dict.fromkeys(t for t in texts if t not in self._seen))
        if new:
            self._seen.update(zip(new, self._scorer.predict(new), strict=True))
        return [self._seen[t] for t in texts]

    def explain(self, text: str) -> tuple[Span, ...]:
        return self._scorer.explain(text)
