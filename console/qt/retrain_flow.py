"""Retraining from the window: confirm, run the training process with its progress shown,
show the gate's verdict side by side, promote or keep, and an optional schedule.

The services decide and record everything (:mod:`console.services.retrain`): this module
runs them on the database worker, runs the process through a :class:`TrainingJob` and
shows what happened. The queue stays usable throughout; only one retrain runs at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.qt.reasons import gate_reasons
from console.qt.training_job import TrainingJob
from console.services.accounts import PermissionDenied
from console.services.models import megabytes
from console.services.retrain import (
    MIN_BUDGET_MINUTES,
    Promotion,
    RetrainOutcome,
    RetrainPlan,
    finish_retrain,
    prepare_retrain,
    result_of,
)
from console.services.retrain_schedule import (
    RetrainSchedule,
    ScheduleState,
    retrain_due,
    schedule_state,
)
from console.services.scoring_loop import describe
from inference import SENTIMENTS, SentideskError
from training import RetrainResult
from training.retrain import NothingToLearnError

if TYPE_CHECKING:
    from console.qt.main_window import MainWindow

log = logging.getLogger(__name__)

#: The budget the confirmation dialog offers.
DEFAULT_BUDGET_MINUTES = 10.0
#: How often the schedule is looked at while the console runs.
SCHEDULE_CHECK_MS = 60_000
SCHEDULE_AFTER = "retrain/after_corrections"
SCHEDULE_NIGHTLY = "retrain/nightly_hour"
SCHEDULE_BUDGET = "retrain/budget_minutes"
LAST_NIGHTLY = "retrain/last_nightly"


def tr(text: str) -> str:
    return QCoreApplication.translate("Retrain", text)


# -- the schedule, per machine ------------------------------------------------------------
def load_schedule(settings: QSettings) -> RetrainSchedule:
    after = settings.value(SCHEDULE_AFTER, 0, type=int)
    hour = settings.value(SCHEDULE_NIGHTLY, -1, type=int)
    budget = settings.value(SCHEDULE_BUDGET, DEFAULT_BUDGET_MINUTES, type=float)
    return RetrainSchedule(
        after_corrections=max(0, int(str(after))),
        nightly_hour=int(str(hour)) if 0 <= int(str(hour)) <= 23 else None,
        budget_minutes=float(str(budget)) if float(str(budget)) > 0 else DEFAULT_BUDGET_MINUTES,
    )


def save_schedule(settings: QSettings, schedule: RetrainSchedule) -> None:
    settings.setValue(SCHEDULE_AFTER, schedule.after_corrections)
    settings.setValue(
        SCHEDULE_NIGHTLY, -1 if schedule.nightly_hour is None else schedule.nightly_hour
    )
    settings.setValue(SCHEDULE_BUDGET, schedule.budget_minutes)


def with_budget(plan: RetrainPlan, minutes: float) -> RetrainPlan:
    """``plan`` with another time budget (the last ``--budget-minutes`` given counts)."""
    if plan.budget_minutes == minutes:
        return plan
    return replace(
        plan, command=(*plan.command, "--budget-minutes", str(minutes)), budget_minutes=minutes
    )


# -- dialogs ------------------------------------------------------------------------------
class RetrainDialog(QDialog):
    """Asks before a retrain: how many corrections it learns from, and the time budget."""

    def __init__(self, plan: RetrainPlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("retrain-dialog")
        self.setWindowTitle(tr("Retrain model"))
        intro = QLabel(
            tr(
                "Fine-tune the active model on %d corrections (%d more held out to judge it). "
                "The new version replaces the active one only if it is not worse on the gold "
                "set; you decide when it is done. The queue stays usable meanwhile."
            )
            % (plan.corrections, plan.held_out)
        )
        intro.setWordWrap(True)
        self.budget = QDoubleSpinBox()
        self.budget.setObjectName("retrain-budget")
        self.budget.setRange(int(MIN_BUDGET_MINUTES), 240)
        self.budget.setDecimals(0)
        self.budget.setSuffix(tr(" min"))
        self.budget.setValue(plan.budget_minutes or DEFAULT_BUDGET_MINUTES)
        form = QFormLayout()
        form.addRow(tr("Time budget:"), self.budget)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(tr("Start retraining"))
        self.ok_button.setObjectName("retrain-start")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)


def _percent(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "—"
    return f"{value * 100:.1f}%"


def _check_name(name: str) -> str:
    prefix = "gold recall of "
    if name.startswith(prefix):
        label = name[len(prefix) :]
        return tr("Gold recall: %s") % QCoreApplication.translate("QueueModel", label)
    known = {
        "gold macro-F1": tr("Gold macro-F1"),
        "corrections hold-out labels correct": tr("Held-out corrections right"),
    }
    return known.get(name, name)


class VerdictDialog(QDialog):
    """The gate's verdict: champion and challenger side by side, every check, and the
    choice. When the gate passed, "Promote" is the default and "Keep current model" refuses
    the promotion; when it refused, "Keep current model" is the default and "Promote anyway"
    forces it. Closing the dialog keeps the current model.

    ``promotion`` is what the supervisor chose: :attr:`Promotion.GATE` to follow the gate
    (promote a passing model, keep the champion after a refusal), :attr:`Promotion.NEVER` to
    refuse a passing model, :attr:`Promotion.FORCE` to promote a refused one."""

    def __init__(self, result: RetrainResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verdict-dialog")
        self.setWindowTitle(tr("Retrain finished"))
        self.retrain_result = result
        self.promotion = self._keep()
        verdict = QLabel(
            tr("The new model %s passed the promotion gate.") % result.challenger
            if result.promote
            else tr("The promotion gate refused the new model %s: it is worse than %s.")
            % (result.challenger, result.champion)
        )
        verdict.setObjectName("verdict")
        verdict.setWordWrap(True)
        verdict.setTextFormat(Qt.TextFormat.PlainText)
        self.metrics = self._metrics_table()
        self.checks = self._checks_table()
        # the gate's reasons, said from its data in the interface's language
        self.reasons = QLabel(
            "\n".join(f"• {r}" for r in gate_reasons(result.reason_details, result.reasons))
        )
        self.reasons.setObjectName("verdict-reasons")
        self.reasons.setWordWrap(True)
        self.reasons.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QDialogButtonBox()
        self.keep_button = QPushButton(tr("Keep current model"))
        self.keep_button.setObjectName("verdict-keep")
        self.promote_button = QPushButton(tr("Promote") if result.promote else tr("Promote anyway"))
        self.promote_button.setObjectName("verdict-promote")
        buttons.addButton(self.promote_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.keep_button, QDialogButtonBox.ButtonRole.RejectRole)
        for button in (self.keep_button, self.promote_button):
            button.setAutoDefault(False)
        (self.promote_button if result.promote else self.keep_button).setDefault(True)
        self.promote_button.clicked.connect(self._promote)
        self.keep_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(verdict)
        layout.addWidget(self.metrics)
        layout.addWidget(self.checks)
        layout.addWidget(self.reasons)
        layout.addWidget(buttons)
        self.resize(640, 480)

    def _keep(self) -> Promotion:
        return Promotion.NEVER if self.retrain_result.promote else Promotion.GATE

    def _promote(self) -> None:
        self.promotion = Promotion.GATE if self.retrain_result.promote else Promotion.FORCE
        self.accept()

    def reject(self) -> None:
        self.promotion = self._keep()
        super().reject()

    def _metrics_table(self) -> QTableWidget:
        metrics: Mapping[str, Any] = self.retrain_result.metrics
        sides = [metrics.get("champion") or {}, metrics.get("challenger") or {}]
        gold = [side.get("gold") or {} for side in sides]
        held = [side.get("held_out") or {} for side in sides]
        rows: list[tuple[str, list[str]]] = [
            (tr("Gold accuracy"), [_percent(g.get("accuracy")) for g in gold]),
            (tr("Gold macro-F1"), [_percent(g.get("macro_f1")) for g in gold]),
        ]
        for label in SENTIMENTS:
            if any(label in (g.get("recall") or {}) for g in gold):
                rows.append(
                    (
                        tr("Gold recall: %s") % QCoreApplication.translate("QueueModel", label),
                        [_percent((g.get("recall") or {}).get(label)) for g in gold],
                    )
                )
        rows.append(
            (tr("Gold category accuracy"), [_percent(g.get("category_accuracy")) for g in gold])
        )
        rows.append(
            (
                tr("Held-out corrections right"),
                [
                    f"{h.get('correct', 0)} / {h.get('labels', 0)}" if h.get("labels") else "—"
                    for h in held
                ],
            )
        )
        table = QTableWidget(len(rows), 3)
        table.setObjectName("verdict-metrics")
        table.setHorizontalHeaderLabels(
            [
                tr("Measure"),
                tr("Current model (%s)") % self.retrain_result.champion,
                tr("New model (%s)") % self.retrain_result.challenger,
            ]
        )
        for r, (name, values) in enumerate(rows):
            for c, text in enumerate([name, *values]):
                table.setItem(r, c, QTableWidgetItem(text))
        _read_only(table)
        return table

    def _checks_table(self) -> QTableWidget:
        checks = [c for c in self.retrain_result.gate.get("checks", []) if isinstance(c, dict)]
        table = QTableWidget(len(checks), 5)
        table.setObjectName("verdict-checks")
        table.setHorizontalHeaderLabels(
            [tr("Gate check"), tr("Current"), tr("New"), tr("Needs at least"), tr("Verdict")]
        )
        for r, check in enumerate(checks):
            name = str(check.get("name", ""))
            count = name.endswith("correct")
            values = [check.get("champion"), check.get("challenger"), check.get("limit")]
            texts = [
                f"{v:.0f}" if count and isinstance(v, int | float) else _percent(v) for v in values
            ]
            verdict = tr("ok") if check.get("passed") else tr("worse")
            for c, text in enumerate([_check_name(name), *texts, verdict]):
                item = QTableWidgetItem(text)
                if c == 4 and not check.get("passed"):
                    item.setForeground(Qt.GlobalColor.darkRed)
                table.setItem(r, c, item)
        _read_only(table)
        return table


def _read_only(table: QTableWidget) -> None:
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)


class ScheduleDialog(QDialog):
    """The retrain schedule of this machine (off by default)."""

    def __init__(self, schedule: RetrainSchedule, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("schedule-dialog")
        self.setWindowTitle(tr("Retrain schedule"))
        intro = QLabel(
            tr(
                "Retrain automatically while the console runs and a supervisor is logged in. "
                "A scheduled retrain follows the promotion gate without asking."
            )
        )
        intro.setWordWrap(True)
        self.after_enabled = QCheckBox(tr("After new corrections:"))
        self.after = QSpinBox()
        self.after.setRange(1, 100_000)
        self.after.setValue(schedule.after_corrections or 200)
        self.after_enabled.setChecked(schedule.after_corrections > 0)
        self.nightly_enabled = QCheckBox(tr("Nightly, at hour:"))
        self.nightly = QSpinBox()
        self.nightly.setRange(0, 23)
        self.nightly.setValue(2 if schedule.nightly_hour is None else schedule.nightly_hour)
        self.nightly_enabled.setChecked(schedule.nightly_hour is not None)
        self.budget = QDoubleSpinBox()
        self.budget.setRange(int(MIN_BUDGET_MINUTES), 240)
        self.budget.setDecimals(0)
        self.budget.setSuffix(tr(" min"))
        self.budget.setValue(schedule.budget_minutes)
        form = QFormLayout()
        form.addRow(self.after_enabled, self.after)
        form.addRow(self.nightly_enabled, self.nightly)
        form.addRow(tr("Time budget:"), self.budget)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def schedule(self) -> RetrainSchedule:
        return RetrainSchedule(
            after_corrections=self.after.value() if self.after_enabled.isChecked() else 0,
            nightly_hour=self.nightly.value() if self.nightly_enabled.isChecked() else None,
            budget_minutes=self.budget.value(),
        )


async def ask(dialog: QDialog) -> int:
    """Show ``dialog`` window-modal and wait, without blocking the event loop, until it
    closes: its result code."""
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def finished(result: int) -> None:
        if not future.done():
            future.set_result(result)

    dialog.finished.connect(finished)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.show()
    dialog.activateWindow()
    return await future


# -- the flow -------------------------------------------------------------------------------
class RetrainFlow(QObject):
    """Runs retrains for ``window``; one at a time.

    ``options`` are more arguments of ``python -m training retrain`` (tests make the run
    short with them); ``clock`` is what the schedule calls now.

    Signals:
    started(): a training process started.
    finished(object): the :class:`RetrainOutcome`, or None (refused, cancelled, failed).
    """

    started = Signal()
    finished = Signal(object)

    def __init__(self, window: MainWindow, clock: Callable[[], datetime] = datetime.now) -> None:
        super().__init__(window)
        self.window = window
        self.options: tuple[str, ...] = ()
        self.clock = clock
        self.job: TrainingJob | None = None
        #: the dialog on screen (confirm or verdict), closed when the window closes
        self.dialog: QDialog | None = None
        self._task: asyncio.Task[RetrainOutcome | None] | None = None
        #: a retrain is under way (cleared before ``finished`` is emitted)
        self._active = False
        self._stopping = False
        self.schedule_timer = QTimer(self)
        self.schedule_timer.setInterval(SCHEDULE_CHECK_MS)
        self.schedule_timer.timeout.connect(self.check_schedule)
        self.schedule_timer.start()

    @property
    def running(self) -> bool:
        return self._active

    def begin(self, scheduled: str | None = None) -> asyncio.Task[RetrainOutcome | None] | None:
        """Start a retrain (asking first unless ``scheduled`` says why it is due); None when
        one is already running or the window is closing."""
        if self.running or self._stopping:
            return None
        self._active = True
        self._task = asyncio.ensure_future(self._run_safely(scheduled))
        self.window.update_model_actions()
        return self._task

    async def stop(self) -> None:
        """Cancel a running retrain (and close its dialogs) and wait until it is recorded."""
        self._stopping = True
        # the window (and so this object's Qt side) may already be deleted by now
        if shiboken6.isValid(self.schedule_timer):
            self.schedule_timer.stop()
        if self.job is not None and shiboken6.isValid(self.job):
            self.job.cancel()
        if self.dialog is not None and shiboken6.isValid(self.dialog):
            self.dialog.reject()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(self._task)

    # -- schedule -----------------------------------------------------------------------
    def schedule(self) -> RetrainSchedule:
        return load_schedule(self.window.settings)

    def check_schedule(self) -> None:
        """Start a scheduled retrain when one is due (a supervisor must be logged in)."""
        schedule = self.schedule()
        if (
            not schedule.enabled
            or self.running
            or self._stopping
            or self.window.account.role != "supervisor"
            or self.window.store is None
        ):
            return
        self._spawn(self._check_schedule(schedule))

    async def _check_schedule(self, schedule: RetrainSchedule) -> None:
        state: ScheduleState | None = None
        store = self.window.store
        if schedule.after_corrections > 0 and store is not None:
            try:
                state = await self.window.workers.db(schedule_state, store, self.window.root)
            except SentideskError as exc:
                log.info("the retrain schedule could not be checked: %s", exc)
                return
        now = self.clock()
        last = self.window.settings.value(LAST_NIGHTLY, "", type=str)
        why = retrain_due(schedule, now, state, str(last) or None)
        if why is None or self.running:
            return
        if why == "nightly":
            self.window.settings.setValue(LAST_NIGHTLY, now.date().isoformat())
        log.info("scheduled retrain (%s)", why)
        self.begin(scheduled=why)

    def _spawn(self, coro: Any) -> None:
        # the window keeps the task alive and reports a failure
        self.window.spawn(coro)

    # -- one retrain ----------------------------------------------------------------------
    async def _run_safely(self, scheduled: str | None) -> RetrainOutcome | None:
        outcome: RetrainOutcome | None = None
        try:
            outcome = await self._run(scheduled)
        except Exception as exc:
            log.error("the retrain failed", exc_info=exc)
            self.window.notices.show_notice(
                "retrain", tr("Retrain failed: %s") % describe(exc), "error"
            )
        finally:
            self._active = False
            self.job = None
            self.dialog = None
            self.window.progress.detach()
            self.window.update_model_actions()
        self.finished.emit(outcome)
        return outcome

    async def _run(self, scheduled: str | None) -> RetrainOutcome | None:
        window = self.window
        store = window.store
        if store is None:
            return None
        schedule = self.schedule()
        budget = schedule.budget_minutes if scheduled else DEFAULT_BUDGET_MINUTES
        window.notices.clear("retrain")
        try:
            plan = await window.workers.db(
                prepare_retrain, store, window.root, window.account, budget, self.options
            )
        except NothingToLearnError as exc:
            if scheduled:
                log.info("scheduled retrain skipped: %s", exc)
            else:
                window.notices.show_notice(
                    "retrain", tr("Nothing to retrain on: %s") % exc, "warning"
                )
            return None
        except PermissionDenied as exc:
            window.notices.show_notice("retrain", tr("Retrain refused: %s") % exc, "error")
            return None
        except SentideskError as exc:
            window.notices.show_notice(
                "retrain", tr("Retrain not started: %s") % describe(exc), "error"
            )
            return None

        if not scheduled:
            dialog = RetrainDialog(plan, window)
            self.dialog = dialog
            try:
                accepted = await ask(dialog) == QDialog.DialogCode.Accepted.value
                minutes = dialog.budget.value()
            finally:
                self.dialog = None
                dialog.deleteLater()
            if not accepted or self._stopping:
                await window.workers.db(plan.corrections_file.unlink, missing_ok=True)
                return None
            plan = with_budget(plan, minutes)

        job = TrainingJob(plan.command, result_of, parent=self)
        self.job = job
        window.progress.attach(job, tr("Scheduled retrain:") if scheduled else tr("Retraining:"))
        job.start()
        self.started.emit()
        end = await job.wait()
        self.job = None
        job.deleteLater()
        if not isinstance(end.result, RetrainResult):
            failure = end.error or "no result"
            await window.submit_write(
                finish_retrain, store, plan, None, Promotion.GATE, failure=failure
            )
            if end.cancelled:
                window.notices.show_notice(
                    "retrain",
                    tr("Retrain cancelled; the active model is unchanged."),
                    "info",
                )
            else:
                window.notices.show_notice(
                    "retrain",
                    tr("Retrain failed; the active model is unchanged. %s") % failure,
                    "error",
                )
            return None

        result = end.result
        promotion = Promotion.GATE
        # Only the supervisor who started it may overrule the gate: after a user switch the
        # person at the keyboard may be an agent, and the decision is audited in the
        # starter's name.
        starter_present = window.account.name.casefold() == plan.actor.name.casefold()
        if not scheduled and not self._stopping and starter_present:
            verdict = VerdictDialog(result, window)
            self.dialog = verdict
            try:
                await ask(verdict)
                promotion = verdict.promotion
            finally:
                self.dialog = None
                verdict.deleteLater()
        elif self._stopping:
            # nobody is there to decide: keep what the agents work with
            promotion = Promotion.NEVER
        try:
            outcome = await window.submit_write(finish_retrain, store, plan, result, promotion)
        except SentideskError as exc:
            window.notices.show_notice(
                "retrain",
                tr("The retrain finished, but its verdict could not be applied: %s")
                % describe(exc),
                "error",
            )
            return None
        assert outcome is not None
        pruned = ""
        if outcome.pruned is not None and outcome.pruned.removed:
            pruned = " " + tr("%d old model versions were removed (%s freed).") % (
                len(outcome.pruned.removed),
                megabytes(outcome.pruned.bytes_freed),
            )
        if outcome.promoted:
            if not self._stopping:
                await window.reload_model()
            window.notices.show_notice(
                "retrain",
                tr("Model %s is now active. The open queue is being re-scored in the background.")
                % outcome.active
                + pruned,
                "info",
            )
        else:
            window.notices.show_notice(
                "retrain",
                tr("Kept model %s; the new version %s is in the model history.")
                % (result.champion, result.challenger)
                + pruned,
                "info",
            )
        if outcome.prune_error is not None:
            window.notices.show_notice(
                "prune",
                tr("Old model versions were not removed: %s") % outcome.prune_error,
                "warning",
            )
        return outcome

    def edit_schedule(self) -> None:
        self._spawn(self._edit_schedule())

    async def _edit_schedule(self) -> None:
        dialog = ScheduleDialog(self.schedule(), self.window)
        try:
            if await ask(dialog) == QDialog.DialogCode.Accepted.value:
                save_schedule(self.window.settings, dialog.schedule())
        finally:
            dialog.deleteLater()
