"""The supervised scoring loop that the window and headless runs share."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from console.services import scoring_loop
from console.services.desk import open_scorer
from console.services.scoring import Pending, ScoredBatch, score_batch
from console.services.scoring_loop import RoundFailure, RoundResult, ScoringLoop
from console.store import MessageDraft, StoreError, TicketDraft, TicketStore
from inference import SentimentScorer


def _drafts(n: int) -> list[TicketDraft]:
    return [
        TicketDraft(
            f"T{i}",
            "",
            (MessageDraft("customer", f"my order {i} is late", "2026-11-28T10:00:00+00:00"),),
            created_at=f"2026-11-28T10:{i:02d}:00+00:00",
        )
        for i in range(n)
    ]


@pytest.fixture
def scorer(active_model: str, isolated_data_dir: Path) -> SentimentScorer:
    return open_scorer(isolated_data_dir).scorer


@pytest.fixture
def filled(store: TicketStore) -> TicketStore:
    store.import_tickets(_drafts(5), "f")
    return store


@pytest.fixture(autouse=True)
def no_pauses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scoring_loop, "FIRST_RETRY_SECONDS", 0.01)


def test_drain_scores_everything_in_batches(filled: TicketStore, scorer: SentimentScorer) -> None:
    loop = ScoringLoop(filled, scorer, batch=2)
    assert asyncio.run(loop.drain()) == 5
    assert all(r.negativity is not None for r in filled.queue_rows())


def test_a_ticket_the_model_fails_on_is_set_aside_and_the_rest_are_scored(
    filled: TicketStore,
    scorer: SentimentScorer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def fails_on_t3(s: SentimentScorer, pending: Sequence[Pending]) -> ScoredBatch:
        if any(tid == "T3" for tid, _, _ in pending):
            raise RuntimeError("tokenizer exploded")
        return score_batch(s, pending)

    monkeypatch.setattr(scoring_loop, "score_batch", fails_on_t3)
    loop = ScoringLoop(filled, scorer)
    assert asyncio.run(loop.drain()) == 4
    assert set(loop.set_aside) == {"T3"}
    assert "RuntimeError: tokenizer exploded" in loop.set_aside["T3"]
    unscored = [r.id for r in filled.queue_rows() if r.negativity is None]
    assert unscored == ["T3"]
    assert "T3 could not be scored" in caplog.text
    caplog.clear()


def test_a_broken_model_fails_the_round_instead_of_setting_tickets_aside(
    filled: TicketStore,
    scorer: SentimentScorer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(s: SentimentScorer, pending: Sequence[Pending]) -> ScoredBatch:
        raise RuntimeError("no session")

    monkeypatch.setattr(scoring_loop, "score_batch", broken)
    loop = ScoringLoop(filled, scorer)
    with pytest.raises(RuntimeError, match="no session"):
        asyncio.run(loop.drain(attempts=2))
    assert loop.set_aside == {}
    caplog.clear()


def test_run_reports_a_failed_round_retries_and_recovers(
    filled: TicketStore,
    scorer: SentimentScorer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls = {"n": 0}
    real = filled.pending_scoring

    def flaky(*args: Any) -> Any:
        calls["n"] += 1
        if calls["n"] <= 2:
            raise StoreError("could not save the new predictions: the database is locked")
        return real(*args)

    monkeypatch.setattr(filled, "pending_scoring", flaky)
    failures: list[RoundFailure] = []
    rounds: list[RoundResult] = []

    async def main() -> None:
        wake = asyncio.Event()
        idle = asyncio.Event()

        async def on_round(result: RoundResult) -> None:
            rounds.append(result)

        loop = ScoringLoop(filled, scorer)
        task = asyncio.ensure_future(loop.run(wake, on_round, failures.append, idle.set))
        await asyncio.wait_for(idle.wait(), 30)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    assert [f.attempt for f in failures] == [1, 2]
    assert failures[1].retry_in == pytest.approx(2 * failures[0].retry_in)
    assert "locked" in failures[0].reason
    assert sum(len(r.scored) for r in rounds) == 5
    assert "scoring round failed" in caplog.text
    caplog.clear()
