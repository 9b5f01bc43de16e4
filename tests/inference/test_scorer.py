from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from inference import EmptyTextError, ModelFileError, Scorer
from tests.helpers import TINY_LAYOUT
from training import export_and_quantize


@pytest.fixture(scope="module")
def exported_tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.helpers import write_tiny_model

    folder = write_tiny_model(tmp_path_factory.mktemp("exported") / "model")
    export_and_quantize(folder, TINY_LAYOUT)
    return folder


def test_prediction_fields_are_consistent(tiny_model: Path) -> None:
    scorer = Scorer(tiny_model, backend="torch-cpu", version="tiny-1")
    (p,) = scorer.predict(["where is my order"])
    assert set(p.probabilities) == {"negative", "neutral", "positive"}
    assert sum(p.probabilities.values()) == pytest.approx(1.0, abs=1e-5)
    assert p.label == max(p.probabilities, key=p.probabilities.__getitem__)
    assert p.negativity == pytest.approx(p.probabilities["negative"])
    assert p.category in TINY_LAYOUT.categories
    assert sum(p.category_probabilities.values()) == pytest.approx(1.0, abs=1e-5)
    assert p.language == "en" and p.model_version == "tiny-1"


def test_batching_by_length_keeps_input_order(tiny_model: Path) -> None:
    scorer = Scorer(tiny_model, backend="torch-cpu", batch_size=2)
    texts = ["a", "the order is late and broken where is my refund", "好", "bad", "ok thanks"]
    together = [p.negativity for p in scorer.predict(texts)]
    alone = [scorer.predict([t])[0].negativity for t in texts]
    np.testing.assert_allclose(together, alone, atol=1e-5)


def test_empty_and_whitespace_texts_are_refused_by_position(tiny_model: Path) -> None:
    scorer = Scorer(tiny_model, backend="torch-cpu")
    with pytest.raises(EmptyTextError, match=r"\[1, 2\]"):
        scorer.predict(["fine", "", "   \n\t"])


@pytest.mark.parametrize(
    "text",
    [
        "差" * 100_000,
        "\x00\x01\x02 binary \xff\ufffe garbage \ud800",
        "订单 late 😡😡😡 refund!!! ＡＢＣ",
        "🙂",
    ],
)
def test_hostile_texts_still_score(tiny_model: Path, text: str) -> None:
    scorer = Scorer(tiny_model, backend="torch-cpu")
    (p,) = scorer.predict([text], explain=True)
    assert 0.0 <= p.negativity <= 1.0
    for span in p.explanation:
        assert 0 <= span.start < span.end <= len(text)


def test_onnx_backends_agree_with_torch(exported_tiny: Path) -> None:
    texts = ["where is my order", "质量太差了", "thanks great"]
    torch_p = Scorer(exported_tiny, backend="torch-cpu").predict(texts)
    fp32_p = Scorer(exported_tiny, backend="onnx-fp32").predict(texts)
    int8 = Scorer(exported_tiny, backend="onnx-int8")
    assert int8.backend.name == "onnx-int8"
    for a, b in zip(torch_p, fp32_p, strict=True):
        assert a.negativity == pytest.approx(b.negativity, abs=1e-4)


def test_auto_backend_prefers_int8_on_cpu(exported_tiny: Path) -> None:
    assert Scorer(exported_tiny).backend.name == "onnx-int8"


def test_corrupt_onnx_file_is_a_clear_error(exported_tiny: Path, tmp_path: Path) -> None:
    import shutil

    broken = Path(shutil.copytree(exported_tiny, tmp_path / "broken"))
    (broken / "onnx" / "model_quantized.onnx").write_bytes(b"not a protobuf at all")
    with pytest.raises(ModelFileError, match="cannot load ONNX model"):
        Scorer(broken, backend="onnx-int8")


def test_missing_or_foreign_model_folder(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="cannot read model config"):
        Scorer(tmp_path)
    (tmp_path / "config.json").write_text('{"model_type": "bert"}')
    with pytest.raises(ModelFileError, match="not a Sentidesk classifier"):
        Scorer(tmp_path)


def test_corrupt_weights_are_a_clear_error(tiny_model: Path) -> None:
    (tiny_model / "model.safetensors").write_bytes(b"\x00" * 64)
    with pytest.raises(ModelFileError, match="cannot load model weights"):
        Scorer(tiny_model, backend="torch-cpu")
