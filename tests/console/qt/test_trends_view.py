"""The Trends dashboard: its table models, drawing the known store's numbers, hover values,
clicks that filter the queue (and the chip that clears it), agents' view, templates opening
in the editor, the report exported from the window, an alert filtering the queue, the menu
entry and the range presets, and the driving phrases of both languages."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, QEvent, QPointF, QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence, QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from console.qt import charts
from console.qt.app import build_window
from console.qt.i18n import Translations
from console.qt.main_window import MainWindow
from console.qt.trends_view import (
    AgentModel,
    PeriodModel,
    PeriodRow,
    PhraseModel,
    RecordRole,
    TemplateModel,
    TrendsWindow,
    WaitModel,
    WaitRow,
    date_range,
)
from console.qt.workers import Workers
from console.services import add_user
from console.services.accounts import Account
from console.services.desk import open_store
from console.services.queue import QueueScope
from console.services.trends import (
    AgentFigures,
    Phrase,
    TemplateFigures,
    TrendPoint,
    TrendsQuery,
    WaitPoint,
)
from tests.console.qt.conftest import make_account
from tests.console.qt.test_alerts_view import spiky_window  # noqa: F401 (a fixture)
from tests.console.services.test_trends import DAY, HOUR, T0, build_known_store


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Days are local days: the known store's are UTC ones."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_table_models_pass_the_model_tester(qtmodeltester: ModelTester) -> None:
    rows: list[tuple[Any, list[Any]]] = [
        (
            PeriodModel(),
            [PeriodRow(T0, T0 + DAY, "day", "category", "logistics", TrendPoint(4, 3, 2))],
        ),
        (
            WaitModel(),
            [WaitRow(T0, T0 + DAY, "day", WaitPoint(3, 2, 1800.0, 3600.0, 1, 1, ("A",)))],
        ),
        (PhraseModel(), [Phrase("courier", "en", 2.5, 3, 0, 0.75, 0.0, ("A",))]),
        (
            AgentModel(),
            [AgentFigures("ann", 3, 3, 2, 1, 2, 2700.0, 0.2, 0, ("A",))],
        ),
        (TemplateModel(), [TemplateFigures("tpl-a", "Delayed", 2, 0.45, 0.45, 1, 2, ("A",))]),
    ]
    for model, records in rows:
        qtmodeltester.check(model)
        model.set_records(records)
        qtmodeltester.check(model)
        assert model.rowCount() == 1 and model.index(0, 0).data(RecordRole) == records[0]
    period = rows[0][0]
    assert [period.index(0, c).data() for c in range(period.columnCount())] == [
        "2026-11-02 (Mon)",
        "logistics",
        "4",
        "3",
        "2",
        "66.7%",
    ]
    assert period.index(0, 2).data(Qt.ItemDataRole.TextAlignmentRole) == int(
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    )
    waits = rows[1][0]
    assert waits.index(0, WaitModel.COLUMNS.index("median")).data() == "0.5 h"
    agents = rows[3][0]
    assert agents.index(0, AgentModel.COLUMNS.index("override")).data() == "33.3%"


def test_a_date_range_ends_now_when_it_reaches_today() -> None:
    day = QDate(2026, 11, 2)
    assert date_range(day, day.addDays(2), now=T0 + 10 * DAY) == (T0, T0 + 3 * DAY)
    assert date_range(day, day.addDays(2), now=T0 + 5 * HOUR) == (T0, T0 + 5 * HOUR)


@pytest.fixture
def known_window(
    qtbot: QtBot,
    isolated_data_dir: Path,
    tmp_path: Path,
    run: Callable[..., Any],
    active_model: str,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Callable[[Account], MainWindow]]:
    """Windows on the known store (scored by the active model's version, so the window
    scores only its one unscored ticket)."""
    store = open_store(isolated_data_dir)
    try:
        add_user(store, "Sue Supervisor", "supervisor", "a long password 1", None)
        with monkeypatch.context() as patch:
            build_known_store(store, patch, version=active_model)
    finally:
        store.close()
    started: list[tuple[MainWindow, Workers]] = []

    def start(account: Account) -> MainWindow:
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        workers = Workers()
        win = build_window(isolated_data_dir, settings, Translations(), workers, account)
        # not qtbot.addWidget: the window must be shut down before it is deleted
        win.resize(1200, 800)
        win.show()
        with qtbot.waitSignal(win.scoringIdle, timeout=60_000):
            run(win.start(None))
        started.append((win, workers))
        return win

    yield start
    for win, workers in started:
        run(win.shutdown())
        workers.shutdown()
        win.hide()
        win.deleteLater()


def _dashboard(qtbot: QtBot, win: MainWindow, run: Callable[..., Any]) -> TrendsWindow:
    view: TrendsWindow | None = run(win.trends.open())
    assert view is not None
    with qtbot.waitSignal(view.refreshed, timeout=30_000):
        view.set_dates(QDate(2026, 11, 2), QDate(2026, 11, 4))
    return view


# showing a tooltip asks the offscreen platform to raise it, which it cannot
@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_the_dashboard_draws_the_known_numbers_and_clicks_filter_the_queue(
    qtbot: QtBot, known_window: Callable[[Account], MainWindow], run: Callable[..., Any]
) -> None:
    win = known_window(make_account("Sue Supervisor", "supervisor"))
    view = _dashboard(qtbot, win, run)
    assert view.trends is not None and view.trends.total.volume == 7
    assert view.summary.text().startswith("7 tickets,")
    assert view.query_ms is not None and view.draw_ms is not None
    # the numbers beside the charts: one row per day overall
    table = view.period_model
    assert table.rowCount() == 3
    assert [table.index(0, c).data() for c in range(1, table.columnCount())] == [
        "all tickets",
        "3",
        "3",
        "2",
        "66.7%",
    ]
    assert view.wait_model.index(0, WaitModel.COLUMNS.index("median")).data() == "3.5 h"
    assert view.agent_model.rowCount() == 2 and view.template_model.rowCount() == 2
    assert view.tabs.isTabVisible(view.team_tab) and view.export_button.isVisible()

    chart = view.volume_chart
    assert chart.spec is not None and chart.spec.labels == ("11-02", "11-03", "11-04")
    assert "all tickets: 3 tickets" in chart.hover_text(0)
    # hovering shows the values of the bar under the pointer
    view.tabs.setCurrentIndex(0)
    qtbot.waitExposed(view)
    point = chart.position_of(0, "all")
    # sent to the chart itself: the offscreen platform moves the pointer over whichever
    # window it stacks on top
    move = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(point),
        QPointF(chart.viewport().mapToGlobal(point)),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(chart.viewport(), move)
    qtbot.waitUntil(lambda: "3 tickets" in QToolTip.text(), timeout=5_000)

    # clicking the first day's bar shows that day's tickets in the queue
    QTest.mouseClick(chart.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.waitUntil(win.scope_chip.isVisible)
    assert set(win.model.visible_ids()) == {"A1", "A2", "A3"}
    assert win.scope_chip.text().startswith("Filtered: 2026-11-02 (Mon)")

    # the negative share per category: a point is that category's negative tickets
    view.breakdown.setCurrentIndex(view.breakdown.findData("category"))
    qtbot.waitUntil(
        lambda: "category" in (view.share_chart.spec.title if view.share_chart.spec else "")
    )
    scopes: list[QueueScope] = []
    view.scopeRequested.connect(scopes.append)
    share = view.share_chart
    QTest.mouseClick(
        share.viewport(), Qt.MouseButton.LeftButton, pos=share.position_of(0, "logistics")
    )
    qtbot.waitUntil(lambda: bool(scopes))
    assert scopes[-1].category == "logistics" and scopes[-1].negative
    assert scopes[-1].since == T0 and scopes[-1].until == T0 + DAY
    assert win.model.visible_ids() == ["A1"]

    # the chip's × brings the whole queue back
    win.scope_chip.click()
    assert not win.scope_chip.isVisible() and win.model.rowCount() == 8

    # SLA breaches of the first day (SLA 24 h: nobody waited that long on day 0 but A3,
    # which is still unanswered)
    view.breach_chart.clicked.emit(0, "breaches")
    assert set(win.model.visible_ids()) == {"A3"}
    # an agent's bar shows the tickets that agent handled
    view.agents_chart.clicked.emit(0, "tickets")
    assert set(win.model.visible_ids()) == {"A1", "B1", "C2"}
    assert "handled by ann" in win.scope_chip.text()


def test_a_template_row_opens_the_template_editor(
    qtbot: QtBot, known_window: Callable[[Account], MainWindow], run: Callable[..., Any]
) -> None:
    win = known_window(make_account("Sue Supervisor", "supervisor"))
    view = _dashboard(qtbot, win, run)
    opened: list[str] = []
    view.templateRequested.connect(opened.append)
    view.template_table.selectRow(0)
    assert view.open_template_button.isEnabled()
    view.open_template_button.click()
    assert opened == ["tpl-a"]
    editor = win.template_editor.editor
    assert editor is not None and editor.isVisible()


def test_agents_see_the_trends_without_team_figures_or_export(
    qtbot: QtBot, known_window: Callable[[Account], MainWindow], run: Callable[..., Any]
) -> None:
    win = known_window(make_account("Max Agent", "agent"))
    view = _dashboard(qtbot, win, run)
    assert view.trends is not None and view.trends.total.volume == 7
    assert not view.tabs.isTabVisible(view.team_tab)
    assert not view.export_button.isVisible()
    assert not win.trends.export_action.isVisible()


def test_the_window_exports_the_report_for_supervisors_only(
    qtbot: QtBot,
    known_window: Callable[[Account], MainWindow],
    run: Callable[..., Any],
    tmp_path: Path,
) -> None:
    win = known_window(make_account("Sue Supervisor", "supervisor"))
    out = tmp_path / "report.html"
    query = TrendsQuery(T0, T0 + 3 * DAY)
    assert run(win.trends.export_report(out, query), timeout=120_000) is True
    page = out.read_text(encoding="utf-8")
    assert '<td>tickets</td><td class="n">7</td>' in page
    assert page.count("data:image/png;base64,") == len(charts.REPORT_CHARTS)
    assert "http://" not in page and "https://" not in page
    assert win.store is not None
    entries = run(win.workers.db(win.store.audit_entries, ["report_export"]))
    assert [e["actor"] for e in entries] == ["Sue Supervisor"]

    # an agent (the menu is hidden; the service refuses anyway) writes nothing
    win.set_account(make_account("Max Agent", "agent"))
    refused = tmp_path / "agent.html"
    assert run(win.trends.export_report(refused, query), timeout=120_000) is False
    assert not refused.exists()
    assert "needs a supervisor account" in (win.notices.text("report") or "")


def test_activating_an_alert_filters_the_queue_to_its_tickets(
    qtbot: QtBot,
    spiky_window: Callable[[Account], MainWindow],  # noqa: F811
    run: Callable[..., Any],
) -> None:
    win = spiky_window(make_account("Sue Supervisor", "supervisor"))
    new = run(win.alerts.check())
    assert new
    view = win.alerts.open(new[0].id)
    qtbot.waitUntil(lambda: view.selected() is not None and view.queue_button.isEnabled())
    selected = view.selected()
    assert selected is not None
    view.table.activated.emit(view.table.currentIndex())
    assert set(win.model.visible_ids()) == set(selected.alert.tickets)
    assert win.scope_chip.isVisible() and "alert on" in win.scope_chip.text()
    win.scope_chip.click()
    assert win.model.rowCount() > len(selected.alert.tickets)


def test_the_menu_opens_the_dashboard_and_phrases_of_both_languages_filter_the_queue(
    qtbot: QtBot, known_window: Callable[[Account], MainWindow], run: Callable[..., Any]
) -> None:
    win = known_window(make_account("Sue Supervisor", "supervisor"))
    action = win.findChild(QAction, "open-trends")
    assert action is not None and action.shortcut() == QKeySequence("Ctrl+Shift+D")
    action.trigger()
    qtbot.waitUntil(lambda: win.trends.view is not None and win.trends.view.trends is not None)
    view = win.trends.view
    assert view is not None and view.isVisible()
    # the range presets set the dates and read them
    with qtbot.waitSignal(view.refreshed, timeout=30_000):
        view.preset.setCurrentIndex(view.preset.findData(7))
    today = QDate.currentDate()
    assert (view.since_edit.date(), view.until_edit.date()) == (today.addDays(-6), today)

    view = _dashboard(qtbot, win, run)
    # the known store has no negative tickets before its three days: nothing to compare
    # this week's phrases with, in either language, and the note says so
    assert view.phrase_models["en"].rowCount() == view.phrase_models["zh"].rowCount() == 0
    note = view.phrase_note.text()
    assert "No negative English tickets" in note and "No negative Chinese tickets" in note

    # a phrase's row shows its tickets in the queue, in either language
    for lang, phrase, ids in (("en", "parcel", ("A1", "C2")), ("zh", "退款", ("A3",))):
        model = view.phrase_models[lang]
        model.set_records([Phrase(phrase, lang, 2.5, len(ids), 0, 1.0, 0.0, ids)])
        view.phrase_tables[lang].activated.emit(model.index(0, 0))
        assert set(win.model.visible_ids()) == set(ids)
        assert phrase in win.scope_chip.text()
    win.scope_chip.click()
    assert win.model.rowCount() == 8

    # in Chinese the summary and the note keep their numbers in the right places
    win.set_language("zh_CN")
    try:
        qtbot.waitUntil(lambda: "张工单" in view.summary.text())
        assert view.trends is not None
        total = view.trends.total
        assert f"（{total.negatives} 张负面，共 {total.scored} 张已评分）" in view.summary.text()
        assert "此前几周没有英文负面工单可供比较" in view.phrase_note.text()
    finally:
        win.set_language("en")
