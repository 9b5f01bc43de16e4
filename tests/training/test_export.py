from __future__ import annotations

from pathlib import Path

from tests.helpers import TINY_LAYOUT
from training import export_and_quantize


def test_export_writes_fp32_and_int8_models_that_agree(tiny_model: Path) -> None:
    report = export_and_quantize(tiny_model, TINY_LAYOUT)
    assert (tiny_model / "onnx" / "model.onnx").is_file()
    assert (tiny_model / "onnx" / "model_quantized.onnx").is_file()
    assert (tiny_model / "onnx" / "config.json").is_file()
    assert report.fp32_max_abs_diff < 1e-4
    assert report.int8_max_abs_diff < 0.5
