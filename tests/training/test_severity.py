"""Negativity against the hand-graded intensity of the authored held-out complaints."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import cast

import pytest

from inference import InputFileError, Prediction, Sentiment
from training import corpora
from training.corpora import INTENSITIES, authored_lines, authored_templates, split_of
from training.severity import GradedTicket, graded_tickets, intensity_ranking


class _Negativity:
    """Answers a fixed negativity per text: the arithmetic is under test, not a model."""

    def __init__(self, negativity: dict[str, float]) -> None:
        self.negativity = negativity

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        out = []
        for text in texts:
            n = self.negativity[text]
            p = {"negative": n, "neutral": (1 - n) / 2, "positive": (1 - n) / 2}
            label = cast(Sentiment, max(p, key=p.__getitem__))
            out.append(Prediction(label, p, n, "other", {"other": 1.0}, "en", "fixed"))
        return out


def test_every_negative_line_is_graded_and_the_measure_reads_the_held_out_ones() -> None:
    for lang in ("en", "zh"):
        for row in authored_lines(lang):
            assert (row.intensity is not None) == (row.label == "negative")
    tickets = graded_tickets()
    held_out = [
        row
        for lang in ("en", "zh")
        for row in authored_lines(lang)
        if row.label == "negative" and split_of(row.template) != "train"
    ]
    assert len(tickets) == len(held_out) >= 70
    assert {t.intensity for t in tickets} == set(INTENSITIES)
    assert {t.lang for t in tickets} == {"en", "zh"}
    # filled like the cue measure fills them: no placeholder left
    assert not any("{" in t.text for t in tickets)


def test_intensity_ranking_is_spearman_with_the_grade() -> None:
    tickets = [
        GradedTicket("en", "mild", 1),
        GradedTicket("en", "clear", 2),
        GradedTicket("zh", "severe", 3),
        GradedTicket("zh", "clear too", 2),
    ]
    ranked = _Negativity({"mild": 0.6, "clear": 0.8, "clear too": 0.85, "severe": 0.99})
    report = intensity_ranking(ranked, tickets)  # type: ignore[arg-type]
    assert report["n"] == 4 and report["spearman"] == pytest.approx(0.9487, abs=1e-4)
    assert report["mean_negativity_by_grade"] == {"1": 0.6, "2": 0.825, "3": 0.99}
    assert report["by_lang"]["en"]["spearman"] == pytest.approx(1.0)
    # a model that reads the mild complaint as the worst ranks backwards
    flat = _Negativity({"mild": 0.99, "clear": 0.8, "clear too": 0.8, "severe": 0.7})
    assert intensity_ranking(flat, tickets)["spearman"] < 0  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("negative\tservice\tSo rude.\trude\t4", "intensity must be 1, 2 or 3, not '4'"),
        ("neutral\tlogistics\tWhere is it?\t\t1", "only negative lines have an intensity"),
    ],
)
def test_a_bad_grade_is_an_error_naming_the_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: str, reason: str
) -> None:
    (tmp_path / "tickets_xx.tsv").write_text("# header\n" + line + "\n", encoding="utf-8")
    monkeypatch.setattr(corpora, "resource_path", lambda *parts: tmp_path / parts[-1])
    with pytest.raises(InputFileError, match=rf"tickets_xx\.tsv:2: {reason}"):
        authored_lines("xx")
    with pytest.raises(InputFileError, match=rf"tickets_xx\.tsv:2: {reason}"):
        list(authored_templates("xx"))


def test_the_grade_is_never_part_of_the_training_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "tickets_xx.tsv").write_text(
        "negative\tservice\tThis is a scam.\tscam\t3\n", encoding="utf-8"
    )
    monkeypatch.setattr(corpora, "resource_path", lambda *parts: tmp_path / parts[-1])
    assert list(authored_templates("xx")) == [("negative", "service", "This is a scam.")]
    (row,) = authored_lines("xx")
    assert (row.cues, row.intensity) == ("scam", 3)
