"""Scores texts with a model folder: sentiment, negativity, category, language, explanation."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from inference.backends import Backend, BackendName, open_backend
from inference.calibration import Calibration, read_calibration
from inference.encoding import DEFAULT_MAX_LENGTH, Encoded, TextEncoder
from inference.errors import ModelFileError
from inference.explain import occlusion_spans
from inference.layout import CONFIG_FILE, HeadLayout, read_model_config
from inference.lexical import LEXICAL_FILE, LexicalModel
from inference.prediction import Prediction, Span, make_prediction, softmax

log = logging.getLogger(__name__)


class EmptyTextError(ValueError):
    """Raised for empty or whitespace-only texts, which carry no sentiment to score."""


#: Raw logits (before the n-gram blend and calibration) of token rows one model file has
#: scored, keyed by the row's token ids. A build scores the same dev and test texts in several
#: stages (choosing the blend, calibrating, evaluating); sharing one memo among its scorers
#: runs the encoder once per text. Only scorers of the same weights and backend may share one.
LogitsMemo = dict[tuple[int, ...], npt.NDArray[np.float32]]


class Scorer:
    """Scores texts with one model version.

    Thread: any worker thread (never the GUI thread). ``predict`` may be called from several
    threads; the backends serialize what needs serializing.
    """

    def __init__(
        self,
        model_dir: Path,
        backend: BackendName = "auto",
        max_length: int = DEFAULT_MAX_LENGTH,
        batch_size: int | None = None,
        version: str | None = None,
        threads: int | None = None,
        memo: LogitsMemo | None = None,
    ) -> None:
        """``threads`` limits CPU inference threads (see :class:`OnnxBackend`);
        ``batch_size`` defaults to what suits the backend (small on CPU, large on a GPU);
        ``memo`` remembers (and reuses) the encoder's logits of every row scored (see
        :data:`LogitsMemo`); a memo is not for scorers used from several threads at once."""
        config = read_model_config(model_dir)
        self.layout: HeadLayout = config.layout
        self.model_dir = model_dir
        self.version = version or model_dir.name
        # Longer texts are truncated: the model has no position embeddings past its maximum.
        max_length = min(max_length, config.max_positions or max_length)
        self.encoder = TextEncoder(model_dir / "tokenizer.json", max_length)
        if config.pad_token_id is not None:
            self.encoder.pad_id = config.pad_token_id
        self.backend: Backend = open_backend(model_dir, backend, threads)
        if self.backend.output_size not in (None, self.layout.size):
            # Caught here, a config edited apart from its weights would otherwise fail at the
            # first prediction, deep inside numpy, long after the model was "loaded".
            raise ModelFileError(
                f"{model_dir / CONFIG_FILE} names {self.layout.size} labels but the "
                f"{self.backend.name} model outputs {self.backend.output_size}"
            )
        self.batch_size = batch_size or self.backend.batch_size
        self.lexical: LexicalModel | None = None
        if (model_dir / LEXICAL_FILE).exists():
            self.lexical = LexicalModel.load(model_dir / LEXICAL_FILE)
            if self.lexical.classes != self.layout.sentiments:
                raise ModelFileError(f"{model_dir / LEXICAL_FILE}: classes differ from config")
        self.calibration: Calibration = read_calibration(model_dir)
        self.memo = memo

    # -- raw model outputs -------------------------------------------------------------
    def _logits(self, rows: Sequence[Sequence[int]]) -> npt.NDArray[np.float32]:
        """Logits for tokenized rows; with a memo, only rows it does not hold yet are run."""
        if self.memo is None:
            return self._run(rows)
        memo = self.memo
        keys = [tuple(row) for row in rows]
        new = list(dict.fromkeys(key for key in keys if key not in memo))
        if new:
            memo.update(zip(new, self._run(new), strict=True))
        out = np.zeros((len(rows), self.layout.size), dtype=np.float32)
        for i, key in enumerate(keys):
            out[i] = memo[key]
        return out

    def _run(self, rows: Sequence[Sequence[int]]) -> npt.NDArray[np.float32]:
        """Logits for tokenized rows, batched by similar length to waste little padding."""
        out = np.zeros((len(rows), self.layout.size), dtype=np.float32)
        order = sorted(range(len(rows)), key=lambda i: len(rows[i]))
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
            ids, mask = self.encoder.pad([rows[i] for i in chunk])
            out[chunk] = self.backend.logits(ids, mask)
        return out

    def sentiment_scores(
        self, sentiment_logits: npt.NDArray[np.float32], texts: Sequence[str]
    ) -> npt.NDArray[np.float32]:
        """Uncalibrated sentiment scores: the transformer's log-probabilities plus the
        lexical model's, weighted by the blend of each text's language (the logits themselves
        without one)."""
        if self.lexical is None or not self.lexical.blends:
            return sentiment_logits
        log_p = np.log(softmax(sentiment_logits))
        log_q = np.log(softmax(self.lexical.logits(texts)))
        weights = self.lexical.blend_weights(texts)[:, None]
        return np.asarray(log_p + weights * log_q, dtype=np.float32)

    def sentiment_probabilities(
        self, sentiment_logits: npt.NDArray[np.float32], texts: Sequence[str]
    ) -> npt.NDArray[np.float32]:
        """The sentiment distribution shown to agents: the transformer's, blended with the
        lexical model's, calibrated by the folder's calibration for each text's language
        (see :meth:`inference.Calibration.probabilities`)."""
        scores = self.sentiment_scores(sentiment_logits, texts)
        return self.calibration.probabilities(scores, texts)

    def scores(
        self, texts: Sequence[str]
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
        """Uncalibrated sentiment scores (see :meth:`sentiment_scores`) and category logits
        of non-empty texts: what calibration is fitted on."""
        logits = self._logits([e.ids for e in self.encoder.encode(texts)])
        sentiment_logits, category_logits = self.layout.split(logits)
        return self.sentiment_scores(sentiment_logits, texts), category_logits

    def _evidence(
        self, rows: Sequence[Sequence[int]], texts: Sequence[str]
    ) -> npt.NDArray[np.float32]:
        """Sentiment scores before calibration, which explanations measure: a temperature
        divides every log-odds alike, and the spans' weight threshold was chosen on this
        scale. Scores rather than probabilities, whose float32 rounding to 1.0 would flatten
        every variant of a confident ticket to the same log-odds."""
        sentiment, _ = self.layout.split(self._logits(rows))
        return self.sentiment_scores(sentiment, texts)

    # -- public API ----------------------------------------------------------------------
    def predict(self, texts: Sequence[str], explain: bool = False) -> list[Prediction]:
        """Predict every text; raises :class:`EmptyTextError` naming empty inputs."""
        empty = [i for i, t in enumerate(texts) if not t or not t.strip()]
        if empty:
            raise EmptyTextError(f"empty text at position(s) {empty[:10]}: nothing to score")
        if not texts:
            return []
        encoded = self.encoder.encode(texts)
        logits = self._logits([e.ids for e in encoded])
        sentiment_logits, category_logits = self.layout.split(logits)
        sentiment_p = self.sentiment_probabilities(sentiment_logits, texts)
        category_p = softmax(category_logits)
        return [
            make_prediction(
                text,
                self.layout.sentiments,
                sentiment_p[i],
                self.layout.categories,
                category_p[i],
                self.version,
                self._explain(text, encoded[i]) if explain else (),
            )
            for i, text in enumerate(texts)
        ]

    def explain(self, text: str) -> tuple[Span, ...]:
        if not text.strip():
            raise EmptyTextError("empty text: nothing to explain")
        return self._explain(text, self.encoder.encode([text])[0])

    def _explain(self, text: str, encoded: Encoded) -> tuple[Span, ...]:
        return occlusion_spans(text, encoded, self._evidence, self.layout.sentiments)
