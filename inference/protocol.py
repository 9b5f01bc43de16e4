"""What every consumer of a model (command line, headless run, window, evaluation) uses.

Two kinds of model implement it: :class:`inference.Scorer` (the fine-tuned transformer) and
:class:`inference.LexicalScorer` (character n-grams only, the provisional model a fresh
machine scores with while its transformer builds).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from inference.layout import HeadLayout
from inference.prediction import Prediction, Span


class BackendInfo(Protocol):
    """The runtime a scorer computes with, as the window's status bar names it."""

    @property
    def name(self) -> str: ...


class SentimentScorer(Protocol):
    """Thread: any worker thread (never the GUI thread)."""

    @property
    def version(self) -> str: ...

    @property
    def layout(self) -> HeadLayout: ...

    @property
    def model_dir(self) -> Path: ...

    @property
    def backend(self) -> BackendInfo: ...

    def predict(self, texts: Sequence[str], explain: bool = False) -> list[Prediction]:
        """One prediction per text; raises :class:`inference.EmptyTextError` naming empty
        inputs."""
        ...

    def explain(self, text: str) -> tuple[Span, ...]:
        """The spans that raised (or lowered) the text's negativity, in text order."""
        ...
