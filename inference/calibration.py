"""A model folder's calibration: how its sentiment scores are scaled before the softmax.

The fine-tuned transformer (and more so its blend with the n-gram model) is over-confident:
a ticket shown as 99 negative is not negative 99 times in 100. ``sentidesk model build``
and retraining fit a temperature ``T`` per language on the dev splits (see
:mod:`training.calibration`) and write them to ``calibration.json`` in the version's folder;
every scorer then divides a text's scores by the ``T`` of its language (Chinese reviews
and English posts are not over-confident alike), or by the default ``T`` for a language
the file does not name.

A temperature alone leaves the texts the model has no doubt about at 99.5 % and more, which
the queue shows as 100 and cannot rank. So the file may also name a *knee*: where a row's
margin (the log-odds of its most probable class against the others, after ``T``) exceeds
it, the top score is lowered until the margin is ``knee + c * (margin - knee)``, with ``c``
the *compression* of its language (1: none). Rows below the knee, most of them, keep the
temperature's calibration; above it the rows keep their order, only closer together, and
every row keeps the order of its classes, so no label changes.

The file lives beside the weights, like the n-gram model's blend weight, so any scorer
opened on the folder (the console, the command line, the build's own evaluation) applies
it; the manifest records the same values with the measurements behind them. A folder
without the file (versions made before calibration existed, provisional n-gram models)
scores exactly as before: ``T = 1``, no knee.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
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
    #: the margin above which rows are compressed (None: no compression)
    knee: float | None = None
    #: the compression of rows above the knee, in (0, 1]; per language in
    #: ``compression_by_language``, this for other languages
    compression: float = 1.0
    compression_by_language: Mapping[str, float] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_language", dict(self.by_language))
        object.__setattr__(self, "compression_by_language", dict(self.compression_by_language))

    @property
    def calibrated(self) -> bool:
        return self.method != UNCALIBRATED

    def temperatures(self, languages: Sequence[str]) -> npt.NDArray[np.float64]:
        """The temperature of each row, given each row's language."""
        return np.asarray(
            [self.by_language.get(lang, self.temperature) for lang in languages], dtype=np.float64
        )

    def scaled(
        self, scores: npt.ArrayLike, languages: Sequence[str] | None = None
    ) -> npt.NDArray[np.float64]:
        """``scores`` as the softmax reads them: each row divided by its temperature and,
        above the knee, compressed (see the module's docstring). ``languages`` gives each
        row's language; None: every row takes the defaults."""
        s = np.asarray(scores, dtype=np.float64)
        if languages is None:
            z = s / self.temperature
            compression: float | npt.NDArray[np.float64] = self.compression
        else:
            z = s / self.temperatures(languages)[:, None]
            compression = np.asarray(
                [self.compression_by_language.get(lang, self.compression) for lang in languages],
                dtype=np.float64,
            )
        return z if self.knee is None else compress_margins(z, self.knee, compression)

    def probabilities(
        self, scores: npt.NDArray[np.float32], texts: Sequence[str]
    ) -> npt.NDArray[np.float32]:
        """The calibrated probabilities of the rows of ``scores`` (``texts``: one per row,
        whose language picks its temperature and compression): the ranking of the classes,
        so every label, is kept."""
        if self.by_language or self.compression_by_language:
            z = self.scaled(scores, [detect_language(t) for t in texts])
        elif self.temperature != 1.0 or self.knee is not None:
            z = self.scaled(scores)
        else:
            return softmax(scores)
        return softmax(np.asarray(z, dtype=np.float32))

    def save(self, model_dir: Path) -> Path:
        path = model_dir / CALIBRATION_FILE
        data: dict[str, Any] = {"method": self.method, "temperature": self.temperature}
        if self.by_language:
            data["by_language"] = dict(self.by_language)
        if self.knee is not None:
            data["knee"] = self.knee
            data["compression"] = self.compression
            data["compression_by_language"] = dict(self.compression_by_language)
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        return path


#: The magnitude scores are clipped to before compression: far beyond any margin that
#: still means anything (a margin of 50 is a probability within 1e-21 of 1).
SCORE_BOUND = 1e4


def compress_margins(
    z: npt.NDArray[np.float64], knee: float, compression: float | npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """``z`` with the top score of each row whose margin (top score against the log-sum-exp
    of the others) exceeds ``knee`` lowered until the margin is ``knee + compression *
    (margin - knee)``; ``compression`` is one value or one per row. The top class's
    probability is then a monotone function of the old one, and the other classes keep
    their ratios. Other rows are returned as they are."""
    if z.ndim != 2 or z.shape[1] < 2 or not len(z):
        return z
    # Log-probabilities of float32 softmaxes are -inf where a class underflowed; such a row
    # is certain, and a finite floor lets it be compressed like any other (e^-10000 is 0).
    z = np.clip(np.nan_to_num(z, nan=-SCORE_BOUND), -SCORE_BOUND, SCORE_BOUND)
    rows = np.arange(len(z))
    top = z.argmax(axis=1)
    others = z.copy()
    others[rows, top] = -np.inf
    peak = others.max(axis=1)
    margin = z[rows, top] - (peak + np.log(np.exp(others - peak[:, None]).sum(axis=1)))
    c = np.broadcast_to(np.asarray(compression, dtype=np.float64), margin.shape)
    out = np.array(z, dtype=np.float64)
    out[rows, top] -= np.where(margin > knee, (1 - c) * (margin - knee), 0.0)
    return out


def _positive(value: object) -> TypeGuard[float]:
    return (
        not isinstance(value, bool)
        and isinstance(value, int | float)
        and math.isfinite(value)
        and value > 0
    )


def read_calibration(model_dir: Path) -> Calibration:
    """The folder's calibration; identity when it has no file. A file that is unreadable,
    holds anything but a positive, finite temperature (and knee), a compression outside
    (0, 1], or a ``by_language`` or ``compression_by_language`` entry that is not a known
    language with such a value is a :class:`ModelFileError` naming it: scoring on with a
    wrong scale would show wrong negativities silently."""
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
    if method != "temperature":
        raise ModelFileError(f'{path}: "method" must be "temperature", found {method!r:.40}')
    if not _positive(temperature):
        raise ModelFileError(
            f'{path}: "temperature" must be a positive number, found {temperature!r:.40}'
        )
    knee = data.get("knee")
    compression = data.get("compression", 1.0)
    if knee is None and ({"compression", "compression_by_language"} & set(data)):
        # a compression without a knee would be silently ignored
        raise ModelFileError(f'{path}: a compression needs a "knee", and there is none')
    if knee is not None and not _positive(knee):
        raise ModelFileError(f'{path}: "knee" must be a positive number, found {knee!r:.40}')
    if not _fraction(compression):
        raise ModelFileError(
            f'{path}: "compression" must be a number in (0, 1], found {compression!r:.40}'
        )
    return Calibration(
        method,
        float(temperature),
        _language_map(path, data, "by_language", _positive, "positive numbers"),
        knee=None if knee is None else float(knee),
        compression=float(compression),
        compression_by_language=_language_map(
            path, data, "compression_by_language", _fraction, "numbers in (0, 1]"
        ),
    )


def _language_map(
    path: Path,
    data: Mapping[str, Any],
    key: str,
    valid: Callable[[object], bool],
    what: str,
) -> dict[str, float]:
    """``data[key]`` (absent: empty), a map of known languages to valid numbers; a
    :class:`ModelFileError` naming the file otherwise."""
    values = data.get(key, {})
    if (
        not isinstance(values, dict)
        or not set(values) <= set(LANGUAGES)
        or not all(map(valid, values.values()))
    ):
        raise ModelFileError(
            f'{path}: "{key}" must map languages ({", ".join(LANGUAGES)}) '
            f"to {what}, found {values!r:.60}"
        )
    return {k: float(v) for k, v in values.items()}


def _fraction(value: object) -> TypeGuard[float]:
    return _positive(value) and value <= 1
