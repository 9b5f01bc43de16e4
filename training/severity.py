"""Does negativity rank *how* negative a ticket is? Measured on authored tickets graded by hand.

The authored ticket files may carry a 5th column on their negative lines: a complaint
intensity of :data:`~training.corpora.INTENSITIES`, graded by reading the line alone, without
the model's scores: 1 mild (disappointed, polite), 2 clear (frustrated, demands a fix), 3
severe (angry, accuses the shop, threatens to escalate). Only the held-out lines' grades
(dev + test) are read here. Training never reads the column
(:func:`training.corpora.authored_templates` yields three columns): trained on as soft
targets (0.7 / 0.9 / 1.0 for "negative"), the grades moved this measure from 0.13 to 0.19
on one build, within its noise, and held-out sarcasm fell from 97 % to 92 %.

:func:`intensity_ranking` is the Spearman correlation between the model's negativity and
that grade over the graded lines: the ticket-side twin of the tweets'
``spearman_within_negative``, where annotators' agreement stands in for intensity. Dev and
test are pooled: neither is trained on and the grades choose nothing, and the test split
alone holds under 50 graded lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from inference import SentimentScorer
from training.corpora import INTENSITIES, authored_lines, split_of
from training.cues import fill_placeholders
from training.metrics import spearman


@dataclass(frozen=True)
class GradedTicket:
    lang: str
    text: str
    intensity: int


def graded_tickets(langs: Sequence[str] = ("en", "zh")) -> list[GradedTicket]:
    """The graded held-out lines as tickets (placeholders filled as the cue measure fills
    them), in file order."""
    return [
        GradedTicket(lang, fill_placeholders(row.template, lang), row.intensity)
        for lang in langs
        for row in authored_lines(lang)
        if row.intensity is not None and split_of(row.template) != "train"
    ]


def intensity_ranking(
    scorer: SentimentScorer, tickets: Sequence[GradedTicket] | None = None
) -> dict[str, Any]:
    """Spearman of negativity with the graded intensity, overall and per language, and the
    mean negativity per grade (``None`` where a figure is undefined)."""
    tickets = graded_tickets() if tickets is None else tickets
    negativity = [p.negativity for p in scorer.predict([t.text for t in tickets])]

    def block(indices: list[int]) -> dict[str, Any]:
        grades = [tickets[i].intensity for i in indices]
        values = [negativity[i] for i in indices]
        rho = spearman(values, [float(g) for g in grades]) if len(indices) > 1 else None
        by_grade = {
            g: [v for v, h in zip(values, grades, strict=True) if h == g] for g in INTENSITIES
        }
        means = {str(g): round(float(np.mean(v)), 4) for g, v in by_grade.items() if v}
        return {
            "n": len(indices),
            "spearman": None if rho is None else round(rho, 4),
            "mean_negativity_by_grade": means,
        }

    report = block(list(range(len(tickets))))
    report["by_lang"] = {
        lang: block([i for i, t in enumerate(tickets) if t.lang == lang])
        for lang in sorted({t.lang for t in tickets})
    }
    return report
