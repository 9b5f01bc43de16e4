"""The inbox folder: files dropped into ``<data dir>/inbox`` are imported, then filed away.

Thread: database worker (it reads files and writes the store).

* A file is taken only once it has stopped changing for ``settle_seconds``, so a file still
  being copied in is not read half-written.
* Files are known by content, not by name: a later file with the same name is imported
  too and lands beside the first under a new name; only a file whose move failed (left in
  the inbox) is remembered by its content hash, so it is not imported again and again.
* A file that cannot be imported goes to ``failed/`` with a ``.reason.txt``; one whose rows
  were partly refused goes to ``imported/`` with a ``.rejected.txt``. A file the store could
  not take (the database locked, the disk full) stays in the inbox for the next attempt.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from console.services.desk import import_path
from console.store import SUPPORTED_SUFFIXES, ImportReport, StoreError, TicketStore
from inference import SentideskError

log = logging.getLogger(__name__)

SETTLE_SECONDS = 1.0
#: Names that are someone's temporary files, not tickets.
_TEMPORARY_SUFFIXES = (".part", ".partial", ".tmp", ".crdownload", ".download", ".swp")


@dataclass(frozen=True)
class InboxOutcome:
    """What happened to one inbox file."""

    source: Path
    report: ImportReport | None
    error: str | None
    #: where the file is now (``None``: left in the inbox to try again)
    filed_as: Path | None


class Inbox:
    def __init__(self, folder: Path, settle_seconds: float = SETTLE_SECONDS) -> None:
        self.folder = folder
        self.settle_seconds = settle_seconds
        #: content hashes of files imported but stuck in the inbox (the move failed)
        self._stuck: set[str] = set()

    def scan(self, now: float | None = None) -> tuple[list[Path], bool]:
        """Files ready to take, oldest first, and whether others are still being written."""
        if not self.folder.is_dir():
            return [], False
        now = time.time() if now is None else now
        ready: list[tuple[float, Path]] = []
        settling = False
        for path in self.folder.iterdir():
            name = path.name.lower()
            if name.startswith((".", "~")) or name.endswith(_TEMPORARY_SUFFIXES):
                continue
            try:
                if not path.is_file():
                    continue
                stat = path.stat()
            except OSError:
                continue  # gone or unreadable meanwhile; the next scan sees
            if now - stat.st_mtime < self.settle_seconds:
                settling = True
                continue
            ready.append((stat.st_mtime, path))
        return [p for _, p in sorted(ready)], settling

    def take(self, store: TicketStore, path: Path) -> InboxOutcome | None:
        """Import one ready file and file it away. ``None`` if it is gone (taken meanwhile)
        or is a file this session imported but could not move out of the inbox."""
        try:
            digest = hashlib.sha1(path.read_bytes()).hexdigest()
        except FileNotFoundError:
            return None
        except OSError as exc:
            return InboxOutcome(path, None, f"cannot read {path.name}: {exc.strerror}", None)
        if digest in self._stuck:
            return None
        report: ImportReport | None = None
        error: str | None = None
        try:
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                raise SentideskError(
                    f"{path.name}: unsupported file type (use {', '.join(SUPPORTED_SUFFIXES)})"
                )
            report = import_path(store, path)
        except StoreError as exc:
            # the file is fine; the store could not take it now: leave it for the next try
            return InboxOutcome(path, None, str(exc), None)
        except SentideskError as exc:
            error = str(exc)
        except Exception as exc:
            # An importer bug must not stop the console from starting with this file in
            # the inbox: the file goes to failed/ with the error, the trace to the log.
            log.exception("importing %s failed", path)
            error = f"{path.name}: unexpected error ({type(exc).__name__}: {exc})"
        filed = self._file_away(path, report, error)
        if filed == path:
            self._stuck.add(digest)
        return InboxOutcome(path, report, error, filed)

    def _file_away(self, path: Path, report: ImportReport | None, error: str | None) -> Path:
        folder = self.folder / ("failed" if error is not None else "imported")
        folder.mkdir(exist_ok=True)
        target = _free_name(folder / path.name)
        try:
            shutil.move(str(path), target)
        except OSError as exc:
            log.warning("could not move %s to %s: %s", path, folder, exc.strerror)
            target = path
        if error is not None:
            _write_note(target, ".reason.txt", error)
        elif report is not None and report.rejected:
            _write_note(
                target,
                ".rejected.txt",
                "\n".join(f"{r.where}: {r.reason}" for r in report.rejected),
            )
        return target


def _free_name(target: Path) -> Path:
    """``target``, or ``name-2.csv``, ``name-3.csv``… if a file of that name is there."""
    number = 1
    candidate = target
    while candidate.exists():
        number += 1
        candidate = target.with_name(f"{target.stem}-{number}{target.suffix}")
    return candidate


def _write_note(target: Path, suffix: str, text: str) -> None:
    try:
        target.with_name(target.name + suffix).write_text(text + "\n", "utf-8")
    except OSError as exc:
        log.warning("could not write the note beside %s: %s", target, exc.strerror)
