"""Run the importer and template properties on many random cases and print a table.

The strategies and checks are the ones of the test suite
(``tests/console/store/test_importer_properties.py`` and
``tests/console/services/test_template_properties.py``); the suite runs a few dozen cases
each, this runs as many as asked. A crash is any exception other than a whole-file
InputFileError; a failed check is a broken property (a row lost, mojibake, a limit passed).

Run: python scripts/fuzz_importers.py --cases 10000 [--seed N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # the tests package is not installed

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402

from tests.console.services.test_template_properties import TEMPLATE_PROPERTY  # noqa: E402
from tests.console.store.test_importer_properties import PROPERTIES, Property  # noqa: E402

COLUMNS = ("property", "cases", "imported", "rejected", "refused", "crashes", "failed", "seconds")


def run_property(prop: Property, cases: int, folder: Path, rng_seed: int) -> Counter[str]:
    """Counts for one property; the first crash and failure are printed with their case."""
    tally: Counter[str] = Counter()

    @seed(rng_seed)
    @settings(
        max_examples=cases,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(prop.cases)
    def run(case: Any) -> None:
        tally["cases"] += 1
        try:
            outcome = prop.check(case, folder)
        except AssertionError:
            tally["failed"] += 1
            if tally["failed"] == 1:
                print(f"[{prop.name}] failed check on {case!r:.2000}", file=sys.stderr)
                traceback.print_exc()
            return
        except Exception:
            tally["crashes"] += 1
            if tally["crashes"] == 1:
                print(f"[{prop.name}] crash on {case!r:.2000}", file=sys.stderr)
                traceback.print_exc()
            return
        tally["imported"] += outcome.imported
        tally["rejected"] += outcome.rejected
        tally["refused"] += outcome.refused

    started = time.perf_counter()
    run()
    tally["seconds"] = round(time.perf_counter() - started)
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000, help="cases in total, split evenly")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    props = (*PROPERTIES, TEMPLATE_PROPERTY)
    share, extra = divmod(max(args.cases, len(props)), len(props))
    tallies: dict[str, Counter[str]] = {}
    with tempfile.TemporaryDirectory(prefix="sentidesk-fuzz-") as tmp:
        for i, prop in enumerate(props):
            folder = Path(tmp) / prop.name.replace(" ", "-")
            folder.mkdir()
            cases = share + (i < extra)
            tallies[prop.name] = run_property(prop, cases, folder, args.seed)
            print(f"{prop.name}: {tallies[prop.name]['cases']} cases", file=sys.stderr)
    tallies["total"] = sum(tallies.values(), Counter())
    table = [list(COLUMNS)] + [
        [name, *(str(tally[c]) for c in COLUMNS[1:])] for name, tally in tallies.items()
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(COLUMNS))]
    for row in table:
        print("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)))
    return 1 if tallies["total"]["crashes"] or tallies["total"]["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
