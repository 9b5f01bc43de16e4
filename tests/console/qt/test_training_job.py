"""The training-process controller with real short child processes, and its progress."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from console.qt.training_job import (
    NO_STATUS,
    JobEnd,
    JobProgress,
    TrainingJob,
    TrainingProgress,
)
from inference import SentideskError


def interpret(events: list[dict[str, Any]], status: int, tail: str) -> object:
    """Like the services' ``result_of``, for a generic job: the done event."""
    for event in reversed(events):
        if event["stage"] == "done":
            return event
        if event["stage"] in ("error", "cancelled"):
            raise SentideskError(f"{event['stage']}: {event.get('message', '')}")
    raise SentideskError(f"stopped (exit status {status}): {tail}")


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def _events_code(*events: dict[str, Any], then: str = "") -> str:
    lines = [f"print({json.dumps(json.dumps(e))}, flush=True)" for e in events]
    return "\n".join(["import sys, time", *lines, then])


def _run(qtbot: QtBot, job: TrainingJob, timeout: int = 30_000) -> JobEnd:
    with qtbot.waitSignal(job.finished, timeout=timeout) as blocker:
        job.start()
    end = blocker.args[0] if blocker.args else None
    assert isinstance(end, JobEnd)
    return end


def test_events_are_read_line_by_line_and_the_result_interpreted(qtbot: QtBot, qloop: Any) -> None:
    code = _events_code(
        {"stage": "prepare", "event": "start", "elapsed_s": 0.0, "budget_s": 60},
        {"stage": "train", "step": 10, "total": 20, "loss": 0.5, "elapsed_s": 1.0},
        then="print('a library talking on stdout'); sys.stderr.write('noise\\n')\n"
        + "sys.stdout.write("
        + repr(json.dumps({"stage": "done", "version": "v2"}))
        + ")",
    )
    job = TrainingJob(python(code), interpret)
    seen: list[dict[str, Any]] = []
    job.eventReceived.connect(seen.append)
    end = _run(qtbot, job)
    # the last line has no newline: it is still read
    assert [e["stage"] for e in seen] == ["prepare", "train", "done"]
    assert end.ok and end.result == {"stage": "done", "version": "v2"}
    assert end.status == 0 and not end.cancelled
    assert end.stderr_tail == "noise"
    assert not job.running


def test_a_process_that_dies_is_reported_with_its_stderr(qtbot: QtBot, qloop: Any) -> None:
    code = _events_code(
        {"stage": "prepare", "event": "start"},
        then="sys.stderr.write('Traceback...\\nMemoryError\\n'); sys.exit(3)",
    )
    end = _run(qtbot, TrainingJob(python(code), interpret))
    assert end.result is None and end.status == 3
    assert end.error is not None and "MemoryError" in end.error
    assert [e["stage"] for e in end.events] == ["prepare"]


def test_an_error_event_is_the_error(qtbot: QtBot, qloop: Any) -> None:
    code = _events_code({"stage": "error", "message": "no corrections"}, then="sys.exit(1)")
    end = _run(qtbot, TrainingJob(python(code), interpret))
    assert end.error == "error: no corrections"


def test_a_program_that_cannot_start(qtbot: QtBot, qloop: Any) -> None:
    end = _run(qtbot, TrainingJob(["/nonexistent/python-for-training"], interpret))
    assert end.status == NO_STATUS
    assert end.error is not None and "could not start" in end.error


def test_cancel_terminates_and_the_process_reports_it(
    qtbot: QtBot, qloop: Any, run: Callable[..., Any]
) -> None:
    # like `python -m training`: SIGTERM ends it through its normal path, with an event
    code = (
        "import json, signal, sys, time\n"
        "def stop(*_):\n"
        "    print(json.dumps({'stage': 'cancelled'}), flush=True); sys.exit(143)\n"
        "signal.signal(signal.SIGTERM, stop)\n"
        "print(json.dumps({'stage': 'train', 'step': 1, 'total': 100, 'elapsed_s': 0.1}),"
        " flush=True)\n"
        "time.sleep(60)\n"
    )
    job = TrainingJob(python(code), interpret)
    with qtbot.waitSignal(job.eventReceived, timeout=30_000):
        job.start()
    assert job.running and job.pid > 0
    job.cancel()
    end = run(job.wait(), timeout=30_000)
    assert end.cancelled and end.status == 143
    assert end.error == "cancelled: "
    assert not job.running


def test_a_process_that_ignores_the_cancel_is_killed(
    qtbot: QtBot, qloop: Any, run: Callable[..., Any]
) -> None:
    code = (
        "import signal, sys, time\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        'print(\'{"stage": "prepare"}\', flush=True)\n'
        "time.sleep(60)\n"
    )
    job = TrainingJob(python(code), interpret, kill_after_s=0.5)
    with qtbot.waitSignal(job.eventReceived, timeout=30_000):
        job.start()
    job.cancel()
    end = run(job.wait(), timeout=30_000)
    assert end.cancelled and end.status == NO_STATUS and end.result is None


def test_a_job_runs_once(qtbot: QtBot, qloop: Any) -> None:
    job = TrainingJob(python("pass"), interpret)
    _run(qtbot, job)
    with pytest.raises(RuntimeError):
        job.start()


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_share_and_time_left() -> None:
    clock = Clock()
    progress = JobProgress(clock)
    assert progress.fraction() is None and progress.eta() is None
    clock.now += 10
    progress.feed({"stage": "prepare", "event": "start", "elapsed_s": 0.0, "budget_s": 600})
    assert progress.fraction() is None  # before training the share cannot be told
    assert progress.eta() == pytest.approx(590)  # only the budget to go by
    clock.now += 20
    progress.feed({"stage": "train", "event": "start", "total": 100})
    clock.now += 10
    progress.feed({"stage": "train", "step": 10, "total": 100, "elapsed_s": 10.0})
    fraction = progress.fraction()
    assert fraction is not None and 0.05 < fraction < 0.1
    # 90 steps at 1 s each, then about as long as the stages before training took (30 s)
    assert progress.eta() == pytest.approx(120)
    clock.now += 90
    progress.feed({"stage": "train", "step": 100, "total": 100, "elapsed_s": 100.0})
    progress.feed({"stage": "export", "event": "start", "elapsed_s": 130.0, "budget_s": 600})
    clock.now += 15
    fraction = progress.fraction()
    assert fraction is not None and 0.85 < fraction < 1
    assert progress.eta() == pytest.approx(15)
    progress.feed({"stage": "done"})
    assert progress.fraction() == 1.0


def test_the_widget_follows_a_job_and_cancels_it(
    qtbot: QtBot, qloop: Any, run: Callable[..., Any]
) -> None:
    code = (
        "import json, time\n"
        "print(json.dumps({'stage': 'prepare', 'event': 'start', 'elapsed_s': 0,"
        " 'budget_s': 600}), flush=True)\n"
        "print(json.dumps({'stage': 'train', 'step': 5, 'total': 10, 'elapsed_s': 1.0}),"
        " flush=True)\n"
        "time.sleep(60)\n"
    )
    widget = TrainingProgress()
    qtbot.addWidget(widget)
    job = TrainingJob(python(code), interpret)
    widget.attach(job, "Retraining:")
    assert not widget.isHidden()
    job.start()
    qtbot.waitUntil(lambda: "5" in widget.stage.text(), timeout=30_000)
    assert widget.stage.text() == "Training: step 5 of 10"
    assert 0 < widget.bar.value() < 1000
    assert "left" in widget.time.text()
    with qtbot.waitSignal(widget.cancelRequested):
        widget.cancel_button.click()
    assert not widget.cancel_button.isEnabled()
    end = run(job.wait(), timeout=30_000)
    assert end.cancelled
    assert widget.job is None and widget.isHidden()
