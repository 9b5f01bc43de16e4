"""The one place that finds the files Sentidesk ships: templates, demo tickets, fonts,
translations and the authored training data.

They live in the checkout's ``resources/`` folder and are installed as the data-only package
``sentidesk_resources`` (see ``[tool.setuptools]`` in pyproject.toml), so a wheel installed
anywhere finds them through ``importlib.resources`` rather than through a path relative to
the source tree. The module sits in the engine, the lowest layer, so that ``training`` and
``console`` can both use it.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from inference.errors import SentideskError

#: The installed name of the checkout's ``resources/`` folder.
PACKAGE = "sentidesk_resources"
_CHECKOUT = Path(__file__).resolve().parent.parent


class ResourceError(SentideskError):
    """A file or folder Sentidesk ships is missing: the installation is incomplete."""


def resources_root() -> Path:
    """The folder holding every shipped resource.

    The installed package wins. A source checkout whose editable install predates the
    package (or that runs with only ``PYTHONPATH`` set, like the GPU check script) uses its
    own ``resources/``, recognised by the ``pyproject.toml`` beside it, so an unrelated
    top-level ``resources`` folder next to an installed package is never picked up.
    """
    try:
        root = importlib.resources.files(PACKAGE)
    except ModuleNotFoundError:
        checkout = _CHECKOUT / "resources"
        if (_CHECKOUT / "pyproject.toml").is_file() and checkout.is_dir():
            return checkout
        raise ResourceError(
            f"Sentidesk's resources (package {PACKAGE}) are not installed; reinstall sentidesk"
        ) from None
    if not isinstance(root, Path):
        # Qt loads fonts and translations by file name, so a zipped install cannot work.
        raise ResourceError(f"Sentidesk's resources are not on the file system: {root}")
    return root


def resource_path(*parts: str) -> Path:
    """The shipped file or folder ``resources/<parts...>``, e.g. ``resource_path("templates")``.

    Raises :class:`ResourceError` naming what is missing, so a damaged installation fails
    loudly instead of behaving as if, say, no reply templates existed."""
    root = resources_root()
    path = root.joinpath(*parts)
    if not path.exists():
        raise ResourceError(
            f"Sentidesk's resource {'/'.join(parts)} is missing from {root}; reinstall sentidesk"
        )
    return path
