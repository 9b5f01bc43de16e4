"""A model folder's calibration: the temperatures its sentiment scores are divided by.

The fine-tuned transformer (and more so its blend with the n-gram model) is over-confident:
a ticket shown as 99 negative is not negative 99 times in 100. ``sentidesk model build``
and retraining fit a temperature ``T`` per language on the dev splits (see
:mod:`training.calibration`) and write them to ``calibration.json`` in the version's folder;
every scorer then reports ``softmax(scores / T)`` with the ``T`` of each text's language
(Chinese reviews and English posts are not over-confident alike), or the default ``T`` for
a language the file does not name. The file lives beside the weights, like the n-gram
model's blend weight, so any scorer opened on the folder (the console, the command line,
the build's own evaluation) applies it; the manifest records the same values with the
measurements behind them.

A folder without the file (versions made before calibration existed, provisional n-gram
models) scores exactly as before: ``T = 1``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

import numpy as np
import numpy.typing as npt

from inference.errors import ModelFileError
from inference.labels import LANGUAGES
from inference.language import detect_language
from inference.prediction import softmax

CALIBRATION_FILE = "calibration.json"
#: What a folder without a calibration file is: nothing changes.
UNCALIBRATED = "none"


@dataclass(frozen=True)
class Calibration:
    """``method`` is ``"temperature"`` (or :data:`UNCALIBRATED`); ``temperature`` divides
    the sentiment scores before the softmax (1.0 changes nothing); ``by_language`` maps a
    language (see :func:`inference.detect_language`) to the temperature of its texts, which
    replaces ``temperature`` for them."""

    method: str = UNCALIBRATED
    temperature: float = 1.0
    # left out of the hash (a dict has none); copied, so the caller's dict cannot change it
    by_language: Mapping[str, float] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_language", dict(self.by_language))

    @property
    def calibrated(self) -> bool:
        return self.method != UNCALIBRATED

    def temperatures(self, languages: Sequence[str]) -> npt.NDArray[np.float64]:
        """The temperature of each row, given each row's language."""
        return np.asarray(
            [self.by_language.get(lang, self.temperature) for lang in languages], dtype=np.float64
        )

    def probabilities(
        self, scores: npt.NDArray[np.float32], texts: Sequence[str]
    ) -> npt.NDArray[np.float32]:
        """``softmax(scores / T)``, each row divided by the temperature of its text's language
        (``texts``: one per row): the ranking of the classes, so every label, is kept."""
        if self.by_language:
            divisors = self.temperatures([detect_language(t) for t in texts])[:, None]
        elif self.temperature != 1.0:
            divisors = np.full((len(scores), 1), self.temperature)
        else:
            return softmax(scores)
        return softmax(np.asarray(scores / divisors, dtype=np.float32))

    def save(self, model_dir: Path) -> Path:
        path = model_dir / CALIBRATION_FILE
        data: dict[str, Any] = {"method": self.method, "temperature": self.temperature}
        if self.by_language:
            data["by_language"] = dict(self.by_language)
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        return path


def _positive(value: object) -> TypeGuard[float]:
    return (
        not isinstance(value, bool)
        and isinstance(value, int | float)
        and math.isfinite(value)
        and value > 0
    )


def read_calibration(model_dir: Path) -> Calibration:
    """The folder's calibration; identity when it has no file. A file that is unreadable,
    holds anything but a positive, finite temperature, or has a ``by_language`` entry that
    is not a known language with such a temperature is a :class:`ModelFileError` naming it:
    scoring on with a wrong scale would show wrong negativities silently."""
    path = model_dir / CALIBRATION_FILE
    if not path.exists():
        return Calibration()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelFileError(f"cannot read calibration {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ModelFileError(f"{path}: expected a JSON object, found {type(data).__name__}")
    method = data.get("method")
    temperature = data.get("temperature")
    by_language = data.get("by_language", {})
    if method != "temperature":
        raise ModelFileError(f'{path}: "method" must be "temperature", found {method!r:.40}')
    if not _positive(temperature):
        raise ModelFileError(
            f'{path}: "temperature" must be a positive number, found {temperature!r:.40}'
        )
    if (
        not isinstance(by_language, dict)
        or not set(by_language) <= set(LANGUAGES)
        or not all(map(_positive, by_language.values()))
    ):
        raise ModelFileError(
            f'{path}: "by_language" must map languages ({", ".join(LANGUAGES)}) '
            f"to positive numbers, found {by_language!r:.60}"
        )
    return Calibration(method, float(temperature), {k: float(v) for k, v in by_language.items()})
