"""The reply templates window: the list model, filters, the editor's checks and preview,
every change through the window (and its effect on the next suggestion), read-only for
agents, and refusals shown in the window."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QComboBox, QMenu
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from console.qt.app import build_window
from console.qt.i18n import Translations
from console.qt.main_window import MainWindow, _load_ticket_view
from console.qt.template_editor import (
    EntryRole,
    StateRole,
    TemplateEditor,
    TemplateIdRole,
    TemplateListModel,
    preview_html,
)
from console.qt.workers import Workers
from console.services import add_user, update_user
from console.services.accounts import Account
from console.services.desk import open_store
from console.services.template_edits import TemplateEntry, edit_template, packaged_templates
from console.services.templates import ReplyTemplate
from tests.console.qt.conftest import make_account
from tests.console.services.test_flags import draft

DELAY = "en-logistics-delay-apology"
SUP = "supervisor"
PASSWORD = "a long password 1"


def shipped(template_id: str = DELAY) -> ReplyTemplate:
    return packaged_templates().by_id[template_id]


# -- the list model, without a window ---------------------------------------------------
def test_the_list_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = TemplateListModel()
    qtmodeltester.check(model)
    custom = ReplyTemplate("en-mine", "en", "Mine", "Hi {customer_name}", ("neutral",), ("other",))
    records = [
        TemplateEntry(shipped(), "default", shipped(), uses=4, mean_edit_ratio=0.25),
        TemplateEntry(custom, "new", None, 3, "Sue", "2026-11-28T10:30:00+00:00"),
        TemplateEntry(shipped("en-thanks"), "retired", shipped("en-thanks"), 5, "Sue", "x"),
    ]
    model.set_records(records)
    qtmodeltester.check(model)
    column = TemplateListModel.COLUMNS.index
    assert model.rowCount() == 3 and model.row_of("en-mine") == 1 and model.row_of("x") == -1
    first = model.index(0, 0)
    assert first.data() == DELAY and first.data(TemplateIdRole) == DELAY
    assert first.data(EntryRole) == records[0] and first.data(StateRole) == "default"
    assert model.index(0, column("state")).data() == "shipped"
    assert model.index(0, column("uses")).data() == "4"
    assert model.index(0, column("rewritten")).data() == "25%"
    assert model.index(1, column("rewritten")).data() == "—"
    assert model.index(1, column("state")).data() == "added"
    assert model.index(1, column("updated")).data() == "Sue, 2026-11-28 10:30"
    assert model.index(2, column("state")).data() == "retired"
    assert model.index(2, 0).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert model.headerData(column("title"), Qt.Orientation.Horizontal) == "Title"


def test_the_preview_fills_a_sample_ticket_and_marks_what_stays_open() -> None:
    html = preview_html(shipped("en-quality-question"), "Max <Agent>")
    assert "Ann Lee" in html and "wireless earbuds" in html
    assert "{answer}</span>" in html and "#ffcdd2" in html
    assert "Max &lt;Agent&gt;" in html or "Max" in html
    assert "王芳" in preview_html(shipped("zh-logistics-status"), "Max")


# -- the window -------------------------------------------------------------------------
@pytest.fixture
def desk(isolated_data_dir: Path) -> Path:
    """A data directory with a supervisor, an agent and one unscored ticket."""
    store = open_store(isolated_data_dir)
    try:
        sue = add_user(store, "Sue Supervisor", "supervisor", PASSWORD, None)
        add_user(store, "Max Agent", "agent", PASSWORD, sue)
        store.import_tickets([draft("T1", "Where is my parcel? Order SD12345678")], "test")
    finally:
        store.close()
    return isolated_data_dir


@pytest.fixture
def open_window(
    qtbot: QtBot, desk: Path, tmp_path: Path, run: Callable[..., Any]
) -> Iterator[Callable[[Account], MainWindow]]:
    """Start windows for an account on the test's data directory (no model: nothing here
    needs scores); each is shut down after the test."""
    started: list[tuple[MainWindow, Workers]] = []

    def start(account: Account) -> MainWindow:
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        workers = Workers()
        win = build_window(desk, settings, Translations(), workers, account)
        # not qtbot.addWidget: pytest-qt would delete the window before this fixture's
        # teardown shuts it down, under a template read still in flight
        win.show()
        run(win.start(None))
        started.append((win, workers))
        return win

    yield start
    for win, workers in started:
        run(win.shutdown())
        workers.shutdown()
        win.hide()
        win.deleteLater()


def _open_editor(qtbot: QtBot, win: MainWindow, template_id: str | None = None) -> TemplateEditor:
    if win.template_editor.editor is None:
        editor = win.template_editor.open(template_id)
        with qtbot.waitSignal(editor.loaded, timeout=30_000):
            pass
        return editor
    editor = win.template_editor.editor
    with qtbot.waitSignal(editor.loaded, timeout=30_000):
        win.template_editor.open(template_id)
    return editor


def _stored(run: Callable[..., Any], win: MainWindow, table: str) -> list[dict[str, Any]]:
    assert win.store is not None
    rows: list[dict[str, Any]] = run(win.workers.db(win.store.rows, table))
    return rows


def _change(qtbot: QtBot, editor: TemplateEditor, act: Callable[[], object]) -> list[Any]:
    with qtbot.waitSignal(editor.changed, timeout=10_000) as changed:
        act()
    # the list is read again after the change
    qtbot.waitUntil(lambda: not editor.busy)
    return list(changed.args)


def test_a_supervisor_edits_retires_restores_and_adds_templates(
    qtbot: QtBot,
    open_window: Callable[[Account], MainWindow],
    run: Callable[..., Any],
    qtmodeltester: ModelTester,
) -> None:
    win = open_window(make_account("Sue Supervisor", "supervisor"))
    editor = _open_editor(qtbot, win, DELAY)
    qtmodeltester.check(editor.model)
    assert editor.current is not None and editor.current.id == DELAY
    assert editor.view.currentIndex().data(TemplateIdRole) == DELAY
    assert editor.title_edit.text() == shipped().title
    assert editor.sentiment_boxes["negative"].isChecked()
    assert not editor.sentiment_boxes["positive"].isChecked()
    assert editor.category_boxes["logistics"].isChecked()
    assert not editor.save_button.isEnabled() and editor.retire_button.isEnabled()
    assert not editor.restore_button.isEnabled()  # it is the shipped version
    assert editor.id_edit.isReadOnly()
    assert "Ann Lee" in editor.preview.toPlainText()

    # an unknown placeholder blocks saving and says why
    editor.body_edit.setPlainText("Hi {customer}, order {order_id}.\n{agent_name}")
    assert "unknown placeholder {customer}" in editor.problems.text()
    assert not editor.save_button.isEnabled()
    run(editor.save())  # Ctrl+S on a template with problems says so, stores nothing
    assert "Not saved" in editor.status.text()
    assert not editor.retire_button.isEnabled()  # save or revert first
    editor.body_edit.setPlainText("Hi {customer_name}, order {order_id}.\n{agent_name}")
    editor.title_edit.setText("Late order")
    assert editor.problems.text() == ""
    assert "Hi Ann Lee, order SD20261128." in editor.preview.toPlainText()
    assert editor.save_button.isEnabled() and editor.revert_button.isEnabled()
    args = _change(
        qtbot,
        editor,
        lambda: qtbot.keyClick(editor.body_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier),
    )
    assert args == ["edit", DELAY]
    assert editor.current is not None and editor.current.state == "edited"
    assert editor.model.index(editor.model.row_of(DELAY), 0).data(StateRole) == "edited"
    assert not editor.save_button.isEnabled() and editor.restore_button.isEnabled()
    (row,) = _stored(run, win, "templates")
    assert (row["id"], row["title"], row["updated_by"]) == (DELAY, "Late order", "Sue Supervisor")
    audit = [r for r in _stored(run, win, "audit") if r["action"] == "template_edit"]
    assert len(audit) == 1 and audit[0]["actor"] == "Sue Supervisor"
    assert '"Late order"' in audit[0]["after"] and shipped().title in audit[0]["before"]

    # the next suggestion the main window makes uses it, without a restart
    assert win.store is not None
    _detail, suggestions = run(
        win.workers.db(_load_ticket_view, win.store, win.templates, "T1", "Sue Supervisor")
    )
    library = run(win.workers.db(win.templates.library, win.store))
    assert library.by_id[DELAY].title == "Late order"
    assert all(s.template.id in library.by_id for s in suggestions)

    # retire, reinstate, restore the shipped version
    assert _change(qtbot, editor, editor.retire_button.click) == ["retire", DELAY]
    assert editor.current is not None and editor.current.retired
    assert editor.retire_button.text() == "Reinstate"
    library = run(win.workers.db(win.templates.library, win.store))
    assert DELAY not in library.by_id
    assert _change(qtbot, editor, editor.retire_button.click) == ["reinstate", DELAY]
    assert _change(qtbot, editor, editor.restore_button.click) == ["restore", DELAY]
    assert editor.current is not None and editor.current.state == "default"
    assert editor.title_edit.text() == shipped().title
    assert _stored(run, win, "templates") == []

    # a new template, by keyboard
    qtbot.keyClick(editor.view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert editor.creating and not editor.id_edit.isReadOnly()
    assert not editor.save_button.isEnabled()
    editor.id_edit.setText("en-custom-hello")
    editor.title_edit.setText("Hello")
    editor.body_edit.setPlainText("Hi {customer_name}. {answer}")
    assert "choose at least one sentiment" in editor.problems.text()
    editor.sentiment_boxes["neutral"].setChecked(True)
    editor.category_boxes["other"].setChecked(True)
    assert editor.save_button.isEnabled()
    assert _change(qtbot, editor, editor.save_button.click) == ["create", "en-custom-hello"]
    assert editor.current is not None and editor.current.state == "new"
    assert editor.model.row_of("en-custom-hello") >= 0
    assert not editor.restore_button.isEnabled()  # nothing shipped to go back to
    actions = [r["action"] for r in _stored(run, win, "audit") if r["action"].startswith("temp")]
    assert actions == [
        "template_edit",
        "template_retire",
        "template_reinstate",
        "template_restore_default",
        "template_create",
    ]


def test_filters_search_and_opening_on_a_filtered_out_template(
    qtbot: QtBot, open_window: Callable[[Account], MainWindow]
) -> None:
    win = open_window(make_account("Max Agent", "agent"))
    editor = _open_editor(qtbot, win)
    everything = editor.model.rowCount()
    assert everything == len(packaged_templates().templates)

    def pick(combo: QComboBox, value: str) -> None:
        combo.setCurrentIndex(combo.findData(value))

    pick(editor.language_filter, "zh")
    assert editor.model.rowCount() > 0
    assert all(e.template.language == "zh" for e in editor.model.records)
    pick(editor.category_filter, "refund")
    assert all("refund" in e.template.categories for e in editor.model.records)
    pick(editor.sentiment_filter, "negative")
    assert [e.id for e in editor.model.records] == ["zh-refund-delayed"]
    pick(editor.state_filter, "edited")
    assert editor.model.rowCount() == 0
    # Ctrl+F goes to the search field
    qtbot.keyClick(editor.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert editor.search.hasFocus() or editor.focusWidget() is editor.search

    # opening on a template the filters hide clears them
    editor = _open_editor(qtbot, win, "en-thanks")
    assert editor.current is not None and editor.current.id == "en-thanks"
    assert editor.model.rowCount() == everything
    assert editor.view.currentIndex().data(TemplateIdRole) == "en-thanks"
    editor.search.setText("THANK")
    assert 0 < editor.model.rowCount() < everything
    # an unknown id is said, not ignored
    editor = _open_editor(qtbot, win, "no-such-template")
    assert "There is no template no-such-template" in editor.status.text()


def test_agents_get_it_read_only_and_a_supervisor_who_logs_in_may_edit(
    qtbot: QtBot, open_window: Callable[[Account], MainWindow], run: Callable[..., Any]
) -> None:
    win = open_window(make_account("Max Agent", "agent"))
    # the View menu offers it to everyone
    view_menu = win.menuBar().findChildren(QMenu)
    titles = [a.text() for menu in view_menu for a in menu.actions()]
    assert "Reply &templates…" in titles
    with qtbot.waitSignal(win.template_editor.open(DELAY).loaded, timeout=30_000):
        pass
    editor = win.template_editor.editor
    assert editor is not None and editor.current is not None and editor.current.id == DELAY
    assert editor.title_edit.isReadOnly() and editor.body_edit.isReadOnly()
    assert not editor.sentiment_boxes["negative"].isEnabled()
    buttons = (
        editor.new_button,
        editor.save_button,
        editor.retire_button,
        editor.restore_button,
        editor.revert_button,
    )
    for button in buttons:
        assert not button.isEnabled()
        assert button.toolTip() == "Only supervisors can change templates"
    assert "Only supervisors can change templates." in editor.info.text()
    qtbot.keyClick(editor.view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert not editor.creating
    run(editor.save())
    run(editor.toggle_retired())
    assert _stored(run, win, "templates") == []

    win.set_account(make_account("Sue Supervisor", "supervisor"))
    assert not editor.title_edit.isReadOnly() and editor.new_button.isEnabled()
    assert editor.retire_button.isEnabled() and editor.retire_button.toolTip() == ""


def test_a_refused_change_is_shown_in_the_window(
    qtbot: QtBot, desk: Path, open_window: Callable[[Account], MainWindow], run: Callable[..., Any]
) -> None:
    win = open_window(make_account("Sue Supervisor", "supervisor"))
    editor = _open_editor(qtbot, win, DELAY)
    # another console demotes Sue after she logged in here
    store = open_store(desk)
    try:
        other = add_user(store, "Cy", "supervisor", PASSWORD, make_account("Sue Supervisor", SUP))
        update_user(store, other, "Sue Supervisor", role="agent")
    finally:
        store.close()
    editor.title_edit.setText("Mine")
    with qtbot.waitSignal(editor.failed, timeout=10_000) as failed:
        editor.save_button.click()
    assert "no longer an enabled supervisor" in failed.args[0]
    assert "no longer an enabled supervisor" in editor.status.text()
    assert editor.title_edit.text() == "Mine"  # the draft is kept
    assert _stored(run, win, "templates") == []


def test_a_draft_is_not_dropped_without_asking(
    qtbot: QtBot, open_window: Callable[[Account], MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    win = open_window(make_account("Sue Supervisor", "supervisor"))
    editor = _open_editor(qtbot, win, DELAY)
    editor.title_edit.setText("Draft")
    answers: list[bool] = []

    def answer(discard: bool) -> Callable[[], bool]:
        def confirm() -> bool:
            answers.append(discard)
            return discard

        return confirm

    monkeypatch.setattr(editor, "confirm_discard", answer(False))
    editor.view.selectRow(editor.model.row_of("en-thanks"))
    assert answers == [False]
    assert editor.current is not None and editor.current.id == DELAY
    assert editor.title_edit.text() == "Draft"
    assert editor.view.currentIndex().data(TemplateIdRole) == DELAY
    monkeypatch.setattr(editor, "confirm_discard", answer(True))
    editor.view.selectRow(editor.model.row_of("en-thanks"))
    assert answers == [False, True]
    assert editor.current is not None and editor.current.id == "en-thanks"
    assert editor.title_edit.text() == shipped("en-thanks").title
    # Revert throws a draft away without asking
    editor.title_edit.setText("Other")
    editor.revert_button.click()
    assert editor.title_edit.text() == shipped("en-thanks").title and not editor.dirty()


def test_the_window_follows_the_interface_language(
    qtbot: QtBot, open_window: Callable[[Account], MainWindow]
) -> None:
    win = open_window(make_account("Max Agent", "agent"))
    editor = _open_editor(qtbot, win, DELAY)
    win.set_language("zh_CN")
    try:
        assert editor.windowTitle() == "回复模板"
        assert editor.save_button.text() == "保存(&S) (Ctrl+S)"
        assert editor.save_button.toolTip() == "只有主管可以修改模板"
        title = TemplateListModel.COLUMNS.index("title")
        assert editor.model.headerData(title, Qt.Orientation.Horizontal) == "标题"
        state = TemplateListModel.COLUMNS.index("state")
        assert editor.model.index(0, state).data() == "内置"
        assert editor.category_boxes["logistics"].text() == "物流"
        assert win.template_editor.action.text() == "回复模板(&T)…"
    finally:
        win.set_language("en")
    assert editor.windowTitle() == "Reply templates"


def test_a_change_made_elsewhere_meanwhile_is_not_overwritten(
    qtbot: QtBot, desk: Path, open_window: Callable[[Account], MainWindow], run: Callable[..., Any]
) -> None:
    win = open_window(make_account("Sue Supervisor", "supervisor"))
    editor = _open_editor(qtbot, win, DELAY)
    # `sentidesk templates import`, or a second console, changes the template
    store = open_store(desk)
    try:
        cy = add_user(store, "Cy", "supervisor", PASSWORD, make_account("Sue Supervisor", SUP))
        edit_template(store, cy, dataclasses.replace(shipped(), title="Cy's title"))
    finally:
        store.close()
    editor.title_edit.setText("Sue's title")
    with qtbot.waitSignal(editor.failed, timeout=10_000) as failed:
        editor.save_button.click()
    assert "was changed by Cy at" in failed.args[0]
    with qtbot.waitSignal(editor.loaded, timeout=10_000):
        pass  # read again after the refusal; the draft stays
    assert editor.title_edit.text() == "Sue's title"
    editor.revert_button.click()
    assert editor.title_edit.text() == "Cy's title"
    assert editor.current is not None and editor.current.updated_by == "Cy"
    editor.title_edit.setText("Sue's title")
    assert _change(qtbot, editor, editor.save_button.click) == ["edit", DELAY]
    (row,) = _stored(run, win, "templates")
    assert row["title"] == "Sue's title"
