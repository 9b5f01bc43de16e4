"""Which model version is active: switching it is a supervisor's action, kept in the audit log.

Thread: the database worker (these functions write the store and touch the model folders,
and checking a version may load it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from console.services.accounts import Account, PermissionDenied, require_supervisor
from console.store import TicketStore
from inference import ModelRegistry, SentideskError

log = logging.getLogger(__name__)

#: What changing the active model is called in refusals.
CHANGING_THE_MODEL = "changing the active model"


def build_needs_supervisor(registry: ModelRegistry, activate: bool) -> bool:
    """Whether activating a new build needs a supervisor: only when it would replace a model.

    The very first build of an empty models folder needs no account, so a fresh machine can
    build its model before anyone has created one; once any version exists (readable or not),
    a build that becomes active changes what every agent sees.
    """
    return activate and (bool(registry.names()) or registry.active_version() is not None)


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
        row = store.user_row(actor.name)
        if row is None or row.disabled or row.role != "supervisor":
            raise PermissionDenied(
                f"{CHANGING_THE_MODEL} needs a supervisor account; "
                f"{actor.name} is no longer an enabled supervisor"
            )
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
