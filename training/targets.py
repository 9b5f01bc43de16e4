"""What each labelled row teaches: soft sentiment targets and the classes its loss compares.

Shared by the transformer fine-tuning and the n-gram model, so both read a binary source's
labels the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from training.corpora import Example

#: The two sentiments a binary source tells apart (see ``Example.binary``).
BINARY_SENTIMENTS = ("negative", "positive")


def allowed_sentiments(
    examples: Sequence[Example], sentiments: Sequence[str]
) -> npt.NDArray[np.bool_]:
    """Per example, the sentiments its loss compares: all of them, or for a binary source
    only negative and positive (neutral is neither taught nor penalised)."""
    binary = np.array([s in BINARY_SENTIMENTS for s in sentiments], dtype=np.bool_)
    out = np.ones((len(examples), len(sentiments)), dtype=np.bool_)
    for row, example in enumerate(examples):
        if example.binary:
            out[row] = binary
    return out


def soft_targets(examples: Sequence[Example], sentiments: Sequence[str]) -> npt.NDArray[np.float32]:
    """Per example, the sentiment distribution to learn: ``confidence`` on the label and the
    rest shared by the other sentiments it is compared with (a one-hot row at confidence 1,
    the usual target). Rows without a sentiment label are zero and are left out of the loss."""
    index = {s: i for i, s in enumerate(sentiments)}
    allowed = allowed_sentiments(examples, sentiments)
    out = np.zeros((len(examples), len(sentiments)), dtype=np.float32)
    for row, example in enumerate(examples):
        if example.label not in index:
            continue
        confidence = min(1.0, max(0.0, example.confidence))
        others = int(allowed[row].sum()) - 1
        out[row, allowed[row]] = (1.0 - confidence) / max(1, others)
        out[row, index[example.label]] = confidence
    return out


def masked_soft_loss(logits: Any, targets: Any, allowed: Any) -> Any:
    """Mean cross-entropy of ``logits`` against soft ``targets``, the softmax taken over each
    row's ``allowed`` classes only (torch tensors, rows × classes)."""
    import torch

    log_p = torch.log_softmax(logits.masked_fill(~allowed, float("-inf")), dim=-1)
    # 0 · -inf is nan: the classes a row leaves out contribute nothing instead
    return -torch.where(allowed, targets * log_p, torch.zeros_like(log_p)).sum(-1).mean()
