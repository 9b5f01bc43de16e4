"""The label sets the engine predicts."""

from __future__ import annotations

from typing import Final, Literal

Sentiment = Literal["negative", "neutral", "positive"]
SENTIMENTS: Final[tuple[Sentiment, ...]] = ("negative", "neutral", "positive")

#: Default ticket categories; a model stores its own list in its manifest, so this can change.
DEFAULT_CATEGORIES: Final[tuple[str, ...]] = (
    "logistics",
    "quality",
    "service",
    "refund",
    "payment",
    "account",
    "other",
)

Language = Literal["zh", "en", "other"]
LANGUAGES: Final[tuple[Language, ...]] = ("zh", "en", "other")
