"""How a classifier's single output vector divides into the sentiment and category heads,
and the few fields of a model folder's ``config.json`` that Sentidesk reads."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from inference.errors import ModelFileError
from inference.labels import SENTIMENTS

CONFIG_FILE = "config.json"


@dataclass(frozen=True)
class HeadLayout:
    """How the classifier's output vector divides into the two heads."""

    sentiments: tuple[str, ...]
    categories: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.sentiments) + len(self.categories)

    def split(
        self, logits: npt.NDArray[np.float32]
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
        n = len(self.sentiments)
        return logits[..., :n], logits[..., n : self.size]

    def to_config(self) -> dict[str, Any]:
        return {"sentiments": list(self.sentiments), "categories": list(self.categories)}

    @classmethod
    def from_config(cls, config: object) -> HeadLayout:
        """Raises ``ValueError`` naming the field when ``config`` is not shaped like ours."""
        if not isinstance(config, dict):
            raise ValueError(f"expected a JSON object, found {type(config).__name__}")
        meta = config.get("sentidesk", {})
        if not isinstance(meta, dict):
            raise ValueError(f'"sentidesk" must be an object, found {type(meta).__name__}')
        sentiments = _labels(meta, "sentiments", SENTIMENTS)
        unknown = [s for s in sentiments if s not in SENTIMENTS]
        if unknown or "negative" not in sentiments:
            # negativity, the queue's sort key, is P(negative); other labels have no meaning here
            raise ValueError(
                f'"sentidesk.sentiments" must be drawn from {list(SENTIMENTS)} and include '
                f'"negative", found {list(sentiments)}'
            )
        return cls(sentiments=sentiments, categories=_labels(meta, "categories", ()))


def _labels(meta: dict[str, Any], key: str, default: tuple[str, ...]) -> tuple[str, ...]:
    value = meta.get(key, list(default))
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValueError(f'"sentidesk.{key}" must be a list of names, found {value!r:.80}')
    if len(set(value)) != len(value):
        raise ValueError(f'"sentidesk.{key}" lists a name twice: {value!r:.80}')
    return tuple(value)


@dataclass(frozen=True)
class ModelConfig:
    """What the scorer needs from ``config.json``, type-checked."""

    layout: HeadLayout
    #: the longest input the position embeddings allow, if the config says
    max_positions: int | None
    pad_token_id: int | None


def read_model_config(model_dir: Path) -> ModelConfig:
    """Read and check ``model_dir/config.json``; any problem is a :class:`ModelFileError`
    naming the file (a truncated or hand-edited config must never surface as a traceback)."""
    file = model_dir / CONFIG_FILE
    try:
        config = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelFileError(f"cannot read model config {file}: {exc}") from exc
    try:
        layout = HeadLayout.from_config(config)
        max_positions = _optional_int(config, "max_position_embeddings", minimum=3)
        pad_token_id = _optional_int(config, "pad_token_id", minimum=0)
    except ValueError as exc:
        raise ModelFileError(f"invalid model config {file}: {exc}") from exc
    if not layout.categories:
        raise ModelFileError(f"{file} is not a Sentidesk classifier (no categories)")
    return ModelConfig(layout, max_positions, pad_token_id)


def _optional_int(config: dict[str, Any], key: str, minimum: int) -> int | None:
    value = config.get(key)
    if value is None:
        return None
    # bool is an int to Python, but `true` in a config is a mistake, not a count
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ValueError(f'"{key}" must be an integer >= {minimum}, found {value!r:.80}')
    return value
