from __future__ import annotations

import getpass
import io
import json
import shutil
import sys
from pathlib import Path

import pytest

import training
from console.cli import main
from console.services.accounts import add_user
from console.services.desk import open_store
from inference import Manifest, ModelRegistry, models_dir
from tests.helpers import TINY_LAYOUT
from training import BuildConfig, export_and_quantize


@pytest.fixture
def registered(tiny_model: Path, isolated_data_dir: Path) -> str:
    export_and_quantize(tiny_model, TINY_LAYOUT)
    registry = ModelRegistry(models_dir(isolated_data_dir))
    registry.register(tiny_model, Manifest("m1", "2026-11-28T00:00:00", "tiny"))
    registry.activate("m1")
    return "m1"


def test_score_writes_one_json_line_per_row(
    registered: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "tickets.csv"
    src.write_text("id,text\nA,where is my order\nB,\nC,质量太差了\n", encoding="utf-8")
    assert main(["score", str(src), "--explain", "--backend", "onnx-int8"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in lines] == ["A", "B", "C"]
    assert lines[1] == {"id": "B", "line": 3, "error": "empty text"}
    assert lines[0]["model_version"] == registered
    assert lines[2]["language"] == "zh"
    assert {"label", "probabilities", "negativity", "category", "explanation"} <= set(lines[0])


def test_eval_prints_table_and_writes_json(
    registered: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = tmp_path / "eval.jsonl"
    rows = [
        {"text": "where is my order", "label": "neutral", "category": "logistics"},
        {"text": "terrible broken", "label": "negative", "category": "quality"},
        {"text": "thanks great", "label": "positive"},
        {"text": "质量太差了", "label": "negative", "lang": "zh"},
    ]
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    out = tmp_path / "report.json"
    assert main(["eval", "--data", str(data), "--json", str(out)]) == 0
    report = json.loads(out.read_text("utf-8"))
    for key in (
        "n",
        "accuracy",
        "macro_f1",
        "negativity_auc",
        "category_accuracy",
        "per_class",
        "confusion",
        "by_lang",
    ):
        assert key in report
    assert report["n"] == 4
    assert set(report["by_lang"]) == {"en", "zh"}
    assert report["by_lang"]["zh"]["n"] == 1
    assert "macroF1" in capsys.readouterr().out
    # '-' is stdout, as for every other --json, never a file named '-'
    monkeypatch.chdir(tmp_path)
    assert main(["eval", "--data", str(data), "--json", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["n"] == 4
    assert not (tmp_path / "-").exists()


def test_eval_rejects_unknown_labels(
    registered: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "eval.jsonl"
    data.write_text('{"text": "hi", "label": "angry"}\n', "utf-8")
    assert main(["eval", "--data", str(data)]) == 2
    assert "unknown label 'angry'" in capsys.readouterr().err


def test_commands_without_a_model_explain_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "t.txt"
    src.write_text("hello\n", "utf-8")
    assert main(["score", str(src)]) == 2
    assert "sentidesk model build" in capsys.readouterr().err


def test_data_dir_option_after_the_subcommand(
    registered: str, isolated_data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["model", "list", "--data-dir", str(isolated_data_dir)]) == 0
    assert "* m1" in capsys.readouterr().out
    assert main(["--data-dir", str(tmp_path / "elsewhere"), "model", "list"]) == 0
    assert capsys.readouterr().out == ""


@pytest.fixture
def two_versions(exported_model_template: Path, isolated_data_dir: Path) -> ModelRegistry:
    """Versions m1 and m2 of the tiny exported model; m2 is active."""
    registry = ModelRegistry(models_dir(isolated_data_dir))
    for i, version in enumerate(("m1", "m2"), 1):
        staging = isolated_data_dir / "staging" / version
        shutil.copytree(exported_model_template, staging)
        registry.register(staging, Manifest(version, f"2026-11-28T00:00:0{i}", "tiny"))
    registry.activate("m2")
    return registry


def _warnings(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("sentidesk: warning:")]


def test_score_falls_back_when_the_active_version_is_gone(
    two_versions: ModelRegistry, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.rmtree(two_versions.root / "m2")
    src = tmp_path / "t.txt"
    src.write_text("where is my order\n", "utf-8")
    assert main(["score", str(src)]) == 0
    out, err = capsys.readouterr()
    (warning,) = _warnings(err)
    assert "active model m2 cannot be used" in warning and "using m1" in warning
    assert json.loads(out)["model_version"] == "m1"
    assert two_versions.active_version() == "m2"  # reported, not silently switched


def test_eval_falls_back_when_the_active_config_is_wrongly_shaped(
    two_versions: ModelRegistry, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (two_versions.root / "m2" / "config.json").write_text("[]")
    data = tmp_path / "eval.jsonl"
    data.write_text('{"text": "terrible broken", "label": "negative"}\n', "utf-8")
    assert main(["eval", "--data", str(data)]) == 0
    out, err = capsys.readouterr()
    (warning,) = _warnings(err)
    assert str(two_versions.root / "m2" / "config.json") in warning
    assert out.startswith("model m1 ")


def test_bench_falls_back_when_the_active_onnx_is_truncated(
    two_versions: ModelRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    onnx = two_versions.root / "m2" / "onnx" / "model_quantized.onnx"
    onnx.write_bytes(onnx.read_bytes()[:1000])
    assert main(["bench", "--texts", "4", "--no-accuracy"]) == 0
    (warning,) = _warnings(capsys.readouterr().err)
    assert "cannot load ONNX model" in warning and "using m1" in warning


ANN_PASSWORD = "ann-password"
BOB_PASSWORD = "bob-password"


@pytest.fixture
def accounts(isolated_data_dir: Path) -> None:
    """Supervisor ann and agent bob."""
    store = open_store(isolated_data_dir)
    try:
        ann = add_user(store, "ann", "supervisor", ANN_PASSWORD, None)
        add_user(store, "bob", "agent", BOB_PASSWORD, ann)
    finally:
        store.close()


def _as(monkeypatch: pytest.MonkeyPatch, user: str, password: str, *args: str) -> int:
    """``sentidesk *args --user USER --password-stdin`` with ``password`` on stdin."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
    return main([*args, "--user", user, "--password-stdin"])


def _as_ann(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    return _as(monkeypatch, "ann", ANN_PASSWORD, *args)


def _model_audit(root: Path) -> list[tuple[str, str, object, object]]:
    store = open_store(root)
    try:
        rows = [r for r in store.rows("audit") if str(r["action"]).startswith("model_")]
    finally:
        store.close()
    return [
        (
            r["actor"],
            r["action"],
            json.loads(r["before"])["active"],
            json.loads(r["after"])["active"],
        )
        for r in rows
    ]


def test_rollback_list_and_activate_when_the_active_version_is_gone(
    two_versions: ModelRegistry,
    accounts: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    shutil.rmtree(two_versions.root / "m2")
    assert main(["model", "list"]) == 0
    out = capsys.readouterr().out
    assert "! m2  (broken: the active version's folder is missing) [active]" in out
    assert "  m1  " in out
    assert _as_ann(monkeypatch, "model", "rollback") == 0
    assert "active model: m1" in capsys.readouterr().out
    assert two_versions.active_version() == "m1"
    assert _as_ann(monkeypatch, "model", "activate", "m1") == 0


@pytest.mark.parametrize("file", ["config.json", "manifest.json"])
def test_model_commands_report_a_wrongly_shaped_file_instead_of_crashing(
    two_versions: ModelRegistry,
    file: str,
    accounts: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    broken = two_versions.root / "m2" / file
    broken.write_text("[]")
    assert main(["model", "list"]) == 0
    out = capsys.readouterr().out
    (line,) = [line for line in out.splitlines() if "m2" in line]
    assert line.startswith("! m2  (broken: ") and str(broken) in line and "[active]" in line
    assert _as_ann(monkeypatch, "model", "activate", "m2") == 2
    err = capsys.readouterr().err
    assert err.startswith("sentidesk: error: cannot activate m2: ") and str(broken) in err
    assert _as_ann(monkeypatch, "model", "rollback") == 0
    assert two_versions.active_version() == "m1"
    assert _as_ann(monkeypatch, "model", "activate", "m2") == 2
    assert two_versions.active_version() == "m1"


def test_activate_refuses_a_version_whose_weights_do_not_load(
    two_versions: ModelRegistry,
    accounts: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    two_versions.activate("m1")
    onnx = two_versions.root / "m2" / "onnx" / "model_quantized.onnx"
    onnx.write_bytes(b"not a protobuf")
    assert _as_ann(monkeypatch, "model", "activate", "m2") == 2
    assert "cannot load ONNX model" in capsys.readouterr().err
    assert two_versions.active_version() == "m1"


def test_model_switches_by_a_supervisor_are_audited(
    two_versions: ModelRegistry,
    accounts: None,
    isolated_data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _as_ann(monkeypatch, "model", "rollback") == 0
    assert _as_ann(monkeypatch, "model", "activate", "m2") == 0
    assert capsys.readouterr().out == "active model: m1\nactive model: m2\n"
    assert _model_audit(isolated_data_dir) == [
        ("ann", "model_rollback", "m2", "m1"),
        ("ann", "model_activate", "m1", "m2"),
    ]


@pytest.mark.parametrize(
    ("user", "password", "error"),
    [
        (
            "bob",
            BOB_PASSWORD,
            "changing the active model needs a supervisor account; bob is an agent",
        ),
        ("ann", "not-anns-password", "wrong name or password"),
        ("carl", "any-password", "wrong name or password"),
    ],
)
@pytest.mark.parametrize("command", [["activate", "m1"], ["rollback"]])
def test_model_switches_refuse_agents_and_wrong_passwords(
    two_versions: ModelRegistry,
    accounts: None,
    isolated_data_dir: Path,
    user: str,
    password: str,
    error: str,
    command: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _as(monkeypatch, user, password, "model", *command) == 2
    assert capsys.readouterr().err == f"sentidesk: error: {error}\n"
    assert two_versions.active_version() == "m2"
    assert _model_audit(isolated_data_dir) == []


def test_model_switches_without_user_say_what_to_do(
    two_versions: ModelRegistry, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["model", "rollback"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("sentidesk: error: changing the active model needs a supervisor")
    assert err.endswith(
        "create the first supervisor with: sentidesk user add NAME --role supervisor\n"
    )
    # a --user given before any account exists gets the same answer, not "wrong name"
    assert _as_ann(monkeypatch, "model", "activate", "m1") == 2
    assert "create the first supervisor with: " in capsys.readouterr().err
    assert two_versions.active_version() == "m2"
    _user(
        monkeypatch, ANN_PASSWORD + "\n", "add", "ann", "--role", "supervisor", "--password-stdin"
    )
    capsys.readouterr()
    assert main(["model", "activate", "m1"]) == 2
    assert capsys.readouterr().err == (
        "sentidesk: error: changing the active model needs a supervisor account: pass --user NAME\n"
    )
    assert two_versions.active_version() == "m2"


def test_a_model_switch_asks_for_the_password_at_a_prompt(
    two_versions: ModelRegistry,
    accounts: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    prompts: list[str] = []

    def fake_getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return ANN_PASSWORD

    monkeypatch.setattr(getpass, "getpass", fake_getpass)
    assert main(["model", "rollback", "--user", "ann"]) == 0
    assert prompts == ["Password of ann: "]
    assert two_versions.active_version() == "m1"


class FakeBuild:
    """Stands in for ``training.build_model``: registers a copy of the tiny model as m3."""

    def __init__(self, template: Path) -> None:
        self.template = template
        self.configs: list[BuildConfig] = []

    def __call__(self, root: Path, config: BuildConfig, progress: object = None) -> Manifest:
        self.configs.append(config)
        registry = ModelRegistry(models_dir(root))
        staging = root / "staging" / "m3"
        shutil.copytree(self.template, staging)
        manifest = Manifest("m3", "2026-11-28T00:00:03", "tiny")
        registry.register(staging, manifest)
        if config.activate:
            registry.activate("m3")
        return manifest


@pytest.fixture
def fake_build(exported_model_template: Path, monkeypatch: pytest.MonkeyPatch) -> FakeBuild:
    fake = FakeBuild(exported_model_template)
    monkeypatch.setattr(training, "build_model", fake)
    return fake


def test_the_first_build_needs_no_account(
    fake_build: FakeBuild, isolated_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["model", "build"]) == 0
    assert [c.activate for c in fake_build.configs] == [True]
    assert ModelRegistry(models_dir(isolated_data_dir)).active_version() == "m3"


def test_a_build_replacing_a_model_needs_a_supervisor_before_it_starts(
    two_versions: ModelRegistry,
    fake_build: FakeBuild,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["model", "build"]) == 2
    assert "create the first supervisor with: " in capsys.readouterr().err
    _user(
        monkeypatch, ANN_PASSWORD + "\n", "add", "ann", "--role", "supervisor", "--password-stdin"
    )
    _user(
        monkeypatch,
        f"{ANN_PASSWORD}\n{BOB_PASSWORD}\n",
        "add",
        "bob",
        "--role",
        "agent",
        "--user",
        "ann",
        "--password-stdin",
    )
    capsys.readouterr()
    assert main(["model", "build"]) == 2
    assert capsys.readouterr().err == (
        "sentidesk: error: activating a new model needs a supervisor account: "
        "pass --user NAME (or build with --no-activate)\n"
    )
    assert _as(monkeypatch, "bob", BOB_PASSWORD, "model", "build") == 2
    assert "bob is an agent" in capsys.readouterr().err
    assert fake_build.configs == []  # refused before the build started
    assert two_versions.active_version() == "m2"


def test_a_supervisors_build_is_activated_and_audited(
    two_versions: ModelRegistry,
    accounts: None,
    fake_build: FakeBuild,
    isolated_data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _as_ann(monkeypatch, "model", "build") == 0
    # built inactive, then switched through the audited path
    assert [c.activate for c in fake_build.configs] == [False]
    assert two_versions.active_version() == "m3"
    assert _model_audit(isolated_data_dir) == [("ann", "model_build_activate", "m2", "m3")]


def test_builds_that_replace_nothing_need_no_account(
    two_versions: ModelRegistry,
    accounts: None,
    fake_build: FakeBuild,
    isolated_data_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # a usable model is present: nothing to do, and nothing to check
    assert main(["model", "build", "--if-missing"]) == 0
    assert fake_build.configs == []
    assert main(["model", "build", "--no-activate"]) == 0
    assert [c.activate for c in fake_build.configs] == [False]
    assert two_versions.active_version() == "m2"
    assert _model_audit(isolated_data_dir) == []


def test_build_if_missing_counts_a_provisional_model_as_missing(
    provisional_model: str,
    fake_build: FakeBuild,
    isolated_data_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # the provisional model only stands in for the first real one: that build needs no
    # account and replaces it
    assert main(["model", "build", "--if-missing"]) == 0
    assert [c.activate for c in fake_build.configs] == [True]
    registry = ModelRegistry(models_dir(isolated_data_dir))
    assert registry.active_version() == "m3"
    assert _model_audit(isolated_data_dir) == []
    # now a real model is there: nothing more to build
    assert main(["model", "build", "--if-missing"]) == 0
    assert len(fake_build.configs) == 1


def test_score_without_any_loadable_version_says_how_to_build_one(
    two_versions: ModelRegistry, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for version in ("m1", "m2"):
        (two_versions.root / version / "config.json").write_text("[]")
    src = tmp_path / "t.txt"
    src.write_text("hello\n", "utf-8")
    assert main(["score", str(src)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("sentidesk: error: no model version loads")
    assert "sentidesk model build" in err


def test_score_reports_malformed_rows_and_scores_the_rest(
    registered: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "tickets.jsonl"
    src.write_text(
        '{"id": "A", "text": "where is my order"}\n{"id": "B", "text": \n'
        '{"id": "C", "text": "质量太差了"}\n',
        encoding="utf-8",
    )
    assert main(["score", str(src), "--backend", "onnx-int8"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["line"] for r in lines] == [1, 2, 3]
    assert "label" in lines[0] and "label" in lines[2]
    assert "invalid JSON" in lines[1]["error"] or "JSON" in lines[1]["error"]


def _user(monkeypatch: pytest.MonkeyPatch, stdin: str, *args: str) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(["user", *args])


def test_user_add_with_password_stdin_then_list(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        _user(
            monkeypatch, "ann-password\n", "add", "ann", "--role", "supervisor", "--password-stdin"
        )
        == 0
    )
    assert capsys.readouterr().out == "added supervisor ann\n"
    # the actor's password first, then the new account's
    assert (
        _user(
            monkeypatch,
            "ann-password\nbob-password\n",
            "add",
            "bob",
            "--role",
            "agent",
            "--user",
            "ann",
            "--password-stdin",
        )
        == 0
    )
    assert capsys.readouterr().out == "added agent bob\n"

    assert main(["user", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(u["name"], u["role"], u["disabled"]) for u in listed] == [
        ("ann", "supervisor", False),
        ("bob", "agent", False),
    ]
    assert all(set(u) == {"name", "role", "disabled", "created_at"} for u in listed)
    assert main(["user", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["name", "role", "created", "disabled"]
    assert [line.split()[:2] for line in lines[1:]] == [["ann", "supervisor"], ["bob", "agent"]]


def test_a_second_user_add_without_user_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        _user(
            monkeypatch, "ann-password\n", "add", "ann", "--role", "supervisor", "--password-stdin"
        )
        == 0
    )
    capsys.readouterr()
    assert (
        _user(monkeypatch, "bob-password\n", "add", "bob", "--role", "agent", "--password-stdin")
        == 2
    )
    err = capsys.readouterr().err
    assert err.startswith("sentidesk: error: the store already has accounts")
    assert "--user" in err


def test_user_add_refuses_a_wrong_actor_password_and_an_agent_actor(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _user(monkeypatch, "ann-password\n", "add", "ann", "--role", "supervisor", "--password-stdin")
    _user(
        monkeypatch,
        "ann-password\nbob-password\n",
        "add",
        "bob",
        "--role",
        "agent",
        "--user",
        "ann",
        "--password-stdin",
    )
    capsys.readouterr()
    assert (
        _user(
            monkeypatch,
            "not-anns\ncarl-password\n",
            "add",
            "carl",
            "--role",
            "agent",
            "--user",
            "ann",
            "--password-stdin",
        )
        == 2
    )
    assert capsys.readouterr().err == "sentidesk: error: wrong name or password\n"
    assert (
        _user(
            monkeypatch,
            "bob-password\ncarl-password\n",
            "add",
            "carl",
            "--role",
            "agent",
            "--user",
            "bob",
            "--password-stdin",
        )
        == 2
    )
    assert "needs a supervisor account; bob is an agent" in capsys.readouterr().err
    assert main(["user", "list", "--json"]) == 0
    assert [u["name"] for u in json.loads(capsys.readouterr().out)] == ["ann", "bob"]


def test_user_add_asks_twice_when_reading_a_prompt(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter(["first-password", "other-password"])
    prompts: list[str] = []

    def fake_getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr(getpass, "getpass", fake_getpass)
    assert main(["user", "add", "ann", "--role", "supervisor"]) == 2
    assert prompts == [
        "Password of the new account ann: ",
        "Repeat the password of the new account ann: ",
    ]
    assert "the two passwords differ" in capsys.readouterr().err
    answers = iter(["same-password", "same-password"])
    assert main(["user", "add", "ann", "--role", "supervisor"]) == 0


def test_a_prompt_whose_input_ends_says_how_scripts_pass_the_password(
    accounts: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def no_input(prompt: str = "") -> str:
        raise EOFError  # Ctrl-D, or stdin at its end without a terminal

    monkeypatch.setattr(getpass, "getpass", no_input)
    out = tmp_path / "out.jsonl"
    assert main(["labels", "export", "--out", str(out), "--user", "ann"]) == 2
    assert capsys.readouterr().err == (
        "sentidesk: error: no password was typed for ann (input ended); scripts pass it on "
        "stdin with --password-stdin\n"
    )
    assert not out.exists()


def test_labels_import_with_password_stdin_then_export(
    accounts: None,
    isolated_data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text(
        "id,text,label,category\n,the box was crushed,negative,logistics\n,fine,furious,\n",
        "utf-8",
    )
    assert _as(monkeypatch, "bob", BOB_PASSWORD, "labels", "import", str(labels)) == 0
    assert capsys.readouterr().out.splitlines() == [
        "labels.csv: 1 labels imported, 1 rejected",
        "  rejected line 3: unknown label 'furious': choose one of negative, neutral, positive",
    ]
    out = tmp_path / "out.jsonl"
    assert _as_ann(monkeypatch, "labels", "export", "--out", str(out)) == 0
    assert capsys.readouterr().out == f"exported 2 labels to {out}\n"
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [(r["id"], r["text"], r["label"], r["category"], r["role"]) for r in rows] == [
        (None, "the box was crushed", "negative", None, "agent"),
        (None, "the box was crushed", None, "logistics", "agent"),
    ]


def test_labels_export_refuses_an_agent(
    accounts: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "out.jsonl"
    assert _as(monkeypatch, "bob", BOB_PASSWORD, "labels", "export", "--out", str(out)) == 2
    assert capsys.readouterr().err == (
        "sentidesk: error: exporting labels needs a supervisor account; bob is an agent\n"
    )
    assert not out.exists()


def test_an_output_file_that_is_also_the_input_is_refused_before_any_work(
    registered: str, isolated_data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tickets = tmp_path / "tickets.jsonl"
    original = json.dumps({"id": "T1", "text": "where is my order"}) + "\n"
    tickets.write_text(original, "utf-8")
    assert main(["score", str(tickets), "--out", str(tickets)]) == 2
    assert "also the input file" in capsys.readouterr().err
    assert main(["headless", "--tickets", str(tickets), "--out", str(tickets)]) == 2
    assert "also the input file" in capsys.readouterr().err
    assert tickets.read_text("utf-8") == original
    # nothing was imported either: the check comes first
    store = open_store(isolated_data_dir)
    try:
        assert store.ticket_count() == 0
    finally:
        store.close()


@pytest.mark.parametrize(
    "argv",
    [
        ["score", "{input}", "--out", "{missing}/out.jsonl"],
        ["headless", "--tickets", "{input}", "--out", "{missing}/out.jsonl"],
        ["eval", "--data", "{input}", "--json", "{missing}/out.json"],
        ["templates", "list", "--json", "{missing}/out.json"],
        ["alerts", "--json", "{missing}/out.json"],
        ["alerts", "--replay", "{input}", "--json", "{missing}/out.json"],
    ],
)
def test_an_unwritable_output_is_one_clear_line(
    registered: str,
    isolated_data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
) -> None:
    tickets = tmp_path / "in.jsonl"
    tickets.write_text(json.dumps({"text": "where is my order", "label": "neutral"}), "utf-8")
    paths = {"input": str(tickets), "missing": str(tmp_path / "no-such-folder")}
    assert main([a.format(**paths) for a in argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("sentidesk: error: cannot write") and "Traceback" not in err
    assert "scored" not in err  # refused before the work, not after it


def test_a_data_directory_that_is_a_file_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    occupied = tmp_path / "data"
    occupied.write_text("not a folder", "utf-8")
    for where in (occupied, occupied / "below"):
        assert main(["flags", "--data-dir", str(where)]) == 2
        assert "is a file" in capsys.readouterr().err


def test_import_exit_status_tells_nothing_usable_from_success(
    registered: str, isolated_data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"id": "T1", "text": "where is my order"}) + "\n", "utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("id,text\nT2,\nT3,   \n", "utf-8")
    assert main(["import", str(good)]) == 0
    assert "scored 1 tickets" in capsys.readouterr().out
    assert main(["import", str(bad)]) == 1
    assert "rejected bad.csv:2: empty text" in capsys.readouterr().out
    # one usable file among them is still a partial success for the rejected one
    assert main(["import", str(good), str(bad)]) == 1


def test_import_without_a_model_says_the_tickets_are_stored(
    isolated_data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"id": "T1", "text": "where is my order"}) + "\n", "utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("id,text\nT2,\n", "utf-8")
    # nothing stored: nothing to score, and no claim that something was stored
    assert main(["import", str(bad), str(tmp_path / "missing.csv")]) == 2
    assert "stored but not scored" not in capsys.readouterr().err
    assert main(["import", str(good)]) == 2
    assert "the imported tickets are stored but not scored" in capsys.readouterr().err
    store = open_store(isolated_data_dir)
    try:
        assert store.ticket_count() == 1
    finally:
        store.close()


def test_score_reads_a_thread_as_the_queue_does(
    registered: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        {
            "id": "A",
            "subject": "Broken kettle",
            "messages": [
                {"author": "customer", "text": "It leaks everywhere."},
                {"author": "agent", "text": "Sorry to hear that!"},
                {"author": "customer", "text": "Still waiting for an answer."},
            ],
        },
        {"id": "B", "subject": "Hello", "text": "where is my order"},
        {"id": "C", "messages": [{"author": "agent", "text": "Anything else?"}]},
        {"id": "D", "subject": "no text at all"},
    ]
    src = tmp_path / "threads.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    assert main(["score", str(src), "--explain", "--backend", "onnx-int8"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["line"] for r in lines] == [1, 2, 3, 4]
    # subject and the customer's words, as the queue scores the ticket; never the agent's
    assert lines[0]["text"] == "Broken kettle\nIt leaks everywhere.\nStill waiting for an answer."
    assert lines[1]["text"] == "Hello\nwhere is my order"
    assert all(0 <= s["start"] < s["end"] <= len(lines[0]["text"]) for s in lines[0]["explanation"])
    assert lines[2] == {"id": "C", "line": 3, "error": "no customer message"}
    assert lines[3]["error"].startswith("no text (expected a messages list or a column text")


def test_score_takes_every_row_of_the_demo_file(
    registered: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from console.services.demo import DEMO_FILE

    assert main(["score", str(DEMO_FILE), "--backend", "onnx-int8"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == len(DEMO_FILE.read_text("utf-8").splitlines())
    assert [r for r in lines if "error" in r] == []


def test_score_reads_an_email_as_an_import_does(
    registered: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import base64

    body = base64.b64encode("包裹还没到，已经一周了".encode("gbk")).decode("ascii")
    mail = tmp_path / "complaint.eml"
    mail.write_bytes(
        (
            "From: Wang <wang@example.com>\r\n"
            "Subject: =?GBK?B?" + base64.b64encode("物流".encode("gbk")).decode("ascii") + "?=\r\n"
            "Message-ID: <m1@example.com>\r\n"
            "Content-Type: text/plain; charset=GBK\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n" + body + "\r\n"
        ).encode("ascii")
    )
    assert main(["score", str(mail)]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    record = json.loads(line)
    assert record["id"].endswith("m1@example.com") and record["language"] == "zh"
