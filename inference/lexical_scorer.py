"""Scores texts with character n-gram models alone: no transformer, no tokenizer.

A provisional model folder holds two :class:`LexicalModel` files, one per head, and the
``config.json`` layout they were trained for. Training both takes seconds, so a fresh machine
can score its queue within a minute while the default transformer builds (about 25 minutes
on 2 cores); the n-gram models are markedly less accurate, which is why the registry marks
such versions provisional.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from inference.calibration import Calibration, read_calibration
from inference.errors import ModelFileError
from inference.explain import text_occlusion_spans
from inference.layout import HeadLayout, read_model_config
from inference.lexical import LEXICAL_FILE, LexicalModel
from inference.prediction import Prediction, Span, make_prediction, softmax
from inference.scorer import EmptyTextError

#: The category head's n-gram model; the sentiment head's is :data:`LEXICAL_FILE`.
CATEGORY_FILE = "lexical_category.npz"


@dataclass(frozen=True)
class LexicalBackend:
    """Names the runtime (numpy over hashed n-gram tables) where the window shows it."""

    name: str = "lexical"


class LexicalScorer:
    """A :class:`inference.SentimentScorer` over a provisional model folder.

    Thread: any worker thread (never the GUI thread); it holds only read-only arrays, so
    ``predict`` may run on several threads at once.
    """

    def __init__(self, model_dir: Path, version: str | None = None) -> None:
        """Raises :class:`ModelFileError` naming the file when a model file is missing,
        corrupt or trained for other labels than ``config.json`` names."""
        self.layout: HeadLayout = read_model_config(model_dir).layout
        self.model_dir = model_dir
        self.version = version or model_dir.name
        self.backend = LexicalBackend()
        self.sentiment = _load(model_dir / LEXICAL_FILE, self.layout.sentiments)
        self.category = _load(model_dir / CATEGORY_FILE, self.layout.categories)
        # Provisional models are made without one (they stand in for minutes), so they
        # score uncalibrated; a file, if ever written, is honoured like a transformer's.
        self.calibration: Calibration = read_calibration(model_dir)

    def predict(self, texts: Sequence[str], explain: bool = False) -> list[Prediction]:
        """Predict every text; raises :class:`EmptyTextError` naming empty inputs."""
        empty = [i for i, t in enumerate(texts) if not t or not t.strip()]
        if empty:
            raise EmptyTextError(f"empty text at position(s) {empty[:10]}: nothing to score")
        if not texts:
            return []
        sentiment_p = self.calibration.probabilities(self.sentiment.logits(texts), texts)
        category_p = softmax(self.category.logits(texts))
        return [
            make_prediction(
                text,
                self.layout.sentiments,
                sentiment_p[i],
                self.layout.categories,
                category_p[i],
                self.version,
                self._explain(text) if explain else (),
            )
            for i, text in enumerate(texts)
        ]

    def explain(self, text: str) -> tuple[Span, ...]:
        if not text.strip():
            raise EmptyTextError("empty text: nothing to explain")
        return self._explain(text)

    def _explain(self, text: str) -> tuple[Span, ...]:
        # the uncalibrated logits: see Scorer._evidence
        return text_occlusion_spans(text, self.sentiment.logits, self.layout.sentiments)


def _load(path: Path, classes: tuple[str, ...]) -> LexicalModel:
    if not path.is_file():
        raise ModelFileError(f"{path} is missing")
    model = LexicalModel.load(path)
    if model.classes != classes:
        raise ModelFileError(
            f"{path}: its classes {list(model.classes)} differ from config.json's {list(classes)}"
        )
    return model
