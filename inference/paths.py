"""Where Sentidesk keeps its store and models."""

from __future__ import annotations

import os
from pathlib import Path

ENV_DATA_DIR = "SENTIDESK_DATA_DIR"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """``--data-dir`` if given, else ``$SENTIDESK_DATA_DIR``, else the platform's user data dir."""
    if override:
        path = Path(override)
    elif os.environ.get(ENV_DATA_DIR):
        path = Path(os.environ[ENV_DATA_DIR])
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir("sentidesk", appauthor=False))
    path = path.expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def models_dir(root: Path) -> Path:
    return root / "models"


def base_models_dir(root: Path) -> Path:
    return root / "base-models"
