from __future__ import annotations

from pathlib import Path

from tests.helpers import TINY_LAYOUT
from training import export_and_quantize, format_table, run_bench


def test_bench_reports_each_backend_side_by_side(tiny_model: Path) -> None:
    export_and_quantize(tiny_model, TINY_LAYOUT)
    result = run_bench(tiny_model, n_texts=24, accuracy=False)
    backends = [row["backend"] for row in result["rows"]]
    assert backends == ["torch-cpu", "onnx-fp32", "onnx-int8"]
    assert result["rows"][0]["speedup_throughput"] == 1.0
    for row in result["rows"]:
        assert row["tickets_per_s"] > 0
        assert row["p90_ms"] >= row["p50_ms"] > 0
    table = format_table(result)
    assert table.splitlines()[0].split()[:3] == ["backend", "size_mb", "load_s"]
    assert len(table.splitlines()) == 4
