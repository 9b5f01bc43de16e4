"""Versioned model folders with manifests, and an atomically switched ``active`` pointer.

Layout under ``<data dir>/models``::

    m20261128-193000-ab12cd/      one folder per version (config, weights, tokenizer, onnx/)
        manifest.json
    ACTIVE                        the active version's name; replaced with os.replace()

Nothing is deleted on activation, so any older version can be rolled back to. Version names
are creation timestamps, so "older" and "newer" compare names; this still works when a
version's folder or manifest is gone. Old versions are removed only on purpose (see
``console.services.models.prune_models``): a removed folder is first renamed to a dot-named
trash folder, which is never listed, and only then deleted, so a crash halfway through a
deletion never leaves a half-deleted version that looks usable.

A *provisional* version (``data.kind`` is ``"provisional"`` in its manifest) holds character
n-gram models instead of a transformer (see :mod:`inference.lexical_scorer`): what a fresh
machine scores with while its default model builds. It is listed, activated and rolled back
like any other version, but does not count as a model someone chose.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Generic, Literal, overload

from typing_extensions import TypeVar

from inference.backends import ONNX_INT8, BackendName
from inference.calibration import read_calibration
from inference.encoding import DEFAULT_MAX_LENGTH
from inference.errors import ModelFileError, ModelNotFoundError, SentideskError
from inference.layout import read_model_config
from inference.lexical import LEXICAL_FILE
from inference.lexical_scorer import CATEGORY_FILE, LexicalScorer
from inference.protocol import SentimentScorer
from inference.scorer import Scorer

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
ACTIVE = "ACTIVE"
BUILD_HINT = "build one with `sentidesk model build`"
#: Files a version needs besides its config: the tokenizer and at least one set of weights.
TOKENIZER = "tokenizer.json"
WEIGHTS = ("model.safetensors", ONNX_INT8)
#: ``Manifest.data["kind"]`` of a provisional version, and the files it needs besides config.
PROVISIONAL = "provisional"
PROVISIONAL_FILES = (LEXICAL_FILE, CATEGORY_FILE)


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
    #: how its probabilities were calibrated and what that changed (see
    #: :mod:`training.calibration`); empty for versions made before calibration existed
    calibration: dict[str, Any] = field(default_factory=dict)

    @property
    def provisional(self) -> bool:
        """A stand-in of character n-grams, made while the default model builds."""
        return self.data.get("kind") == PROVISIONAL

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: object) -> Manifest:
        """Raises ``ValueError`` naming the field when ``data`` is not a manifest; unknown
        keys are ignored, so newer manifests still load."""
        if not isinstance(data, dict):
            raise ValueError(f"expected a JSON object, found {type(data).__name__}")
        for key in ("version", "created", "base_model"):
            if key not in data:
                raise ValueError(f'"{key}" is missing')
        expected: dict[str, tuple[type, ...]] = {
            "version": (str,),
            "created": (str,),
            "base_model": (str,),
            "parent": (str, type(None)),
            "data": (dict,),
            "hyperparameters": (dict,),
            "metrics": (dict,),
            "notes": (str,),
            "calibration": (dict,),
        }
        for key, types in expected.items():
            if key in data and not isinstance(data[key], types):
                names = " or ".join("null" if t is type(None) else _JSON_NAMES[t] for t in types)
                raise ValueError(f'"{key}" must be {names}, found {data[key]!r:.80}')
        if not data["version"]:
            raise ValueError('"version" is empty')
        return cls(**{k: v for k, v in data.items() if k in expected})


_JSON_NAMES: dict[type, str] = {str: "a string", dict: "an object"}


@dataclass(frozen=True)
class RegistryEntry:
    """One version folder as ``model list`` shows it."""

    version: str
    #: None when the manifest cannot be read
    manifest: Manifest | None
    #: why the version cannot be used, or None when its files pass :meth:`ModelRegistry.check`
    problem: str | None


def new_version_name(now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    return "m" + now.strftime("%Y%m%d-%H%M%S-%f")[:-3]


class ModelRegistry:
    """Thread: worker threads only (it touches the file system)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError) as exc:
            raise ModelFileError(
                f"{root} must be the folder of model versions: it is a file"
            ) from exc

    def path(self, version: str) -> Path:
        if not version or "/" in version or "\\" in version or version.startswith("."):
            raise ModelNotFoundError(f"invalid model version {version!r}")
        return self.root / version

    def manifest(self, version: str) -> Manifest:
        folder = self.path(version)
        file = folder / MANIFEST
        if not folder.is_dir():
            raise ModelNotFoundError(f"model version {version!r} is missing from {self.root}")
        try:
            manifest = Manifest.from_dict(json.loads(file.read_text(encoding="utf-8")))
        except FileNotFoundError as exc:
            raise ModelFileError(f"{file} is missing") from exc
        except (OSError, ValueError) as exc:
            raise ModelFileError(f"corrupt manifest {file}: {exc}") from exc
        if manifest.version != version:
            # Rollback and activation go by the folder name; a manifest naming another
            # version would make them switch to a folder other than the one listed.
            raise ModelFileError(
                f"corrupt manifest {file}: it names version {manifest.version!r}, "
                f"but its folder is {version!r}"
            )
        return manifest

    def check(self, version: str) -> Manifest:
        """The version's manifest, after checking the folder holds a readable config, a
        tokenizer, weights and calibration, and int8 and n-gram files of the size its build
        wrote (a provisional version: its two n-gram models); cheap (nothing is loaded), so
        a loader can still fail on corrupt weights. Raises :class:`ModelNotFoundError` or
        :class:`ModelFileError`."""
        manifest = self.manifest(version)
        folder = self.path(version)
        read_model_config(folder)
        if manifest.provisional:
            for name in PROVISIONAL_FILES:
                _require_file(folder / name)
            return manifest
        _require_file(folder / TOKENIZER)
        if not any((folder / w).is_file() for w in WEIGHTS):
            raise ModelFileError(f"{folder} holds no weights ({' or '.join(WEIGHTS)})")
        for weights in WEIGHTS:
            if (folder / weights).is_file():
                _require_file(folder / weights)
        read_calibration(folder)
        for name, key in ((ONNX_INT8, "size_bytes_int8"), (LEXICAL_FILE, "size_bytes_lexical")):
            _require_size(folder / name, manifest.metrics.get(key))
        return manifest

    def is_provisional(self, version: str) -> bool:
        """Whether ``version``'s manifest marks it provisional; False when it cannot be read
        (an unreadable folder may be anything, so callers treat it as a real model)."""
        manifest = _quiet(self.manifest, version)
        return manifest is not None and manifest.provisional

    def names(self) -> list[str]:
        """Every version folder's name (readable or not), oldest first."""
        return sorted(
            p.name for p in self.root.iterdir() if p.is_dir() and not p.name.startswith(".")
        )

    def versions(self) -> list[Manifest]:
        """All readable versions, oldest first; unreadable folders are skipped with a warning."""
        found = []
        for name in self.names():
            if (self.root / name / MANIFEST).is_file():
                try:
                    found.append(self.manifest(name))
                except ModelFileError as exc:
                    log.warning("skipping model folder: %s", exc)
        return sorted(found, key=lambda m: m.created)

    def entries(self) -> list[RegistryEntry]:
        """Every version folder with the reason it cannot be used, if any, oldest first."""
        entries = []
        for name in self.names():
            try:
                manifest: Manifest | None = self.manifest(name)
                self.check(name)
                problem = None
            except SentideskError as exc:
                manifest = _quiet(self.manifest, name)
                problem = str(exc)
            entries.append(RegistryEntry(name, manifest, problem))
        return entries

    def active_version(self) -> str | None:
        try:
            name = (self.root / ACTIVE).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise ModelFileError(f"cannot read {self.root / ACTIVE}: {exc}") from exc
        return name or None

    def active_path(self) -> Path:
        version = self.active_version()
        if version is None:
            raise ModelNotFoundError(f"no active model in {self.root}; {BUILD_HINT}")
        path = self.path(version)
        if not (path / MANIFEST).is_file():
            raise ModelNotFoundError(f"active model {version!r} is missing from {self.root}")
        return path

    def work_folder(self, kind: str, version: str) -> Path:
        """An empty private folder to make ``version`` in, before :meth:`register` moves it
        into place. Its name starts with a dot (never listed as a version) and ends with this
        process's id, so :meth:`remove_abandoned` can tell one whose maker was killed."""
        folder = self.root / f".{kind}-{version}.pid{os.getpid()}"
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir()
        return folder

    def remove_abandoned(self) -> list[str]:
        """Delete work and trash folders whose process is gone (a build, retrain or
        removal killed before it could clean up); return their names. Folders of running
        processes are kept."""
        removed = []
        for folder in self.root.iterdir():
            match = _WORK_FOLDER.fullmatch(folder.name)
            if not folder.is_dir() or match is None or _process_alive(int(match["pid"])):
                continue
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder.name)
            log.info("removed %s, left by a process that did not finish", folder)
        return removed

    def size(self, version: str) -> int:
        """Bytes the version's files take on disk (0 when its folder is gone)."""
        return folder_bytes(self.path(version))

    def to_trash(self, version: str) -> Path:
        """Take ``version`` out of the registry by renaming its folder to a trash folder
        (one rename: the version is listed whole or not at all); return the trash folder for
        :func:`empty_trash`, or for :meth:`restore` should the removal be called off.

        The name starts with a dot (never listed) and ends with this process's id, so
        :meth:`remove_abandoned` deletes what a process killed before emptying it left.
        The active version is refused, whoever asks: scoring would lose its model."""
        folder = self.path(version)
        if version == self.active_version():
            raise ModelFileError(f"{version} is the active model and cannot be removed")
        if not folder.is_dir():
            raise ModelNotFoundError(f"model version {version!r} is missing from {self.root}")
        trash = self.root / f".{TRASH_KIND}-{version}.pid{os.getpid()}"
        if trash.exists():
            shutil.rmtree(trash)
        folder.rename(trash)
        log.info("model version %s moved to %s", version, trash.name)
        return trash

    def restore(self, version: str, trash: Path) -> None:
        """Put a version moved by :meth:`to_trash` back (its removal was called off)."""
        trash.rename(self.path(version))

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
        """Point ``ACTIVE`` at ``version``; readers see either the old or the new name.

        Refuses unknown versions and versions that fail :meth:`check`."""
        self.check(version)
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".active-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(version + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.root / ACTIVE)
        log.info("active model is now %s", version)

    def _rollback_order(self, current: str) -> list[str]:
        """The versions :meth:`rollback` tries from ``current``, in order: its parent, then
        the older versions newest first."""
        manifest = _quiet(self.manifest, current)
        older = [v for v in reversed(self.names()) if v < current]
        if manifest is not None and manifest.parent is not None:
            older = [manifest.parent, *(v for v in older if v != manifest.parent)]
        return older

    def rollback_target(self) -> str | None:
        """The version :meth:`rollback` would go back to now (the first one of its order
        that passes :meth:`check`; nothing is loaded), or None: what pruning must keep."""
        current = self.active_version()
        if current is None:
            return None
        for version in self._rollback_order(current):
            if _quiet(self.check, version) is not None:
                return version
        return None

    def rollback(self, usable: Callable[[str], object] | None = None) -> str:
        """Activate the active version's parent, else the newest older version, skipping
        versions that fail :meth:`check` or ``usable`` (which raises a
        :class:`SentideskError` for a version it rejects); return the name activated.

        Works when the active version's folder or manifest is gone."""
        current = self.active_version()
        if current is None:
            raise ModelNotFoundError("no active model to roll back from")
        older = self._rollback_order(current)
        problems = []
        for version in older:
            try:
                self.check(version)
                if usable is not None:
                    usable(version)
            except SentideskError as exc:
                problems.append(f"{version}: {exc}")
                continue
            self.activate(version)
            return version
        detail = f" ({'; '.join(problems)})" if problems else ""
        raise ModelNotFoundError(f"{current} has no earlier version to roll back to{detail}")

    def fallback_order(self, version: str) -> list[str]:
        """The versions to try when ``version`` cannot be used: older ones newest first (the
        last known good state), then newer ones oldest first (the nearest to what was
        chosen; a working model beats none, and the caller reports the switch)."""
        names = [n for n in self.names() if n != version]
        return [n for n in reversed(names) if n < version] + [n for n in names if n > version]


_WORK_FOLDER = re.compile(r"\.[a-z]+-m[0-9-]+\.pid(?P<pid>[0-9]+)")
#: The kind of the folders :meth:`ModelRegistry.to_trash` makes (named like work folders).
TRASH_KIND = "trash"


def folder_bytes(folder: Path) -> int:
    """Bytes of the regular files under ``folder`` (links are not followed); 0 when it is
    gone. Files that vanish meanwhile are skipped."""
    total = 0
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            try:
                stat = os.lstat(os.path.join(dirpath, name))
            except OSError:
                continue
            total += stat.st_size
    return total


def empty_trash(trash: Path) -> None:
    """Delete a folder :meth:`ModelRegistry.to_trash` made. Whatever cannot be deleted now
    stays hidden under its dot-name until :meth:`ModelRegistry.remove_abandoned` finds it
    left by a process that is gone."""
    shutil.rmtree(trash, ignore_errors=True)
    if trash.exists():
        log.info("%s could not be deleted completely; it is removed later", trash)


def _process_alive(pid: int) -> bool:
    if pid == os.getpid() or sys.platform == "win32":
        # os.kill(pid, 0) terminates the process on Windows: there, keep every folder
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive, and not ours to clean
        return True
    return True


def _require_size(path: Path, recorded: object) -> None:
    """A file of another size than its build wrote (the manifest says) was cut short or
    replaced: found without loading it, so that listing versions stays cheap."""
    if not isinstance(recorded, int) or not path.is_file():
        return
    size = path.stat().st_size
    if size != recorded:
        raise ModelFileError(
            f"{path} is {size:,} bytes where its build wrote {recorded:,}: "
            "it was cut short or replaced"
        )


def _require_file(path: Path) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ModelFileError(f"{path} is missing") from exc
    if size == 0:
        raise ModelFileError(f"{path} is empty")


def _quiet(read: Callable[[str], Manifest], version: str) -> Manifest | None:
    try:
        return read(version)
    except SentideskError:
        return None


def _same_device(a: Path, b: Path) -> bool:
    return a.stat().st_dev == b.stat().st_dev


@dataclass(frozen=True)
class FallbackNotice:
    """The active version could not be loaded, so another one is used; ``ACTIVE`` is left
    alone, since choosing the model is the supervisor's decision."""

    #: the version ``ACTIVE`` names
    intended: str
    #: why it could not be loaded
    reason: str
    #: the version loaded instead
    used: str

    def __str__(self) -> str:
        """One line (ONNX Runtime's messages span several), for stderr or a status bar."""
        reason = " ".join(self.reason.split())
        return (
            f"active model {self.intended} cannot be used ({reason}); "
            f"using {self.used} instead. `sentidesk model activate {self.used}` makes that "
            f"choice permanent"
        )


#: What :func:`open_active_scorer` loads: the transformer :class:`Scorer` unless the caller
#: accepts provisional versions too.
ScorerT = TypeVar("ScorerT", bound=SentimentScorer, default=Scorer)


@dataclass(frozen=True)
class ActiveScorer(Generic[ScorerT]):
    """What :func:`open_active_scorer` loaded."""

    scorer: ScorerT
    #: the version loaded (``scorer.version``)
    version: str
    #: set when the active version failed and ``version`` is a fallback
    fallback: FallbackNotice | None = None
    #: the version loaded is provisional (character n-grams only): its predictions should be
    #: shown as such, and a default model is expected to replace it
    provisional: bool = False


def load_scorer(
    registry: ModelRegistry,
    version: str,
    *,
    backend: BackendName = "auto",
    max_length: int = DEFAULT_MAX_LENGTH,
    batch_size: int | None = None,
    threads: int | None = None,
) -> SentimentScorer:
    """Load one version with the scorer of its kind (a provisional version's n-gram models
    ignore the runtime options). Loading is the only sure test that a version works.

    Thread: a worker thread (it reads files and may build ONNX Runtime sessions)."""
    manifest = registry.manifest(version)  # a version without a readable manifest is not one
    if manifest.provisional:
        return LexicalScorer(registry.path(version), version=version)
    return Scorer(
        registry.path(version),
        backend=backend,
        max_length=max_length,
        batch_size=batch_size,
        version=version,
        threads=threads,
    )


@overload
def open_active_scorer(
    models_root: Path,
    *,
    backend: BackendName = ...,
    max_length: int = ...,
    batch_size: int | None = ...,
    threads: int | None = ...,
    provisional: Literal[False] = ...,
) -> ActiveScorer[Scorer]: ...


@overload
def open_active_scorer(
    models_root: Path,
    *,
    backend: BackendName = ...,
    max_length: int = ...,
    batch_size: int | None = ...,
    threads: int | None = ...,
    provisional: bool,
) -> ActiveScorer[SentimentScorer]: ...


def open_active_scorer(
    models_root: Path,
    *,
    backend: BackendName = "auto",
    max_length: int = DEFAULT_MAX_LENGTH,
    batch_size: int | None = None,
    threads: int | None = None,
    provisional: bool = False,
) -> ActiveScorer[Scorer] | ActiveScorer[SentimentScorer]:
    """Load the active model version, or, when it is missing or broken, the nearest version
    that loads (see :meth:`ModelRegistry.fallback_order`), reporting that in ``fallback``.

    Every consumer (command line, headless run, window) loads its model through this, so they
    agree on what is used. Raises :class:`ModelNotFoundError` when no version is active or
    none exists, :class:`ModelFileError` when versions exist but none loads.

    ``provisional``: whether a provisional version may be loaded (as a
    :class:`LexicalScorer`); without it such versions are passed over like broken ones, for
    callers that need the transformer itself, and a registry holding only provisional
    versions has no model (:class:`ModelNotFoundError`).

    Thread: a worker thread (it reads files and builds ONNX Runtime sessions).
    """
    registry = ModelRegistry(models_root)

    def load(version: str) -> SentimentScorer:
        return load_scorer(
            registry,
            version,
            backend=backend,
            max_length=max_length,
            batch_size=batch_size,
            threads=threads,
        )

    def transformer(version: str) -> Scorer:
        if registry.is_provisional(version):
            raise ModelNotFoundError(
                f"{version} is a provisional model (character n-grams only), and this needs "
                f"the transformer"
            )
        registry.manifest(version)  # a version without a readable manifest is not one
        return Scorer(
            registry.path(version),
            backend=backend,
            max_length=max_length,
            batch_size=batch_size,
            version=version,
            threads=threads,
        )

    if provisional:
        return _open_active(registry, load)
    return _open_active(registry, transformer, skip_provisional=True)


def _open_active(
    registry: ModelRegistry,
    load: Callable[[str], ScorerT],
    skip_provisional: bool = False,
) -> ActiveScorer[ScorerT]:
    models_root = registry.root
    intended = registry.active_version()
    if intended is None:
        names = registry.names()
        if names:
            raise ModelNotFoundError(
                f"no active model in {models_root}; choose one with `sentidesk model activate "
                f"VERSION` ({', '.join(names[-3:])}{', ...' if len(names) > 3 else ''}) or "
                f"{BUILD_HINT}"
            )
        raise ModelNotFoundError(f"no active model in {models_root}; {BUILD_HINT}")

    try:
        scorer = load(intended)
        return ActiveScorer(scorer, intended, None, registry.is_provisional(intended))
    except SentideskError as exc:
        reason = str(exc)
    failures = [f"{intended}: {reason}"]
    for version in registry.fallback_order(intended):
        try:
            scorer = load(version)
        except SentideskError as exc:
            log.info("fallback candidate %s does not load: %s", version, exc)
            failures.append(f"{version}: {exc}")
            continue
        notice = FallbackNotice(intended, reason, version)
        # INFO, not WARNING: the caller shows the notice where its user looks (stderr, the
        # window); a warning here would print it twice on the command line.
        log.info("%s", notice)
        return ActiveScorer(scorer, version, notice, registry.is_provisional(version))
    names = registry.names()
    if skip_provisional:
        names = [n for n in names if not registry.is_provisional(n)]
    error = ModelFileError if names else ModelNotFoundError
    raise error(f"no model version loads ({'; '.join(failures)}); {BUILD_HINT}")
