"""A model folder's calibration file: read and checked, applied by every scorer and backend,
and a folder without one scoring exactly as before."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from inference import (
    CALIBRATION_FILE,
    Calibration,
    LexicalScorer,
    Manifest,
    ModelFileError,
    ModelRegistry,
    Scorer,
    read_calibration,
)
from inference.backends import BackendName
from tests.helpers import TINY_LAYOUT, write_tiny_model
from training import export_and_quantize

TEXTS = [
    "the order is late and broken, where is my refund",
    "great, thanks, love it",
    "我的订单什么时候发货？",
    "质量太差了，要求退款！",
    "hello",
]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_tiny_model(tmp_path_factory.mktemp("calibrated") / "model")
    export_and_quantize(folder, TINY_LAYOUT)
    return folder


@pytest.fixture
def model(exported: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(exported, tmp_path / "model"))


def test_a_folder_without_a_file_is_uncalibrated(tiny_model: Path) -> None:
    calibration = read_calibration(tiny_model)
    assert calibration == Calibration() and not calibration.calibrated
    assert calibration.temperature == 1.0


def test_the_file_round_trips(tmp_path: Path) -> None:
    Calibration("temperature", 1.7).save(tmp_path)
    assert read_calibration(tmp_path) == Calibration("temperature", 1.7)
    assert read_calibration(tmp_path).calibrated
    assert "by_language" not in json.loads((tmp_path / CALIBRATION_FILE).read_text("utf-8"))
    given = {"zh": 1.5, "en": 1.1}
    per_language = Calibration("temperature", 1.2, given)
    per_language.save(tmp_path)
    assert read_calibration(tmp_path) == per_language
    given["zh"] = 9.0  # the value keeps its own copy, and stays hashable
    assert per_language.by_language["zh"] == 1.5
    assert hash(per_language) == hash(Calibration("temperature", 1.2))


def test_a_knee_and_its_compressions_round_trip(tmp_path: Path) -> None:
    calibration = Calibration(
        "temperature",
        1.3,
        {"en": 1.0},
        knee=2.9,
        compression=0.3,
        compression_by_language={"en": 0.4},
    )
    calibration.save(tmp_path)
    assert read_calibration(tmp_path) == calibration
    assert read_calibration(tmp_path).compression_by_language == {"en": 0.4}


def test_a_row_whose_other_classes_underflowed_is_compressed_too() -> None:
    """The scorer's scores are log-probabilities, -inf where a float32 softmax underflowed:
    such a row is certain, and used to keep reading 100 (with a warning for the -inf)."""
    from inference import compress_margins

    z = np.asarray([[0.0, -np.inf, -np.inf], [-np.inf, 0.0, -50.0]])
    squeezed = compress_margins(z, 3.0, 1e-4)
    assert np.isfinite(squeezed).all()
    p = np.exp(squeezed - squeezed.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    assert (p.argmax(axis=1) == [0, 1]).all()
    assert (p.max(axis=1) < 0.995).all()


def test_only_rows_past_the_knee_are_compressed() -> None:
    """Rows whose top class is below the knee keep the temperature's probabilities; rows
    above it are brought closer to it in the same order, each keeping its label, and the
    other classes keep their ratio."""
    scores = np.asarray(
        [[1.0, 0.5, 0.0], [6.0, 0.0, 0.0], [12.0, 1.0, 0.0], [0.0, 0.0, 20.0]], dtype=np.float32
    )
    plain = Calibration("temperature", 1.0)
    kneed = Calibration("temperature", 1.0, knee=3.0, compression=0.5)
    texts = ["a", "b", "c", "d"]
    before, after = plain.probabilities(scores, texts), kneed.probabilities(scores, texts)
    np.testing.assert_allclose(after[0], before[0], rtol=1e-6)
    assert (after.argmax(axis=1) == before.argmax(axis=1)).all()
    top_before, top_after = before.max(axis=1)[1:], after.max(axis=1)[1:]
    assert (top_after < top_before).all()
    assert list(np.argsort(top_after)) == list(np.argsort(top_before))
    # the margin above the knee is halved: 12 - log(e + 1) = 10.69 -> 3 + 7.69 / 2
    margin = np.log(after[2, 0] / (after[2, 1] + after[2, 2]))
    assert margin == pytest.approx(3.0 + (12.0 - np.log(np.e + 1) - 3.0) / 2, abs=1e-4)
    assert after[2, 1] / after[2, 2] == pytest.approx(before[2, 1] / before[2, 2], rel=1e-5)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "cannot read calibration"),
        ("[]", "expected a JSON object"),
        ('{"method": "isotonic", "temperature": 2}', '"method" must be "temperature"'),
        ('{"method": "temperature", "temperature": 0}', "positive number"),
        ('{"method": "temperature", "temperature": -1.5}', "positive number"),
        ('{"method": "temperature", "temperature": "2"}', "positive number"),
        ('{"method": "temperature", "temperature": true}', "positive number"),
        ('{"method": "temperature", "temperature": NaN}', "positive number"),
        ('{"method": "temperature"}', "positive number"),
        ('{"method": "temperature", "temperature": 1, "by_language": []}', "by_language"),
        ('{"method": "temperature", "temperature": 1, "by_language": {"zh": 0}}', "by_language"),
        ('{"method": "temperature", "temperature": 1, "by_language": {"en": "1"}}', "by_language"),
        # a key no text is ever detected as would silently never apply
        ('{"method": "temperature", "temperature": 1, "by_language": {"ZH": 2}}', "by_language"),
        ('{"method": "temperature", "temperature": 1, "knee": 0}', '"knee"'),
        (
            '{"method": "temperature", "temperature": 1, "knee": 3, "compression": 0}',
            "compression. must",
        ),
        (
            '{"method": "temperature", "temperature": 1, "knee": 3, "compression": 1.5}',
            "compression. must",
        ),
        (
            '{"method": "temperature", "temperature": 1, "knee": 3, '
            '"compression_by_language": {"en": 2}}',
            "compression_by_language",
        ),
        # without a knee a compression would never apply
        ('{"method": "temperature", "temperature": 1, "compression": 0.5}', "needs a .knee"),
    ],
)
def test_a_bad_file_is_refused_naming_it(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / CALIBRATION_FILE).write_text(content, encoding="utf-8")
    with pytest.raises(ModelFileError, match=message) as error:
        read_calibration(tmp_path)
    assert CALIBRATION_FILE in str(error.value)


@pytest.mark.parametrize("backend", ["onnx-int8", "onnx-fp32", "torch-cpu"])
def test_every_backend_divides_the_sentiment_scores_by_the_temperature(
    model: Path, backend: BackendName
) -> None:
    before = Scorer(model, backend=backend).predict(TEXTS)
    Calibration("temperature", 0.2).save(model)
    scorer = Scorer(model, backend=backend)
    after = scorer.predict(TEXTS)
    assert scorer.calibration.temperature == 0.2
    for old, new in zip(before, after, strict=True):
        # the same labels (a temperature keeps the order of the classes) ...
        assert new.label == old.label and new.category == old.category
        # ... sharper probabilities, exactly softmax(scores / T)
        assert max(new.probabilities.values()) > max(old.probabilities.values())
        assert new.negativity == pytest.approx(new.probabilities["negative"])
        assert new.category_probabilities == pytest.approx(old.category_probabilities)
    scores, _ = scorer.scores(TEXTS)
    expected = np.exp(scores / 0.2) / np.exp(scores / 0.2).sum(axis=1, keepdims=True)
    got = np.asarray([[p.probabilities[s] for s in TINY_LAYOUT.sentiments] for p in after])
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_each_text_takes_the_temperature_of_its_language(model: Path) -> None:
    """Chinese and English texts are divided by their own temperatures; a language the file
    does not name (here "other") takes the default one."""
    texts = [*TEXTS, "Bonjour, où est ma commande"]
    languages = ["en", "en", "zh", "zh", "en", "other"]
    Calibration("temperature", 0.5, {"zh": 0.2, "en": 3.0}).save(model)
    scorer = Scorer(model, backend="onnx-int8")
    scores, _ = scorer.scores(texts)
    divisors = np.asarray([{"zh": 0.2, "en": 3.0}.get(lang, 0.5) for lang in languages])
    expected = np.exp(scores / divisors[:, None])
    expected /= expected.sum(axis=1, keepdims=True)
    predictions = scorer.predict(texts)
    assert [p.language for p in predictions] == languages
    got = np.asarray([[p.probabilities[s] for s in TINY_LAYOUT.sentiments] for p in predictions])
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_without_a_file_nothing_changes(model: Path) -> None:
    """A folder made before calibration existed scores as it always did: softmax of the
    logits, blended as before."""
    scorer = Scorer(model, backend="onnx-int8")
    assert not scorer.calibration.calibrated
    logits = scorer._logits([e.ids for e in scorer.encoder.encode(TEXTS)])
    sentiment, _ = TINY_LAYOUT.split(logits)
    expected = np.exp(sentiment) / np.exp(sentiment).sum(axis=1, keepdims=True)
    got = [[p.probabilities[s] for s in TINY_LAYOUT.sentiments] for p in scorer.predict(TEXTS)]
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_explanations_keep_the_models_own_scale(model: Path) -> None:
    """Spans measure the uncalibrated log-odds, so the highlight threshold keeps meaning what
    it was chosen for; the spans do not move with the temperature."""
    text = TEXTS[0]
    before = Scorer(model, backend="onnx-int8").explain(text)
    Calibration("temperature", 3.0).save(model)
    after = Scorer(model, backend="onnx-int8").explain(text)
    assert [(s.start, s.end) for s in after] == [(s.start, s.end) for s in before]
    assert [s.weight for s in after] == pytest.approx([s.weight for s in before], abs=1e-4)


def test_a_broken_file_makes_the_version_fall_back(model: Path, tmp_path: Path) -> None:
    from inference import open_active_scorer

    registry = ModelRegistry(tmp_path / "models")
    for version in ("m1", "m2"):
        staging = tmp_path / f"staging-{version}"
        shutil.copytree(model, staging)
        registry.register(staging, Manifest(version, f"2026-11-28T00:00:0{version[1]}", "tiny"))
    registry.activate("m2")
    # broken after activation, which refuses a version whose calibration cannot be read
    (registry.path("m2") / CALIBRATION_FILE).write_text('{"method": "temperature"}', "utf-8")
    active = open_active_scorer(registry.root)
    assert active.version == "m1" and active.fallback is not None
    assert CALIBRATION_FILE in active.fallback.reason


def test_the_lexical_scorer_honours_a_file_and_is_unchanged_without_one(
    tmp_path: Path,
) -> None:
    from inference import CATEGORY_FILE, LEXICAL_FILE, LexicalModel

    rng = np.random.default_rng(0)
    folder = tmp_path / "lexical"
    folder.mkdir()
    for name, classes in (
        (LEXICAL_FILE, TINY_LAYOUT.sentiments),
        (CATEGORY_FILE, TINY_LAYOUT.categories),
    ):
        weights = rng.normal(size=(256, len(classes))).astype(np.float32)
        LexicalModel(weights, np.zeros(len(classes), np.float32), classes, 0.0).save(folder / name)
    (folder / "config.json").write_text(
        json.dumps({"sentidesk": TINY_LAYOUT.to_config()}), encoding="utf-8"
    )
    before = LexicalScorer(folder).predict(TEXTS)
    Calibration("temperature", 2.0).save(folder)
    after = LexicalScorer(folder).predict(TEXTS)
    for old, new in zip(before, after, strict=True):
        assert new.label == old.label
        assert max(new.probabilities.values()) < max(old.probabilities.values())
