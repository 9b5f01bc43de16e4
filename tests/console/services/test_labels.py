"""Labels brought in from a file as corrections, and every correction taken out again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.services import (
    Account,
    PermissionDenied,
    add_user,
    describe_label_import,
    export_labels,
    import_labels,
    label_event,
)
from console.store import MessageDraft, Rejection, TicketDraft, TicketStore, label_ticket_id

AT = "2026-11-28T10:00:00+00:00"


def draft(tid: str, text: str) -> TicketDraft:
    return TicketDraft(
        id=tid, subject="", messages=(MessageDraft("customer", text, AT),), created_at=AT
    )


@pytest.fixture
def ann(store: TicketStore) -> Account:
    return add_user(store, "ann", "supervisor", "supervisor-pass", None)


@pytest.fixture
def bob(store: TicketStore, ann: Account) -> Account:
    return add_user(store, "bob", "agent", "agent-password", ann)


def jsonl(path: Path, *rows: dict[str, object]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def events(store: TicketStore) -> list[tuple[str, str, str, str, str, str]]:
    return [(r.ticket_id, r.text, r.field, r.value, r.author, r.role) for r in store.label_events()]


def test_id_rows_correct_the_stored_ticket_as_the_account(
    store: TicketStore, ann: Account, bob: Account, tmp_path: Path
) -> None:
    store.import_tickets([draft("T1", "where is my parcel"), draft("T2", "thanks!")], "test")
    path = jsonl(
        tmp_path / "labels.jsonl",
        {"id": "T1", "label": "negative", "category": "logistics"},
        {"id": "T2", "label": "Positive"},
    )
    report = import_labels(store, bob, path)
    assert (report.imported, report.rejected, report.unknown_ids) == (2, (), ())
    assert events(store) == [
        ("T1", "where is my parcel", "sentiment", "negative", "bob", "agent"),
        ("T1", "where is my parcel", "category", "logistics", "bob", "agent"),
        ("T2", "thanks!", "sentiment", "positive", "bob", "agent"),
    ]
    detail = store.ticket("T1")
    assert (detail.sentiment, detail.category) == ("negative", "logistics")
    (audit,) = [r for r in store.rows("audit") if r["action"] == "labels_import"]
    assert audit["actor"] == "bob"
    assert json.loads(audit["details"]) == {
        "source": "labels.jsonl",
        "imported": 2,
        "corrections": 3,
        "already_stored": 0,
        "rejected": 0,
    }


def test_text_rows_get_a_solved_ticket_of_their_own(
    store: TicketStore, ann: Account, tmp_path: Path
) -> None:
    path = jsonl(tmp_path / "labels.jsonl", {"text": "  the box was crushed ", "label": "negative"})
    assert import_labels(store, ann, path).imported == 1
    # the same text again lands on the same ticket, and the same label is not stored twice
    again = import_labels(store, ann, path)
    assert (again.imported, again.already_stored) == (1, 1)
    assert describe_label_import(again) == (
        "labels.jsonl: 1 labels imported (1 of them already stored), 0 rejected"
    )
    tid = label_ticket_id("the box was crushed")
    stored = (tid, "the box was crushed", "sentiment", "negative", "ann", "supervisor")
    assert events(store) == [stored]
    (row,) = store.queue_rows()
    assert (row.id, row.status, row.channel, row.sentiment) == (tid, "solved", "labels", "negative")


def test_bad_rows_are_rejected_and_the_rest_stored(
    store: TicketStore, ann: Account, tmp_path: Path
) -> None:
    store.import_tickets([draft("T1", "where is my parcel")], "test")
    path = tmp_path / "labels.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps({"id": "T1", "label": "furious"}),
                json.dumps({"id": "T404", "label": "negative"}),
                json.dumps({"text": "fine", "category": "weather"}),
                "{not json",
                json.dumps({"label": "neutral"}),
                json.dumps({"id": "T1", "label": "neutral"}),
            ]
        )
        + "\n",
        "utf-8",
    )
    report = import_labels(store, ann, path)
    assert report.imported == 1
    assert report.unknown_ids == ("T404",)
    assert [r.where for r in report.rejected] == ["line 1", "line 2", "line 3", "line 4", "line 5"]
    assert "unknown label 'furious'" in report.rejected[0].reason
    assert report.rejected[1] == Rejection("line 2", "no stored ticket has the id 'T404'")
    assert "unknown category 'weather'" in report.rejected[2].reason
    assert report.rejected[4] == Rejection("line 5", "neither an id nor a text")
    assert [(e[0], e[3]) for e in events(store)] == [("T1", "neutral")]


def test_label_events_give_each_import_the_role_of_its_account(
    store: TicketStore, ann: Account, bob: Account, tmp_path: Path
) -> None:
    store.import_tickets([draft("T1", "where is my parcel")], "test")
    path = jsonl(tmp_path / "labels.jsonl", {"id": "T1", "label": "negative"})
    import_labels(store, bob, path)
    import_labels(store, ann, path)
    assert [(e.author, e.role) for e in map(label_event, store.label_events())] == [
        ("bob", "agent"),
        ("ann", "supervisor"),
    ]


@pytest.mark.parametrize("name", ["labels.jsonl", "labels.csv"])
def test_an_export_imports_into_a_fresh_store_as_the_same_labels(
    store: TicketStore, ann: Account, tmp_path: Path, name: str
) -> None:
    tickets = [draft("T1", "where is my parcel"), draft("T2", "地址写错了, 请帮忙")]
    store.import_tickets(tickets, "test")
    store.correct("T1", "sentiment", "negative", "ann")
    store.correct("T2", "category", "logistics", "ann")
    store.correct("T1", "sentiment", "neutral", "ann")
    import_labels(
        store, ann, jsonl(tmp_path / "in.jsonl", {"text": "love it", "label": "positive"})
    )
    out = tmp_path / name
    assert export_labels(store, ann, out) == 4
    if name.endswith(".jsonl"):
        first = json.loads(out.read_text("utf-8").splitlines()[0])
        assert set(first) == {"id", "text", "label", "category", "author", "role", "created_at"}
        assert (first["id"], first["label"], first["category"]) == ("T1", "negative", None)
    (audit,) = [r for r in store.rows("audit") if r["action"] == "labels_export"]
    assert (audit["actor"], json.loads(audit["details"])) == ("ann", {"file": name, "rows": 4})

    fresh = TicketStore(tmp_path / "fresh.db")
    try:
        fresh_ann = add_user(fresh, "ann", "supervisor", "supervisor-pass", None)
        fresh.import_tickets(tickets, "test")
        report = import_labels(fresh, fresh_ann, out)
        assert (report.imported, report.rejected) == (4, ())
        assert events(fresh) == events(store)
    finally:
        fresh.close()


def test_only_a_supervisor_exports(store: TicketStore, bob: Account, tmp_path: Path) -> None:
    out = tmp_path / "labels.jsonl"
    with pytest.raises(PermissionDenied, match="bob is an agent"):
        export_labels(store, bob, out)
    assert not out.exists()
    assert not [r for r in store.rows("audit") if r["action"] == "labels_export"]


def test_a_supervisor_disabled_meanwhile_exports_nothing(
    store: TicketStore, ann: Account, bob: Account, tmp_path: Path
) -> None:
    store.import_tickets([draft("T1", "where is my parcel")], "test")
    import_labels(store, bob, jsonl(tmp_path / "in.jsonl", {"id": "T1", "label": "negative"}))
    # disabled by another console after ann logged in: her Account still says supervisor
    store.conn.execute("UPDATE users SET disabled = 1 WHERE name = 'ann'")
    out = tmp_path / "labels.jsonl"
    with pytest.raises(PermissionDenied, match="ann is no longer an enabled supervisor"):
        export_labels(store, ann, out)
    assert not out.exists()
    assert list(tmp_path.glob(".labels.jsonl.*")) == []  # nor its temporary file
    assert not [r for r in store.rows("audit") if r["action"] == "labels_export"]


def test_a_csv_export_never_holds_a_formula_and_imports_back_unchanged(
    store: TicketStore, ann: Account, tmp_path: Path
) -> None:
    """A ticket text is customer input: opened in a spreadsheet, "=HYPERLINK(...)" would
    run. Such cells start with an apostrophe, which the import removes again."""
    import csv

    texts = ['=HYPERLINK("http://x.example","click")', "-10% off? @team", "+1 great", "ok"]
    rows: list[dict[str, object]] = [{"text": t, "label": "neutral"} for t in texts]
    import_labels(store, ann, jsonl(tmp_path / "in.jsonl", *rows))
    out = tmp_path / "labels.csv"
    export_labels(store, ann, out)
    with out.open(encoding="utf-8", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert '\'=HYPERLINK("http://x.example","click")' in cells

    fresh = TicketStore(tmp_path / "fresh.db")
    try:
        fresh_ann = add_user(fresh, "ann", "supervisor", "supervisor-pass", None)
        assert import_labels(fresh, fresh_ann, out).imported == 4
        assert sorted(e.text for e in fresh.label_events()) == sorted(texts)
    finally:
        fresh.close()


def test_labels_import_fails_the_command_when_no_row_could_be_used(
    isolated_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import sys

    from console.cli import main
    from console.services.desk import open_store

    store = open_store(isolated_data_dir)
    try:
        add_user(store, "ann", "supervisor", "supervisor-pass", None)
    finally:
        store.close()
    bad = jsonl(tmp_path / "bad.jsonl", {"text": "x", "label": "furious"})
    monkeypatch.setattr(sys, "stdin", io.StringIO("supervisor-pass\n"))
    assert main(["labels", "import", str(bad), "--user", "ann", "--password-stdin"]) == 1


def test_an_export_from_another_store_keeps_rows_whose_ticket_is_not_here(
    store: TicketStore, ann: Account, tmp_path: Path
) -> None:
    """Labels on another store's tickets carry their text; they must not be lost."""
    path = jsonl(
        tmp_path / "theirs.jsonl",
        {"id": "T-elsewhere", "text": "the parcel never came", "label": "negative"},
        {"id": "T-also-elsewhere", "label": "positive"},
    )
    report = import_labels(store, ann, path)
    assert report.imported == 1 and report.unknown_ids == ("T-also-elsewhere",)
    [event] = store.label_events()
    assert (event.text, event.value, event.role) == (
        "the parcel never came",
        "negative",
        "supervisor",
    )
    assert event.ticket_id == label_ticket_id("the parcel never came")


def test_a_csv_of_ids_and_labels_needs_no_text_column(
    store: TicketStore, bob: Account, tmp_path: Path
) -> None:
    store.import_tickets([draft("T1", "where is my parcel")], "test")
    path = tmp_path / "ids.csv"
    path.write_text("id,label\nT1,negative\nT9,positive\n", encoding="utf-8")
    report = import_labels(store, bob, path)
    assert report.imported == 1 and report.unknown_ids == ("T9",)
    assert events(store) == [("T1", "where is my parcel", "sentiment", "negative", "bob", "agent")]


def test_the_command_takes_a_csv_of_ids_and_labels_as_its_help_says(
    isolated_data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import io
    import sys

    from console.cli import main
    from console.services.desk import open_store

    with pytest.raises(SystemExit):
        main(["labels", "import", "--help"])
    assert "the `text` column may be left out" in " ".join(capsys.readouterr().out.split())
    store = open_store(isolated_data_dir)
    try:
        add_user(store, "ann", "supervisor", "supervisor-pass", None)
        store.import_tickets([draft("T1", "where is my parcel")], "test")
    finally:
        store.close()
    path = tmp_path / "ids.csv"
    path.write_text("id,label\nT1,negative\n", encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.StringIO("supervisor-pass\n"))
    assert main(["labels", "import", str(path), "--user", "ann", "--password-stdin"]) == 0
    assert "1 labels imported, 0 rejected" in capsys.readouterr().out


def test_importing_the_same_labels_again_adds_no_correction(
    store: TicketStore, ann: Account, bob: Account, tmp_path: Path
) -> None:
    """Re-importing a labels file used to store every correction a second time, which
    doubled the export and the counts of corrections."""
    store.import_tickets([draft("T1", "where is my parcel")], "test")
    path = jsonl(tmp_path / "l.jsonl", {"id": "T1", "label": "negative", "category": "logistics"})
    import_labels(store, ann, path)
    assert import_labels(store, ann, path).already_stored == 1  # one row, both labels
    assert len(events(store)) == 2
    audits = [
        json.loads(r["details"]) for r in store.rows("audit") if r["action"] == "labels_import"
    ]
    assert [(a["corrections"], a["already_stored"]) for a in audits] == [(2, 0), (0, 1)]
    # another account's label, a changed label and the label given again after a change
    # are each a correction of their own
    import_labels(store, bob, path)
    import_labels(store, ann, jsonl(tmp_path / "m.jsonl", {"id": "T1", "label": "neutral"}))
    import_labels(store, ann, path)
    assert [(e[2], e[3], e[4]) for e in events(store)][2:] == [
        ("sentiment", "negative", "bob"),
        ("category", "logistics", "bob"),
        ("sentiment", "neutral", "ann"),
        ("sentiment", "negative", "ann"),
        ("category", "logistics", "ann"),
    ]
    # new text for the ticket: the same label is given for what the customer now says
    store.import_tickets([draft("T1", "where is my parcel?? a week now")], "test")
    assert import_labels(store, ann, path).already_stored == 0
