"""The demo queue: today's work, with the few flags a supervisor would look at."""

from __future__ import annotations

import collections
import importlib.util
import json
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from console.services.demo import DEMO_FILE, import_demo
from console.services.desk import import_path
from console.services.flags import REPEAT_CONTACT, REPLY_SLA, load_flag_settings, refresh_flags
from console.store import IDENTITY_FIELDS, FlagFilter, TicketStore

ROOT = Path(__file__).resolve().parents[3]


def _reasons(store: TicketStore) -> collections.Counter[str]:
    refresh_flags(store, load_flag_settings(None))
    return collections.Counter(
        r.reason for f in store.flagged(FlagFilter(status=None)) for r in f.reasons
    )


def test_the_demo_queue_flags_a_plausible_minority(store: TicketStore) -> None:
    """Before, repeat contacts matched the 24 names the 300 tickets share and every
    unanswered ticket was days old: all 300 were flagged. The rules read no prediction
    here; the model's own reasons (negativity, confidence) come on top."""
    report = import_demo(store)
    assert report.added == 300
    counts = _reasons(store)
    assert 0 < counts[REPEAT_CONTACT] <= 45
    assert 0 < counts[REPLY_SLA] <= 30
    flagged = store.flagged(FlagFilter(status=None))
    assert len(flagged) <= 75


def test_the_demo_is_todays_queue_however_it_is_loaded(store: TicketStore) -> None:
    import_path(store, DEMO_FILE)
    newest = max(row.created_at for row in store.queue_rows())
    assert time.time() - 3600 < newest <= time.time()
    assert _reasons(store)[REPLY_SLA] <= 30
    # loading it again keeps the times of the first load: nothing moves, nothing is re-scored
    again = import_path(store, DEMO_FILE)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 300)


def test_every_demo_customer_has_an_identity_and_names_are_shared() -> None:
    rows = [json.loads(line) for line in DEMO_FILE.read_text("utf-8").splitlines()]
    identities = [next((r[f] for f in IDENTITY_FIELDS if r.get(f)), None) for r in rows]
    assert None not in identities
    names = collections.Counter(r["customer"] for r in rows)
    people = collections.Counter(identities)
    # many customers share a name, few write twice
    assert len(names) < 30 < len(people)
    assert 5 <= sum(1 for n in people.values() if n > 1) <= 25


def _generator(monkeypatch: pytest.MonkeyPatch) -> Any:
    spec = importlib.util.spec_from_file_location(
        "make_demo_data", ROOT / "scripts" / "make_demo_data.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # its dataclasses look their module up while the module runs
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    return module


def test_the_generator_is_deterministic(monkeypatch: pytest.MonkeyPatch) -> None:
    generator = _generator(monkeypatch)
    first = generator.generate()
    assert first == generator.generate()
    assert len(first) == 300
    anchor = generator.ANCHOR.isoformat()
    # no message later than the anchor, so the shift to now keeps every one in the past
    assert max(m["created_at"] for t in first for m in t.get("messages", [])) <= anchor
