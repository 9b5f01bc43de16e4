"""Retraining from the console's side: who may, what the training process is given, how
its progress is read, and what happens with its verdict.

The training itself runs in a separate process (``python -m training retrain``), so a crash
or a cancel never takes the console down and the GUI process never trains. Its steps:

1. :func:`prepare_retrain` (database worker): checks the supervisor, reads the corrections
   (:func:`console.services.learning.correction_set`) and writes them to a private file;
2. the caller runs ``plan.command`` (:class:`RetrainProcess` here for the command line and
   tests; the window uses a ``QProcess``) and feeds each stdout line to
   :func:`parse_event`;
3. :func:`finish_retrain` (database worker): activates the challenger when the gate passed
   (or a supervisor forced it), audits the whole retrain, removes the file and prunes old
   model versions (:func:`console.services.models.prune_after`; the challenger is kept).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from console.services.accounts import Account, require_supervisor, still_supervisor
from console.services.learning import correction_set
from console.services.models import (
    PruneReport,
    change_active_model,
    describe_prune,
    prune_quietly,
)
from console.store import TicketStore
from inference import ModelRegistry, SentideskError, models_dir, read_model_config
from training import RetrainResult
from training.retrain import NothingToLearnError

log = logging.getLogger(__name__)

RETRAINING = "retraining the model"
CORRECTIONS_PREFIX = ".corrections-"
#: How long a stopped training process may take to clean up before it is killed.
TERMINATE_GRACE_SECONDS = 10.0
#: Below this a retrain's evaluations and export leave no time to train.
MIN_BUDGET_MINUTES = 5.0
STALE_CORRECTIONS_SECONDS = 24 * 3600
#: Stderr lines kept to explain a training process that died without an error event.
STDERR_TAIL_LINES = 20


class RetrainError(SentideskError):
    """The retrain failed or was cancelled; the active model did not change.

    ``plan`` is set once the corrections were collected (their counts are known), and
    ``result`` when training finished but its verdict could not be applied (the challenger
    is then in the model history), so a report of the failure can say as much as it knows.
    """

    plan: RetrainPlan | None = None
    result: RetrainResult | None = None


class Promotion(StrEnum):
    """What to do with a challenger: follow the gate, promote it anyway, or never."""

    GATE = "gate"
    FORCE = "force"
    NEVER = "never"


@dataclass(frozen=True)
class RetrainPlan:
    actor: Account
    root: Path
    command: tuple[str, ...]
    corrections_file: Path
    corrections: int
    held_out: int
    budget_minutes: float | None


@dataclass(frozen=True)
class RetrainOutcome:
    result: RetrainResult
    promoted: bool
    #: how the promotion was decided (see :class:`Promotion`)
    promotion: Promotion
    active: str | None
    #: the old versions removed after the retrain (None when pruning failed)
    pruned: PruneReport | None = None
    #: why old versions could not be removed (the retrain itself went well)
    prune_error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` report of ``sentidesk retrain``."""
        return {
            **self.result.to_dict(),
            "promoted": self.promoted,
            "promotion": self.promotion.value,
            "active": self.active,
            "pruned": None if self.pruned is None else self.pruned.to_dict(),
            "prune_error": self.prune_error,
        }


def prepare_retrain(
    store: TicketStore,
    root: Path,
    actor: Account | None,
    budget_minutes: float | None = None,
    options: Sequence[str] = (),
) -> RetrainPlan:
    """Check the actor and collect the corrections; raise before anything runs when there
    is nothing to learn from or no active model to start from. ``options`` are more
    arguments of ``python -m training retrain`` (sizes, epochs)."""
    require_supervisor(actor, RETRAINING)
    assert actor is not None
    still_supervisor(store, actor, RETRAINING)
    if budget_minutes is not None and budget_minutes < MIN_BUDGET_MINUTES:
        raise RetrainError(
            f"a retrain needs a budget of at least {MIN_BUDGET_MINUTES:g} minutes: evaluating "
            "both models and exporting the new one alone take about four"
        )
    registry = ModelRegistry(models_dir(root))
    categories = read_model_config(registry.active_path()).layout.categories
    corrections = correction_set(store, categories)
    if not corrections.train:
        raise NothingToLearnError(
            "there are no corrections to learn from yet: override labels in the queue, "
            "review flagged tickets, or import labels with `sentidesk labels import`"
        )
    _remove_stale_correction_files(registry.root)
    fd, name = tempfile.mkstemp(prefix=CORRECTIONS_PREFIX, suffix=".json", dir=registry.root)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:  # mkstemp: readable by us alone
        json.dump(corrections.to_dict(), handle, ensure_ascii=False)
    command = [sys.executable, "-m", "training", "retrain", "--data-dir", str(root)]
    command += ["--corrections", name]
    if budget_minutes is not None:
        command += ["--budget-minutes", str(budget_minutes)]
    command += options
    return RetrainPlan(
        actor=actor,
        root=root,
        command=tuple(command),
        corrections_file=Path(name),
        corrections=len(corrections.train),
        held_out=len(corrections.held_out),
        budget_minutes=budget_minutes,
    )


def _remove_stale_correction_files(folder: Path) -> None:
    """Files of retrains whose console was killed before it could remove them: they hold
    ticket texts, so they are not left lying around. A day old is surely not in use."""
    for file in folder.glob(f"{CORRECTIONS_PREFIX}*.json"):
        try:
            if time.time() - file.stat().st_mtime > STALE_CORRECTIONS_SECONDS:
                file.unlink()
        except OSError as exc:
            log.info("could not remove %s: %s", file, exc)


def parse_event(line: str) -> dict[str, Any] | None:
    """One progress event from a stdout line of the training process; None for anything
    else (a library printing to stdout must not break the protocol)."""
    try:
        event = json.loads(line)
    except ValueError:
        return None
    return event if isinstance(event, dict) and "stage" in event else None


def final_event(
    events: list[dict[str, Any]],
    status: int,
    stderr_tail: str,
    *,
    work: str,
    cancelled: str = "",
    error: type[SentideskError] = SentideskError,
) -> dict[str, Any]:
    """The ``done`` event of a finished ``python -m training`` process, or ``error`` saying
    why there is none: ``work`` names what ran ("the retrain"), ``cancelled`` is added to the
    message of a cancelled one (what it left as it was)."""
    for event in reversed(events):
        if event["stage"] == "done":
            return dict(event)
        if event["stage"] == "error":
            raise error(f"{work} failed: {event.get('message', 'no reason given')}")
        if event["stage"] == "cancelled":
            raise error(f"{work} was cancelled{cancelled}")
    detail = f": {stderr_tail.strip()}" if stderr_tail.strip() else ""
    raise error(f"the training process stopped (exit status {status}){detail}")


def result_of(events: list[dict[str, Any]], status: int, stderr_tail: str) -> RetrainResult:
    """The result in the events of a finished process, or the :class:`RetrainError` that
    says why there is none."""
    done = final_event(
        events,
        status,
        stderr_tail,
        work="the retrain",
        cancelled="; the active model is unchanged",
        error=RetrainError,
    )
    return RetrainResult.from_dict(done)


class RetrainProcess:
    """``plan.command`` as a child process; :meth:`events` yields its progress and
    :meth:`cancel` (from any thread) stops it. For the command line and tests; the window
    runs the same command through a ``QProcess``."""

    def __init__(self, plan: RetrainPlan) -> None:
        self.plan = plan
        # lives as long as the process; a pipe could fill up and stall it
        self._stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115
        self._proc = subprocess.Popen(
            plan.command,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            stdin=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
        )
        self._lock = threading.Lock()
        self.cancelled = False
        self.seen: list[dict[str, Any]] = []

    def events(self) -> Iterator[dict[str, Any]]:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            event = parse_event(line)
            if event is not None:
                self.seen.append(event)
                yield event

    def cancel(self) -> None:
        """Ask the process to stop (it removes its half-made version on the way out)."""
        with self._lock:
            self.cancelled = True
            if self._proc.poll() is None:
                self._proc.terminate()

    def result(self, on_event: Callable[[dict[str, Any]], None] | None = None) -> RetrainResult:
        """Read the process to its end and return its result; raises :class:`RetrainError`."""
        try:
            for event in self.events():
                if on_event is not None:
                    on_event(event)
            status = self._proc.wait()
        finally:
            if self._proc.poll() is None:
                # interrupted (Ctrl-C): SIGTERM first, so the child removes its work folder
                self._proc.terminate()
                try:
                    self._proc.wait(timeout=TERMINATE_GRACE_SECONDS)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
                    self._proc.wait()
            if self._proc.stdout is not None:
                self._proc.stdout.close()
        self._stderr.seek(0)
        tail = "\n".join(self._stderr.read().splitlines()[-STDERR_TAIL_LINES:])
        self._stderr.close()
        return result_of(self.seen, status, tail)


def finish_retrain(
    store: TicketStore,
    plan: RetrainPlan,
    result: RetrainResult | None,
    promotion: Promotion = Promotion.GATE,
    failure: str | None = None,
) -> RetrainOutcome | None:
    """Promote the challenger as ``promotion`` says, audit the retrain (also a failed one,
    with ``failure`` and no ``result``) and remove the corrections file."""
    plan.corrections_file.unlink(missing_ok=True)
    registry = ModelRegistry(models_dir(plan.root))
    details: dict[str, Any] = {
        "corrections": plan.corrections,
        "held_out": plan.held_out,
        "budget_minutes": plan.budget_minutes,
    }
    if result is None:
        active = registry.active_version()
        store.transaction(
            "the record of a failed retrain",
            lambda: store.audit(
                "retrain",
                None,
                {**details, "failure": failure},
                plan.actor.name,
                before={"active": active},
                after={"active": active},
            ),
        )
        return None
    promote = promotion is Promotion.FORCE or (promotion is Promotion.GATE and result.promote)
    details |= {
        "champion": result.champion,
        "challenger": result.challenger,
        "gate_promote": result.promote,
        "reasons": list(result.reasons),
        "promotion": promotion.value,
        "seconds": result.seconds,
    }
    store.transaction(
        f"the record of the retrain by {plan.actor.name}",
        lambda: store.audit(
            "retrain",
            None,
            details,
            plan.actor.name,
            before={"active": result.champion},
            after={"challenger": result.challenger},
        ),
    )
    active = registry.active_version()
    if promote:
        action = "model_promote" if result.promote else "model_promote_forced"
        active = change_active_model(store, registry, plan.actor, result.challenger, action=action)
    pruned, prune_error = prune_quietly(
        store, plan.root, plan.actor.name, "retrain", result.challenger
    )
    return RetrainOutcome(result, promote, promotion, active, pruned, prune_error)


def comparison_rows(result: RetrainResult) -> list[tuple[str, str, str]]:
    """(figure, champion, challenger) rows of the two models side by side, formatted; the
    command line prints them and the window puts them in a table."""
    champion, challenger = result.metrics["champion"], result.metrics["challenger"]

    def number(value: object) -> str:
        return "—" if not isinstance(value, int | float) else f"{value:.4f}"

    rows = [
        ("gold rows", str(champion["gold"]["n"]), str(challenger["gold"]["n"])),
        (
            "gold accuracy",
            number(champion["gold"]["accuracy"]),
            number(challenger["gold"]["accuracy"]),
        ),
        (
            "gold macro-F1",
            number(champion["gold"]["macro_f1"]),
            number(challenger["gold"]["macro_f1"]),
        ),
    ]
    for label in champion["gold"]["recall"]:
        rows.append(
            (
                f"gold recall of {label}",
                number(champion["gold"]["recall"][label]),
                number(challenger["gold"]["recall"].get(label)),
            )
        )
    rows.append(
        (
            "gold category accuracy",
            number(champion["gold"]["category_accuracy"]),
            number(challenger["gold"]["category_accuracy"]),
        )
    )
    held_c, held_n = champion["held_out"], challenger["held_out"]
    rows.append(
        (
            "hold-out labels right",
            f"{held_c['correct']}/{held_c['labels']}",
            f"{held_n['correct']}/{held_n['labels']}",
        )
    )
    return rows


def describe_outcome(outcome: RetrainOutcome) -> str:
    """The outcome for a terminal: both models side by side, the gate's reasons, what
    became active."""
    result = outcome.result
    rows = [("", f"champion {result.champion}", f"challenger {result.challenger}")]
    rows += comparison_rows(result)
    width = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = [f"{a:<{width[0]}}  {b:>{width[1]}}  {c:>{width[2]}}" for a, b, c in rows]
    verdict = "passed" if result.promote else "refused"
    lines.append("")
    lines.append(
        f"trained on {result.corrections} corrections ({result.held_out} held out) "
        f"in {result.seconds:.0f} s; the gate {verdict}:"
    )
    lines += [f"  {reason}" for reason in result.reasons]
    if outcome.promoted:
        forced = " (forced by the supervisor)" if not result.promote else ""
        lines.append(f"promoted{forced}: the active model is now {outcome.active}")
    else:
        why = "the supervisor declined" if result.promote else "the gate refused"
        lines.append(f"not promoted ({why}): the active model stays {outcome.active}")
    if outcome.pruned is not None and outcome.pruned.removed:
        lines.append(describe_prune(outcome.pruned))
    if outcome.prune_error is not None:
        lines.append(f"old model versions were not removed: {outcome.prune_error}")
    return "\n".join(lines)


def run_retrain(
    store: TicketStore,
    root: Path,
    actor: Account | None,
    *,
    budget_minutes: float | None = None,
    options: Sequence[str] = (),
    promotion: Promotion = Promotion.GATE,
    on_event: Callable[[dict[str, Any]], None] | None = None,
    started: Callable[[RetrainProcess], None] | None = None,
) -> RetrainOutcome:
    """The whole retrain, blocking: for ``sentidesk retrain`` and tests. ``started`` gets
    the process (to cancel it from elsewhere)."""
    plan = prepare_retrain(store, root, actor, budget_minutes, options)
    process: RetrainProcess | None = None
    try:
        process = RetrainProcess(plan)
        if started is not None:
            started(process)
        result = process.result(on_event)
    except (RetrainError, OSError) as exc:
        failure = RetrainError(f"could not start the training process: {exc}")
        error = exc if isinstance(exc, RetrainError) else failure
        error.plan = plan
        finish_retrain(store, plan, None, promotion, failure=str(error))
        raise error from exc
    except BaseException:
        # interrupted here (Ctrl-C): stop the child too, it would train on unobserved
        if process is not None:
            process.cancel()
        plan.corrections_file.unlink(missing_ok=True)
        raise
    try:
        outcome = finish_retrain(store, plan, result, promotion)
    except SentideskError as exc:
        # e.g. the supervisor was disabled by another console while the model trained
        unapplied = RetrainError(
            f"the retrain finished, but its verdict could not be applied: {exc}"
        )
        unapplied.plan, unapplied.result = plan, result
        raise unapplied from exc
    assert outcome is not None
    return outcome
