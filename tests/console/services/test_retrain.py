"""Retraining from the console: who may, the process protocol, the verdict and its audit."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any, ClassVar

import pytest

from console.cli import main
from console.services import (
    Account,
    PermissionDenied,
    Promotion,
    RetrainError,
    RetrainOutcome,
    add_user,
    finish_retrain,
    import_labels,
    parse_event,
    prepare_retrain,
    run_retrain,
)
from console.services.desk import open_store
from console.services.retrain import describe_outcome, result_of
from console.store import TicketStore
from inference import ModelRegistry, models_dir
from tests.training.test_retrain import FAST_OPTIONS
from training import NothingToLearnError, RetrainResult


@pytest.fixture
def ann(store: TicketStore) -> Account:
    return add_user(store, "ann", "supervisor", "ann-password", None)


@pytest.fixture
def bob(store: TicketStore, ann: Account) -> Account:
    return add_user(store, "bob", "agent", "bob-password", ann)


def _label(store: TicketStore, who: Account, tmp_path: Path, n: int = 10) -> None:
    rows = [
        {"text": f"wonderful, the parcel is lost again, week {i}", "label": "negative"}
        for i in range(n)
    ]
    file = tmp_path / f"labels-{who.name}.jsonl"
    file.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    import_labels(store, who, file)


def _audit(store: TicketStore, action: str) -> list[dict[str, object]]:
    return [r for r in store.rows("audit") if r["action"] == action]


def test_only_a_supervisor_with_corrections_and_a_model_may_retrain(
    store: TicketStore,
    isolated_data_dir: Path,
    active_model: str,
    ann: Account,
    bob: Account,
    tmp_path: Path,
) -> None:
    with pytest.raises(PermissionDenied, match="bob is an agent"):
        prepare_retrain(store, isolated_data_dir, bob)
    with pytest.raises(PermissionDenied, match="nobody is logged in"):
        prepare_retrain(store, isolated_data_dir, None)
    with pytest.raises(NothingToLearnError, match="no corrections"):
        prepare_retrain(store, isolated_data_dir, ann)
    _label(store, bob, tmp_path)
    with pytest.raises(RetrainError, match="at least 5 minutes"):
        prepare_retrain(store, isolated_data_dir, ann, 3)
    plan = prepare_retrain(store, isolated_data_dir, ann, 5, ["--epochs", "1"])
    assert plan.corrections == 10 and plan.actor == ann
    assert plan.command[1:4] == ("-m", "training", "retrain")
    assert plan.command[-2:] == ("--epochs", "1") and "--budget-minutes" in plan.command
    assert json.loads(plan.corrections_file.read_text("utf-8"))["events"] == 10
    finish_retrain(store, plan, None, failure="stopped")
    assert not plan.corrections_file.exists()
    [row] = _audit(store, "retrain")
    assert row["actor"] == "ann" and "stopped" in str(row["details"])


def test_events_and_results_of_the_process() -> None:
    assert parse_event('{"stage": "train", "step": 3}') == {"stage": "train", "step": 3}
    assert parse_event("a library printed this") is None
    assert parse_event('["not", "an", "event"]') is None
    with pytest.raises(RetrainError, match="failed: disk full"):
        result_of([{"stage": "error", "message": "disk full"}], 2, "")
    with pytest.raises(RetrainError, match="cancelled"):
        result_of([{"stage": "train"}, {"stage": "cancelled"}], 143, "")
    with pytest.raises(RetrainError, match=r"exit status -9\): Killed"):
        result_of([{"stage": "train"}], -9, "Killed\n")


def _result(champion: str, challenger: str, promote: bool) -> RetrainResult:
    gold = {
        "n": 10,
        "accuracy": 0.5,
        "macro_f1": 0.5,
        "recall": {"negative": 0.5},
        "category_accuracy": None,
    }
    held = {"n": 1, "labels": 1, "correct": 1, "accuracy": 1.0, "category_accuracy": None}
    metrics = {"gold": gold, "held_out": held, "sets": {}}
    return RetrainResult(
        champion, challenger, promote, ("why",), {"champion": metrics, "challenger": metrics},
        12.0, 10, 1, {},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("gate", "promotion", "promoted", "action"),
    [
        (True, Promotion.GATE, True, "model_promote"),
        (False, Promotion.GATE, False, None),
        (False, Promotion.FORCE, True, "model_promote_forced"),
        (True, Promotion.NEVER, False, None),
    ],
)
def test_the_verdict_is_followed_forced_or_refused_and_audited(
    store: TicketStore,
    isolated_data_dir: Path,
    active_model: str,
    exported_model_template: Path,
    ann: Account,
    bob: Account,
    tmp_path: Path,
    gate: bool,
    promotion: Promotion,
    promoted: bool,
    action: str | None,
) -> None:
    import shutil

    from inference import Manifest

    registry = ModelRegistry(models_dir(isolated_data_dir))
    shutil.copytree(exported_model_template, tmp_path / "challenger")
    registry.register(tmp_path / "challenger", Manifest("m-new", "2026-11-30T00:00:00", "tiny"))
    _label(store, bob, tmp_path)
    plan = prepare_retrain(store, isolated_data_dir, ann)
    outcome = finish_retrain(store, plan, _result(active_model, "m-new", gate), promotion)
    assert outcome is not None and outcome.promoted is promoted
    assert registry.active_version() == ("m-new" if promoted else active_model)
    assert outcome.active == registry.active_version()
    [retrain_row] = _audit(store, "retrain")
    assert json.loads(str(retrain_row["details"]))["promotion"] == promotion.value
    switches = [r for r in store.rows("audit") if str(r["action"]).startswith("model_")]
    assert [r["action"] for r in switches] == ([action] if action else [])
    text = describe_outcome(outcome)
    assert ("promoted" in text.splitlines()[-1]) and (
        text.splitlines()[-1].startswith("promoted") is promoted
    )
    assert outcome.to_dict()["promoted"] is promoted


@pytest.mark.integration
def test_a_real_retrain_end_to_end_through_the_process(
    store: TicketStore,
    isolated_data_dir: Path,
    active_model: str,
    ann: Account,
    bob: Account,
    tmp_path: Path,
) -> None:
    _label(store, bob, tmp_path, n=16)
    _label(store, ann, tmp_path, n=16)
    events: list[dict[str, object]] = []
    outcome = run_retrain(
        store, isolated_data_dir, ann, options=FAST_OPTIONS, on_event=events.append
    )
    registry = ModelRegistry(models_dir(isolated_data_dir))
    assert outcome.result.challenger in registry.names()
    assert registry.check(outcome.result.challenger).parent == active_model
    assert registry.active_version() == (
        outcome.result.challenger if outcome.result.promote else active_model
    )
    assert events[-1]["stage"] == "done"
    assert outcome.result.corrections >= 1
    assert [p for p in registry.root.iterdir() if p.name.startswith(".")] == []


@pytest.mark.integration
def test_sentidesk_retrain_command_writes_its_json_report(
    isolated_data_dir: Path,
    active_model: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = open_store(isolated_data_dir)
    try:
        boss = add_user(store, "boss", "supervisor", "boss-password", None)
        _label(store, boss, tmp_path, n=20)
    finally:
        store.close()
    out = tmp_path / "retrain.json"
    monkeypatch.setattr(sys, "stdin", io.StringIO("boss-password\n"))
    status = main(
        [
            "retrain",
            "--user",
            "boss",
            "--password-stdin",
            "--budget-minutes",
            "5",
            "--json",
            str(out),
        ]
    )
    assert status == 0
    report = json.loads(out.read_text("utf-8"))
    assert {
        "champion",
        "challenger",
        "promoted",
        "reasons",
        "metrics",
        "seconds",
        "corrections",
    } <= (set(report))
    assert report["champion"] == active_model
    assert set(report["metrics"]) == {"champion", "challenger"}
    assert report["corrections"] >= 1


def test_sentidesk_retrain_refuses_an_agent(
    isolated_data_dir: Path,
    active_model: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    store = open_store(isolated_data_dir)
    try:
        boss = add_user(store, "boss", "supervisor", "boss-password", None)
        add_user(store, "max", "agent", "max-password", boss)
    finally:
        store.close()
    monkeypatch.setattr(sys, "stdin", io.StringIO("max-password\n"))
    assert main(["retrain", "--user", "max", "--password-stdin"]) == 2
    assert "needs a supervisor account; max is an agent" in capsys.readouterr().err


def test_a_correction_file_left_by_a_killed_console_is_removed_a_day_later(
    store: TicketStore,
    isolated_data_dir: Path,
    active_model: str,
    ann: Account,
    tmp_path: Path,
) -> None:
    import os
    import time

    folder = models_dir(isolated_data_dir)
    old, recent = folder / ".corrections-old.json", folder / ".corrections-new.json"
    for file in (old, recent):
        file.write_text("{}", encoding="utf-8")
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))
    _label(store, ann, tmp_path)
    plan = prepare_retrain(store, isolated_data_dir, ann)
    assert not old.exists() and recent.exists() and plan.corrections_file.exists()


class _FakeProcess:
    """Stands in for the training subprocess: what it returns is the point of these tests,
    not training (the integration tests above run the real process)."""

    outcome: ClassVar[RetrainResult | RetrainError | None] = None
    before_result: ClassVar[list[object]] = []

    def __init__(self, plan: object) -> None:
        self.plan = plan

    def result(self, on_event: object = None) -> RetrainResult:
        for step in self.before_result:
            assert callable(step)
            step()
        assert self.outcome is not None
        if isinstance(self.outcome, RetrainError):
            raise self.outcome
        return self.outcome

    def cancel(self) -> None:
        pass


def _retrain_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, dict[str, Any]]:
    out = tmp_path / "retrain.json"
    monkeypatch.setattr(sys, "stdin", io.StringIO("ann-password\n"))
    status = main(["retrain", "--user", "ann", "--password-stdin", "--json", str(out)])
    return status, json.loads(out.read_text("utf-8"))


def _data_dir_store(isolated_data_dir: Path) -> tuple[TicketStore, Account]:
    """The data directory's own store (the one the command opens) with supervisor ann."""
    store = open_store(isolated_data_dir)
    return store, add_user(store, "ann", "supervisor", "ann-password", None)


def test_a_failed_retrain_reports_the_corrections_it_had(
    isolated_data_dir: Path,
    active_model: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store, ann = _data_dir_store(isolated_data_dir)
    _label(store, ann, tmp_path, n=12)
    store.close()
    monkeypatch.setattr("console.services.retrain.RetrainProcess", _FakeProcess)
    monkeypatch.setattr(_FakeProcess, "outcome", RetrainError("the training process died"))
    status, report = _retrain_json(tmp_path, monkeypatch)
    assert status == 2
    assert report["error"] == "the training process died"
    assert report["promoted"] is False and report["active"] == active_model
    # the counts were known before training started: the report says them
    assert isinstance(report["corrections"], int) and report["corrections"] >= 1
    assert report["corrections"] + report["held_out"] == 12
    # scripts read a failure with the keys of a finished retrain
    finished = RetrainOutcome(_result(active_model, "m-new", True), True, Promotion.GATE, "m-new")
    assert set(finished.to_dict()) | {"error"} == set(report)


def test_a_retrain_with_nothing_to_learn_still_writes_its_report(
    isolated_data_dir: Path,
    active_model: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store, _ann = _data_dir_store(isolated_data_dir)
    store.close()
    status, report = _retrain_json(tmp_path, monkeypatch)
    assert status == 2
    assert "no corrections to learn from" in report["error"]
    assert report["corrections"] is None and report["challenger"] is None
    assert report["active"] == active_model and report["promotion"] == "gate"


def test_a_verdict_that_cannot_be_applied_still_writes_the_comparison(
    isolated_data_dir: Path,
    active_model: str,
    exported_model_template: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import shutil

    from console.services import update_user
    from inference import Manifest

    registry = ModelRegistry(models_dir(isolated_data_dir))
    shutil.copytree(exported_model_template, tmp_path / "challenger")
    registry.register(tmp_path / "challenger", Manifest("m-new", "2026-11-30T00:00:00", "tiny"))
    store, ann = _data_dir_store(isolated_data_dir)
    other = add_user(store, "cat", "supervisor", "cat-password", ann)
    _label(store, ann, tmp_path, n=12)
    store.close()

    def disable_ann() -> None:
        # another console disables the supervisor while the model trains
        elsewhere = open_store(isolated_data_dir)
        try:
            update_user(elsewhere, other, "ann", disabled=True)
        finally:
            elsewhere.close()

    monkeypatch.setattr("console.services.retrain.RetrainProcess", _FakeProcess)
    monkeypatch.setattr(_FakeProcess, "outcome", _result(active_model, "m-new", True))
    monkeypatch.setattr(_FakeProcess, "before_result", [disable_ann])
    status, report = _retrain_json(tmp_path, monkeypatch)
    assert status == 2
    assert "verdict could not be applied" in report["error"]
    err = capsys.readouterr().err
    assert "verdict could not be applied" in err
    # the comparison it could not act on is shown all the same
    assert "gold macro-F1: 0.5000 → 0.5000" in err
    assert report["seconds"] == 12.0
    assert report["challenger"] == "m-new" and report["promote"] is True
    assert report["promoted"] is False and report["active"] == active_model
    assert set(report["metrics"]) == {"champion", "challenger"}
    assert registry.active_version() == active_model
    reopened = open_store(isolated_data_dir)
    try:
        [row] = _audit(reopened, "retrain")
        assert json.loads(str(row["details"]))["challenger"] == "m-new"
    finally:
        reopened.close()
