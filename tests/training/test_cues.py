from __future__ import annotations

from pathlib import Path

import pytest

from inference import InputFileError, Span
from training import corpora
from training import cues as module
from training.corpora import authored_templates, split_of
from training.cues import (
    cue_hit,
    cue_precision,
    cue_tickets,
    locate,
    parse_cues,
    read_cue_lines,
    strongest,
)


@pytest.fixture
def tsv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A hand-made ``tickets_xx.tsv`` that both readers read instead of the shipped ones."""
    path = tmp_path / "tickets_xx.tsv"

    def resource_path(*parts: str) -> Path:
        return tmp_path / parts[-1]

    monkeypatch.setattr(module, "resource_path", resource_path)
    monkeypatch.setattr(corpora, "resource_path", resource_path)
    return path


def test_cue_phrases_are_split_on_bars() -> None:
    assert parse_cues("rude|filing a complaint") == ("rude", "filing a complaint")
    assert parse_cues(" 太慢了 | 投诉 ") == ("太慢了", "投诉")
    assert parse_cues("") == ()
    for typo in ("a||b", "a|", "|"):
        with pytest.raises(ValueError, match="empty cue phrase"):
            parse_cues(typo)


def test_the_cue_column_is_never_part_of_the_training_text(tsv: Path) -> None:
    tsv.write_text(
        "# comment\n"
        "negative\tservice\tYour staff was rude. I'm filing a complaint.\trude|filing a complaint\n"
        "neutral\tlogistics\tWhere is order {order}?\n",
        encoding="utf-8",
    )
    rows = list(authored_templates("xx"))
    assert rows == [
        ("negative", "service", "Your staff was rude. I'm filing a complaint."),
        ("neutral", "logistics", "Where is order {order}?"),
    ]
    (marked, plain) = read_cue_lines("xx")
    assert marked.cues == ("rude", "filing a complaint") and marked.line == 2
    assert plain.cues == ()


def test_a_sixth_column_is_still_refused(tsv: Path) -> None:
    tsv.write_text("negative\tservice\ttext\tcue\t2\textra\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"tickets_xx\.tsv:1: expected"):
        list(authored_templates("xx"))
    with pytest.raises(InputFileError, match=r"tickets_xx\.tsv:1: expected"):
        read_cue_lines("xx")


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("negative\tservice\tSo rude.\tcrude", "cue 'crude' is not a literal part"),
        ("negative\tlogistics\tOrder {order} lost.\t{order} lost", "is not a literal part"),
        ("negative\tservice\tSo rude.\trude||so", "empty cue phrase"),
        ("neutral\tservice\tWhere is it?\tWhere", "a neutral line has no cue"),
    ],
)
def test_a_bad_cue_is_an_error_naming_the_line(tsv: Path, line: str, reason: str) -> None:
    tsv.write_text("# header\n" + line + "\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=rf"tickets_xx\.tsv:2: .*{reason}"):
        read_cue_lines("xx")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_shipped_cues_mark_held_out_lines_only(lang: str) -> None:
    rows = read_cue_lines(lang)
    # the same lines, in the same order, as training reads: the splits cannot move
    assert [(r.label, r.category, r.template) for r in rows] == list(authored_templates(lang))
    marked = [r for r in rows if r.cues]
    assert len(marked) >= 55
    assert all(split_of(r.template) != "train" and r.label != "neutral" for r in marked)
    # every positive and negative held-out line is marked
    assert all(r.cues for r in rows if split_of(r.template) != "train" and r.label != "neutral")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cue_tickets_find_their_cues_in_the_filled_text(lang: str) -> None:
    tickets = cue_tickets(lang)
    assert tickets and all("{" not in t.text for t in tickets)
    for ticket in tickets:
        assert ticket.cues
        assert all(ticket.text[a:b] in ticket.template for a, b in ticket.cues)
    assert cue_tickets(lang) == tickets  # the same fill every run


def test_every_occurrence_of_a_cue_is_located() -> None:
    assert locate("not bad, not bad at all", ["not bad", "all"]) == ((0, 7), (9, 16), (20, 23))


# -- the measure ------------------------------------------------------------------------------
TEXT = "Your staff was rude and told me it was my fault. I'm filing a complaint."
CUES = locate(TEXT, ["rude", "filing a complaint"])


def span(word: str, weight: float) -> Span:
    start = TEXT.index(word)
    return Span(start, start + len(word), weight)


def test_a_hit_is_a_top_three_span_on_a_cue_pointing_the_labels_way() -> None:
    noise = [span("Your", 3.0), span("was", 2.5), span("I'm", 2.0)]
    assert not cue_hit([*noise, span("rude", 1.0)], CUES, "negative")  # 4th strongest
    assert cue_hit([*noise[:2], span("rude", 1.0)], CUES, "negative")
    assert cue_hit([span("complaint", 0.5)], CUES, "negative")  # inside a cue phrase
    assert cue_hit([span("filing a", 0.5)], CUES, "negative")  # overlapping one
    # "rude" said to make the ticket less negative is no explanation of a negative ticket
    assert not cue_hit([span("rude", -2.0)], CUES, "negative")
    assert cue_hit([span("rude", -2.0)], CUES, "positive")
    assert not cue_hit([], CUES, "negative")


def test_precision_is_the_share_of_the_top_three_spans_on_a_cue() -> None:
    spans = [span("Your", 3.0), span("rude", 2.0), span("complaint", 1.0), span("fault", 0.5)]
    assert cue_precision(spans, CUES, "negative") == pytest.approx(2 / 3)
    assert cue_precision(spans[1:3], CUES, "negative") == 1.0  # fewer spans shown
    assert cue_precision([], CUES, "negative") == 0.0
    assert [s.weight for s in strongest([span("a", -0.5), span("rude", 2.0)], k=1)] == [2.0]
