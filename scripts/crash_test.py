"""Kill a store writer at random moments and check that no committed write was lost.

A writer process writes corrections, replies, status changes and small imports through
``TicketStore`` and reports each write once the store returned; this script kills it with
SIGKILL after a random (seeded) delay, restarts it on the same database, and after the last
kill checks every reported write, the invariants that tie one write's rows together,
``PRAGMA integrity_check`` and that the store opens again. Exit status 1 if anything failed.

Run: python scripts/crash_test.py --kills 200 [--db PATH] [--seed N]
     (add --concurrent SECONDS to also run two writers side by side on fresh databases)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from console.store.crashtest import (
    WriterSpec,
    concurrent_table,
    crash_table,
    run_concurrent,
    run_crash_test,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--db", type=Path, help="a new database file (default: a temp file)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--max-delay", type=float, default=0.3, help="longest wait before a kill (s)"
    )
    parser.add_argument(
        "--new-db-kills",
        type=int,
        help="kills while a writer creates a new database (default: kills / 10)",
    )
    parser.add_argument(
        "--concurrent",
        type=float,
        metavar="SECONDS",
        help="also run two writers at once on one database for this long (two setups)",
    )
    args = parser.parse_args(argv)
    fresh = args.kills // 10 if args.new_db_kills is None else args.new_db_kills
    ok = True
    with tempfile.TemporaryDirectory(prefix="sentidesk-crash-db-") as folder:
        db = args.db or Path(folder) / "store.db"
        report = run_crash_test(
            db,
            args.kills,
            args.seed,
            max_delay=args.max_delay,
            fresh_open_kills=fresh,
            progress=lambda line: print(line, file=sys.stderr, flush=True),
        )
        print(crash_table(report))
        ok = report.ok
        if args.concurrent:
            setups = {
                "import + console": [
                    WriterSpec("importer", ("import",), import_size=25),
                    WriterSpec("console", ("correct", "reply", "status")),
                ],
                "two consoles": [
                    WriterSpec("console-a", ("correct", "reply")),
                    WriterSpec("console-b", ("correct", "reply")),
                ],
            }
            for number, (title, specs) in enumerate(setups.items()):
                path = Path(folder) / f"concurrent-{number}.db"
                both = run_concurrent(path, specs, args.concurrent, args.seed)
                print(f"\n{title}\n{concurrent_table(both)}")
                ok = ok and both.ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
