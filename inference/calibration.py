"""A model folder's calibration: the temperature its sentiment scores are divided by.

The fine-tuned transformer (and more so its blend with the n-gram model) is over-confident:
a ticket shown as 99 negative is not negative 99 times in 100. ``sentidesk model build``
and retraining fit one temperature ``T`` on the dev splits (see
:mod:`training.calibration`) and write it to ``calibration.json`` in the version's folder;
every scorer then reports ``softmax(scores / T)``. The file lives beside the weights, like
the n-gram model's blend weight, so any scorer opened on the folder (the console, the
command line, the build's own evaluation) applies it; the manifest records the same value
with the measurements behind it.

A folder without the file (versions made before calibration existed, provisional n-gram
models) scores exactly as before: ``T = 1``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from inference.errors import ModelFileError
from inference.prediction import softmax

CALIBRATION_FILE = "calibration.json"
#: What a folder without a calibration file is: nothing changes.
UNCALIBRATED = "none"


@dataclass(frozen=True)
class Calibration:
    """``method`` is ``"temperature"`` (or :data:`UNCALIBRATED`); ``temperature`` divides
    the sentiment scores before the softmax (1.0 changes nothing)."""

    method: str = UNCALIBRATED
    temperature: float = 1.0

    @property
    def calibrated(self) -> bool:
        return self.method != UNCALIBRATED

    def probabilities(self, scores: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """``softmax(scores / T)``: the ranking of the classes (so every label) is kept."""
        if self.temperature == 1.0:
            return softmax(scores)
        return softmax(np.asarray(scores / self.temperature, dtype=np.float32))

    def save(self, model_dir: Path) -> Path:
        path = model_dir / CALIBRATION_FILE
        data = {"method": self.method, "temperature": self.temperature}
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        return path


def read_calibration(model_dir: Path) -> Calibration:
    """The folder's calibration; identity when it has no file. A file that is unreadable
    or holds anything but a positive, finite temperature is a :class:`ModelFileError`
    naming it: scoring on with a wrong scale would show wrong negativities silently."""
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
    if (
        isinstance(temperature, bool)
        or not isinstance(temperature, int | float)
        or not math.isfinite(temperature)
        or temperature <= 0
    ):
        raise ModelFileError(
            f'{path}: "temperature" must be a positive number, found {temperature!r:.40}'
        )
    return Calibration(method, float(temperature))
