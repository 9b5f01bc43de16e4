"""Accounts: password hashing, who may add accounts, and logins slowed down after failures."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest

from console.services import accounts
from console.services.accounts import (
    WRONG_LOGIN,
    Account,
    AccountDisabledError,
    AccountError,
    LoginError,
    LoginThrottledError,
    PermissionDenied,
    add_user,
    authenticate,
    hash_password,
    list_users,
    login_delay,
    require_supervisor,
    update_user,
    verify_password,
)
from console.store import TicketStore
from inference import SentideskError

ANN_PASSWORD = "correct horse battery"
BOB_PASSWORD = "agent-password-1"


class Clock:
    """Epoch seconds that move only when a test says so."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ann(store: TicketStore) -> Account:
    return add_user(store, "ann", "supervisor", ANN_PASSWORD, None)


@pytest.fixture
def bob(store: TicketStore, ann: Account) -> Account:
    return add_user(store, "bob", "agent", BOB_PASSWORD, ann)


# -- hashing ----------------------------------------------------------------------------
def test_a_hash_verifies_its_password_only() -> None:
    stored = hash_password("s3cret-pass")
    assert verify_password("s3cret-pass", stored)
    assert not verify_password("s3cret-pasS", stored)
    assert not verify_password("", stored)
    assert "s3cret-pass" not in stored


def test_the_stored_string_names_its_parameters_and_a_fresh_salt() -> None:
    first, second = hash_password("same password"), hash_password("same password")
    scheme, n, r, p, salt, key = first.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    assert len(base64.b64decode(salt)) == 16
    assert len(base64.b64decode(key)) == 32
    assert first.split("$")[4] != second.split("$")[4]
    assert first != second


def test_a_hash_made_with_other_parameters_still_verifies() -> None:
    salt = b"0123456789abcdef"
    key = hashlib.scrypt(b"older password", salt=salt, n=2**10, r=4, p=2, dklen=24)
    stored = f"scrypt$1024$4$2${base64.b64encode(salt).decode()}${base64.b64encode(key).decode()}"
    assert verify_password("older password", stored)
    assert not verify_password("other password", stored)


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "plain-text-password",
        "bcrypt$16384$8$1$AAAA$AAAA",
        "scrypt$16384$8$1$not base64!$AAAA",
        "scrypt$x$8$1$AAAA$AAAA",
        "scrypt$1000$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",  # n not a power of two
        "scrypt$1073741824$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",  # far too much memory
    ],
)
def test_a_malformed_hash_matches_nothing(stored: str) -> None:
    assert not verify_password("anything", stored)


# -- adding accounts --------------------------------------------------------------------
def test_the_first_account_needs_no_actor_and_is_audited_without_the_password(
    store: TicketStore,
) -> None:
    account = add_user(store, "  ann  ", "supervisor", ANN_PASSWORD, None)

    assert (account.name, account.role, account.disabled) == ("ann", "supervisor", False)
    assert account.is_supervisor
    assert list_users(store) == [account]
    (audit,) = store.rows("audit")
    assert (audit["actor"], audit["action"]) == ("ann", "user_add")
    assert json.loads(audit["after"])["role"] == "supervisor"
    stored_hash = store.rows("users")[0]["password_hash"]
    assert ANN_PASSWORD not in str(store.rows("users"))
    for value in audit.values():
        assert ANN_PASSWORD not in str(value)
        assert stored_hash.split("$")[-1] not in str(value)


def test_the_first_account_must_be_a_supervisor(store: TicketStore) -> None:
    with pytest.raises(AccountError, match="first account must be a supervisor"):
        add_user(store, "bob", "agent", BOB_PASSWORD, None)
    assert list_users(store) == []


def test_later_accounts_need_a_supervisor(store: TicketStore, ann: Account, bob: Account) -> None:
    with pytest.raises(PermissionDenied, match="needs a supervisor account"):
        add_user(store, "carl", "agent", "password-3", None)
    with pytest.raises(
        PermissionDenied, match="adding an account needs a supervisor account; bob is an agent"
    ):
        add_user(store, "carl", "agent", "password-3", bob)
    assert [a.name for a in list_users(store)] == ["ann", "bob"]
    assert [(r["actor"], json.loads(r["details"])["name"]) for r in store.rows("audit")] == [
        ("ann", "ann"),
        ("ann", "bob"),
    ]


def test_an_actor_disabled_since_it_logged_in_is_refused(store: TicketStore, ann: Account) -> None:
    store.conn.execute("UPDATE users SET disabled = 1 WHERE name = 'ann'")
    with pytest.raises(PermissionDenied, match="ann is no longer an enabled supervisor"):
        add_user(store, "carl", "agent", "password-3", ann)


@pytest.mark.parametrize(
    ("name", "role", "password", "message"),
    [
        ("   ", "agent", "password-3", "cannot be empty"),
        ("x" * 65, "agent", "password-3", "at most 64 characters"),
        ("carl\tsmith", "agent", "password-3", "control characters"),
        ("carl", "admin", "password-3", "unknown role 'admin'"),
        ("carl", "agent", "short", "at least 8 characters"),
        ("ANN", "agent", "password-3", "an account named ann already exists"),
    ],
)
def test_account_rules_give_clear_errors(
    store: TicketStore, ann: Account, name: str, role: str, password: str, message: str
) -> None:
    with pytest.raises(AccountError, match=message):
        add_user(store, name, role, password, ann)
    assert [a.name for a in list_users(store)] == ["ann"]


def test_require_supervisor(ann: Account, bob: Account) -> None:
    require_supervisor(ann, "activating a model")
    with pytest.raises(PermissionDenied) as refused:
        require_supervisor(bob, "activating a model")
    assert isinstance(refused.value, SentideskError)
    assert str(refused.value) == "activating a model needs a supervisor account; bob is an agent"
    with pytest.raises(PermissionDenied, match="nobody is logged in"):
        require_supervisor(None, "activating a model")
    disabled = Account("ann", "supervisor", True, ann.created_at)
    with pytest.raises(PermissionDenied, match="ann is disabled"):
        require_supervisor(disabled, "activating a model")


# -- logging in -------------------------------------------------------------------------
def test_authenticate_returns_the_account_for_the_right_password(
    store: TicketStore, ann: Account
) -> None:
    assert authenticate(store, "ANN ", ANN_PASSWORD, clock=Clock()) == ann


def test_unknown_names_and_wrong_passwords_get_the_same_answer_and_cost(
    store: TicketStore, ann: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = accounts._scrypt

    def counted(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
        calls.append(n)
        return real(password, salt, n, r, p, length)

    monkeypatch.setattr(accounts, "_scrypt", counted)
    with pytest.raises(LoginError) as wrong:
        authenticate(store, "ann", "wrong password", clock=Clock())
    with pytest.raises(LoginError) as unknown:
        authenticate(store, "nobody", "wrong password", clock=Clock())
    assert str(wrong.value) == str(unknown.value) == WRONG_LOGIN
    assert type(wrong.value) is type(unknown.value) is LoginError
    assert calls == [2**14, 2**14]  # the unknown name ran the same KDF


def test_a_retry_right_after_a_failure_is_refused_with_the_wait(
    store: TicketStore, ann: Account
) -> None:
    clock = Clock()
    with pytest.raises(LoginError, match=WRONG_LOGIN):
        authenticate(store, "ann", "wrong password", clock=clock)

    clock.now += 0.1
    with pytest.raises(LoginThrottledError, match=r"too many failed logins for ann: wait 0\.4 s"):
        authenticate(store, "ann", ANN_PASSWORD, clock=clock)  # even the right password

    clock.now += 0.4
    with pytest.raises(LoginError, match=WRONG_LOGIN):
        authenticate(store, "ann", "wrong again", clock=clock)
    clock.now += 0.9  # the second failure doubled the pause to 1 s
    with pytest.raises(LoginThrottledError) as refused:
        authenticate(store, "ann", ANN_PASSWORD, clock=clock)
    assert refused.value.wait_seconds == pytest.approx(0.1)

    clock.now += 0.1
    assert authenticate(store, "ann", ANN_PASSWORD, clock=clock) == ann
    row = store.user_row("ann")
    assert row is not None
    assert (row.failed_logins, row.last_failed_at) == (0, None)


def test_the_slow_down_holds_for_another_process(store: TicketStore, ann: Account) -> None:
    clock = Clock()
    with pytest.raises(LoginError):
        authenticate(store, "ann", "wrong password", clock=clock)
    other = TicketStore(store.path)
    try:
        with pytest.raises(LoginThrottledError, match=r"wait 0\.5 s"):
            authenticate(other, "ann", ANN_PASSWORD, clock=clock)
    finally:
        other.close()


def test_an_unknown_name_is_slowed_down_like_a_known_one(store: TicketStore, ann: Account) -> None:
    clock = Clock()
    for name in ("ann", "nobody"):
        with pytest.raises(LoginError, match=WRONG_LOGIN):
            authenticate(store, name, "wrong password", clock=clock)
    answers = []
    for name in ("ann", "nobody"):
        with pytest.raises(LoginThrottledError) as refused:
            authenticate(store, name, "wrong password", clock=clock)
        answers.append(str(refused.value).replace(name, "NAME"))
    assert answers[0] == answers[1]


def test_the_delay_doubles_up_to_a_cap() -> None:
    assert [login_delay(n) for n in range(8)] == [0, 0.5, 1, 2, 4, 8, 16, 30]
    assert login_delay(10_000) == 30


def test_a_clock_set_back_does_not_lock_a_name_out(store: TicketStore, ann: Account) -> None:
    clock = Clock()
    with pytest.raises(LoginError):
        authenticate(store, "ann", "wrong password", clock=clock)
    clock.now -= 3600
    with pytest.raises(LoginThrottledError) as refused:
        authenticate(store, "ann", ANN_PASSWORD, clock=clock)
    assert refused.value.wait_seconds == 0.5


def test_a_disabled_account_cannot_log_in(store: TicketStore, ann: Account, bob: Account) -> None:
    store.conn.execute("UPDATE users SET disabled = 1 WHERE name = 'bob'")
    with pytest.raises(LoginError, match="bob is disabled"):
        authenticate(store, "bob", BOB_PASSWORD, clock=Clock())
    with pytest.raises(LoginError, match=WRONG_LOGIN):  # a guesser learns nothing more
        authenticate(store, "bob", "wrong password", clock=Clock(1_900_000_000.0))


def test_a_supervisor_disables_enables_and_resets_an_account_audited(
    store: TicketStore, ann: Account, bob: Account
) -> None:
    disabled = update_user(store, ann, "bob", disabled=True)
    assert disabled.disabled
    with pytest.raises(AccountDisabledError, match="bob is disabled"):
        authenticate(store, "bob", BOB_PASSWORD, clock=Clock())
    update_user(store, ann, "BOB", disabled=False, password="a new password")
    assert authenticate(store, "bob", "a new password", clock=Clock(1_900_000_000.0)).name == "bob"
    promoted = update_user(store, ann, "bob", role="supervisor")
    assert promoted.role == "supervisor"
    rows = [r for r in store.rows("audit") if r["action"] == "user_update"]
    assert [json.loads(str(r["after"])) for r in rows] == [
        {"role": "agent", "disabled": True},
        {"role": "agent", "disabled": False},
        {"role": "supervisor", "disabled": False},
    ]
    assert all(r["actor"] == "ann" for r in rows)
    assert "a new password" not in json.dumps(store.rows("audit"))
    assert json.loads(str(rows[1]["details"]))["password_reset"] is True


def test_account_changes_are_refused_for_agents_and_never_lock_the_team_out(
    store: TicketStore, ann: Account, bob: Account
) -> None:
    with pytest.raises(PermissionDenied, match="bob is an agent"):
        update_user(store, bob, "ann", disabled=True)
    with pytest.raises(AccountError, match="last enabled supervisor"):
        update_user(store, ann, "ann", disabled=True)
    with pytest.raises(AccountError, match="last enabled supervisor"):
        update_user(store, ann, "ann", role="agent")
    with pytest.raises(AccountError, match="no account named 'zed'"):
        update_user(store, ann, "zed", disabled=True)
    assert not [r for r in store.rows("audit") if r["action"] == "user_update"]
    # with a second supervisor, ann may step down, and is then refused as an actor
    update_user(store, ann, "bob", role="supervisor")
    update_user(store, ann, "ann", role="agent")
    with pytest.raises(PermissionDenied, match="ann is no longer an enabled supervisor"):
        update_user(store, ann, "bob", disabled=True)


def test_a_correction_keeps_the_role_its_author_had_when_it_was_made(
    store: TicketStore, ann: Account, bob: Account
) -> None:
    """Promoting an agent must not turn their old overrides into supervisor gold."""
    from console.store import MessageDraft, TicketDraft

    at = "2026-11-28T10:00:00+00:00"
    store.import_tickets(
        [TicketDraft("T1", "", (MessageDraft("customer", "late again", at),), created_at=at)],
        "test",
    )
    store.correct("T1", "sentiment", "negative", "bob")
    update_user(store, ann, "bob", role="supervisor")
    store.correct("T1", "sentiment", "neutral", "bob")
    assert [(r.value, r.role) for r in store.label_events()] == [
        ("negative", "agent"),
        ("neutral", "supervisor"),
    ]
    assert [c.role for c in store.corrections("T1")] == ["agent", "supervisor"]
