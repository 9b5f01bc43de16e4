"""Domain values the engine hands to its callers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from inference.labels import Language, Sentiment
from inference.language import detect_language


@dataclass(frozen=True)
class Span:
    """A character range of the scored text and how much it raised negativity.

    ``weight`` is how much the span moves the log-odds of "negative" in its sentence (the
    mean of the drop when it is left out and the rise when it alone is put back; see
    :mod:`inference.explain`): positive values pushed the ticket towards negative, negative
    values pulled it away (1.0 ≈ a factor of e in the odds).
    """

    start: int
    end: int
    weight: float


@dataclass(frozen=True)
class Prediction:
    label: Sentiment
    probabilities: dict[str, float]
    #: P(negative), in [0, 1]; the queue sorts on it.
    negativity: float
    category: str
    category_probabilities: dict[str, float]
    language: Language
    model_version: str
    explanation: tuple[Span, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["explanation"] = [asdict(s) for s in self.explanation]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Prediction:
        spans = tuple(Span(**s) for s in data.get("explanation", ()))
        return cls(**{**data, "explanation": spans})


def softmax(x: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    z = x - x.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=-1, keepdims=True), dtype=np.float32)


def make_prediction(
    text: str,
    sentiments: Sequence[str],
    sentiment_p: npt.NDArray[np.float32],
    categories: Sequence[str],
    category_p: npt.NDArray[np.float32],
    model_version: str,
    explanation: tuple[Span, ...] = (),
) -> Prediction:
    """One text's prediction from its two distributions (rows of ``softmax`` output), the
    same way for every kind of scorer: labels are the most probable class of each head."""
    probs = {s: float(p) for s, p in zip(sentiments, sentiment_p, strict=True)}
    cats = {c: float(p) for c, p in zip(categories, category_p, strict=True)}
    return Prediction(
        label=cast(Sentiment, max(probs, key=probs.__getitem__)),
        probabilities=probs,
        negativity=probs.get("negative", 0.0),
        category=max(cats, key=cats.__getitem__),
        category_probabilities=cats,
        language=detect_language(text),
        model_version=model_version,
        explanation=explanation,
    )
