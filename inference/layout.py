"""How a classifier's single output vector divides into the sentiment and category heads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from inference.labels import SENTIMENTS


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
    def from_config(cls, config: dict[str, Any]) -> HeadLayout:
        meta = config.get("sentidesk", {})
        return cls(
            sentiments=tuple(meta.get("sentiments", SENTIMENTS)),
            categories=tuple(meta.get("categories", ())),
        )
