"""Shared fixtures: an isolated data directory for every test and a tiny real model."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import write_tiny_model


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every test at its own data directory so none touches a real profile."""
    data = tmp_path / "sentidesk-data"
    monkeypatch.setenv("SENTIDESK_DATA_DIR", str(data))
    return data


@pytest.fixture(autouse=True)
def fail_on_unexpected_warning_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """A WARNING logged by our packages is a failure unless the test checked and cleared it."""
    yield
    ours = [
        r
        for r in caplog.get_records("call")
        if r.levelno >= logging.WARNING
        and r.name.split(".")[0] in {"inference", "training", "console"}
    ]
    if ours:
        pytest.fail("unexpected warning logs: " + "; ".join(r.getMessage() for r in ours))


@pytest.fixture(scope="session")
def tiny_model_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_model(tmp_path_factory.mktemp("tiny") / "tiny-model")


@pytest.fixture
def tiny_model(tiny_model_template: Path, tmp_path: Path) -> Path:
    """A private copy of the tiny model, free to modify."""
    return Path(shutil.copytree(tiny_model_template, tmp_path / "tiny-model"))
