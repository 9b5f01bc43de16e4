"""Versioned model folders with manifests, and an atomically switched ``active`` pointer.

Layout under ``<data dir>/models``::

    m20261128-193000-ab12cd/      one folder per version (config, weights, tokenizer, onnx/)
        manifest.json
    ACTIVE                        the active version's name; replaced with os.replace()

Nothing is deleted on activation, so any older version can be rolled back to.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from inference.errors import ModelFileError, ModelNotFoundError

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
ACTIVE = "ACTIVE"


@dataclass(frozen=True)
class Manifest:
    """What a model version is and how it was made: enough to reproduce or audit it."""

    version: str
    created: str
    base_model: str
    parent: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    hyperparameters: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    notes: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manifest:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


def new_version_name(now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    return "m" + now.strftime("%Y%m%d-%H%M%S-%f")[:-3]


class ModelRegistry:
    """Thread: worker threads only (it touches the file system)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, version: str) -> Path:
        if not version or "/" in version or version.startswith("."):
            raise ModelNotFoundError(f"invalid model version {version!r}")
        return self.root / version

    def manifest(self, version: str) -> Manifest:
        file = self.path(version) / MANIFEST
        try:
            return Manifest.from_dict(json.loads(file.read_text(encoding="utf-8")))
        except FileNotFoundError as exc:
            raise ModelNotFoundError(f"no model version {version!r} in {self.root}") from exc
        except (OSError, ValueError, TypeError) as exc:
            raise ModelFileError(f"corrupt manifest {file}: {exc}") from exc

    def versions(self) -> list[Manifest]:
        """All readable versions, oldest first; unreadable folders are skipped with a warning."""
        found = []
        for folder in sorted(self.root.iterdir()):
            if folder.is_dir() and (folder / MANIFEST).is_file():
                try:
                    found.append(self.manifest(folder.name))
                except ModelFileError as exc:
                    log.warning("skipping model folder: %s", exc)
        return sorted(found, key=lambda m: m.created)

    def active_version(self) -> str | None:
        try:
            name = (self.root / ACTIVE).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return name or None

    def active_path(self) -> Path:
        version = self.active_version()
        if version is None:
            raise ModelNotFoundError(
                f"no active model in {self.root}; run `sentidesk model build` first"
            )
        path = self.path(version)
        if not (path / MANIFEST).is_file():
            raise ModelNotFoundError(f"active model {version!r} is missing from {self.root}")
        return path

    def register(self, folder: Path, manifest: Manifest) -> Path:
        """Move a finished model folder into the registry under ``manifest.version``."""
        dest = self.path(manifest.version)
        if dest.exists():
            raise ModelFileError(f"model version {manifest.version} already exists")
        (folder / MANIFEST).write_text(json.dumps(manifest.to_dict(), indent=2), encoding="utf-8")
        if folder.parent.resolve() == self.root.resolve() or _same_device(folder, self.root):
            folder.rename(dest)
        else:
            shutil.copytree(folder, dest)
        return dest

    def activate(self, version: str) -> None:
        """Point ``ACTIVE`` at ``version``; readers see either the old or the new name."""
        self.manifest(version)  # refuses unknown or corrupt versions
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".active-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(version + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.root / ACTIVE)
        log.info("active model is now %s", version)

    def rollback(self) -> str:
        """Activate the active version's parent (or the previous version); return its name."""
        current = self.active_version()
        if current is None:
            raise ModelNotFoundError("no active model to roll back from")
        parent = self.manifest(current).parent
        if parent is None or not (self.path(parent) / MANIFEST).is_file():
            older = [m.version for m in self.versions() if m.version < current]
            if not older:
                raise ModelNotFoundError(f"{current} has no earlier version to roll back to")
            parent = older[-1]
        self.activate(parent)
        return parent


def _same_device(a: Path, b: Path) -> bool:
    return a.stat().st_dev == b.stat().st_dev
