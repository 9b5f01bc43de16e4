"""``sentidesk alerts``: replaying a ticket file through the detector, and stored alerts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from console.cli import main
from console.services.desk import open_store
from console.services.flags import SETTINGS_FILE
from tests.console.store.test_store import draft
from tests.console.store.test_store_alerts import alert

TEXTS = [
    "Where is my parcel? It is a week late and nobody answers.",
    "Thanks, the parcel arrived today.",
    "物流太慢了，已经十天还没到，非常失望",
    "请问可以改收货地址吗？",
]
#: Settings under which almost any negative ticket raises an alert, whatever the tiny
#: model says: the test is about the replay, not the thresholds.
EAGER = """
[alerts]
window_hours = 3
min_volume = 1
min_lift = 0
significance = 0.999
overall_significance = 0.999
cooldown_hours = 0.5
"""


@pytest.fixture
def replay_file(tmp_path: Path) -> Path:
    start = datetime(2026, 10, 1, tzinfo=UTC)
    path = tmp_path / "stream.jsonl"
    rows = [
        {
            "id": f"S{i:03d}",
            "subject": "Order",
            "text": TEXTS[i % len(TEXTS)],
            # written out of order: the replay sorts by time
            "created_at": (start + timedelta(minutes=37 * ((i * 7) % 48))).isoformat(),
        }
        for i in range(48)
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    return path


def test_replay_with_a_data_directory_leaves_its_store_alone(
    active_model: str,
    isolated_data_dir: Path,
    replay_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The data directory gives the model and the thresholds, never the store: a replayed
    ticket whose id is stored would overwrite the customer's words, and the replayed tickets
    would join the live queue."""
    (isolated_data_dir / SETTINGS_FILE).write_text(EAGER, encoding="utf-8")
    store = open_store(isolated_data_dir)
    try:
        store.import_tickets([draft("S001", "我的订单三天了还没发货，我要投诉！")], "live")
    finally:
        store.close()
    out = tmp_path / "alerts.json"
    argv = ["alerts", "--replay", str(replay_file), "--json", str(out)]
    assert main([*argv, "--data-dir", str(isolated_data_dir)]) == 0
    printed = capsys.readouterr()
    assert "replayed 48 scored tickets" in printed.out
    assert "48 new" in printed.err and "scored 48 tickets" in printed.err
    found = json.loads(out.read_text("utf-8"))
    store = open_store(isolated_data_dir)
    try:
        assert store.ticket_count() == 1
        (message,) = store.ticket("S001").messages
        assert message.body == "我的订单三天了还没发货，我要投诉！"
        # a replay says what would have fired; it stores no alerts
        assert store.alerts() == []
    finally:
        store.close()
    if found:
        for row in found:
            assert {"category", "fired_at", "window_start", "window_end", "share"} <= set(row)
            assert datetime.fromisoformat(row["fired_at"]).tzinfo is not None
            assert row["tickets"] and all(t.startswith("S") for t in row["tickets"])
    # the same replay without --data-dir (the environment names the same directory)
    assert main([*argv[:-2], "--json", "-"]) == 0
    assert json.loads(capsys.readouterr().out) == found


def test_replay_without_a_data_directory_uses_a_scratch_store(
    active_model: str,
    isolated_data_dir: Path,
    replay_file: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (isolated_data_dir / SETTINGS_FILE).write_text(EAGER, encoding="utf-8")
    assert main(["alerts", "--replay", str(replay_file), "--json", "-"]) == 0
    assert isinstance(json.loads(capsys.readouterr().out), list)
    # the file went into a temporary store, not the data directory's
    store = open_store(isolated_data_dir)
    try:
        assert store.ticket_count() == 0
    finally:
        store.close()


def test_listing_stored_alerts(isolated_data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["alerts"]) == 0
    assert capsys.readouterr().out == "no alerts\n"
    store = open_store(isolated_data_dir)
    try:
        store.transaction("t", lambda: store.save_alerts([alert()], cooldown=1))
    finally:
        store.close()
    assert main(["alerts"]) == 0
    assert "logistics" in capsys.readouterr().out
    assert main(["alerts", "--json", "-"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["category"] == "logistics" and row["acknowledged_by"] is None
    assert row["fired_at"] == "2026-11-28T10:00:00+00:00"


def test_bad_alert_settings_are_an_error(
    isolated_data_dir: Path, replay_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    isolated_data_dir.mkdir(parents=True, exist_ok=True)
    (isolated_data_dir / SETTINGS_FILE).write_text("[alerts]\nwindow = 2\n", encoding="utf-8")
    assert main(["alerts", "--replay", str(replay_file)]) == 2
    assert "unknown key alerts.window" in capsys.readouterr().err
