"""Two processes writing one store at the same time: both finish, neither loses a write.

This is ``sentidesk import`` next to a running console, and two consoles on one shared
database. Each writer writes without pause for a few seconds, far more often than an agent
does, so the write lock is contended all the time.
"""

from __future__ import annotations

from pathlib import Path

from console.store.crashtest import WriterSpec, concurrent_table, run_concurrent

SECONDS = 3.0


def test_an_import_and_a_console_at_once(tmp_path: Path) -> None:
    report = run_concurrent(
        tmp_path / "store.db",
        [
            # big imports hold the write lock longest
            WriterSpec("importer", ("import",), import_size=25),
            WriterSpec("console", ("correct", "reply", "status")),
        ],
        SECONDS,
        seed=3,
    )

    table = concurrent_table(report)
    assert report.ok, table
    assert all(w.writes > 0 for w in report.writers), table


def test_two_consoles_at_once(tmp_path: Path) -> None:
    report = run_concurrent(
        tmp_path / "store.db",
        [
            WriterSpec("console-a", ("correct", "reply")),
            WriterSpec("console-b", ("correct", "reply")),
        ],
        SECONDS,
        seed=4,
        # few tickets, so both consoles often change the same one
        seed_tickets=5,
    )

    table = concurrent_table(report)
    assert report.ok, table
    assert all(w.writes > 0 for w in report.writers), table
    # Each correction reads what it replaces inside its own write transaction.
    assert not report.verification.stale_corrections, table
