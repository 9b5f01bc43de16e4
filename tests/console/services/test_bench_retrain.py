from __future__ import annotations

from collections import Counter

from console.services.bench_retrain import WRONG_LABEL, drift_rows, extra_correction_rows
from training import evaluation_texts


def test_extra_corrections_are_a_fixed_sample_of_both_labels() -> None:
    rows = extra_correction_rows(760)
    assert rows == extra_correction_rows(760) and len(rows) == 760
    counts = Counter(r["label"] for r in rows)
    # the corpus lists all negative reviews first: the first 760 rows were all negative
    assert counts["positive"] > 250 and counts["negative"] > 250
    assert not {r["text"] for r in rows} & evaluation_texts()


def test_drift_set_parts_and_wrong_labels() -> None:
    corrections, held_out = drift_rows("corrections"), drift_rows("held_out")
    assert len(corrections) == 240 and len(held_out) == 120
    assert not {r.text for r in corrections} & {r.text for r in held_out}
    assert all(WRONG_LABEL[r.label] != r.label for r in corrections)
