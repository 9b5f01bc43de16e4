"""The supervised loop that scores the store's unscored tickets: one for window and headless.

A round reads a batch of pending tickets (database), scores it (model) and writes the
predictions (database). Where each step runs is the caller's choice: the window passes its
worker threads, headless runs pass :func:`run_here`. A failed round is reported and retried
after a growing pause; the loop never ends on an error. A ticket the model fails on even on
its own is set aside, so one bad ticket cannot hold up the rest of the queue.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from console.services.flags import FlagSettings, refresh_flags
from console.services.scoring import Pending, ScoredBatch, score_batch
from console.store import TicketStore
from inference import SentideskError, SentimentScorer

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Tickets per round: small enough that an explanation request waits at most one batch.
SCORING_BATCH = 32
#: Pauses after consecutive failed rounds: 1 s, 2 s, 4 s, … up to a minute.
FIRST_RETRY_SECONDS = 1.0
MAX_RETRY_SECONDS = 60.0


class Runner(Protocol):
    """Runs ``fn(*args)`` somewhere (a worker thread, or right here) and awaits the result."""

    def __call__(self, fn: Callable[..., T], /, *args: Any) -> Awaitable[T]: ...


async def run_here(fn: Callable[..., T], /, *args: Any) -> T:
    """A :class:`Runner` for headless use: the call runs in the caller's thread."""
    return fn(*args)


@dataclass(frozen=True)
class RoundResult:
    scored: tuple[str, ...]
    #: tickets the model failed on, set aside with the reason
    set_aside: tuple[tuple[str, str], ...] = ()
    #: why the flags could not be recomputed after the predictions were saved (they stay
    #: marked stale, so the next refresh catches up); the predictions themselves are saved
    flag_error: str | None = None

    @property
    def idle(self) -> bool:
        return not self.scored and not self.set_aside


@dataclass(frozen=True)
class RoundFailure:
    reason: str
    attempt: int
    retry_in: float


def describe(exc: BaseException) -> str:
    """A user-facing reason: our own errors say it themselves, anything else is a bug."""
    if isinstance(exc, SentideskError):
        return str(exc)
    return f"unexpected error ({type(exc).__name__}: {exc}); details are in the log"


class ScoringLoop:
    def __init__(
        self,
        store: TicketStore,
        scorer: SentimentScorer,
        db: Runner = run_here,
        model: Runner = run_here,
        batch: int = SCORING_BATCH,
        flag_settings: FlagSettings | None = None,
    ) -> None:
        """``flag_settings``: recompute flags with these after each round's predictions are
        saved (None: leave that to the caller)."""
        self.store = store
        self.scorer = scorer
        self.db = db
        self.model = model
        self.batch = batch
        self.flag_settings = flag_settings
        #: ticket id → why the model could not score it (kept until the loop is rebuilt)
        self.set_aside: dict[str, str] = {}

    async def round(self) -> RoundResult:
        pending: list[Pending] = await self.db(
            self.store.pending_scoring, self.scorer.version, self.batch, frozenset(self.set_aside)
        )
        if not pending:
            return RoundResult(())
        failed: list[tuple[str, str]] = []
        try:
            batches = [await self.model(score_batch, self.scorer, pending)]
        except Exception as exc:
            batches, failed = await self._one_by_one(pending, exc)
        self.set_aside.update(failed)
        tickets = [t for b in batches for t in b.tickets]
        messages = [m for b in batches for m in b.messages]
        await self.db(self.store.save_predictions, tickets, messages)
        bad = {tid for tid, _ in failed}
        scored = tuple(t for t, _, _ in pending if t not in bad)
        return RoundResult(scored, tuple(failed), await self._refresh_flags())

    async def _refresh_flags(self) -> str | None:
        """Recompute the flags the new predictions changed; a failure is reported, not
        raised: the round's predictions are stored and the window must still show them."""
        if self.flag_settings is None:
            return None
        try:
            await self.db(refresh_flags, self.store, self.flag_settings)
        except SentideskError as exc:
            log.warning("flags could not be recomputed after scoring: %s", exc)
            return str(exc)
        return None

    async def _one_by_one(
        self, pending: list[Pending], batch_error: Exception
    ) -> tuple[list[ScoredBatch], list[tuple[str, str]]]:
        """Find the tickets a failed batch failed on; if every one fails, the model is at
        fault, not the tickets, and the batch's error is raised."""
        batches: list[ScoredBatch] = []
        failed: list[tuple[str, str]] = []
        for item in pending:
            try:
                batches.append(await self.model(score_batch, self.scorer, [item]))
            except Exception as exc:
                log.warning("ticket %s could not be scored: %s", item[0], describe(exc))
                failed.append((item[0], describe(exc)))
        if not batches:
            raise batch_error
        return batches, failed

    async def run(
        self,
        wake: asyncio.Event,
        on_round: Callable[[RoundResult], Awaitable[None]],
        on_failure: Callable[[RoundFailure], None],
        on_idle: Callable[[], None],
    ) -> None:
        """Score until cancelled: rounds while work is pending, then sleep until ``wake``."""
        failures = 0
        while True:
            try:
                result = await self.round()
                await on_round(result)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                failures += 1
                pause = min(MAX_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** (failures - 1))
                _log_failure(exc, pause)
                on_failure(RoundFailure(describe(exc), failures, pause))
                await asyncio.sleep(pause)
                continue
            failures = 0
            if result.idle:
                on_idle()
                wake.clear()
                await wake.wait()

    async def drain(self, attempts: int = 4) -> int:
        """Score everything pending (headless); after ``attempts`` failed rounds in a row the
        last error is raised. Returns how many tickets were scored."""
        total = failures = 0
        while True:
            try:
                result = await self.round()
            except Exception as exc:
                failures += 1
                if failures >= attempts:
                    raise
                pause = FIRST_RETRY_SECONDS * 2 ** (failures - 1)
                _log_failure(exc, pause)
                await asyncio.sleep(pause)
                continue
            failures = 0
            if result.idle:
                return total
            total += len(result.scored)


def _log_failure(exc: Exception, pause: float) -> None:
    if isinstance(exc, SentideskError):
        log.warning("scoring round failed, retrying in %.0f s: %s", pause, exc)
    else:
        log.error("scoring round failed, retrying in %.0f s", pause, exc_info=exc)


def score_all_pending(
    store: TicketStore, scorer: SentimentScorer, flag_settings: FlagSettings | None = None
) -> int:
    """Thread: the caller's (headless). Score every ticket the active model has not scored
    (recomputing flags with ``flag_settings`` after each round, when given)."""
    return asyncio.run(ScoringLoop(store, scorer, flag_settings=flag_settings).drain())
