"""Switching the active model: supervisors only, each switch audited with before and after."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from console.services.accounts import Account, PermissionDenied, add_user
from console.services.models import build_needs_supervisor, change_active_model
from console.store import StoreError, TicketStore
from inference import Manifest, ModelRegistry, SentideskError


@pytest.fixture
def registry(tiny_model_template: Path, tmp_path: Path) -> ModelRegistry:
    """Versions m1 and m2 of the tiny model (unexported, so only checked, never loaded);
    m2 is active."""
    registry = ModelRegistry(tmp_path / "models")
    for i, version in enumerate(("m1", "m2"), 1):
        staging = tmp_path / "staging" / version
        shutil.copytree(tiny_model_template, staging)
        registry.register(staging, Manifest(version, f"2026-11-28T00:00:0{i}", "tiny"))
    registry.activate("m2")
    return registry


@pytest.fixture
def ann(store: TicketStore) -> Account:
    return add_user(store, "ann", "supervisor", "ann-password", None)


@pytest.fixture
def bob(store: TicketStore, ann: Account) -> Account:
    return add_user(store, "bob", "agent", "bob-password", ann)


def _model_audit(store: TicketStore) -> list[dict[str, object]]:
    return [r for r in store.rows("audit") if str(r["action"]).startswith("model_")]


def test_an_agent_or_nobody_cannot_change_the_active_model(
    store: TicketStore, registry: ModelRegistry, bob: Account
) -> None:
    with pytest.raises(PermissionDenied, match="needs a supervisor account; bob is an agent"):
        change_active_model(store, registry, bob, "m1")
    with pytest.raises(PermissionDenied, match="bob is an agent"):
        change_active_model(store, registry, bob, None)
    with pytest.raises(PermissionDenied, match="nobody is logged in"):
        change_active_model(store, registry, None, "m1")
    assert registry.active_version() == "m2"
    assert _model_audit(store) == []


def test_a_supervisor_switches_and_each_switch_is_audited(
    store: TicketStore, registry: ModelRegistry, ann: Account
) -> None:
    assert change_active_model(store, registry, ann, None) == "m1"
    assert registry.active_version() == "m1"
    assert change_active_model(store, registry, ann, "m2", action="model_build_activate") == "m2"
    rows = _model_audit(store)
    assert [(r["actor"], r["action"]) for r in rows] == [
        ("ann", "model_rollback"),
        ("ann", "model_build_activate"),
    ]
    assert [(json.loads(str(r["before"])), json.loads(str(r["after"]))) for r in rows] == [
        ({"active": "m2"}, {"active": "m1"}),
        ({"active": "m1"}, {"active": "m2"}),
    ]
    change_active_model(store, registry, ann, "m1")
    assert _model_audit(store)[-1]["action"] == "model_activate"


def test_a_supervisor_disabled_since_logging_in_is_refused(
    store: TicketStore, registry: ModelRegistry, ann: Account
) -> None:
    # another console disables ann after this one logged her in
    store.conn.execute("UPDATE users SET disabled = 1 WHERE name = 'ann'")
    with pytest.raises(PermissionDenied, match="ann is no longer an enabled supervisor"):
        change_active_model(store, registry, ann, "m1")
    assert registry.active_version() == "m2"
    assert _model_audit(store) == []


def test_an_unusable_version_is_refused_before_anything_changes(
    store: TicketStore, registry: ModelRegistry, ann: Account
) -> None:
    def usable(version: str) -> None:
        raise SentideskError(f"{version} does not load")

    with pytest.raises(SentideskError, match="m1 does not load"):
        change_active_model(store, registry, ann, "m1", usable=usable)
    with pytest.raises(SentideskError, match="no earlier version"):
        change_active_model(store, registry, ann, None, usable=usable)
    assert registry.active_version() == "m2"
    assert _model_audit(store) == []


def test_a_switch_that_cannot_be_audited_is_undone(
    store: TicketStore,
    registry: ModelRegistry,
    ann: Account,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def disk_full(*_args: object, **_kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(store, "audit", disk_full)
    with pytest.raises(StoreError, match="disk is full"):
        change_active_model(store, registry, ann, None)
    assert registry.active_version() == "m2"  # put back, so the log misses no switch


def test_only_a_build_that_replaces_a_model_needs_a_supervisor(tmp_path: Path) -> None:
    empty = ModelRegistry(tmp_path / "models")
    assert not build_needs_supervisor(empty, activate=True)
    (empty.root / "m1").mkdir()  # any version, even a broken one, may be the one in use
    assert build_needs_supervisor(empty, activate=True)
    assert not build_needs_supervisor(empty, activate=False)
