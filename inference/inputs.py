"""Reading texts to score from user files: plain text lines, CSV or JSONL."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inference.errors import InputFileError

#: Column names that may hold the text, in order of preference.
TEXT_COLUMNS = ("text", "body", "message", "content", "review")
#: Refuse files above this size rather than exhausting memory on a mistaken path.
MAX_FILE_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class InputRow:
    """One row of an input file; ``line`` is 1-based (the header is line 1 in CSV)."""

    line: int
    id: str
    text: str
    fields: dict[str, Any] = field(default_factory=dict)


def decode_bytes(data: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM), else GB18030, the usual encoding of Chinese Windows files."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputFileError(f"{path}: not UTF-8 or GB18030 text; re-save it as UTF-8")


def read_text_file(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputFileError(f"{path}: {size} bytes is larger than the 512 MiB limit")
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(f"cannot read {path}: {exc.strerror}") from exc
    if b"\x00" in data[:4096]:
        raise InputFileError(f"{path}: looks like a binary file, not text")
    return decode_bytes(data, path)


def _text_of(record: dict[str, Any], where: str) -> str:
    for column in TEXT_COLUMNS:
        value = record.get(column)
        if value is not None:
            if not isinstance(value, str):
                raise InputFileError(f"{where}: column {column!r} is not text")
            return value
    raise InputFileError(f"{where}: no text column (expected one of {', '.join(TEXT_COLUMNS)})")


def read_rows(
    path: str | Path, fmt: str | None = None, require_text: bool = True
) -> list[InputRow]:
    """Parse ``path`` by extension (``.csv``, ``.jsonl``/``.json``, anything else: lines).

    Raises :class:`InputFileError` with the file and line for the first malformed row, so a
    bad file is rejected whole rather than half-scored. With ``require_text=False`` a JSONL
    object without a text column is kept with empty text (its caller reads other fields).
    """
    path = Path(path)
    fmt = fmt or {".csv": "csv", ".jsonl": "jsonl", ".json": "jsonl"}.get(
        path.suffix.lower(), "lines"
    )
    content = read_text_file(path)
    rows: list[InputRow] = []
    if fmt == "lines":
        for number, line in enumerate(content.splitlines(), 1):
            if line.strip():
                rows.append(InputRow(number, str(number), line.strip()))
    elif fmt == "jsonl":
        for number, line in enumerate(content.splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputFileError(f"{path}:{number}: invalid JSON ({exc.msg})") from exc
            if not isinstance(record, dict):
                raise InputFileError(f"{path}:{number}: expected a JSON object per line")
            if require_text or any(c in record for c in TEXT_COLUMNS):
                text = _text_of(record, f"{path}:{number}")
            else:
                text = ""
            rows.append(InputRow(number, str(record.get("id", number)), text, record))
    elif fmt == "csv":
        reader = csv.DictReader(io.StringIO(content, newline=""))
        if not reader.fieldnames:
            raise InputFileError(f"{path}: empty CSV file (no header row)")
        try:
            for record in reader:
                number = reader.line_num
                if None in record:
                    raise InputFileError(f"{path}:{number}: more fields than header columns")
                text = _text_of(record, f"{path}:{number}")
                rows.append(InputRow(number, str(record.get("id") or number), text, record))
        except csv.Error as exc:
            raise InputFileError(f"{path}:{reader.line_num}: malformed CSV ({exc})") from exc
    else:
        raise InputFileError(f"unknown input format {fmt!r}")
    return rows
