"""A data directory without a model: what the console does about it, without any Qt.

The default model takes about 25 minutes to build on 2 cores, too long to keep anyone
waiting for a window. So the console looks at the models when it starts
(:func:`model_state`); without a usable one it first makes a provisional model
(``python -m training provisional``, character n-grams, about 25 seconds) and scores with
that, and while no real model exists it builds the default one in the background
(``python -m training build``), which then becomes the active model. Both run as child
processes that print JSON-lines progress (:mod:`training.__main__`); the functions here
give their commands and read their ends, as :mod:`console.services.retrain` does for a
retrain.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from console.services.models import build_needs_supervisor
from console.services.retrain import final_event
from inference import ModelRegistry, SentideskError, models_dir
from training.provisional import usable_model

log = logging.getLogger(__name__)


class BuildError(SentideskError):
    """A provisional or default build failed or was cancelled; the models are as they were
    (a version is registered only when complete)."""


@dataclass(frozen=True)
class ModelState:
    """What the models of a data directory lack, as the console sees it when it starts."""

    #: the version the console can score with without a provisional model (see
    #: :func:`training.provisional.usable_model`), or None
    usable: str | None
    active: str | None
    active_provisional: bool
    #: no real (non-provisional) version exists, so the default model is still to be built;
    #: such a build needs no account (see :func:`build_needs_supervisor`)
    first_build_due: bool

    @property
    def needs_provisional(self) -> bool:
        return self.usable is None


def model_state(root: Path) -> ModelState:
    """Thread: the model worker (reads the registry's files; nothing is loaded). Raises
    :class:`SentideskError` when the registry cannot be read."""
    registry = ModelRegistry(models_dir(root))
    active = registry.active_version()
    return ModelState(
        usable=usable_model(registry),
        active=active,
        active_provisional=active is not None and registry.is_provisional(active),
        first_build_due=not build_needs_supervisor(registry, activate=True),
    )


def training_command(subcommand: str, root: Path, options: Sequence[str] = ()) -> tuple[str, ...]:
    """``python -m training SUBCOMMAND --data-dir ROOT [options]`` with this interpreter."""
    return (sys.executable, "-m", "training", subcommand, "--data-dir", str(root), *options)


def provisional_command(root: Path, options: Sequence[str] = ()) -> tuple[str, ...]:
    return training_command("provisional", root, options)


def build_command(root: Path, options: Sequence[str] = ()) -> tuple[str, ...]:
    """The default build; ``options`` are more arguments (``--base-model``,
    ``--budget-minutes``). It activates what it made, which on a data directory without a
    real model replaces at most a provisional one and so needs no supervisor."""
    return training_command("build", root, options)


@dataclass(frozen=True)
class BuildOutcome:
    """The ``done`` event of a provisional or default build."""

    #: the version made (and activated), or None when a provisional build found a usable
    #: model and made none
    version: str | None
    #: that usable model
    usable: str | None
    seconds: float | None

    @classmethod
    def from_event(cls, event: dict[str, Any]) -> BuildOutcome:
        version, usable, seconds = event.get("version"), event.get("usable"), event.get("seconds")
        return cls(
            version=version if isinstance(version, str) else None,
            usable=usable if isinstance(usable, str) else None,
            seconds=float(seconds) if isinstance(seconds, int | float) else None,
        )


def provisional_result_of(
    events: list[dict[str, Any]], status: int, stderr_tail: str
) -> BuildOutcome:
    """How ``python -m training provisional`` ended, or the :class:`BuildError` saying why
    it made nothing."""
    done = final_event(
        events, status, stderr_tail, work="making the provisional model", error=BuildError
    )
    return BuildOutcome.from_event(done)


def build_result_of(events: list[dict[str, Any]], status: int, stderr_tail: str) -> BuildOutcome:
    """How ``python -m training build`` ended, or the :class:`BuildError` saying why it made
    nothing."""
    done = final_event(
        events,
        status,
        stderr_tail,
        work="building the default model",
        cancelled="; the active model is unchanged",
        error=BuildError,
    )
    outcome = BuildOutcome.from_event(done)
    if outcome.version is None:
        raise BuildError("building the default model ended without naming the version it made")
    return outcome
