"""Runtimes that turn padded id arrays into logits: ONNX Runtime (default) or PyTorch.

``auto`` picks PyTorch on CUDA when a GPU is usable, else the int8 ONNX model on CPU, else
PyTorch on CPU (a model folder without ONNX files, e.g. one still being trained).
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt

from inference.errors import ModelFileError, SentideskError

log = logging.getLogger(__name__)

BackendName = Literal["auto", "onnx-int8", "onnx-fp32", "torch-cpu", "torch-cuda"]
ONNX_FP32 = "onnx/model.onnx"
ONNX_INT8 = "onnx/model_quantized.onnx"
#: ORT's CPU SkipLayerNormalization kernel is ~6x slower than the Add + LayerNormalization it
#: replaces (23% of int8 run time on 2 cores), so the session must not re-fuse them either.
DISABLED_ORT_FUSIONS = ["SkipLayerNormFusion"]


#: Texts per forward pass on CPU. Smaller batches beat larger ones here (int8, 2 cores:
#: 8 → 319, 16 → 304, 32 → 293 tickets/s) because activations stay in cache; texts are
#: sorted by length first, so padding does not grow as batches shrink.
CPU_BATCH_SIZE = 16
#: On a GPU, large batches amortise kernel launches (H200, bf16: 32 → ~600, 256 → ~4,400/s).
CUDA_BATCH_SIZE = 256


class Backend(Protocol):
    name: str
    #: texts per forward pass that suit this runtime
    batch_size: int
    #: logits per text, when the runtime can tell before running (checked against config.json)
    output_size: int | None

    def logits(
        self, input_ids: npt.NDArray[np.int64], attention_mask: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.float32]: ...


class OnnxBackend:
    """An ONNX Runtime CPU session; ``run`` is thread-safe, so no lock is needed."""

    def __init__(self, onnx_file: Path, threads: int | None = None) -> None:
        """``threads``: None uses every core (batch scoring); a number also stops idle ORT
        threads from spin-waiting, so an interactive process sharing the CPU stays responsive.
        """
        import onnxruntime as ort

        if not onnx_file.is_file():
            raise ModelFileError(f"ONNX model missing: {onnx_file}")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        if threads is not None:
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            self._session = ort.InferenceSession(
                str(onnx_file),
                options,
                providers=["CPUExecutionProvider"],
                disabled_optimizers=DISABLED_ORT_FUSIONS,
            )
        except Exception as exc:
            # ORT raises its own types (InvalidProtobuf, Fail, InvalidGraph, ...) for truncated
            # or corrupt files, each deriving directly from Exception: no narrower base exists.
            raise ModelFileError(f"cannot load ONNX model {onnx_file}: {exc}") from exc
        self._inputs = {i.name for i in self._session.get_inputs()}
        missing = {"input_ids", "attention_mask"} - self._inputs
        outputs = {o.name: o for o in self._session.get_outputs()}
        if missing or "logits" not in outputs:
            raise ModelFileError(
                f"{onnx_file} is not a Sentidesk classifier: it needs inputs input_ids and "
                f"attention_mask and an output logits (inputs {sorted(self._inputs)}, "
                f"outputs {sorted(outputs)})"
            )
        # The last dimension is a number for our exports; a symbolic one (a string) is unknown.
        last = (outputs["logits"].shape or [None])[-1]
        self.output_size = last if isinstance(last, int) else None
        self.name = "onnx-int8" if "quantized" in onnx_file.name else "onnx-fp32"
        self.batch_size = CPU_BATCH_SIZE

    def logits(
        self, input_ids: npt.NDArray[np.int64], attention_mask: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.float32]:
        feed = {"input_ids": input_ids, "attention_mask": attention_mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(input_ids)
        (out,) = self._session.run(["logits"], feed)
        return np.asarray(out, dtype=np.float32)


class TorchBackend:
    """The PyTorch model, on CUDA in half precision when asked, else float32 on CPU."""

    def __init__(self, model_dir: Path, device: str = "cpu", precision: str | None = None) -> None:
        """``precision``: "fp32", "fp16" or "bf16"; default bf16 on CUDA (fp16 on GPUs without
        bf16), fp32 on CPU."""
        import torch

        from inference.modeling import SentimentClassifier

        self._torch = torch
        if precision is None and device.startswith("cuda"):
            precision = "bf16" if torch.cuda.is_bf16_supported() else "fp16"
        dtype = {"fp16": torch.float16, "bf16": torch.bfloat16}.get(precision or "", torch.float32)
        try:
            model = SentimentClassifier.from_pretrained(str(model_dir), dtype=dtype)
        except Exception as exc:  # safetensors and torch raise assorted types for bad files
            raise ModelFileError(
                f"cannot load model weights from {model_dir} (config.json, model.safetensors): "
                f"{exc}"
            ) from exc
        self._model = model.to(device).eval()
        self.output_size: int | None = int(model.config.num_labels)
        self._device = device
        self._lock = threading.Lock()  # one forward at a time keeps CPU threads from thrashing
        self.name = "torch-cuda" if device.startswith("cuda") else "torch-cpu"
        self.batch_size = CUDA_BATCH_SIZE if device.startswith("cuda") else CPU_BATCH_SIZE
        self.precision = precision or "fp32"

    def logits(
        self, input_ids: npt.NDArray[np.int64], attention_mask: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.float32]:
        torch = self._torch
        with self._lock, torch.inference_mode():
            out = self._model(
                input_ids=torch.from_numpy(input_ids).to(self._device),
                attention_mask=torch.from_numpy(attention_mask).to(self._device),
            ).logits
        return np.asarray(out.float().cpu().numpy(), dtype=np.float32)


def cuda_available() -> bool:
    """True when PyTorch can use a GPU; avoids importing torch on machines with no driver."""
    if not (shutil.which("nvidia-smi") or Path("/proc/driver/nvidia/version").exists()):
        return False
    try:
        import torch
    except ImportError:
        return False
    return bool(torch.cuda.is_available())


def open_backend(
    model_dir: Path, name: BackendName = "auto", threads: int | None = None
) -> Backend:
    if name == "auto":
        if cuda_available() and (model_dir / "model.safetensors").is_file():
            name = "torch-cuda"
        elif (model_dir / ONNX_INT8).is_file():
            name = "onnx-int8"
        else:
            name = "torch-cpu"
        log.info("scoring backend: %s", name)
    if name == "onnx-int8":
        return OnnxBackend(model_dir / ONNX_INT8, threads)
    if name == "onnx-fp32":
        return OnnxBackend(model_dir / ONNX_FP32, threads)
    if name == "torch-cuda":
        if not cuda_available():
            raise SentideskError(
                "torch-cuda was asked for, but this PyTorch has no CUDA or sees no GPU: "
                "use --backend auto, onnx-int8 or torch-cpu"
            )
        return TorchBackend(model_dir, "cuda")
    return TorchBackend(model_dir, "cpu")
