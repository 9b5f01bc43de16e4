"""The inbox folder: settled files only, tracked by content, never overwritten or lost."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from console.services.inbox import Inbox
from console.store import TicketStore


def _age(path: Path, seconds: float = 60) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


@pytest.fixture
def inbox(tmp_path: Path) -> Inbox:
    folder = tmp_path / "inbox"
    folder.mkdir()
    return Inbox(folder)


def test_a_file_still_being_written_waits(inbox: Inbox) -> None:
    growing = inbox.folder / "big.csv"
    growing.write_text("id,text\nA,hello\n", "utf-8")
    assert inbox.scan() == ([], True)
    _age(growing)
    assert inbox.scan() == ([growing], False)


def test_temporary_and_hidden_files_are_left_alone(inbox: Inbox) -> None:
    for name in (".big.csv.swp", "big.csv.part", "~$tickets.csv", "x.crdownload"):
        (inbox.folder / name).write_text("x", "utf-8")
        _age(inbox.folder / name)
    assert inbox.scan() == ([], False)


@pytest.mark.parametrize("same_content", [False, True])
def test_same_name_twice_is_imported_twice_and_both_kept(
    inbox: Inbox, store: TicketStore, same_content: bool
) -> None:
    path = inbox.folder / "new.csv"
    for number in (1, 2):
        ticket = 1 if same_content else number
        path.write_text(f"id,text\nT{ticket},parcel {ticket} is late\n", "utf-8")
        _age(path)
        (ready,), _ = inbox.scan()
        outcome = inbox.take(store, ready)
        assert outcome is not None and outcome.report is not None
        assert outcome.report.taken == 1
    assert sorted(p.name for p in (inbox.folder / "imported").iterdir()) == [
        "new-2.csv",
        "new.csv",
    ]
    assert list(inbox.folder.glob("*.csv")) == []
    assert {r.id for r in store.queue_rows()} == ({"T1"} if same_content else {"T1", "T2"})


def test_a_file_taken_meanwhile_is_no_error(inbox: Inbox, store: TicketStore) -> None:
    assert inbox.take(store, inbox.folder / "gone.csv") is None


def test_content_already_handled_is_not_imported_again(
    inbox: Inbox,
    store: TicketStore,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = inbox.folder / "a.csv"
    path.write_text("id,text\nT1,hello\n", "utf-8")
    monkeypatch.setattr("shutil.move", _refuse_move)
    first = inbox.take(store, path)
    assert first is not None and first.filed_as == path  # could not be moved away
    assert inbox.take(store, path) is None
    assert "could not move" in caplog.text
    caplog.clear()


def _refuse_move(src: str, dst: str) -> None:
    raise PermissionError(13, "Permission denied")


def test_an_unreadable_file_goes_to_failed_with_its_reason(
    inbox: Inbox, store: TicketStore
) -> None:
    path = inbox.folder / "binary.csv"
    path.write_bytes(bytes(range(256)) * 10)
    outcome = inbox.take(store, path)
    assert outcome is not None and outcome.error is not None
    assert outcome.filed_as == inbox.folder / "failed" / "binary.csv"
    reason = (inbox.folder / "failed" / "binary.csv.reason.txt").read_text("utf-8")
    assert "binary.csv" in reason
    assert store.ticket_count() == 0


def test_a_file_the_store_cannot_take_now_stays_for_the_next_try(
    inbox: Inbox, store: TicketStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from console.store import StoreError

    path = inbox.folder / "a.csv"
    path.write_text("id,text\nT1,hello\n", "utf-8")

    def locked(*args: object) -> None:
        raise StoreError("could not save the import of a.csv: the database is locked")

    monkeypatch.setattr(store, "import_tickets", locked)
    outcome = inbox.take(store, path)
    assert outcome is not None and outcome.filed_as is None and "locked" in (outcome.error or "")
    assert path.exists()
    monkeypatch.undo()
    again = inbox.take(store, path)
    assert again is not None and again.report is not None and again.report.added == 1
