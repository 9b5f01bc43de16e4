"""A writer killed with SIGKILL at random moments loses nothing it reported as committed.

``scripts/crash_test.py --kills 200`` is the long run of the same harness; this is its CI size.
The other tests prove that the checks can fail: a checker that finds nothing wrong in a
damaged database would make the crash test pass for nothing.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from console.store import TicketStore
from console.store.crashtest import (
    Write,
    crash_table,
    parse_log,
    reply_body,
    run_crash_test,
    seed_store,
    verify,
    writer_main,
)


def test_kills_lose_no_committed_write_and_leave_no_half_write(tmp_path: Path) -> None:
    report = run_crash_test(
        tmp_path / "store.db",
        kills=8,
        seed=7,
        max_delay=0.15,
        startup_share=0.25,
        fresh_open_kills=2,
    )

    table = crash_table(report)
    assert report.ok, table
    assert report.verification.reported > 0, table
    # Writes follow each other without pause, so nearly every kill lands inside a store call.
    assert report.in_flight_kills > 0, table


@pytest.fixture
def written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, list[Write]]:
    """A store with a few writes of every kind, made by the writer in this process."""
    path = tmp_path / "store.db"
    seed_store(path, 5)
    assert writer_main(["--db", str(path), "--name", "t", "--count", "40"]) == 0
    log = parse_log(capsys.readouterr().out)
    assert log.done
    assert {w.kind for w in log.reported} == {"correct", "reply", "status", "import"}
    return path, log.reported


def first(writes: list[Write], kind: str) -> Write:
    return next(w for w in writes if w.kind == kind)


def test_an_intact_store_passes(written: tuple[Path, list[Write]]) -> None:
    path, writes = written

    check = verify(path, writes)

    assert check.ok, check
    assert (check.integrity, check.reopens, check.present) == ("ok", True, len(writes))


def test_a_reported_write_that_is_not_there_is_missing(
    written: tuple[Path, list[Write]],
) -> None:
    path, writes = written
    ghost = Write("reply", "t.0.99999", {"ticket": "seed.t0"})

    check = verify(path, [*writes, ghost])

    assert check.missing == ("reply t.0.99999: no replies row",)
    assert not check.ok


def execute(path: Path, sql: str, *params: str) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(sql, params)
    conn.close()


def test_a_reply_without_its_thread_message_is_a_half_write(
    written: tuple[Path, list[Write]],
) -> None:
    path, writes = written
    reply = first(writes, "reply")
    execute(path, "DELETE FROM messages WHERE body = ?", reply_body(reply.key))

    check = verify(path, writes)

    assert f"reply {reply.key}: no thread message" in check.missing
    assert any("without its thread message" in h for h in check.half_writes), check


def test_a_correction_without_its_audit_row_is_a_half_write(
    written: tuple[Path, list[Write]],
) -> None:
    path, writes = written
    correction = first(writes, "correct")
    # damage from outside Sentidesk: the schema itself refuses to delete audit rows
    execute(path, "DROP TRIGGER audit_no_delete")
    execute(path, "DELETE FROM audit WHERE actor = ?", correction.key)

    check = verify(path, writes)

    assert any(
        f"correction by {correction.key}" in h and "without its audit row" in h
        for h in check.half_writes
    ), check


def test_an_import_that_lost_a_ticket_or_a_write_stored_twice_is_caught(
    written: tuple[Path, list[Write]],
) -> None:
    path, writes = written
    imported = first(writes, "import")
    gone = imported.plan["tickets"][0]
    execute(path, "DELETE FROM tickets WHERE id = ?", gone)
    status = first(writes, "status")
    execute(
        path,
        "INSERT INTO audit (at, actor, action, ticket_id, details) "
        "SELECT at, actor, action, ticket_id, details FROM audit WHERE actor = ?",
        status.key,
    )

    check = verify(path, writes)

    assert f"import {imported.key}: no ticket {gone}" in check.missing
    assert any(h.startswith(f"import {imported.key} added") for h in check.half_writes), check
    assert check.duplicates == (f"audit status {status.key} is there 2 times",)


def test_a_ticket_that_does_not_show_its_last_change_is_a_half_write(
    written: tuple[Path, list[Write]],
) -> None:
    path, writes = written
    correction = first(writes, "correct")
    which = correction.plan["field"]
    execute(
        path,
        f"UPDATE tickets SET {which}_override = 'nonsense' WHERE id = ?",
        correction.plan["ticket"],
    )

    check = verify(path, writes)

    assert any("its last correction says" in h for h in check.half_writes), check


def test_a_store_that_does_not_open_fails_the_check(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    TicketStore(path).close()
    execute(path, "PRAGMA user_version = 99")

    check = verify(path, [])

    assert not check.reopens
    assert "newer Sentidesk" in check.reopen_error
    assert not check.ok
