"""Accounts of agents and supervisors: adding them, logging in, and who may do what.

The store keeps the rows and runs each change in one transaction; this module holds the
rules: which names and passwords are acceptable, who may add an account, how passwords are
hashed and how fast a name may be guessed at. Passwords are never logged, audited or stored;
only their scrypt hash is.

Thread: every function that takes a store runs on the database worker, like the store's own
methods. Hashing takes about 50 ms of CPU on purpose, so nothing here belongs on the GUI
thread.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import secrets
import threading
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from console.store import ROLES, TicketStore, UserRow
from inference import SentideskError

#: scrypt cost (n), block size (r) and parallelism (p): about 16 MiB and 50 ms per hash, the
#: interactive-login setting of the scrypt paper. Stored with each hash, so they can change.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
KEY_BYTES = 32
#: scrypt needs 128 * r * n bytes; a stored hash asking for more than four times today's
#: setting is refused rather than allowed to exhaust memory.
_MAX_SCRYPT_MEMORY = 4 * 128 * SCRYPT_R * SCRYPT_N + 1024 * 1024

MAX_NAME_CHARS = 64
MIN_PASSWORD_CHARS = 8
#: Longer input is a pasted file rather than a password.
MAX_PASSWORD_CHARS = 1024

#: The first failed login makes a name wait this long; each further one doubles it.
FIRST_LOGIN_DELAY_SECONDS = 0.5
MAX_LOGIN_DELAY_SECONDS = 30.0

#: Unknown names and wrong passwords get the same answer, so names cannot be probed.
WRONG_LOGIN = "wrong name or password"


class AccountError(SentideskError):
    """A name, role or password that breaks the account rules, or a name already taken."""


class PermissionDenied(SentideskError):  # noqa: N818 (the name says what happened)
    """The account doing something is not allowed to do it."""


class LoginError(SentideskError):
    """A login was refused: wrong name or password, a disabled account, too many tries."""


class AccountDisabledError(LoginError):
    """The password was right, but a supervisor disabled the account."""


class LoginThrottledError(LoginError):
    """A login came too soon after a failed one for the same name."""

    def __init__(self, name: str, wait_seconds: float) -> None:
        self.wait_seconds = wait_seconds
        # rounded up to a tenth, after dropping the float noise of subtracting epoch times
        shown = math.ceil(round(wait_seconds * 10, 3)) / 10
        super().__init__(f"too many failed logins for {name}: wait {shown:g} s before trying again")


@dataclass(frozen=True)
class Account:
    """Someone who can log in to the console; what the views and the audit log know of them."""

    name: str
    role: str
    disabled: bool
    created_at: str

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor" and not self.disabled


# -- passwords --------------------------------------------------------------------------
def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    # NFC: the same password typed on two systems may arrive composed or decomposed
    secret = unicodedata.normalize("NFC", password).encode("utf-8")
    return hashlib.scrypt(secret, salt=salt, n=n, r=r, p=p, maxmem=_MAX_SCRYPT_MEMORY, dklen=length)


def hash_password(password: str) -> str:
    """``scrypt$n$r$p$<salt>$<key>`` (base64) with a fresh random salt."""
    salt = secrets.token_bytes(SALT_BYTES)
    key = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_BYTES)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches ``stored``, using the parameters written in it.

    A malformed or unknown hash matches nothing. The comparison takes the same time
    wherever the keys differ.
    """
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key, validate=True)
        candidate = _scrypt(
            password, base64.b64decode(salt, validate=True), int(n), int(r), int(p), len(expected)
        )
    except (ValueError, MemoryError):  # binascii.Error and bad scrypt parameters included
        return False
    return hmac.compare_digest(candidate, expected)


# A well-formed hash with today's parameters that no password matches: checking a login for
# an unknown name against it costs what checking a wrong password costs.
_DUMMY_HASH = (
    f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(bytes(SALT_BYTES))}${_b64(bytes(KEY_BYTES))}"
)


# -- rules ------------------------------------------------------------------------------
def check_name(name: str) -> str:
    """The name as stored (surrounding spaces dropped), or AccountError saying what is wrong."""
    cleaned = name.strip()
    if not cleaned:
        raise AccountError("an account name cannot be empty")
    if len(cleaned) > MAX_NAME_CHARS:
        raise AccountError(
            f"an account name has at most {MAX_NAME_CHARS} characters, not {len(cleaned)}"
        )
    if not cleaned.isprintable():
        raise AccountError("an account name cannot contain control characters, tabs or line breaks")
    return cleaned


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}: choose {' or '.join(ROLES)}")
    return role


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_CHARS} characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise AccountError(f"a password has at most {MAX_PASSWORD_CHARS} characters")


def login_delay(failures: int) -> float:
    """Seconds a name waits after ``failures`` failed logins in a row."""
    if failures <= 0:
        return 0.0
    return min(FIRST_LOGIN_DELAY_SECONDS * 2.0 ** min(failures - 1, 32), MAX_LOGIN_DELAY_SECONDS)


def _time_left(failures: int, last_failed_at: float | None, at: float) -> float:
    if not failures or last_failed_at is None:
        return 0.0
    pause = login_delay(failures)
    # a clock set back must not lock a name out for longer than one pause
    return max(0.0, min(pause, last_failed_at + pause - at))


def require_supervisor(account: Account | None, action: str) -> None:
    """Refuse ``action`` (a phrase such as "adding an account") unless a supervisor does it."""
    if account is None:
        raise PermissionDenied(f"{action} needs a supervisor account; nobody is logged in")
    if account.disabled:
        raise PermissionDenied(f"{action} needs a supervisor account; {account.name} is disabled")
    if account.role != "supervisor":
        raise PermissionDenied(
            f"{action} needs a supervisor account; {account.name} is an {account.role}"
        )


def still_supervisor(store: TicketStore, actor: Account, action: str) -> None:
    """Refuse ``action`` unless ``actor`` is still an enabled supervisor in ``store``.

    An :class:`Account` is what was true at login; call this inside the write transaction
    of a supervisor's action, so one disabled or demoted by another console meanwhile is
    refused. Thread: the database worker.
    """
    row = store.user_row(actor.name)
    if row is None or row.disabled or row.role != "supervisor":
        raise PermissionDenied(
            f"{action} needs a supervisor account; {actor.name} is no longer an enabled supervisor"
        )


def _account(row: UserRow) -> Account:
    return Account(row.name, row.role, row.disabled, row.created_at)


# -- operations -------------------------------------------------------------------------
def list_users(store: TicketStore) -> list[Account]:
    """All accounts, by name."""
    return [_account(row) for row in store.users()]


def add_user(
    store: TicketStore, name: str, role: str, password: str, actor: Account | None
) -> Account:
    """Add an account, audited with who added it (never the password).

    The first account of a store needs no actor and must be a supervisor, so that someone
    can add the others; every later one needs a supervisor as ``actor``.
    """
    action = "adding an account"
    if actor is None:
        if store.user_count():
            raise PermissionDenied(
                f"{action} needs a supervisor account once the store has accounts; "
                "log in as a supervisor"
            )
    else:
        require_supervisor(actor, action)
    cleaned = check_name(name)
    check_role(role)
    if actor is None and role != "supervisor":
        raise AccountError(
            "the first account must be a supervisor, so that someone can add the others"
        )
    check_password(password)
    taken = store.user_row(cleaned)
    if taken is not None:
        raise AccountError(f"an account named {taken.name} already exists")
    if not store.add_user_row(
        cleaned, role, hash_password(password), None if actor is None else actor.name
    ):
        if actor is None:
            raise PermissionDenied(
                f"{action} needs a supervisor account: another account was created meanwhile"
            )
        raise PermissionDenied(
            f"{action} needs a supervisor account; {actor.name} is no longer an enabled supervisor"
        )
    row = store.user_row(cleaned)
    if row is None:  # the row was committed just above
        raise AssertionError(f"account {cleaned} vanished after it was added")
    return _account(row)


MANAGING_ACCOUNTS = "managing accounts"


def update_user(
    store: TicketStore,
    actor: Account | None,
    name: str,
    *,
    disabled: bool | None = None,
    role: str | None = None,
    password: str | None = None,
) -> Account:
    """Disable or enable an account, change its role or set a new password (a supervisor's
    action, audited with before and after; never the password itself).

    A change that would leave the store without an enabled supervisor is refused, so the
    team cannot lock itself out of retraining, reviews and account management. A new
    password also clears the account's failed-login count.
    """
    require_supervisor(actor, MANAGING_ACCOUNTS)
    assert actor is not None
    if role is not None:
        check_role(role)
    password_hash = None
    if password is not None:
        check_password(password)
        password_hash = hash_password(password)  # outside the transaction: it takes a while
    target = store.user_row(name.strip())
    if target is None:
        raise AccountError(f"there is no account named {name.strip()!r}")

    def guard(rows: Sequence[UserRow]) -> None:
        if not [r for r in rows if r.role == "supervisor" and not r.disabled]:
            raise AccountError(
                f"{target.name} is the last enabled supervisor; add or enable another "
                "supervisor first"
            )

    row = store.update_user_row(
        target.name,
        actor.name,
        disabled=disabled,
        role=role,
        password_hash=password_hash,
        check=guard,
    )
    if row is None:
        raise PermissionDenied(
            f"{MANAGING_ACCOUNTS} needs a supervisor account; "
            f"{actor.name} is no longer an enabled supervisor"
        )
    return _account(row)


class _UnknownNames:
    """Failed logins of names that have no account, kept in memory as there is no row.

    Within one process (a console window) an unknown name is then slowed down exactly like
    a known one, so a refusal tells nothing about whether the name exists. Another process
    starts afresh, but whoever can start processes on this computer can read the store file.
    """

    LIMIT = 4096

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: dict[tuple[str, str], tuple[int, float]] = {}

    def start(self, where: Path, name: str, at: float) -> float:
        key = (str(where), name.casefold())
        with self._lock:
            failures, last = self._failures.pop(key, (0, at))
            left = _time_left(failures, last, at)
            if left == 0:
                failures, last = failures + 1, at
            while len(self._failures) >= self.LIMIT:  # forget the longest-unused name
                del self._failures[next(iter(self._failures))]
            self._failures[key] = (failures, last)
            return left


_unknown_names = _UnknownNames()


def authenticate(
    store: TicketStore, name: str, password: str, *, clock: Callable[[], float] = time.time
) -> Account:
    """The account ``name`` once ``password`` proves right, else LoginError.

    After each failed attempt for a name the next one is refused (LoginThrottledError, saying how
    long to wait) until a pause has passed: 0.5 s, doubling with each failure, at most 30 s.
    The count lives in the account's row, so it holds across processes and restarts; a right
    password resets it. ``clock`` gives epoch seconds (wall time, as the count is shared).
    """
    typed = name.strip()
    at = clock()
    row, left = store.start_login_attempt(
        typed, at, lambda user: _time_left(user.failed_logins, user.last_failed_at, at)
    )
    if row is None:
        left = _unknown_names.start(store.path, typed, at)
    if left > 0:
        raise LoginThrottledError(typed, left)
    if row is None:
        verify_password(password, _DUMMY_HASH)
        raise LoginError(WRONG_LOGIN)
    if not verify_password(password, row.password_hash):
        raise LoginError(WRONG_LOGIN)
    store.clear_login_failures(row.name)
    if row.disabled:
        raise AccountDisabledError(
            f"the account {row.name} is disabled; ask a supervisor to enable it"
        )
    return _account(row)
