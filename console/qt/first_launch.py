"""The first launch on a data directory without a model: the window opens at once, scores
with a provisional model made in seconds, and builds the default model in the background.

The services decide what is missing and read how each process ended
(:mod:`console.services.first_launch`); this module runs the processes through
:class:`TrainingJob` (the same machinery and progress widget as a retrain) and tells the
agent what is going on. The queue stays usable throughout.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Signal

from console.qt.training_job import KILL_AFTER_SECONDS, JobEnd, TrainingJob
from console.services.first_launch import (
    BuildOutcome,
    ModelState,
    build_command,
    build_result_of,
    model_state,
    provisional_command,
    provisional_result_of,
)
from console.services.models import prune_quietly
from console.services.scoring_loop import describe
from inference import SentideskError

if TYPE_CHECKING:
    from console.qt.main_window import MainWindow

log = logging.getLogger(__name__)

#: The key of this module's notices in the window's notice bar.
NOTICE = "first-launch"


def tr(text: str) -> str:
    return QCoreApplication.translate("FirstLaunch", text)


class FirstLaunch(QObject):
    """Makes sure ``window`` has a model: a provisional one at once where none is usable,
    and the default model built in the background while no real one exists.

    Off unless :attr:`enabled` (the application turns it on; tests opt in). The commands
    take more arguments from :attr:`provisional_options` and :attr:`build_options` (tests
    build from a tiny base encoder with them).

    Signals:
    provisionalFinished(object): the provisional process ended (its :class:`JobEnd`); the
        window has loaded whatever model there is by then.
    buildStarted(): the default build's process started.
    buildFinished(object): the :class:`BuildOutcome` of the default build once its model is
        loaded, or None (failed, cancelled).
    """

    provisionalFinished = Signal(object)
    buildStarted = Signal()
    buildFinished = Signal(object)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.enabled = False
        self.provisional_options: tuple[str, ...] = ()
        self.build_options: tuple[str, ...] = ()
        self.kill_after_s = KILL_AFTER_SECONDS
        self.job: TrainingJob | None = None
        self._task: asyncio.Task[None] | None = None
        self._building = False
        self._stopping = False
        #: :meth:`prepare` found no real model: the default one is to be built
        self._build_due = False

    @property
    def running(self) -> bool:
        """A provisional model or the default model is being made."""
        return self._task is not None and not self._task.done()

    @property
    def building(self) -> bool:
        """The default model is being built."""
        return self._building

    async def prepare(self) -> bool:
        """Look at the models (on the model worker) when the window starts. Without a usable
        one, make a provisional model in the background and load it from here (True);
        otherwise the window loads its model itself (False) and then calls
        :meth:`begin_build_if_due`."""
        self._build_due = False
        if not self.enabled:
            return False
        try:
            state = await self.window.workers.model(model_state, self.window.root)
        except SentideskError as exc:
            # loading the model will say what is wrong with the registry
            log.info("the models cannot be looked at: %s", exc)
            return False
        log.info("models at start: %s", state)
        self._build_due = state.first_build_due
        if state.needs_provisional:
            self._begin(self._provisional_then_build(state))
            return True
        return False

    def begin_build_if_due(self) -> None:
        """Build the default model when :meth:`prepare` found no real one (a provisional
        model is active: the last build was interrupted). After the model is loaded, so the
        window says what it scores with while the build runs."""
        if self._build_due:
            self.begin_build()

    def begin_build(self) -> None:
        """Build the default model in the background (unless something is being made
        already, or the window is closing)."""
        if self.running or self._stopping:
            return
        self._begin(self._build())

    async def stop(self) -> None:
        """Cancel what is being made and wait until its process has ended (it removes its
        unfinished version on the way out)."""
        self._stopping = True
        if self.job is not None and shiboken6.isValid(self.job):
            self.job.cancel()
        elif self.job is not None and self._task is not None:
            # the window, and so the process object, is gone (Qt killed the process): no end
            # will be reported to wait for
            self._task.cancel()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(self._task)

    # -- the work -------------------------------------------------------------------------
    def _begin(self, coro: Coroutine[Any, Any, None]) -> None:
        self._task = asyncio.ensure_future(self._safely(coro))

    async def _safely(self, coro: Coroutine[Any, Any, None]) -> None:
        try:
            await coro
        except Exception as exc:
            log.error("preparing the model failed", exc_info=exc)
            if shiboken6.isValid(self.window):
                self.window.notices.show_notice(
                    NOTICE, tr("Preparing the model failed: %s") % describe(exc), "error"
                )

    async def _run(self, job: TrainingJob, title: str) -> JobEnd:
        self.job = job
        self.window.progress.attach(job, title)
        job.start()
        try:
            return await job.wait()
        finally:
            self.job = None
            job.deleteLater()

    async def _provisional_then_build(self, state: ModelState) -> None:
        window = self.window
        window.notices.show_notice(NOTICE, tr("Preparing a provisional model…"), "info")
        window.model_label.setText(tr("preparing a provisional model…"))
        command = provisional_command(window.root, self.provisional_options)
        job = TrainingJob(
            command, provisional_result_of, kill_after_s=self.kill_after_s, parent=self
        )
        end = await self._run(job, tr("Provisional model:"))
        if self._stopping:
            return
        if end.ok:
            window.notices.clear(NOTICE)
        else:
            window.notices.show_notice(
                NOTICE, tr("No provisional model could be made: %s") % end.error, "error"
            )
        # builds start before the model loads, so the status bar names the build at once
        if state.first_build_due:
            self._building = True
        try:
            await window.reload_model()
        finally:
            self._building = False
        self.provisionalFinished.emit(end)
        if state.first_build_due and not self._stopping:
            await self._build()
        elif window.scorer_provisional:
            window.notices.show_notice(
                NOTICE,
                tr(
                    "Tickets are scored by a provisional model (character n-grams), less "
                    "accurate than the default model. A model version exists already, so "
                    "building a new one needs a supervisor: sentidesk model build --user NAME"
                ),
                "warning",
            )

    async def _build(self) -> None:
        window = self.window
        # the model scored with until now (the provisional one): kept by the pruning after
        previous = window.scorer.version if window.scorer is not None else None
        self._building = True
        window.show_model_label()
        window.update_model_actions()
        if window.scorer_provisional:
            window.notices.show_notice(
                NOTICE,
                tr(
                    "Tickets are scored by a provisional model (character n-grams) while the "
                    "default model is built in the background (about 25 minutes). The queue "
                    "is re-scored when it is ready."
                ),
                "info",
            )
        command = build_command(window.root, self.build_options)
        job = TrainingJob(command, build_result_of, kill_after_s=self.kill_after_s, parent=self)
        self.buildStarted.emit()
        try:
            end = await self._run(job, tr("Building the default model:"))
        finally:
            self._building = False
            if shiboken6.isValid(window):
                window.show_model_label()
                window.update_model_actions()
        if self._stopping:
            # closing the window cancelled it: the next start builds again
            return
        outcome = end.result if isinstance(end.result, BuildOutcome) else None
        if outcome is None:
            self._build_failed(end)
            self.buildFinished.emit(None)
            return
        await window.reload_model()
        window.notices.show_notice(
            NOTICE,
            tr(
                "The default model %s is now active. The queue is being re-scored in the "
                "background."
            )
            % outcome.version,
            "info",
        )
        await self._prune(outcome.version, previous)
        self.buildFinished.emit(outcome)

    async def _prune(self, made: str | None, previous: str | None) -> None:
        """Remove old versions as after every build (the one just made stays); a failure is
        shown, the build itself went well."""
        window = self.window
        if window.store is None:
            return
        _pruned, error = await window.submit_write(
            prune_quietly, window.store, window.root, window.account.name, "build", made, previous
        )
        if error is not None:
            window.notices.show_notice(
                "prune", tr("Old model versions were not removed: %s") % error, "warning"
            )

    def _build_failed(self, end: JobEnd) -> None:
        stays = tr("The provisional model stays active.") if self.window.scorer_provisional else ""
        again = (tr("Build again"), self.begin_build)
        if end.cancelled:
            text = tr("Building the default model was cancelled. %s") % stays
            self.window.notices.show_notice(NOTICE, text.strip(), "info", action=again)
        else:
            text = tr("No default model yet: %s. %s") % (end.error, stays)
            self.window.notices.show_notice(NOTICE, text.strip(), "error", action=again)
