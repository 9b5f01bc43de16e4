"""Shrinks XLM-R's 250k-piece vocabulary to what Chinese and English support text needs.

Two thirds of the base model's parameters are word embeddings for ~100 languages; keeping
only the pieces our languages use cuts the model (and export, and load time) by ~70% without
changing any computation for the texts we score.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from inference.base.tokenizer import SPECIAL_TOKENS, build_unigram_tokenizer, save_hf_tokenizer
from inference.errors import ModelFileError

#: English word pieces kept beyond those seen in the corpus, most frequent (highest score) first.
DEFAULT_EXTRA_LATIN = 12_000
_LATIN_PIECE = re.compile(r"^▁?[A-Za-z][a-z']*$")


@dataclass(frozen=True)
class TrimReport:
    original_size: int
    kept_size: int
    unk_rate_full: float
    unk_rate_trimmed: float


def _is_basic_char(piece: str) -> bool:
    """Single characters Chinese/English text is made of: CJK, kana-free Latin, digits, punct."""
    text = piece.removeprefix("▁")
    if len(text) != 1:
        return piece == "▁"
    code = ord(text)
    if code < 0x250 or 0x2000 <= code < 0x2070 or 0x3000 <= code < 0x3040:
        return True
    if 0x3400 <= code < 0xA000 or 0xF900 <= code < 0xFB00 or 0xFF00 <= code < 0xFFF0:
        return True
    return unicodedata.category(text).startswith(("P", "S"))  # punctuation, symbols, emoji


def _read_tokenizer_json(folder: Path) -> dict:  # type: ignore[type-arg]
    path = folder / "tokenizer.json"
    try:
        data: dict = json.loads(path.read_text(encoding="utf-8"))  # type: ignore[type-arg]
    except (OSError, ValueError) as exc:
        raise ModelFileError(f"cannot read {path}: {exc}") from exc
    if data.get("model", {}).get("type") != "Unigram":
        raise ModelFileError(f"{path}: vocabulary trimming needs a Unigram tokenizer")
    return data


def _charsmap(data: dict) -> bytes:  # type: ignore[type-arg]
    norm = data["normalizer"]
    for step in norm.get("normalizers", [norm]):
        if step.get("type") == "Precompiled":
            return base64.b64decode(step["precompiled_charsmap"])
    raise ModelFileError("tokenizer.json has no precompiled normalizer to carry over")


def unk_rate(tokenizer_path: Path, texts: Sequence[str]) -> float:
    """Share of content tokens that are ``<unk>``."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(tokenizer_path))
    unk = tok.token_to_id("<unk>")
    encodings = tok.encode_batch(list(texts), add_special_tokens=False)
    total = sum(len(e.ids) for e in encodings)
    unknown = sum(e.ids.count(unk) for e in encodings)
    return unknown / total if total else 0.0


def trim_vocabulary(
    source: str | Path,
    dest: str | Path,
    corpus: Iterable[str],
    held_out: Sequence[str] = (),
    extra_latin: int = DEFAULT_EXTRA_LATIN,
) -> TrimReport:
    """Write a copy of the model folder ``source`` with a reduced vocabulary to ``dest``.

    Kept: special tokens, every piece the full tokenizer produces on ``corpus``, every
    single-character piece of the scripts we support (so unseen text still splits into known
    pieces), and the ``extra_latin`` most frequent English word pieces. ``held_out`` texts
    (never in ``corpus``) measure the unknown-piece rate before and after.
    """
    from safetensors.numpy import load_file, save_file
    from tokenizers import Tokenizer

    source, dest = Path(source), Path(dest)
    data = _read_tokenizer_json(source)
    vocab: list[tuple[str, float]] = [(p, float(s)) for p, s in data["model"]["vocab"]]
    pieces = [p for p, _ in vocab]
    full = Tokenizer.from_file(str(source / "tokenizer.json"))

    keep = {i for i, p in enumerate(pieces) if p in SPECIAL_TOKENS or _is_basic_char(p)}
    texts = [t for t in corpus if t.strip()]
    for start in range(0, len(texts), 4096):
        for enc in full.encode_batch(texts[start : start + 4096], add_special_tokens=False):
            keep.update(enc.ids)
    latin = sorted(
        (i for i, p in enumerate(pieces) if _LATIN_PIECE.match(p) and i not in keep),
        key=lambda i: -vocab[i][1],
    )
    keep.update(latin[:extra_latin])
    kept = sorted(keep)

    weights = load_file(str(source / "model.safetensors"))
    key = next((k for k in weights if k.endswith("word_embeddings.weight")), None)
    if key is None:
        raise ModelFileError(f"{source}: no word embedding matrix found")
    weights[key] = np.ascontiguousarray(weights[key][kept])
    config = json.loads((source / "config.json").read_text(encoding="utf-8"))
    config["vocab_size"] = len(kept)

    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest.parent, prefix=".trim-") as tmp_name:
        tmp = Path(tmp_name) / dest.name
        tmp.mkdir()
        (tmp / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
        save_file(weights, str(tmp / "model.safetensors"), metadata={"format": "pt"})
        new_pieces = [pieces[i] for i in kept]
        tokenizer = build_unigram_tokenizer(
            new_pieces,
            [vocab[i][1] for i in kept],
            new_pieces.index("<unk>"),
            _charsmap(data),
        )
        save_hf_tokenizer(tokenizer, tmp, max_length=int(config["max_position_embeddings"]))
        for extra in source.glob("sentidesk_*.json"):
            shutil.copy2(extra, tmp / extra.name)
        if dest.exists():
            shutil.rmtree(dest)
        tmp.rename(dest)

    return TrimReport(
        original_size=len(pieces),
        kept_size=len(kept),
        unk_rate_full=unk_rate(source / "tokenizer.json", held_out) if held_out else 0.0,
        unk_rate_trimmed=unk_rate(dest / "tokenizer.json", held_out) if held_out else 0.0,
    )
