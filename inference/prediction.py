"""Domain values the engine hands to its callers."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from inference.labels import Language, Sentiment


@dataclass(frozen=True)
class Span:
    """A character range of the scored text and how much it raised negativity.

    ``weight`` is the drop in the log-odds of "negative" when the span is left out: positive
    values pushed the ticket towards negative, negative values pulled it away (1.0 ≈ a factor
    of e in the odds).
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
