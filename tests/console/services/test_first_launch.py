"""The first launch's services: what a data directory lacks, the commands, and how the
provisional and default builds are read when they end; and a provisional model scoring
everywhere a model is used (services, headless, command line)."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from console.cli import main
from console.services.demo import DEMO_FILE
from console.services.desk import explanation_for, open_scorer, open_store
from console.services.first_launch import (
    BuildError,
    BuildOutcome,
    build_command,
    build_result_of,
    model_state,
    provisional_command,
    provisional_result_of,
)
from console.services.models import loadable
from console.services.retrain import RetrainError, result_of
from console.services.scoring_loop import score_all_pending
from inference import LexicalScorer, ModelRegistry, models_dir


# -- reading how a process ended ----------------------------------------------------------
def _progress(*stages: str) -> list[dict[str, Any]]:
    return [{"stage": stage, "event": "start"} for stage in stages]


def test_a_finished_build_names_the_version_it_made() -> None:
    events = [*_progress("base", "train"), {"stage": "done", "version": "m1", "seconds": 12.5}]
    assert build_result_of(events, 0, "") == BuildOutcome("m1", None, 12.5)


@pytest.mark.parametrize(
    ("events", "status", "tail", "message"),
    [
        (
            [*_progress("base"), {"stage": "error", "message": "disk full"}],
            2,
            "",
            "building the default model failed: disk full",
        ),
        (
            [*_progress("base", "train"), {"stage": "cancelled"}],
            143,
            "",
            "building the default model was cancelled; the active model is unchanged",
        ),
        (
            _progress("base"),
            -1,
            "Traceback...\nMemoryError",
            "the training process stopped (exit status -1): Traceback...\nMemoryError",
        ),
        ([], 1, "  ", "the training process stopped (exit status 1)"),
        (
            [{"stage": "done", "version": None}],
            0,
            "",
            "building the default model ended without naming the version it made",
        ),
    ],
)
def test_a_build_that_made_nothing_says_why(
    events: list[dict[str, Any]], status: int, tail: str, message: str
) -> None:
    with pytest.raises(BuildError) as caught:
        build_result_of(events, status, tail)
    assert str(caught.value) == message


def test_a_provisional_build_may_find_a_usable_model_and_make_none() -> None:
    done = {"stage": "done", "version": None, "usable": "m7", "seconds": 0.0}
    assert provisional_result_of([done], 0, "") == BuildOutcome(None, "m7", 0.0)
    made = {"stage": "done", "version": "m8", "seconds": 21}
    assert provisional_result_of([*_progress("prepare", "lexical"), made], 0, "").version == "m8"
    with pytest.raises(BuildError, match=r"^making the provisional model failed: no data$"):
        provisional_result_of([{"stage": "error", "message": "no data"}], 2, "")


def test_the_retrain_reads_its_end_as_before() -> None:
    with pytest.raises(RetrainError, match=r"^the retrain failed: boom$"):
        result_of([{"stage": "error", "message": "boom"}], 2, "")
    with pytest.raises(RetrainError, match=r"cancelled; the active model is unchanged$"):
        result_of([{"stage": "cancelled"}], 143, "")


def test_commands_run_this_python_on_the_data_directory(tmp_path: Path) -> None:
    assert provisional_command(tmp_path) == (
        sys.executable, "-m", "training", "provisional", "--data-dir", str(tmp_path),
    )  # fmt: skip
    assert build_command(tmp_path, ("--budget-minutes", "1")) == (
        sys.executable, "-m", "training", "build", "--data-dir", str(tmp_path),
        "--budget-minutes", "1",
    )  # fmt: skip


# -- what a data directory lacks ----------------------------------------------------------
def test_an_empty_data_directory_needs_a_provisional_model_and_a_build(
    isolated_data_dir: Path,
) -> None:
    state = model_state(isolated_data_dir)
    assert state.needs_provisional and state.first_build_due
    assert (state.usable, state.active, state.active_provisional) == (None, None, False)


def test_with_only_a_provisional_model_the_build_is_still_due(
    provisional_model: str, isolated_data_dir: Path
) -> None:
    state = model_state(isolated_data_dir)
    assert not state.needs_provisional
    assert state.usable == state.active == provisional_model
    assert state.active_provisional and state.first_build_due


def test_a_real_model_needs_neither(active_model: str, isolated_data_dir: Path) -> None:
    state = model_state(isolated_data_dir)
    assert (state.usable, state.needs_provisional, state.first_build_due) == (
        active_model,
        False,
        False,
    )


def test_a_provisional_model_beside_a_real_one_starts_no_build(
    provisional_template: tuple[Path, str], active_model: str, isolated_data_dir: Path
) -> None:
    # a supervisor went back to the provisional version: building over it is their call
    root, version = provisional_template
    shutil.copytree(models_dir(root) / version, models_dir(isolated_data_dir) / version)
    ModelRegistry(models_dir(isolated_data_dir)).activate(version)
    state = model_state(isolated_data_dir)
    assert state.active_provisional and not state.first_build_due


# -- a provisional model scores everywhere ------------------------------------------------
def test_the_desk_scores_and_explains_with_a_provisional_model(
    provisional_model: str, isolated_data_dir: Path
) -> None:
    active = open_scorer(isolated_data_dir)
    assert active.provisional and isinstance(active.scorer, LexicalScorer)
    store = open_store(isolated_data_dir)
    try:
        from console.services.desk import import_path

        report = import_path(store, DEMO_FILE)
        assert score_all_pending(store, active.scorer) == report.added
        detail = store.ticket(report.ticket_ids[0])
        assert detail.prediction is not None
        assert detail.prediction["model_version"] == provisional_model
        spans = explanation_for(active.scorer, detail)
        assert all({"part", "start", "end", "weight"} <= set(s) for s in spans)
    finally:
        store.close()


def test_a_supervisor_can_switch_back_to_a_provisional_version(
    provisional_model: str, isolated_data_dir: Path
) -> None:
    loadable(ModelRegistry(models_dir(isolated_data_dir)))(provisional_model)  # no error


def test_headless_and_score_work_on_a_provisional_model_with_a_warning(
    provisional_model: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.jsonl"
    assert main(["headless", "--tickets", str(DEMO_FILE), "--out", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(rows) == 300
    assert rows[0]["prediction"]["model_version"] == provisional_model
    err = capsys.readouterr().err
    summary_text, warning = err.rsplit("\n", 2)[0], err.rsplit("\n", 2)[1]
    summary = json.loads(summary_text)
    assert summary["model_provisional"] is True and summary["scored"] == 300
    assert warning.startswith(f"sentidesk: warning: model {provisional_model} is provisional")
    assert "sentidesk model build" in warning

    text = tmp_path / "t.txt"
    text.write_text("快递一周了还没到，太差了\n", "utf-8")
    assert main(["score", str(text)]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["label"] in {"negative", "neutral", "positive"}
    assert "is provisional" in captured.err
