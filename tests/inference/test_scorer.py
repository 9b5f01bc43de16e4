from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from inference import EmptyTextError, LogitsMemo, ModelFileError, Scorer, SentideskError
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


def test_memo_runs_each_row_once_and_changes_no_score(
    tiny_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = ["late parcel", "好", "great service thanks", "late parcel"]
    plain = Scorer(tiny_model, backend="torch-cpu").predict(texts)
    memo: LogitsMemo = {}
    scorer = Scorer(tiny_model, backend="torch-cpu", memo=memo)
    run = scorer.backend.logits
    rows_run: list[int] = []

    def counting(ids: Any, mask: Any) -> Any:
        rows_run.append(len(ids))
        return run(ids, mask)

    monkeypatch.setattr(scorer.backend, "logits", counting)
    first = scorer.predict(texts)
    assert sum(rows_run) == 3 and len(memo) == 3  # the repeated text is run once
    again = Scorer(tiny_model, backend="torch-cpu", memo=memo)
    monkeypatch.setattr(again.backend, "logits", counting)
    second = again.predict([*texts, "where is my refund"])
    assert sum(rows_run) == 4  # only the new text
    for got in (first, second[:4]):
        np.testing.assert_allclose(
            [p.negativity for p in got], [p.negativity for p in plain], atol=1e-6
        )
        assert [p.category for p in got] == [p.category for p in plain]


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


def test_cuda_asked_for_without_cuda_is_a_clear_error(
    tiny_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(SentideskError, match="torch-cuda was asked for"):
        Scorer(tiny_model, backend="torch-cuda")


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


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("[]", "expected a JSON object, found list"),
        ('"config"', "expected a JSON object, found str"),
        ('{"sentidesk": []}', '"sentidesk" must be an object'),
        ('{"sentidesk": {"categories": "refund"}}', '"sentidesk.categories" must be a list'),
        ('{"sentidesk": {"categories": [1, 2]}}', '"sentidesk.categories" must be a list'),
        ('{"sentidesk": {"categories": ["a", "a"]}}', "lists a name twice"),
        ('{"sentidesk": {"categories": ["a"], "sentiments": ["good", "bad"]}}', '"negative"'),
        ('{"sentidesk": {"categories": ["a"]}, "max_position_embeddings": "512"}', "integer"),
        ('{"sentidesk": {"categories": ["a"]}, "pad_token_id": true}', '"pad_token_id"'),
        ('{"sentidesk": {"categories": ["a"]}', "cannot read model config"),
        ("", "cannot read model config"),
    ],
)
def test_wrongly_shaped_config_is_a_clear_error_naming_the_file(
    tiny_model: Path, content: str, reason: str
) -> None:
    (tiny_model / "config.json").write_text(content)
    with pytest.raises(ModelFileError) as info:
        Scorer(tiny_model, backend="torch-cpu")
    assert str(tiny_model / "config.json") in str(info.value)
    assert reason in str(info.value)


def test_truncated_config_is_a_clear_error(tiny_model: Path) -> None:
    config = tiny_model / "config.json"
    config.write_bytes(config.read_bytes()[: len(config.read_bytes()) // 2])
    with pytest.raises(ModelFileError, match="cannot read model config"):
        Scorer(tiny_model, backend="torch-cpu")


def test_config_that_disagrees_with_the_weights_is_caught_at_load(
    exported_tiny: Path, tmp_path: Path
) -> None:
    import json
    import shutil

    model = Path(shutil.copytree(exported_tiny, tmp_path / "model"))
    config = json.loads((model / "config.json").read_text())
    config["sentidesk"]["categories"] = config["sentidesk"]["categories"][:-1]
    (model / "config.json").write_text(json.dumps(config))
    for backend in ("onnx-int8", "onnx-fp32"):
        with pytest.raises(ModelFileError, match="names 9 labels but"):
            Scorer(model, backend=backend)


@pytest.mark.parametrize("onnx", ["model_quantized.onnx", "model.onnx"])
@pytest.mark.parametrize("damage", ["truncate", "empty", "delete"])
def test_missing_truncated_or_empty_onnx_is_a_clear_error(
    exported_tiny: Path, tmp_path: Path, onnx: str, damage: str
) -> None:
    import shutil

    model = Path(shutil.copytree(exported_tiny, tmp_path / "model"))
    file = model / "onnx" / onnx
    if damage == "truncate":
        file.write_bytes(file.read_bytes()[: file.stat().st_size // 2])
    elif damage == "empty":
        file.write_bytes(b"")
    else:
        file.unlink()
    backend = "onnx-int8" if "quantized" in onnx else "onnx-fp32"
    with pytest.raises(ModelFileError) as info:
        Scorer(model, backend=backend)  # type: ignore[arg-type]
    assert str(file) in str(info.value)


def test_onnx_graph_without_our_inputs_is_a_clear_error(
    exported_tiny: Path, tmp_path: Path
) -> None:
    import shutil

    import onnx
    from onnx import TensorProto, helper

    model = Path(shutil.copytree(exported_tiny, tmp_path / "model"))
    graph = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["y"])],
        "foreign",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])],
    )
    foreign = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    foreign.ir_version = 8
    onnx.save(foreign, str(model / "onnx" / "model_quantized.onnx"))
    with pytest.raises(ModelFileError, match="not a Sentidesk classifier"):
        Scorer(model, backend="onnx-int8")


@pytest.mark.parametrize("content", [b"", b"{not json", b'{"model": {"type": "Nope"}}'])
def test_corrupt_tokenizer_is_a_clear_error(tiny_model: Path, content: bytes) -> None:
    (tiny_model / "tokenizer.json").write_bytes(content)
    with pytest.raises(ModelFileError, match="cannot load tokenizer"):
        Scorer(tiny_model, backend="torch-cpu")


def test_corrupt_lexical_model_is_a_clear_error(tiny_model: Path) -> None:
    from inference import LEXICAL_FILE

    (tiny_model / LEXICAL_FILE).write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(ModelFileError, match="cannot read lexical model"):
        Scorer(tiny_model, backend="torch-cpu")


@pytest.mark.parametrize(
    ("arrays", "reason"),
    [
        ({"classes": np.asarray("negative"), "blend": np.float32(1)}, "cannot read lexical"),
        ({"blend": np.ones(3, np.float32)}, "cannot read lexical"),
        ({"blend": np.float32("nan")}, "blend weight"),
    ],
)
def test_wrongly_shaped_lexical_arrays_are_a_clear_error(
    tiny_model: Path, arrays: dict[str, np.ndarray], reason: str
) -> None:
    from inference import LEXICAL_FILE, SENTIMENTS

    good: dict[str, Any] = {
        "weights": np.zeros((8, 3), np.float16),
        "bias": np.zeros(3, np.float32),
        "classes": np.asarray(SENTIMENTS),
        "blend": np.float32(1),
    }
    with (tiny_model / LEXICAL_FILE).open("wb") as handle:
        np.savez(handle, **{**good, **arrays})
    with pytest.raises(ModelFileError, match=reason):
        Scorer(tiny_model, backend="torch-cpu")
