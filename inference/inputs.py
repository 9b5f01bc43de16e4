"""Reading texts to score from user files: plain text lines, CSV or JSONL.

A file that cannot be read at all raises :class:`InputFileError`; a readable file gives the
rows it could take plus a :class:`RowError` (line and reason) for each row it could not, so
one bad row never costs the rest of the file and is never dropped without a word.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inference.errors import InputFileError

#: Column names that may hold the text, in order of preference.
TEXT_COLUMNS = ("text", "body", "message", "content", "review")
#: Refuse files above this size rather than exhausting memory on a mistaken path.
MAX_FILE_BYTES = 512 * 1024 * 1024
#: JSON nested deeper than this is no ticket; refusing it keeps every later walk shallow.
MAX_JSON_DEPTH = 32
#: The reason given for the last row of a file that stops in the middle of that row.
ENDS_MID_ROW = "file ends mid-row (still being written?)"
#: Encodings tried, after the byte-order marks and UTF-8, for files saved by older Windows
#: programs: Chinese (simplified, then traditional), then Western European. Their order breaks
#: ties, which only very short texts produce: GB18030 first because Chinese Windows users send
#: GBK files far more often than Big5 ones.
LEGACY_ENCODINGS = ("gb18030", "big5", "cp1252")
ENCODINGS_TRIED = "UTF-8, UTF-16/UTF-32 (with a byte-order mark), GB18030/GBK, Big5, Windows-1252"

# Every CSV is parsed from a string already in memory (bounded by MAX_FILE_BYTES), so the
# csv module's 128 KiB field limit protects nothing here; hitting it raises an error after
# which the reader loses its place in the file. Field sizes are checked per row instead.
csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))

_BOMS = (
    # UTF-32 LE starts with the UTF-16 LE mark, so it is tested first.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_ASCII = bytes(range(128))
_SURROGATE = re.compile("[\ud800-\udfff]")
_BINARY_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_NOT_SPACE = re.compile(r"\S")
_IMPLAUSIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\ufffd]")
_NON_ASCII_RUN = re.compile("[^\x00-\x7f]+")
#: Non-ASCII punctuation of ordinary Western text (quotes, dashes, currency, degrees...).
_LATIN_PUNCT = frozenset("«»‘’‚“”„–—…€£¥°©®™•·§¶\xa0¿¡½¼¾²³µºª±×")
#: A decoding whose text scores below this is taken for mojibake, not text.
_PLAUSIBLE = 0.8
#: The plausibility of a long file is judged on its beginning; decoding checks every byte.
_SAMPLE_CHARS = 200_000


@dataclass(frozen=True)
class InputRow:
    """One row of an input file; ``line`` is 1-based (the header is line 1 in CSV).

    ``text_column`` names the column the text came from ("" when the row has none).
    """

    line: int
    id: str
    text: str
    fields: dict[str, Any] = field(default_factory=dict)
    text_column: str = ""


@dataclass(frozen=True)
class RowError:
    """A row of a readable file that could not be taken, and why."""

    line: int
    id: str
    reason: str


@dataclass(frozen=True)
class ReadResult:
    """Every non-blank row of a file is in exactly one of ``rows`` and ``errors``."""

    rows: tuple[InputRow, ...]
    errors: tuple[RowError, ...]
    encoding: str = "utf-8"


@dataclass(frozen=True)
class DecodedText:
    """Text decoded from a file's bytes.

    ``truncated``: the bytes stop inside a UTF-8 character, so the file was cut (most often
    it is still being written) and its last row is incomplete. ``invalid``: the file is UTF-8
    apart from a few bytes of another encoding; those bytes are kept as lone surrogates
    (``surrogateescape``) so that exactly the rows holding them can be rejected.
    """

    text: str
    encoding: str
    truncated: bool = False
    invalid: bool = False


def _line_of(data: bytes, offset: int, encoding: str) -> int:
    return data[:offset].decode(encoding, "replace").count("\n") + 1


def _garbled(text: str) -> bool:
    """Unassigned, private-use or control characters, at least 8 and over 5% of the text:
    no text in any language (a few are left to the rows that hold them)."""
    sample = text[:4096]
    odd = sum(
        unicodedata.category(ch) in ("Cn", "Co", "Cs") or (ch < " " and ch not in "\t\n\r")
        for ch in sample
    )
    return odd >= 8 and odd * 20 > len(sample)


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 but for a few bytes: rows of another encoding pasted into a UTF-8 file.

    GBK and Big5 bytes form many valid UTF-8 pairs by chance (their bytes A1-BF are UTF-8
    continuation bytes), so what tells them apart is how many bytes are left over.
    """
    non_ascii = len(data.translate(None, _ASCII))
    text = data.decode("utf-8", "surrogateescape")
    invalid = len(_SURROGATE.findall(text))
    return non_ascii - invalid >= 4 * invalid and non_ascii - invalid >= 8


def _is_cjk_punct(ch: str) -> bool:
    return "\u3000" <= ch <= "\u303f" or "\uff01" <= ch <= "\uff5e" or "\u2010" <= ch <= "\u2026"


def _cjk_weight(ch: str, encoding: str) -> float:
    """How ordinary ``ch`` is in text written in ``encoding`` (1 common .. 0 mojibake).

    Both Chinese encodings decode almost any byte pair, so the decodings are told apart by
    where the characters fall: real text keeps to the common ideographs of its own character
    set (GB2312 level 1, Big5 level 1), while the other encoding's bytes land on rare
    ideographs, kana, Cyrillic or box drawing.
    """
    if _is_cjk_punct(ch):
        return 1.0
    if not "\u4e00" <= ch <= "\u9fff":
        return 0.0
    if encoding == "gb18030":
        try:
            lead = ch.encode("gb2312")[0]
        except UnicodeEncodeError:
            return 0.1  # a GBK ideograph outside GB2312: real, but rare in simplified text
        return 1.0 if lead <= 0xD7 else 0.7
    raw = ch.encode("big5", "replace")
    level_one = raw[:1] < b"\xc6" or (raw[:1] == b"\xc6" and raw[1:2] <= b"\x7e")
    return 1.0 if level_one else 0.6


def _cjk_score(text: str, encoding: str) -> float:
    counts = Counter(ch for ch in text if ch > "\x7f")
    total = sum(counts.values())
    if not total:
        return 0.0
    return sum(_cjk_weight(ch, encoding) * n for ch, n in counts.items()) / total


def _latin_score(text: str, data: bytes) -> float:
    """Plausibility of a Windows-1252 decoding, one character per byte.

    Western text has accented letters inside words of ASCII letters, one or two at a time;
    Chinese bytes read as Windows-1252 give long runs of accented capitals and symbols, and
    UTF-8 read as Windows-1252 gives the familiar ``Ã©`` pairs (valid UTF-8 sequences).
    """
    in_utf8 = bytearray(len(data))
    for m in _UTF8_SEQUENCE.finditer(data):
        in_utf8[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
    good = total = 0
    for run in _NON_ASCII_RUN.finditer(text):
        start, end = run.span()
        total += end - start
        if end - start > 2:
            good += sum(ch in _LATIN_PUNCT for ch in run.group())
            continue
        if end - start == 1 and not in_utf8[start] and text[start].isalpha():
            # A letter on its own is a word in French, Italian or Spanish (à, è, ó).
            good += 1
            continue
        near_letter = (start > 0 and text[start - 1].isascii() and text[start - 1].isalpha()) or (
            end < len(text) and text[end].isascii() and text[end].isalpha()
        )
        for i in range(start, end):
            ch = text[i]
            if in_utf8[i]:
                continue
            if ch in _LATIN_PUNCT or (ch.isalpha() and near_letter):
                good += 1
    return good / total if total else 0.0


def _plausibility(text: str, data: bytes, encoding: str) -> float:
    sample = text[:_SAMPLE_CHARS]
    # Control characters, replacement characters and private-use characters (what GB18030
    # and Big5 give for byte pairs no real text uses) never appear in a right decoding.
    if _IMPLAUSIBLE.search(sample):
        return 0.0
    if encoding == "cp1252":
        return _latin_score(sample, data[:_SAMPLE_CHARS])
    return _cjk_score(sample, encoding)


def _detect(data: bytes, label: str) -> DecodedText:
    """A legacy encoding for bytes that are not UTF-8, or InputFileError when none fits."""
    from charset_normalizer import from_bytes

    candidates: list[tuple[float, int, str, str]] = []
    for match in from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS)):
        name = codecs.lookup(match.encoding).name
        if name not in LEGACY_ENCODINGS:
            continue
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        score = _plausibility(text, data, name)
        candidates.append((score, -LEGACY_ENCODINGS.index(name), name, text))
    if candidates:
        score, _, name, text = max(candidates)
        if score >= _PLAUSIBLE:
            return DecodedText(text, name)
    raise InputFileError(
        f"{label}: cannot tell the text encoding (tried {ENCODINGS_TRIED}); re-save it as UTF-8"
    )


def decode_text(data: bytes, path: Path | str) -> DecodedText:
    """Decode a text file's bytes: byte-order marks, then UTF-8, then a plausible legacy guess.

    Raises :class:`InputFileError` for binary data and for bytes no tried encoding turns into
    plausible text; a wrong guess would store mojibake, which is worse than a refusal.
    """
    for bom, encoding in _BOMS:
        if encoding == "utf-8-sig" and data.startswith(bom):
            # The same as UTF-8 without the mark, flaws included.
            decoded = decode_text(data[len(bom) :], path)
            return DecodedText(decoded.text, "utf-8-sig", decoded.truncated, decoded.invalid)
        if data.startswith(bom):
            name = encoding.upper()
            try:
                decoded = DecodedText(data.decode(encoding), encoding)
            except UnicodeDecodeError as exc:
                if exc.end != len(data) or exc.reason != "truncated data":
                    line = _line_of(data, exc.start, encoding)
                    raise InputFileError(
                        f"{path}:{line}: starts with a {name} byte-order mark but is not "
                        f"valid {name} text; re-save it as UTF-8"
                    ) from exc
                prefix = data[: exc.start].decode(encoding)
                decoded = DecodedText(prefix, encoding, truncated=True)
            if _garbled(decoded.text):
                # Any bytes decode as UTF-16; binary data after FF FE gives unassigned,
                # private-use and control characters.
                raise InputFileError(
                    f"{path}: starts with a {name} byte-order mark but is no {name} text; "
                    "re-save it as UTF-8"
                )
            return decoded
    head = data[:4096]
    if max(head[1::2].count(0), head[::2].count(0)) > 0.4 * (len(head) // 2) > 0:
        # Valid UTF-8 as far as bytes go (NUL is ASCII), but every other byte zero.
        raise InputFileError(
            f"{path}: looks like UTF-16 without a byte-order mark; re-save it as UTF-8"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc
    else:
        # ASCII control bytes are valid UTF-8 too; text has a stray one at most.
        if len(_BINARY_CONTROL.findall(text, 0, 4096)) * 20 > min(len(text), 4096):
            raise InputFileError(f"{path}: looks like a binary file, not text")
        return DecodedText(text, "utf-8")
    if b"\x00" in head:
        # Binary formats are not UTF-8; a UTF-8 file with a stray NUL is still text.
        raise InputFileError(f"{path}: looks like a binary file, not text")
    if first_bad.reason == "unexpected end of data" and first_bad.end == len(data):
        # Bytes cut inside the last character: a file copied or read while being written.
        # Only a file with other UTF-8 characters is taken for cut UTF-8; a single odd byte
        # at the end of plain ASCII is as likely one Windows-1252 letter.
        text = data[: first_bad.start].decode("utf-8")
        if not text.isascii():
            return DecodedText(text, "utf-8", truncated=True)
    if _mostly_utf8(data):
        return DecodedText(data.decode("utf-8", "surrogateescape"), "utf-8", invalid=True)
    return _detect(data, str(path))


def decode_bytes(data: bytes, path: Path | str) -> str:
    """The text of a file's bytes; unlike :func:`decode_text`, any flaw raises InputFileError."""
    decoded = decode_text(data, path)
    if decoded.invalid:
        match = _SURROGATE.search(decoded.text)
        where = decoded.text.count("\n", 0, match.start() if match else 0) + 1
        raise InputFileError(
            f"{path}:{where}: not valid UTF-8 (bytes of another encoding); re-save it as UTF-8"
        )
    if decoded.truncated:
        raise InputFileError(f"{path}: {ENDS_MID_ROW}")
    return decoded.text


def read_file_bytes(path: Path) -> bytes:
    """The bytes of an input file, refusing files too large to be one (InputFileError)."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputFileError(f"{path}: {size} bytes is larger than the 512 MiB limit")
        return path.read_bytes()
    except OSError as exc:
        raise InputFileError(f"cannot read {path}: {exc.strerror or exc}") from exc


class _RowError(ValueError):
    """A reason to reject one row."""


_NOT_UTF8 = "not valid UTF-8 (bytes of another encoding); fix the row or re-save the file as UTF-8"


def _type_name(value: object) -> str:
    return {dict: "an object", list: "a list", bool: "true/false", type(None): "null"}.get(
        type(value), type(value).__name__
    )


def _row_id(value: object, fallback: int) -> str:
    if value is None or value == "":
        return str(fallback)
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            raise _RowError("id must be text or a number")
        return str(value)
    raise _RowError(f"id must be text or a number, not {_type_name(value)}")


def _text_of(record: dict[str, Any]) -> tuple[str, str] | None:
    """(column, text): the first text column with text, else the first present; None if none."""
    first: tuple[str, str] | None = None
    for column in TEXT_COLUMNS:
        value = record.get(column)
        if value is None:
            continue
        if not isinstance(value, str):
            raise _RowError(f"column {column!r} is not text but {_type_name(value)}")
        if value.strip():
            return column, value
        first = first or (column, value)
    return first


def _no_text_column() -> str:
    return f"no text column (expected one of {', '.join(TEXT_COLUMNS)})"


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for key, value in pairs:
        if key in record:
            # json.loads would keep the last value and drop the first without a word.
            raise _RowError(f"key {key!r} appears twice")
        record[key] = value
    return record


def _check_json(record: dict[str, Any]) -> None:
    """Nesting depth and unpaired surrogates (from ``\\ud800`` escapes), without recursion."""
    stack: list[tuple[Any, int]] = [(record, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                raise _RowError("text holds an unpaired surrogate escape (\\ud800-\\udfff)")
        elif isinstance(value, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise _RowError(f"nested deeper than {MAX_JSON_DEPTH} levels")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str) and _SURROGATE.search(key):
                    raise _RowError("a key holds an unpaired surrogate escape")
                stack.append((item, depth + 1))


def _parse_json_line(line: str) -> dict[str, Any]:
    try:
        record = json.loads(line, object_pairs_hook=_unique_object)
    except _RowError:
        raise
    except json.JSONDecodeError as exc:
        raise _RowError(f"invalid JSON ({exc.msg}, column {exc.colno})") from exc
    except RecursionError as exc:
        raise _RowError("invalid JSON (nested too deeply)") from exc
    except ValueError as exc:
        # Integers longer than Python's digit limit (4300) for str-to-int conversion.
        raise _RowError("invalid JSON (a number with too many digits)") from exc
    if not isinstance(record, dict):
        raise _RowError(f"expected a JSON object, not {_type_name(record)}")
    _check_json(record)
    return record


def _record_row(record: dict[str, Any], number: int, require_text: bool) -> InputRow:
    row_id = _row_id(record.get("id"), number)
    found = _text_of(record)
    if found is None and require_text:
        raise _RowError(_no_text_column())
    column, text = found or ("", "")
    return InputRow(number, row_id, text, record, column)


def _jsonl_rows(decoded: DecodedText, require_text: bool) -> tuple[list[InputRow], list[RowError]]:
    """One JSON object per line; or, as exports from other tools often are, one JSON
    document holding an array of objects or a single object over several lines."""
    if decoded.text.lstrip().startswith("[") or _one_document(decoded.text):
        return _json_document_rows(decoded, require_text)
    rows: list[InputRow] = []
    errors: list[RowError] = []
    lines = decoded.text.split("\n")
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        unterminated = number == len(lines)
        try:
            if decoded.invalid and _SURROGATE.search(line):
                raise _RowError(_NOT_UTF8)
            if unterminated and decoded.truncated:
                raise _RowError(ENDS_MID_ROW)
            try:
                record = _parse_json_line(line)
            except _RowError:
                if unterminated:
                    raise _RowError(ENDS_MID_ROW) from None
                raise
            rows.append(_record_row(record, number, require_text))
        except _RowError as exc:
            errors.append(RowError(number, str(number), str(exc)))
    return rows, errors


def _one_document(text: str) -> bool:
    """Whether ``text`` is one JSON object spread over several lines (pretty-printed)."""
    stripped = text.strip()
    if not stripped.startswith("{") or "\n" not in stripped:
        return False
    first = stripped.split("\n", 1)[0]
    try:
        json.loads(first)
    except ValueError:
        pass
    else:
        return False  # its first line is a whole object: JSON lines
    try:
        return isinstance(json.loads(stripped), dict)
    except (ValueError, RecursionError):
        return False


def _json_document_rows(
    decoded: DecodedText, require_text: bool
) -> tuple[list[InputRow], list[RowError]]:
    """The objects of a JSON array (or one object), each numbered by the line it starts on.

    An element that is not valid JSON ends the reading: nothing after it can be trusted to
    start where it seems to, so the rest is one error naming its line."""
    text = decoded.text
    plain = json.JSONDecoder()
    rows: list[InputRow] = []
    errors: list[RowError] = []
    position = len(text) - len(text.lstrip())
    in_array = text.startswith("[", position)
    position += in_array
    line, counted = 1, 0

    def skip_space() -> None:
        nonlocal position, line, counted
        found = _NOT_SPACE.search(text, position)
        position = found.start() if found else len(text)
        line += text.count("\n", counted, position)
        counted = position

    def fail(reason: str) -> None:
        errors.append(RowError(line, str(line), reason))

    while True:
        skip_space()
        if in_array and text.startswith("]", position):
            position += 1
            skip_space()
            if position < len(text):
                fail("more text after the JSON array: a file is JSON lines or one JSON array")
            break
        if position >= len(text):
            if in_array:
                fail(ENDS_MID_ROW)
            break
        try:
            _, end = plain.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            cut = in_array and not text.rstrip().endswith("]")
            rest = "" if cut else "; nothing after it in the file was read"
            fail(ENDS_MID_ROW if cut else f"invalid JSON ({exc.msg}){rest}")
            break
        except (RecursionError, ValueError):
            fail("invalid JSON (nested too deeply, or a number with too many digits)")
            break
        element, position = text[position:end], end
        try:
            if decoded.invalid and _SURROGATE.search(element):
                raise _RowError(_NOT_UTF8)
            rows.append(_record_row(_parse_json_line(element), line, require_text))
        except _RowError as exc:
            fail(str(exc))
        if not in_array:
            break
        skip_space()
        if text.startswith(",", position):
            position += 1
        elif not text.startswith("]", position):
            fail("invalid JSON (expected ',' or ']' after an object)")
            break
    return rows, errors


def _line_rows(decoded: DecodedText) -> tuple[list[InputRow], list[RowError]]:
    rows: list[InputRow] = []
    errors: list[RowError] = []
    lines = decoded.text.splitlines()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if decoded.invalid and _SURROGATE.search(line):
            errors.append(RowError(number, str(number), _NOT_UTF8))
        elif decoded.truncated and number == len(lines):
            errors.append(RowError(number, str(number), ENDS_MID_ROW))
        else:
            rows.append(InputRow(number, str(number), line.strip()))
    return rows, errors


def _open_quote(raw: str) -> bool:
    """Whether a CSV record's source ends inside a quoted field (the csv module's rules)."""
    state = "start"
    for ch in raw:
        if state == "quoted":
            if ch == '"':
                state = "quote"
        elif state == "quote":
            state = "quoted" if ch == '"' else "start" if ch in ",\r\n" else "field"
        elif ch == '"' and state == "start":
            state = "quoted"
        elif ch in ",\r\n":
            state = "start"
        else:
            state = "field"
    return state == "quoted"


def _csv_header(fields: list[str], label: str, line: int, require_text: bool) -> list[str]:
    """Column names, lower-cased: spreadsheets write "Text" or "Customer" as often as not."""
    names: list[str] = []
    for i, raw in enumerate(fields, 1):
        if _SURROGATE.search(raw):
            raise InputFileError(f"{label}:{line}: the header is not valid UTF-8")
        name = raw.strip().lower() or f"column{i}"
        if name in names:
            raise InputFileError(f"{label}:{line}: column {name!r} appears twice in the header")
        names.append(name)
    if require_text and not any(c in names for c in TEXT_COLUMNS):
        hint = ""
        if len(names) == 1 and (";" in names[0] or "\t" in names[0]):
            hint = " (the columns seem to be separated by ';' or tabs: save it with commas)"
        raise InputFileError(
            f"{label}: {_no_text_column()}; the header read was {', '.join(names)!r}{hint}"
        )
    return names


def _csv_rows(
    decoded: DecodedText, label: str, require_text: bool
) -> tuple[list[InputRow], list[RowError]]:
    consumed: list[str] = []

    def source() -> Iterator[str]:
        for line in io.StringIO(decoded.text, newline=""):
            consumed.append(line)
            yield line

    reader = csv.reader(source())
    records: list[tuple[int, list[str], str]] = []
    try:
        for fields in reader:
            raw = "".join(consumed)
            start = reader.line_num - len(consumed) + 1
            consumed.clear()
            if fields:
                records.append((start, fields, raw))
    except csv.Error as exc:
        raise InputFileError(f"{label}:{reader.line_num}: malformed CSV ({exc})") from exc
    if not records:
        raise InputFileError(f"{label}: empty CSV file (no header row)")
    header_line, header_fields, _ = records[0]
    header = _csv_header(header_fields, label, header_line, require_text)
    rows: list[InputRow] = []
    errors: list[RowError] = []
    for index, (number, cells, raw) in enumerate(records[1:], 2):
        last = index == len(records)
        ends_open = last and not raw.endswith(("\n", "\r"))
        try:
            if last and (_open_quote(raw) or (ends_open and decoded.truncated)):
                raise _RowError(ENDS_MID_ROW)
            if decoded.invalid and any(_SURROGATE.search(f) for f in cells):
                raise _RowError(_NOT_UTF8)
            fields = cells
            if len(fields) > len(header) and not any(f.strip() for f in fields[len(header) :]):
                # Trailing empty cells beyond the header (a spreadsheet's stray commas).
                fields = fields[: len(header)]
            if len(fields) < len(header) and ends_open:
                raise _RowError(ENDS_MID_ROW)
            if len(fields) != len(header):
                raise _RowError(f"row has {len(fields)} fields, the header has {len(header)}")
            record = dict(zip(header, fields, strict=True))
            column, text = _text_of(record) or ("", "")
            rows.append(InputRow(number, record.get("id") or str(number), text, record, column))
        except _RowError as exc:
            errors.append(RowError(number, str(number), str(exc)))
    return rows, errors


def read_rows(path: str | Path, fmt: str | None = None, require_text: bool = True) -> ReadResult:
    """Parse ``path`` by extension (``.csv``, ``.jsonl``/``.json``, anything else: lines).

    Raises :class:`InputFileError` when the file as a whole cannot be read (missing, binary,
    unknown encoding, a CSV without header or text column); each row that cannot be read is
    a :class:`RowError` in the result, and the other rows are returned. With
    ``require_text=False`` a JSONL object or a CSV without a text column is kept with empty
    text (its caller reads other fields, such as a ``messages`` thread or a ticket ``id``).
    """
    path = Path(path)
    fmt = fmt or {".csv": "csv", ".jsonl": "jsonl", ".json": "jsonl"}.get(
        path.suffix.lower(), "lines"
    )
    if fmt not in ("lines", "jsonl", "csv"):
        raise InputFileError(f"unknown input format {fmt!r}")
    decoded = decode_text(read_file_bytes(path), path)
    if fmt == "lines":
        rows, errors = _line_rows(decoded)
    elif fmt == "jsonl":
        rows, errors = _jsonl_rows(decoded, require_text)
    else:
        rows, errors = _csv_rows(decoded, str(path), require_text)
    return ReadResult(tuple(rows), tuple(errors), decoded.encoding)
