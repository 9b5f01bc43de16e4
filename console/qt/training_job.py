"""Training processes behind the window: a ``QProcess`` that speaks the JSON-lines protocol
of ``python -m training``, and a compact progress widget for it.

Training never runs in the GUI process (see :mod:`training.__main__`): the job starts the
command, turns each stdout line into an event (:func:`console.services.retrain.parse_event`),
keeps the last lines of stderr to explain a process that died, and at the end hands the
events to an ``interpret`` function of the caller's (for a retrain,
:func:`console.services.retrain.result_of`), which returns the result or raises a
:class:`SentideskError` saying why there is none. Nothing here knows what is trained.

Thread: GUI (QProcess reports through the event loop; no thread of ours reads the pipes).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QProcess, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from console.services.retrain import STDERR_TAIL_LINES, parse_event
from console.services.scoring_loop import describe
from inference import SentideskError

log = logging.getLogger(__name__)

#: Seconds a cancelled process gets to clean up (remove its half-made version) before it
#: is killed.
KILL_AFTER_SECONDS = 10.0
#: Exit status reported for a process that crashed (killed by a signal) or never started.
NO_STATUS = -1
#: Share of the bar that training steps fill; the stages after training fill the rest.
TRAIN_SHARE = 0.85

#: ``interpret(events, exit status, stderr tail)``: the job's result, or a SentideskError.
Interpret = Callable[[list[dict[str, Any]], int, str], object]


def tr(text: str) -> str:
    return QCoreApplication.translate("TrainingJob", text)


def stage_names() -> dict[str, str]:
    """The stages of ``python -m training`` as the interface names them."""
    return {
        "prepare": tr("Preparing the training data"),
        "base": tr("Preparing the base model"),
        "trim": tr("Trimming the vocabulary"),
        "evaluate-champion": tr("Evaluating the current model"),
        "train": tr("Training"),
        "export": tr("Exporting and quantizing"),
        "lexical": tr("Training the word model"),
        "category": tr("Training the category model"),
        "evaluate": tr("Evaluating the new model"),
        "register": tr("Registering the new version"),
        "done": tr("Finished"),
        "error": tr("Failed"),
        "cancelled": tr("Cancelled"),
    }


@dataclass(frozen=True)
class JobEnd:
    """How a job ended: ``result`` from ``interpret``, or ``error`` saying why there is none."""

    result: object | None
    error: str | None
    #: the job was cancelled (by :meth:`TrainingJob.cancel`)
    cancelled: bool
    #: the exit status, or :data:`NO_STATUS`
    status: int
    events: tuple[dict[str, Any], ...]
    stderr_tail: str

    @property
    def ok(self) -> bool:
        return self.error is None


class TrainingJob(QObject):
    """One run of ``command`` (an argv) as a child process.

    :meth:`start` it, listen to the signals or ``await`` :meth:`wait`, :meth:`cancel` it
    (SIGTERM, then SIGKILL after ``kill_after_s``). A job runs once.

    Signals:
    eventReceived(object): a progress event (a dict) read from the process's stdout.
    finished(object): the :class:`JobEnd`, once, after the process ended or failed to start.
    """

    eventReceived = Signal(object)
    finished = Signal(object)

    def __init__(
        self,
        command: Sequence[str],
        interpret: Interpret,
        *,
        kill_after_s: float = KILL_AFTER_SECONDS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        if not command:
            raise ValueError("empty command")
        self.command = tuple(command)
        self.interpret = interpret
        self.events: list[dict[str, Any]] = []
        self.end: JobEnd | None = None
        self.cancelled = False
        self._stdout = b""
        self._stderr = b""
        self._stderr_lines: deque[str] = deque(maxlen=STDERR_TAIL_LINES)
        self._waiters: list[asyncio.Future[JobEnd]] = []
        self._process = QProcess(self)
        self._process.setProgram(self.command[0])
        self._process.setArguments(list(self.command[1:]))
        self._process.setStandardInputFile(QProcess.nullDevice())
        self._process.readyReadStandardOutput.connect(self._read_stdout)
        self._process.readyReadStandardError.connect(self._read_stderr)
        self._process.finished.connect(self._process_finished)
        self._process.errorOccurred.connect(self._process_error)
        self._kill = QTimer(self)
        self._kill.setSingleShot(True)
        self._kill.setInterval(int(kill_after_s * 1000))
        self._kill.timeout.connect(self._kill_now)

    # -- control ------------------------------------------------------------------------
    def start(self) -> None:
        if self._process.state() != QProcess.ProcessState.NotRunning or self.end is not None:
            raise RuntimeError("a training job runs once")
        log.info("starting %s", " ".join(self.command[:4]))
        self._process.start()

    @property
    def running(self) -> bool:
        """The process was started and has not ended yet."""
        return self.end is None and self._process.state() != QProcess.ProcessState.NotRunning

    def cancel(self) -> None:
        """Ask the process to stop; it is killed if it has not ended ``kill_after_s`` later."""
        if self.end is not None:
            return
        self.cancelled = True
        if self._process.state() == QProcess.ProcessState.NotRunning:
            return
        self._process.terminate()
        self._kill.start()

    async def wait(self) -> JobEnd:
        """Wait (without blocking the event loop) until the job ended."""
        if self.end is not None:
            return self.end
        future: asyncio.Future[JobEnd] = asyncio.get_running_loop().create_future()
        self._waiters.append(future)
        return await future

    @property
    def pid(self) -> int:
        return int(self._process.processId())

    # -- the process's output -----------------------------------------------------------
    def _read_stdout(self) -> None:
        self._stdout += bytes(self._process.readAllStandardOutput().data())
        *lines, self._stdout = self._stdout.split(b"\n")
        for line in lines:
            self._take_line(line)

    def _take_line(self, raw: bytes) -> None:
        event = parse_event(raw.decode("utf-8", errors="replace"))
        if event is not None:
            self.events.append(event)
            self.eventReceived.emit(event)

    def _read_stderr(self) -> None:
        self._stderr += bytes(self._process.readAllStandardError().data())
        *lines, self._stderr = self._stderr.split(b"\n")
        self._stderr_lines.extend(line.decode("utf-8", errors="replace") for line in lines)
        # a line without an end (a progress bar redrawn in place) must not grow forever
        self._stderr = self._stderr[-4096:]

    def _process_finished(self, code: int, status: QProcess.ExitStatus) -> None:
        self._kill.stop()
        self._read_stdout()
        self._read_stderr()
        if self._stdout.strip():
            self._take_line(self._stdout)
        if self._stderr.strip():
            self._stderr_lines.append(self._stderr.decode("utf-8", errors="replace"))
        self._stdout = self._stderr = b""
        exit_status = code if status == QProcess.ExitStatus.NormalExit else NO_STATUS
        tail = "\n".join(self._stderr_lines)
        try:
            result = self.interpret(list(self.events), exit_status, tail)
            error = None
        except SentideskError as exc:
            result, error = None, str(exc)
        except Exception as exc:
            log.error("reading the end of %s failed", self.command[0], exc_info=exc)
            result, error = None, describe(exc)
        self._end(JobEnd(result, error, self.cancelled, exit_status, tuple(self.events), tail))

    def _process_error(self, error: QProcess.ProcessError) -> None:
        # a crash or a kill also reports finished(); only a start that failed does not
        if error != QProcess.ProcessError.FailedToStart or self.end is not None:
            return
        reason = f"could not start {self.command[0]}: {self._process.errorString()}"
        self._end(JobEnd(None, reason, self.cancelled, NO_STATUS, (), ""))

    def _kill_now(self) -> None:
        if self._process.state() != QProcess.ProcessState.NotRunning:
            log.info("%s did not stop when asked; killing it", self.command[0])
            self._process.kill()

    def _end(self, end: JobEnd) -> None:
        self.end = end
        log.info("training job ended: status %s, %s", end.status, end.error or "ok")
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(end)
        self._waiters.clear()
        self.finished.emit(end)


class JobProgress:
    """Where a job stands, from its events: stage, share done and time left.

    Training steps fill the bar (up to :data:`TRAIN_SHARE`); before training the share is
    unknown, after it the remaining stages fill the rest over the time the stages before
    training took (they evaluate the same gold sets). The time left is the smaller of what
    the budget allows and what the measured step rate says."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.started = clock()
        self.stage: str | None = None
        self.step = 0
        self.total = 0
        self.budget_s: float | None = None
        #: seconds since the start when the first training step was reported / training ended
        self._train_started: float | None = None
        self._train_ended: float | None = None
        self._train_elapsed = 0.0

    def elapsed(self) -> float:
        return max(0.0, self._clock() - self.started)

    def feed(self, event: dict[str, Any]) -> None:
        stage = event.get("stage")
        if not isinstance(stage, str):
            return
        now = self.elapsed()
        if self.stage == "train" and stage != "train" and self._train_ended is None:
            self._train_ended = now
        self.stage = stage
        budget = event.get("budget_s")
        if isinstance(budget, int | float) and budget > 0:
            self.budget_s = float(budget)
        if stage != "train":
            return
        if self._train_started is None:
            self._train_started = now
        step, total = event.get("step"), event.get("total")
        if isinstance(total, int) and total > 0:
            self.total = total
        if isinstance(step, int):
            self.step = step
            elapsed = event.get("elapsed_s")
            if isinstance(elapsed, int | float):
                self._train_elapsed = float(elapsed)

    def fraction(self) -> float | None:
        """Share done (0–1), or None while it cannot be told (before training)."""
        if self.stage in ("done", "error", "cancelled"):
            return 1.0 if self.stage == "done" else None
        if self._train_ended is not None:
            post = self._post_train_estimate()
            since = self.elapsed() - self._train_ended
            return TRAIN_SHARE + (1 - TRAIN_SHARE) * min(0.99, since / post if post else 0.99)
        if self.stage == "train" and self.total:
            return TRAIN_SHARE * min(1.0, self.step / self.total)
        return None

    def eta(self) -> float | None:
        """Seconds left, or None when there is nothing to go by yet."""
        elapsed = self.elapsed()
        budget_left = None if self.budget_s is None else max(0.0, self.budget_s - elapsed)
        estimate: float | None = None
        if self._train_ended is not None:
            estimate = max(0.0, self._post_train_estimate() - (elapsed - self._train_ended))
        elif self.stage == "train" and self.step and self.total:
            per_step = self._train_elapsed / self.step
            estimate = (self.total - self.step) * per_step + self._post_train_estimate()
        if estimate is None:
            return budget_left
        return estimate if budget_left is None else min(estimate, budget_left)

    def _post_train_estimate(self) -> float:
        return self._train_started if self._train_started is not None else 0.0


def format_seconds(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


class TrainingProgress(QWidget):
    """Stage, a progress bar, elapsed time and time left, and a Cancel button for one
    :class:`TrainingJob` at a time (:meth:`attach`). Hidden while no job is attached.

    Signals:
    cancelRequested(): the Cancel button was pressed (the job is already told to stop).
    """

    cancelRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("training-progress")
        self.job: TrainingJob | None = None
        self.progress = JobProgress()
        self.title = QLabel()
        self.stage = QLabel()
        self.stage.setObjectName("training-stage")
        self.bar = QProgressBar()
        self.bar.setObjectName("training-bar")
        self.bar.setMaximumWidth(180)
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.time = QLabel()
        self.time.setObjectName("training-time")
        self.cancel_button = QPushButton()
        self.cancel_button.setObjectName("training-cancel")
        self.cancel_button.clicked.connect(self.cancel)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (self.title, self.stage, self.bar, self.time, self.cancel_button):
            row.addWidget(widget)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self.refresh)
        self._title_text = ""
        self.retranslate()
        self.setVisible(False)

    def retranslate(self) -> None:
        self.cancel_button.setText(
            tr("Cancel") if self.job is None or not self.job.cancelled else tr("Cancelling…")
        )
        self.refresh()

    def attach(self, job: TrainingJob, title: str) -> None:
        """Show ``job``'s progress (from its next event on) under ``title``."""
        self.detach()
        self.job = job
        self._title_text = title
        self.progress = JobProgress()
        job.eventReceived.connect(self._event)
        job.finished.connect(self._finished)
        self.cancel_button.setEnabled(True)
        self.retranslate()
        self.setVisible(True)
        self._tick.start()

    def detach(self) -> None:
        if self.job is not None:
            self.job.eventReceived.disconnect(self._event)
            self.job.finished.disconnect(self._finished)
        self.job = None
        self._tick.stop()
        self.setVisible(False)

    def cancel(self) -> None:
        if self.job is None or self.job.cancelled:
            return
        self.job.cancel()
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText(tr("Cancelling…"))
        self.cancelRequested.emit()

    def _event(self, event: dict[str, Any]) -> None:
        self.progress.feed(event)
        self.refresh()

    def _finished(self, _end: JobEnd) -> None:
        self.detach()

    def refresh(self) -> None:
        """Show where the job stands (also once a second, so the clock moves)."""
        self.title.setText(self._title_text)
        stage = self.progress.stage
        names = stage_names()
        if stage is None:
            self.stage.setText(tr("Starting…"))
        else:
            text = names.get(stage, stage)
            if stage == "train" and self.progress.total:
                text = tr("%s: step %d of %d") % (text, self.progress.step, self.progress.total)
            self.stage.setText(text)
        fraction = self.progress.fraction()
        if fraction is None:
            self.bar.setRange(0, 0)  # busy: the share done cannot be told yet
        else:
            self.bar.setRange(0, 1000)
            self.bar.setValue(round(fraction * 1000))
        eta = self.progress.eta()
        elapsed = format_seconds(self.progress.elapsed())
        self.time.setText(
            tr("%s elapsed") % elapsed
            if eta is None
            else tr("%s elapsed, about %s left") % (elapsed, format_seconds(eta))
        )
