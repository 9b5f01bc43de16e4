"""Crash and concurrency checks for the ticket store. No Qt.

A writer process (``python -m console.store.crashtest``) writes corrections, replies, status
changes and small imports through ``TicketStore`` and prints ``OK <kind> <key> ...`` only
after the store call returned, that is after the store reported the commit. The parent
either kills writers with SIGKILL at random moments and restarts them on the same database
(``run_crash_test``) or lets several run side by side (``run_concurrent``), then checks the
file with plain SQL: every reported write is there, no write is half there, ``PRAGMA
integrity_check`` says ok and ``TicketStore`` opens it again.

Every write carries a key that is unique in the database: corrections, replies and status
changes use it as the agent name, reply bodies contain it, imports use it as the source and
as the prefix of their ticket ids. That is what lets the check find each reported write.

Thread: everything here runs on the caller's thread; the writers are separate processes.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from console.store.records import STATUSES, MessageDraft, ReplyRecord, TicketDraft
from console.store.schema import SCHEMA_VERSION
from console.store.store import TicketStore
from inference.labels import DEFAULT_CATEGORIES, SENTIMENTS

KINDS = ("correct", "reply", "status", "import")
#: How often a writer picks each kind of write (imports are the rarest, as in real use).
WEIGHTS = {"correct": 35, "reply": 30, "status": 20, "import": 15}
SEED_KEY = "seed"
CREATED_AT = "2026-11-28T10:00:00+00:00"
#: A writer that keeps failing stops: the first errors say all there is to say.
MAX_ERRORS = 50
#: Interpreter start plus imports take about half a second on an idle machine; a loaded CI
#: runner can be many times slower, and only a hung writer should ever reach this.
START_TIMEOUT_S = 60.0
POLL_S = 0.002

Progress = Callable[[str], None]


# -- the writer process -------------------------------------------------------------------
def ticket_drafts(key: str, counts: Sequence[int]) -> list[TicketDraft]:
    """The tickets an import with ``key`` brings: ids ``<key>.t<i>``, customer messages only.

    Each ticket records how many customer messages it came with, so the check can tell a
    ticket that lost messages from one that never had more.
    """
    return [
        TicketDraft(
            id=f"{key}.t{i}",
            subject=f"Order question {key}.t{i}",
            messages=tuple(
                MessageDraft("customer", f"Where is my order? ({key}.t{i} #{m})", CREATED_AT)
                for m in range(count)
            ),
            customer=f"Customer {i % 7}",
            order_id=f"SD{i}",
            created_at=CREATED_AT,
            metadata={"crash_messages": count},
        )
        for i, count in enumerate(counts)
    ]


def reply_body(key: str) -> str:
    return f"Thanks for waiting, your parcel is on its way. (ref {key})"


def seed_store(path: Path, tickets: int, seed: int = 0) -> None:
    """Create the database at ``path`` with ``tickets`` tickets for the writers to work on."""
    rng = random.Random(f"{seed}:{SEED_KEY}")
    store = TicketStore(path)
    try:
        store.import_tickets(
            ticket_drafts(SEED_KEY, [rng.randint(1, 3) for _ in range(tickets)]), SEED_KEY
        )
    finally:
        store.close()


def _plan(kind: str, key: str, rng: random.Random, pool: Sequence[str], size: int) -> Any:
    if kind == "import":
        counts = [rng.randint(1, 3) for _ in range(rng.randint(1, size))]
        return {"tickets": [d.id for d in ticket_drafts(key, counts)], "messages": counts}
    ticket = rng.choice(pool)
    if kind == "correct":
        which = rng.choice(("sentiment", "category"))
        values = SENTIMENTS if which == "sentiment" else DEFAULT_CATEGORIES
        return {"ticket": ticket, "field": which, "value": rng.choice(values)}
    if kind == "status":
        return {"ticket": ticket, "status": rng.choice(STATUSES)}
    return {"ticket": ticket}


def _perform(store: TicketStore, kind: str, key: str, plan: dict[str, Any]) -> None:
    if kind == "import":
        store.import_tickets(ticket_drafts(key, plan["messages"]), key)
    elif kind == "correct":
        store.correct(plan["ticket"], plan["field"], plan["value"], key)
    elif kind == "status":
        store.set_status(plan["ticket"], plan["status"], key)
    else:
        body = reply_body(key)
        record = ReplyRecord(plan["ticket"], body, None, None, len(body), 1.0, 30.0, True)
        store.save_reply(record, key, new_status="pending")


def _say(out: TextIO, line: str) -> None:
    # One write per line, flushed: a line the parent reads was printed before the kill.
    out.write(line + "\n")
    out.flush()


def writer_main(argv: Sequence[str] | None = None) -> int:
    """Write through the store until killed (or ``--seconds``, ``--count``); a line per write.

    Lines: ``OPEN`` (before the store opens), ``READY <seconds the open took>``, then per
    write ``BEGIN <kind> <key> <plan>`` before the store call and ``OK <kind> <key> <call
    seconds> <plan>`` after it returned, or ``ERR <kind> <key> <since go> <call seconds>
    <error>`` when it raised; ``DONE <ok> <errors>`` at the end of a timed or counted run.
    Exit status 1 if any write failed.
    """
    parser = argparse.ArgumentParser(prog="python -m console.store.crashtest")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--name", required=True, help="prefix of this writer's keys")
    parser.add_argument("--run", type=int, default=0, help="restart number (part of keys)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--import-size", type=int, default=3, help="most tickets per import")
    parser.add_argument("--seconds", type=float, help="stop after this long (default: never)")
    parser.add_argument("--count", type=int, help="stop after this many writes (default: never)")
    parser.add_argument("--go-file", type=Path, help="start writing once this file exists")
    args = parser.parse_args(argv)
    kinds = [k for k in args.kinds.split(",") if k]
    if unknown := set(kinds) - set(KINDS):
        parser.error(f"unknown kinds {sorted(unknown)}")
    out = sys.stdout
    rng = random.Random(f"{args.seed}:{args.name}:{args.run}")

    _say(out, "OPEN")
    started = time.monotonic()
    store = TicketStore(args.db)
    _say(out, f"READY {time.monotonic() - started:.4f}")
    if args.go_file is not None:
        while not args.go_file.exists():
            time.sleep(POLL_S)
    pool = [row.id for row in store.queue_rows()]
    go = time.monotonic()
    deadline = None if args.seconds is None else go + args.seconds
    number = ok = errors = 0
    while (deadline is None or time.monotonic() < deadline) and (
        args.count is None or number < args.count
    ):
        kind = rng.choices(kinds, [WEIGHTS[k] for k in kinds])[0]
        if not pool:
            if "import" not in kinds:
                parser.error("the database has no tickets and this writer may not import")
            kind = "import"
        key = f"{args.name}.{args.run}.{number}"
        number += 1
        plan = _plan(kind, key, rng, pool, args.import_size)
        details = json.dumps(plan, separators=(",", ":"))
        _say(out, f"BEGIN {kind} {key} {details}")
        call = time.monotonic()
        try:
            _perform(store, kind, key, plan)
        except Exception as exc:
            errors += 1
            message = " ".join(f"{type(exc).__name__}: {exc}".split())
            _say(
                out,
                f"ERR {kind} {key} {call - go:.3f} {time.monotonic() - call:.3f} {message}",
            )
            traceback.print_exc()
            if errors >= MAX_ERRORS:
                break
            continue
        _say(out, f"OK {kind} {key} {time.monotonic() - call:.4f} {details}")
        ok += 1
        if kind == "import":
            pool.extend(plan["tickets"])
    store.close()
    _say(out, f"DONE {ok} {errors}")
    return 1 if errors else 0


# -- reading a writer's log ---------------------------------------------------------------
@dataclass(frozen=True)
class Write:
    kind: str
    key: str
    plan: dict[str, Any]
    #: how long the store call took (None for a write that never returned)
    call_seconds: float | None = None


@dataclass(frozen=True)
class WriteError:
    kind: str
    key: str
    since_go: float
    call_seconds: float
    message: str


@dataclass
class WriterLog:
    opened: bool = False
    open_seconds: float | None = None
    reported: list[Write] = field(default_factory=list)
    errors: list[WriteError] = field(default_factory=list)
    #: a write whose store call began but neither returned nor raised (killed inside it)
    in_flight: Write | None = None
    done: bool = False


def parse_log(text: str) -> WriterLog:
    """What a writer printed; a last line cut off by the kill is ignored."""
    log = WriterLog()
    complete = text[: text.rfind("\n") + 1] if "\n" in text else ""
    for line in complete.splitlines():
        tag, _, rest = line.partition(" ")
        if tag == "OPEN":
            log.opened = True
        elif tag == "READY":
            log.open_seconds = float(rest)
        elif tag == "BEGIN":
            kind, key, details = rest.split(" ", 2)
            log.in_flight = Write(kind, key, json.loads(details))
        elif tag == "OK":
            kind, key, seconds, details = rest.split(" ", 3)
            log.reported.append(Write(kind, key, json.loads(details), float(seconds)))
            log.in_flight = None
        elif tag == "ERR":
            kind, key, since_go, seconds, message = rest.split(" ", 4)
            log.errors.append(WriteError(kind, key, float(since_go), float(seconds), message))
            log.in_flight = None
        elif tag == "DONE":
            log.done = True
    return log


# -- checking the database ----------------------------------------------------------------
@dataclass(frozen=True)
class Verification:
    reported: int
    present: int
    #: ``<kind> <key>: what is missing`` for each reported write not (fully) in the database
    missing: tuple[str, ...]
    #: rows without the rows the same write must have added with them
    half_writes: tuple[str, ...]
    #: writes whose rows are there more than once (a retry that repeated a committed write)
    duplicates: tuple[str, ...]
    #: corrections whose ``old_value`` is not the value the previous correction set
    stale_corrections: tuple[str, ...]
    in_flight_committed: int
    integrity: str
    reopens: bool
    reopen_error: str

    @property
    def ok(self) -> bool:
        return (
            not self.missing
            and not self.half_writes
            and not self.duplicates
            and self.integrity == "ok"
            and self.reopens
            and self.present == self.reported
        )


class _Snapshot:
    """The rows the checks need, read once (a few indexed passes instead of one per write)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.tickets: dict[str, tuple[str, str | None, str | None, dict[str, Any]]] = {
            tid: (status, sentiment, category, json.loads(metadata))
            for tid, status, sentiment, category, metadata in conn.execute(
                "SELECT id, status, sentiment_override, category_override, metadata FROM tickets"
            )
        }
        self.seqs: dict[str, list[int]] = defaultdict(list)
        self.customer_messages: Counter[str] = Counter()
        self.agent_messages: Counter[tuple[str, str]] = Counter()
        self.message_by_id: dict[int, tuple[str, str, str]] = {}
        for mid, tid, seq, author, body in conn.execute(
            "SELECT id, ticket_id, seq, author, body FROM messages ORDER BY ticket_id, seq"
        ):
            self.seqs[tid].append(seq)
            self.message_by_id[mid] = (tid, author, body)
            if author == "customer":
                self.customer_messages[tid] += 1
            else:
                self.agent_messages[(tid, body)] += 1
        reply_columns = {row[1] for row in conn.execute("PRAGMA table_info(replies)")}
        message_id = "message_id" if "message_id" in reply_columns else "NULL"
        self.replies: list[tuple[int, str, str, str, int | None]] = list(
            conn.execute(f"SELECT id, ticket_id, body, agent, {message_id} FROM replies")
        )
        self.corrections: list[tuple[int, str, str, str | None, str, str]] = list(
            conn.execute(
                "SELECT id, ticket_id, field, old_value, new_value, agent FROM corrections "
                "ORDER BY id"
            )
        )
        self.audit: list[tuple[int, str, str, str | None, dict[str, Any]]] = [
            (aid, actor, action, tid, json.loads(details))
            for aid, actor, action, tid, details in conn.execute(
                "SELECT id, actor, action, ticket_id, details FROM audit ORDER BY id"
            )
        ]
        self.audit_keys: Counter[tuple[str, str, str | None]] = Counter(
            (actor, action, tid) for _, actor, action, tid, _ in self.audit
        )
        self.status_audit = {
            (actor, tid): details.get("to")
            for _, actor, action, tid, details in self.audit
            if action == "status"
        }
        self.imports = {
            str(details.get("source")): int(details.get("added", -1))
            for _, _, action, _, details in self.audit
            if action == "import"
        }
        self.correction_keys = Counter(
            (agent, tid, which, new) for _, tid, which, _, new, agent in self.corrections
        )
        self.reply_keys = Counter((agent, tid, body) for _, tid, body, agent, _ in self.replies)


def _why_missing(db: _Snapshot, write: Write) -> str | None:
    """What of ``write`` is not in the database, or None when all of it is."""
    plan, key = write.plan, write.key
    if write.kind == "correct":
        if not db.correction_keys[(key, plan["ticket"], plan["field"], plan["value"])]:
            return "no corrections row"
        if not db.audit_keys[(key, f"correct_{plan['field']}", plan["ticket"])]:
            return "no audit row"
    elif write.kind == "reply":
        body = reply_body(key)
        if not db.reply_keys[(key, plan["ticket"], body)]:
            return "no replies row"
        if not db.agent_messages[(plan["ticket"], body)]:
            return "no thread message"
        if not db.audit_keys[(key, "reply", plan["ticket"])]:
            return "no audit row"
    elif write.kind == "status":
        if (key, plan["ticket"]) not in db.status_audit:
            return "no audit row"
        if db.status_audit[(key, plan["ticket"])] != plan["status"]:
            return "audit row with another status"
    else:
        for tid, count in zip(plan["tickets"], plan["messages"], strict=True):
            if tid not in db.tickets:
                return f"no ticket {tid}"
            if db.customer_messages[tid] != count:
                return f"ticket {tid} has {db.customer_messages[tid]} of {count} messages"
        if key not in db.imports:
            return "no audit row"
    return None


def _half_writes(db: _Snapshot) -> list[str]:
    """Every invariant that ties together rows written in one transaction, over all rows."""
    found: list[str] = []
    reply_bodies = Counter((tid, body) for _, tid, body, _, _ in db.replies)
    for tid, body in (reply_bodies - db.agent_messages).elements():
        found.append(f"reply on {tid} without its thread message: {body!r}")
    for tid, body in (db.agent_messages - reply_bodies).elements():
        found.append(f"agent message on {tid} without its replies row: {body!r}")
    for rid, tid, body, _, mid in db.replies:
        if mid is not None and db.message_by_id.get(mid) != (tid, "agent", body):
            found.append(f"reply {rid} points at message {mid}, which is not its message")

    # Audit rows name the ticket they are about; None would be a reply or correction of no
    # ticket, which the comparison reports like any other mismatch.
    replies_by: Counter[tuple[str, str | None]] = Counter(
        (agent, tid) for _, tid, _, agent, _ in db.replies
    )
    audited_replies: Counter[tuple[str, str | None]] = Counter(
        (actor, about) for _, actor, action, about, _ in db.audit if action == "reply"
    )
    for agent, about in (replies_by - audited_replies).elements():
        found.append(f"reply by {agent} on {about} without its audit row")
    for agent, about in (audited_replies - replies_by).elements():
        found.append(f"audit row for a reply by {agent} on {about} without the reply")

    corrections_by: Counter[tuple[str, str | None, str]] = Counter(
        (agent, tid, which) for _, tid, which, _, _, agent in db.corrections
    )
    audited_corrections: Counter[tuple[str, str | None, str]] = Counter(
        (actor, about, action.removeprefix("correct_"))
        for _, actor, action, about, _ in db.audit
        if action.startswith("correct_")
    )
    for agent, about, which in (corrections_by - audited_corrections).elements():
        found.append(f"{which} correction by {agent} on {about} without its audit row")
    for agent, about, which in (audited_corrections - corrections_by).elements():
        found.append(f"audit row for a {which} correction by {agent} on {about} without it")

    imported = Counter(tid.rsplit(".t", 1)[0] for tid in db.tickets if ".t" in tid)
    for source, added in db.imports.items():
        if imported[source] != added:
            found.append(f"import {source} added {added} tickets, {imported[source]} are there")
    for source in imported.keys() - db.imports.keys():
        found.append(f"tickets of import {source} without its audit row")

    for tid, (_, _, _, metadata) in db.tickets.items():
        seqs = db.seqs.get(tid, [])
        if not seqs:
            found.append(f"ticket {tid} has no messages")
        elif seqs != list(range(len(seqs))):
            found.append(f"ticket {tid} has message seqs {seqs}")
        expected = metadata.get("crash_messages")
        if expected is not None and db.customer_messages[tid] != expected:
            found.append(f"ticket {tid} has {db.customer_messages[tid]} of {expected} messages")

    # The ticket row is updated in the same transaction as the row that records the change,
    # so the latest recorded change must be what the ticket shows.
    latest_status: dict[str, str] = {}
    for _, _, action, about, details in db.audit:
        if about is not None and action == "status":
            latest_status[about] = str(details.get("to"))
        elif about is not None and action == "reply":
            latest_status[about] = "pending"
    latest_override: dict[tuple[str, str], str] = {}
    for _, tid, which, _, new, _ in db.corrections:
        latest_override[(tid, which)] = new
    for tid, (status, sentiment, category, _) in db.tickets.items():
        if status != latest_status.get(tid, "open"):
            found.append(
                f"ticket {tid} is {status!r}, its last recorded change says "
                f"{latest_status.get(tid, 'open')!r}"
            )
        for which, shown in (("sentiment", sentiment), ("category", category)):
            if shown != latest_override.get((tid, which)):
                found.append(
                    f"ticket {tid} shows {which} {shown!r}, its last correction says "
                    f"{latest_override.get((tid, which))!r}"
                )
    return found


def _duplicates(db: _Snapshot) -> list[str]:
    """Keys with more than one row of a kind: every key belongs to exactly one write."""
    counts: Counter[tuple[str, str]] = Counter()
    for _, _, _, _, _, agent in db.corrections:
        counts[("correction", agent)] += 1
    for _, _, _, agent, _ in db.replies:
        counts[("reply", agent)] += 1
    for _, actor, action, _, details in db.audit:
        if action == "import":
            counts[("import", str(details.get("source")))] += 1
        else:
            counts[(f"audit {action}", actor)] += 1
    return [f"{what} {key} is there {n} times" for (what, key), n in counts.items() if n > 1]


def _stale_corrections(db: _Snapshot) -> list[str]:
    """Corrections that do not name the value the previous correction of the field set."""
    previous: dict[tuple[str, str], str] = {}
    stale = []
    for cid, tid, which, old, new, agent in db.corrections:
        before = previous.get((tid, which))
        if before is not None and old != before:
            stale.append(
                f"correction {cid} by {agent}: {which} of {tid} {old!r}->{new!r}, "
                f"but it was {before!r}"
            )
        previous[(tid, which)] = new
    return stale


def verify(path: Path, reported: Sequence[Write], in_flight: Sequence[Write] = ()) -> Verification:
    """Check the database at ``path`` after the writers are gone (see the module docstring).

    ``in_flight`` are writes whose call was cut short by a kill: each may be there or not, but
    never in part (the half-write checks cover every row), and the count of those there goes
    into ``in_flight_committed``.
    """
    conn = sqlite3.connect(str(path))
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()
    integrity = "; ".join(str(r[0]) for r in rows)
    # Open the store before reading rows: a database killed while it was being created has
    # no tables until the store has migrated it, which is exactly what must work.
    reopens, reopen_error = True, ""
    try:
        store = TicketStore(path)
        try:
            (version,) = store.conn.execute("PRAGMA user_version").fetchone()
        finally:
            store.close()
        if version != SCHEMA_VERSION:
            reopens, reopen_error = False, f"schema {version} after opening, not {SCHEMA_VERSION}"
    except Exception as exc:
        reopens, reopen_error = False, f"{type(exc).__name__}: {exc}"
    conn = sqlite3.connect(str(path))
    try:
        db = _Snapshot(conn)
        orphans = conn.execute("PRAGMA foreign_key_check").fetchall()
    except sqlite3.DatabaseError as exc:
        why = f"the rows cannot be read: {exc}"
        return Verification(
            len(reported), 0, (why,), (), (), (), 0, integrity, reopens, reopen_error
        )
    finally:
        conn.close()
    missing = []
    for write in reported:
        why_missing = _why_missing(db, write)
        if why_missing is not None:
            missing.append(f"{write.kind} {write.key}: {why_missing}")
    return Verification(
        reported=len(reported),
        present=len(reported) - len(missing),
        missing=tuple(missing),
        half_writes=tuple(_half_writes(db) + [f"orphan row: {tuple(o)}" for o in orphans]),
        duplicates=tuple(_duplicates(db)),
        stale_corrections=tuple(_stale_corrections(db)),
        in_flight_committed=sum(_why_missing(db, w) is None for w in in_flight),
        integrity=integrity,
        reopens=reopens,
        reopen_error=reopen_error,
    )


# -- running writers ----------------------------------------------------------------------
class _Writer:
    """One writer process whose stdout and stderr go to files (a pipe could fill and block)."""

    def __init__(self, folder: Path, name: str, run: int, args: Sequence[str]) -> None:
        self.out_path = folder / f"{name}-{run}.out"
        self.err_path = folder / f"{name}-{run}.err"
        with self.out_path.open("wb") as out, self.err_path.open("wb") as err:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "console.store.crashtest",
                    "--name",
                    name,
                    "--run",
                    str(run),
                    *args,
                ],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
            )

    def output(self) -> str:
        return self.out_path.read_text(encoding="utf-8", errors="replace")

    def errors(self) -> str:
        return self.err_path.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, tag: str, timeout: float = START_TIMEOUT_S) -> bool:
        """Wait until the writer printed a line starting with ``tag``; False if it exited."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.output()
            if text.startswith(tag + " ") or text.startswith(tag + "\n") or f"\n{tag}" in text:
                return True
            if self.proc.poll() is not None:
                return False
            time.sleep(POLL_S)
        return False

    def kill(self) -> int:
        self.proc.send_signal(signal.SIGKILL)
        return self.proc.wait()

    def describe_exit(self) -> str:
        tail = self.errors().strip().splitlines()[-3:]
        return f"exit status {self.proc.returncode}: " + " | ".join(tail)


@dataclass(frozen=True)
class CrashReport:
    kills: int
    #: kills that landed while the writer was opening the store (recovery, migrations)
    startup_kills: int
    #: kills that landed inside a store call (how many of those writes were committed is in
    #: ``verification.in_flight_committed``)
    in_flight_kills: int
    fresh_open_kills: int
    fresh_open_mid_open: int
    fresh_open_failures: tuple[str, ...]
    writer_failures: tuple[str, ...]
    verification: Verification
    seconds: float

    @property
    def ok(self) -> bool:
        return (
            self.verification.ok
            and not self.verification.stale_corrections
            and not self.writer_failures
            and not self.fresh_open_failures
        )


def _kill_at_random(
    writer: _Writer, rng: random.Random, startup_share: float, open_estimate: float, delay: float
) -> str | None:
    """Kill ``writer`` while it opens the store or up to ``delay`` s after; a failure, or None."""
    if not writer.wait_for("OPEN"):
        writer.kill()
        return f"the writer did not start, {writer.describe_exit()}"
    if rng.random() < startup_share:
        time.sleep(rng.uniform(0, open_estimate))
    elif writer.wait_for("READY"):
        time.sleep(rng.uniform(0, delay))
    if writer.proc.poll() is not None:
        return f"the writer exited by itself, {writer.describe_exit()}"
    writer.kill()
    return None


def run_crash_test(
    path: Path,
    kills: int,
    seed: int = 0,
    *,
    max_delay: float = 0.3,
    startup_share: float = 0.1,
    fresh_open_kills: int = 0,
    seed_tickets: int = 40,
    progress: Progress | None = None,
) -> CrashReport:
    """Kill a writer ``kills`` times on a new database at ``path`` and check what survived.

    Each kill comes a random (seeded) time after the writer finished opening the store, up to
    ``max_delay`` seconds; a ``startup_share`` of them comes while it is still opening. Then
    ``fresh_open_kills`` writers are killed while they create a new database, each of which
    must open afterwards.
    """
    if path.exists():
        raise FileExistsError(f"{path} exists; the crash test needs a new database")
    started = time.monotonic()
    rng = random.Random(seed)
    say = progress or (lambda _: None)
    seed_store(path, seed_tickets, seed)
    reported: list[Write] = []
    in_flight: list[Write] = []
    failures: list[str] = []
    startup_kills = 0
    # Opening an existing store takes milliseconds; the estimate grows to the longest seen.
    open_estimate = 0.02
    with tempfile.TemporaryDirectory(prefix="sentidesk-crash-") as logs:
        for run in range(kills):
            writer = _Writer(Path(logs), "w", run, ["--db", str(path), "--seed", str(seed)])
            failure = _kill_at_random(writer, rng, startup_share, open_estimate, max_delay)
            if failure is not None:
                failures.append(f"run {run}: {failure}")
            log = parse_log(writer.output())
            if log.open_seconds is None:
                startup_kills += 1
            else:
                open_estimate = max(open_estimate, log.open_seconds)
            failures += [f"run {run}: {e.kind} {e.key}: {e.message}" for e in log.errors]
            reported += log.reported
            if log.in_flight is not None:
                in_flight.append(log.in_flight)
            if (run + 1) % 10 == 0 or run + 1 == kills:
                say(f"{run + 1}/{kills} kills, {len(reported)} writes reported")

        fresh_failures: list[str] = []
        mid_open = 0
        # Creating a store runs every migration, which takes longer than reopening one.
        fresh_estimate = max(open_estimate, 0.1)
        for number in range(fresh_open_kills):
            fresh = Path(logs) / f"fresh-{number}.db"
            writer = _Writer(Path(logs), "fresh", number, ["--db", str(fresh), "--seed", "0"])
            failure = _kill_at_random(writer, rng, 1.0, fresh_estimate, 0)
            log = parse_log(writer.output())
            if log.open_seconds is None:
                mid_open += 1
            else:
                fresh_estimate = max(fresh_estimate, log.open_seconds)
            check = verify(fresh, log.reported)
            if failure is not None or log.errors or not check.ok:
                fresh_failures.append(
                    f"new db {number}: {failure or 'killed'}, integrity {check.integrity}, "
                    f"{check.reopen_error or 'reopens'}, "
                    f"{list(check.missing[:2] + check.half_writes[:2])}"
                )
        say("checking the database")
        verification = verify(path, reported, in_flight)
    return CrashReport(
        kills=kills,
        startup_kills=startup_kills,
        in_flight_kills=len(in_flight),
        fresh_open_kills=fresh_open_kills,
        fresh_open_mid_open=mid_open,
        fresh_open_failures=tuple(fresh_failures),
        writer_failures=tuple(failures),
        verification=verification,
        seconds=time.monotonic() - started,
    )


def crash_table(report: CrashReport) -> str:
    v = report.verification
    rows = [
        ("kills", str(report.kills)),
        ("  while opening the store", str(report.startup_kills)),
        (
            "  inside a write call",
            f"{report.in_flight_kills} ({v.in_flight_committed} of those committed)",
        ),
        *_verification_rows(v),
        (
            "kills while creating a new db",
            f"{report.fresh_open_kills} ({report.fresh_open_mid_open} mid-open), "
            f"{len(report.fresh_open_failures)} failed to reopen",
        ),
        ("writer failures", str(len(report.writer_failures))),
        ("seconds", f"{report.seconds:.1f}"),
    ]
    extra = (
        ("new db failures", report.fresh_open_failures),
        ("writer failures", report.writer_failures),
    )
    return _report(rows, v, extra)


def _verification_rows(v: Verification) -> list[tuple[str, str]]:
    """The table lines every check prints: what was reported, what was found."""
    return [
        ("writes reported committed", str(v.reported)),
        ("writes verified present", str(v.present)),
        ("missing", str(len(v.missing))),
        ("half-writes", str(len(v.half_writes))),
        ("writes stored twice", str(len(v.duplicates))),
        ("stale corrections", str(len(v.stale_corrections))),
        ("integrity_check", v.integrity),
        ("store reopens", "yes" if v.reopens else f"no ({v.reopen_error})"),
    ]


def _report(
    rows: Sequence[tuple[str, str]],
    v: Verification,
    extra: Sequence[tuple[str, Sequence[str]]] = (),
) -> str:
    """The table, then the first problems of each kind, so a failure shows what was lost."""
    lines = _table(rows)
    problems = (
        ("missing", v.missing),
        ("half-writes", v.half_writes),
        ("stored twice", v.duplicates),
        ("stale corrections", v.stale_corrections),
        *extra,
    )
    for title, items in problems:
        lines += [f"{title}: {item}" for item in items[:10]]
    return "\n".join(lines)


def _table(rows: Sequence[tuple[str, str]]) -> list[str]:
    width = max(len(name) for name, _ in rows)
    return [f"{name:<{width}}  {value}" for name, value in rows]


# -- concurrent writers -------------------------------------------------------------------
@dataclass(frozen=True)
class WriterSpec:
    name: str
    kinds: tuple[str, ...]
    import_size: int = 3


@dataclass(frozen=True)
class WriterOutcome:
    name: str
    returncode: int | None
    writes: int
    errors: tuple[WriteError, ...]
    finished: bool
    stderr: str
    #: the slowest store calls that returned, slowest first (waiting for the write lock)
    slowest: tuple[float, ...] = ()
    #: writes the store retried because the database stayed locked past its busy timeout
    retries: int = 0

    @property
    def crashed(self) -> bool:
        return self.returncode != 0 or not self.finished or "Traceback" in self.stderr


@dataclass(frozen=True)
class ConcurrentReport:
    writers: tuple[WriterOutcome, ...]
    verification: Verification
    seconds: float

    @property
    def ok(self) -> bool:
        return self.verification.ok and not any(w.crashed for w in self.writers)


def run_concurrent(
    path: Path,
    specs: Sequence[WriterSpec],
    seconds: float,
    seed: int = 0,
    *,
    seed_tickets: int = 20,
) -> ConcurrentReport:
    """Run the writers of ``specs`` side by side on a new database for ``seconds``."""
    if path.exists():
        raise FileExistsError(f"{path} exists; the check needs a new database")
    started = time.monotonic()
    seed_store(path, seed_tickets, seed)
    outcomes = []
    reported: list[Write] = []
    with tempfile.TemporaryDirectory(prefix="sentidesk-writers-") as logs:
        go = Path(logs) / "go"
        writers = [
            _Writer(
                Path(logs),
                spec.name,
                0,
                [
                    "--db",
                    str(path),
                    "--seed",
                    str(seed),
                    "--kinds",
                    ",".join(spec.kinds),
                    "--import-size",
                    str(spec.import_size),
                    "--seconds",
                    str(seconds),
                    "--go-file",
                    str(go),
                ],
            )
            for spec in specs
        ]
        # Everyone starts writing at once, so the writes really overlap.
        for writer in writers:
            writer.wait_for("READY")
        go.touch()
        for writer in writers:
            try:
                writer.proc.wait(timeout=seconds + START_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                writer.kill()
        for spec, writer in zip(specs, writers, strict=True):
            log = parse_log(writer.output())
            reported += log.reported
            outcomes.append(
                WriterOutcome(
                    name=spec.name,
                    returncode=writer.proc.returncode,
                    writes=len(log.reported),
                    errors=tuple(log.errors),
                    finished=log.done,
                    stderr=writer.errors(),
                    retries=writer.errors().count("database locked, retrying"),
                    slowest=tuple(
                        sorted((w.call_seconds or 0.0 for w in log.reported), reverse=True)[:5]
                    ),
                )
            )
    return ConcurrentReport(tuple(outcomes), verify(path, reported), time.monotonic() - started)


def concurrent_table(report: ConcurrentReport) -> str:
    v = report.verification
    rows = []
    for w in report.writers:
        first = w.errors[0] if w.errors else None
        rows.append(
            (
                f"writer {w.name}",
                f"exit {w.returncode}, {w.writes} writes, {len(w.errors)} errors, "
                f"{w.retries} locked retries"
                + (
                    f" (first after {first.since_go:.2f}s, the call waited "
                    f"{first.call_seconds:.2f}s: {first.message})"
                    if first
                    else ""
                )
                + (f", slowest calls {', '.join(f'{s:.3f}' for s in w.slowest)}s")
                + ("" if w.finished else ", did not finish")
                + (", traceback on stderr" if "Traceback" in w.stderr else ""),
            )
        )
    rows += [
        *_verification_rows(v),
        ("seconds", f"{report.seconds:.1f}"),
    ]
    return _report(rows, v)


def main() -> int:
    # The store logs each retry of a locked write at INFO; the parent counts them on stderr.
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(name)s: %(message)s")
    return writer_main()


if __name__ == "__main__":
    sys.exit(main())
