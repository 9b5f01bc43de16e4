"""Where Sentidesk keeps its store and models."""

from __future__ import annotations

import os
from pathlib import Path

from inference.errors import SentideskError

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
    try:
        path.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        raise SentideskError(
            f"cannot use {path} as the data directory: it, or a folder above it, is a file"
        ) from exc
    except OSError as exc:
        raise SentideskError(
            f"cannot create the data directory {path}: {exc.strerror or exc}"
        ) from exc
    return path


def models_dir(root: Path) -> Path:
    return root / "models"


def base_models_dir(root: Path) -> Path:
    return root / "base-models"
