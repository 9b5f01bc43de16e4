"""Supervisors' template edits: who may, what is checked, what is audited, and the library
suggestions are made from (the shipped templates with the edits laid over them)."""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.services import TicketContext, add_user, update_user
from console.services.accounts import Account, PermissionDenied
from console.services.desk import suggest_for
from console.services.template_edits import (
    TemplateCatalog,
    TemplateEditError,
    TemplateEntry,
    TemplateFilter,
    create_template,
    dump_templates,
    edit_template,
    effective_library,
    export_templates,
    import_templates,
    list_templates,
    packaged_templates,
    parse_template_text,
    reinstate_template,
    restore_default,
    retire_template,
    sample_ticket,
    template_problems,
)
from console.services.templates import KNOWN_PLACEHOLDERS, ReplyTemplate, fill
from console.store import TicketStore
from tests.console.services.test_flags import draft, score
from tests.console.store.test_importer_properties import NO_SURROGATES

DELAY = "en-logistics-delay-apology"


@pytest.fixture
def ann(store: TicketStore) -> Account:
    return add_user(store, "ann", "supervisor", "supervisor-pass", None)


@pytest.fixture
def bob(store: TicketStore, ann: Account) -> Account:
    return add_user(store, "bob", "agent", "agent-password", ann)


def shipped(template_id: str = DELAY) -> ReplyTemplate:
    return packaged_templates().by_id[template_id]


def new_template(template_id: str = "en-custom-hello", **changes: Any) -> ReplyTemplate:
    template = ReplyTemplate(
        id=template_id,
        language="en",
        title="Hello",
        body="Hi {customer_name}, thanks for order {order_id}. {answer}\n{agent_name}",
        sentiments=("neutral",),
        categories=("other",),
    )
    return dataclasses.replace(template, **changes)


def entry(store: TicketStore, template_id: str) -> TemplateEntry:
    (found,) = [e for e in list_templates(store) if e.id == template_id]
    return found


def audit(store: TicketStore) -> list[dict[str, object]]:
    return store.audit_entries(
        [
            "template_create",
            "template_edit",
            "template_retire",
            "template_reinstate",
            "template_restore_default",
        ]
    )


# -- validation -------------------------------------------------------------------------
def test_every_shipped_template_is_valid() -> None:
    for template in packaged_templates().templates:
        assert template_problems(template) == [], template.id


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"title": "  "}, "the title is empty"),
        ({"title": "two\nlines"}, "the title must be one line"),
        ({"body": "\n "}, "the body is empty"),
        ({"body": "Hi {customer}!"}, "unknown placeholder {customer}: use {customer_name}"),
        ({"body": "Hi {Customer_Name} {x y}"}, "unknown placeholder {Customer_Name}, {x y}"),
        ({"body": "Hi {customer_name"}, "a '{' or '}' has no partner"),
        ({"language": "fr"}, "the language must be zh or en, not 'fr'"),
        ({"sentiments": ()}, "choose at least one sentiment"),
        ({"sentiments": ("angry",)}, "unknown sentiment 'angry': choose from negative"),
        ({"categories": ()}, "choose at least one category"),
        ({"categories": ("other", "shipping")}, "unknown category 'shipping'"),
        ({"id": "has space"}, "the id 'has space' must be 1 to 64 letters"),
        ({"id": ""}, "the id '' must be"),
    ],
)
def test_invalid_templates_are_refused_saying_why(
    store: TicketStore, ann: Account, changes: dict[str, Any], problem: str
) -> None:
    bad = new_template(**changes)
    assert any(problem in p for p in template_problems(bad)), template_problems(bad)
    with pytest.raises(TemplateEditError, match="template") as refused:
        create_template(store, ann, bad)
    assert problem in str(refused.value)
    assert "\n" not in str(refused.value)
    assert store.template_rows() == [] and audit(store) == []


def test_every_known_placeholder_is_allowed_and_problems_are_all_named() -> None:
    body = " ".join(f"{{{name}}}" for name in KNOWN_PLACEHOLDERS)
    assert template_problems(new_template(body=body)) == []
    problems = template_problems(new_template(title="", body="", sentiments=(), language="de"))
    assert len(problems) == 4


# -- who may ----------------------------------------------------------------------------
def test_agents_are_refused_every_change(store: TicketStore, bob: Account, tmp_path: Path) -> None:
    file = tmp_path / "t.toml"
    file.write_text(dump_templates(list_templates(store)[:1]), encoding="utf-8")
    changes: list[Callable[[], object]] = [
        lambda: create_template(store, bob, new_template()),
        lambda: edit_template(store, bob, dataclasses.replace(shipped(), title="Mine")),
        lambda: retire_template(store, bob, DELAY),
        lambda: reinstate_template(store, bob, DELAY),
        lambda: restore_default(store, bob, DELAY),
        lambda: import_templates(store, bob, file),
        lambda: create_template(store, None, new_template()),
    ]
    for change in changes:
        with pytest.raises(PermissionDenied, match="editing reply templates needs a supervisor"):
            change()
    assert store.template_rows() == [] and audit(store) == []
    assert store.template_revision() == 0


def test_a_supervisor_disabled_meanwhile_is_refused_inside_the_write(
    store: TicketStore, ann: Account
) -> None:
    other = add_user(store, "cy", "supervisor", "supervisor-pass", ann)
    update_user(store, other, "ann", disabled=True)
    # ann's Account still says what was true when she logged in
    with pytest.raises(PermissionDenied, match="ann is no longer an enabled supervisor"):
        edit_template(store, ann, dataclasses.replace(shipped(), title="Mine"))
    assert store.template_rows() == []


# -- changes and their audit ------------------------------------------------------------
def test_an_edit_overrides_the_shipped_template_and_is_audited_with_before_and_after(
    store: TicketStore, ann: Account
) -> None:
    changed = dataclasses.replace(shipped(), title="  Late order  ", body="Sorry {customer_name}")
    after = edit_template(store, ann, changed)
    assert after.state == "edited" and after.template.title == "Late order"
    assert after.updated_by == "ann" and after.revision == store.template_revision() == 1
    assert entry(store, DELAY).template.body == "Sorry {customer_name}"
    assert effective_library(store).by_id[DELAY].title == "Late order"
    (row,) = audit(store)
    assert (row["action"], row["actor"], row["details"]) == (
        "template_edit",
        "ann",
        {"template": DELAY},
    )
    assert row["at"]
    before, stored = row["before"], row["after"]
    assert isinstance(before, dict) and isinstance(stored, dict)
    assert before["title"] == shipped().title and before["state"] == "default"
    assert stored["title"] == "Late order" and stored["state"] == "edited"
    assert stored["body"] == "Sorry {customer_name}"
    # saving the same again changes and audits nothing
    edit_template(store, ann, changed)
    assert len(audit(store)) == 1 and store.template_revision() == 1


def test_an_edit_back_to_the_shipped_text_leaves_no_stored_version(
    store: TicketStore, ann: Account
) -> None:
    edit_template(store, ann, dataclasses.replace(shipped(), title="Mine"))
    after = edit_template(store, ann, shipped())
    assert after.state == "default" and store.template_rows() == []
    assert [r["action"] for r in audit(store)] == ["template_edit", "template_edit"]


def test_new_templates_retire_reinstate_and_restore(store: TicketStore, ann: Account) -> None:
    created = create_template(store, ann, new_template())
    assert created.state == "new" and not created.packaged
    assert list_templates(store)[-1].id == "en-custom-hello"
    assert "en-custom-hello" in effective_library(store).by_id
    with pytest.raises(TemplateEditError, match="already exists"):
        create_template(store, ann, new_template())
    with pytest.raises(TemplateEditError, match="already exists"):
        create_template(store, ann, dataclasses.replace(shipped(), title="Copy"))
    with pytest.raises(TemplateEditError, match="no template 'nope'"):
        edit_template(store, ann, new_template("nope"))

    # retiring hides a template from suggestions but keeps it listed
    assert retire_template(store, ann, DELAY).state == "retired"
    assert DELAY not in effective_library(store).by_id
    assert entry(store, DELAY).retired
    with pytest.raises(TemplateEditError, match="already retired"):
        retire_template(store, ann, DELAY)
    assert reinstate_template(store, ann, DELAY).state == "default"
    assert store.template_row(DELAY) is None  # back as shipped: nothing to keep
    with pytest.raises(TemplateEditError, match="is not retired"):
        reinstate_template(store, ann, DELAY)

    # an edited and then retired shipped template comes back as shipped
    edit_template(store, ann, dataclasses.replace(shipped(), title="Mine"))
    retire_template(store, ann, DELAY)
    restored = restore_default(store, ann, DELAY)
    assert restored.state == "default" and restored.template == shipped()
    assert effective_library(store).by_id[DELAY] == shipped()
    with pytest.raises(TemplateEditError, match="already is the shipped version"):
        restore_default(store, ann, DELAY)
    with pytest.raises(TemplateEditError, match="no shipped version to restore"):
        restore_default(store, ann, "en-custom-hello")

    retire_template(store, ann, "en-custom-hello")
    assert entry(store, "en-custom-hello").state == "retired"
    assert reinstate_template(store, ann, "en-custom-hello").state == "new"
    actions = [r["action"] for r in audit(store)]
    assert actions == [
        "template_create",
        "template_retire",
        "template_reinstate",
        "template_edit",
        "template_retire",
        "template_restore_default",
        "template_retire",
        "template_reinstate",
    ]
    restore = audit(store)[5]
    assert restore["before"]["state"] == "retired"  # type: ignore[index]
    assert restore["after"]["title"] == shipped().title  # type: ignore[index]
    assert all(r["actor"] == "ann" and r["ticket_id"] is None for r in audit(store))


def test_a_change_made_meanwhile_is_not_overwritten(store: TicketStore, ann: Account) -> None:
    opened = entry(store, DELAY)
    edit_template(store, ann, dataclasses.replace(shipped(), title="First"))
    with pytest.raises(TemplateEditError, match=r"was changed by ann at .* after you opened it"):
        edit_template(
            store,
            ann,
            dataclasses.replace(shipped(), title="Second"),
            expected_revision=opened.revision,
        )
    with pytest.raises(TemplateEditError, match="after you opened it"):
        retire_template(store, ann, DELAY, expected_revision=opened.revision)
    now = entry(store, DELAY)
    restore_default(store, ann, DELAY, expected_revision=now.revision)
    with pytest.raises(TemplateEditError, match="was restored to its shipped version"):
        edit_template(
            store,
            ann,
            dataclasses.replace(shipped(), title="Third"),
            expected_revision=now.revision,
        )
    assert entry(store, DELAY).template == shipped()


# -- the library suggestions use ---------------------------------------------------------
def test_suggestions_use_an_edit_at_once_through_the_same_catalog(
    store: TicketStore, ann: Account, tmp_path: Path
) -> None:
    store.import_tickets(
        [draft("T1", "Order SD12345678 still not here, where is my parcel?", customer="Kim")], "f"
    )
    score(store, "T1", 0.95)
    detail = store.ticket("T1")
    catalog = TemplateCatalog()
    first = suggest_for(catalog.library(store), detail, "Max")[0]
    assert first.template.id.startswith("en-logistics")
    assert catalog.library(store) is catalog.library(store)  # nothing changed: not rebuilt
    edited = dataclasses.replace(
        first.template, body="Dear {customer_name}, we are on it ({order_id}). {agent_name}"
    )
    edit_template(store, ann, edited)
    (again,) = [
        s
        for s in suggest_for(catalog.library(store), detail, "Max", limit=20)
        if s.template.id == first.template.id
    ]
    assert again.text == "Dear Kim, we are on it (SD12345678). Max"

    # another process (another console, `sentidesk templates import`) retires it
    other = TicketStore(store.path)
    try:
        retire_template(other, ann, first.template.id)
    finally:
        other.close()
    ids = [s.template.id for s in suggest_for(catalog.library(store), detail, "Max", limit=20)]
    assert first.template.id not in ids


def test_the_catalog_of_an_untouched_store_is_the_shipped_library(store: TicketStore) -> None:
    library = TemplateCatalog().library(store)
    assert library.templates == packaged_templates().templates
    ticket = TicketContext("zh", "negative", "quality", "质量太差了", customer="王芳")
    assert library.suggest(ticket)[0].template.language == "zh"


def test_the_template_list_reports_how_agents_use_each(store: TicketStore) -> None:
    from console.store import ReplyRecord

    store.import_tickets([draft("T1"), draft("T2", customer="bo")], "f")
    for tid, ratio in (("T1", 0.1), ("T2", 0.5)):
        store.save_reply(ReplyRecord(tid, "body", "suggestion", DELAY, 3, ratio, None, False), "x")
    used = entry(store, DELAY)
    assert used.uses == 2 and used.mean_edit_ratio == pytest.approx(0.3)
    assert entry(store, "en-thanks").uses == 0 and entry(store, "en-thanks").mean_edit_ratio is None
    assert used.to_dict()["uses"] == 2


def test_the_filter() -> None:
    entries = [
        TemplateEntry(shipped(), "default", shipped()),
        TemplateEntry(new_template(), "new", None, 3, "ann", "2026-01-01T00:00:00+00:00"),
        TemplateEntry(shipped("zh-logistics-status"), "retired", shipped("zh-logistics-status")),
    ]

    def ids(where: TemplateFilter) -> list[str]:
        return [e.id for e in entries if where.matches(e)]

    assert len(ids(TemplateFilter())) == 3
    assert ids(TemplateFilter(language="zh")) == ["zh-logistics-status"]
    assert ids(TemplateFilter(state="new")) == ["en-custom-hello"]
    assert ids(TemplateFilter(category="logistics", sentiment="negative")) == [DELAY]
    assert ids(TemplateFilter(search="THANKS FOR ORDER")) == ["en-custom-hello"]
    assert ids(TemplateFilter(search="hello", language="zh")) == []


def test_the_sample_ticket_fills_every_placeholder_the_ticket_can() -> None:
    for language in ("en", "zh"):
        template = new_template(body=" ".join(f"{{{n}}}" for n in KNOWN_PLACEHOLDERS))
        text, unfilled = fill(template, sample_ticket(language, "Max"))
        assert unfilled == ("answer", "next_step"), text
        assert "SD20261128" in text and "SF1234567890" in text and "Max" in text


# -- files ------------------------------------------------------------------------------
def test_export_and_import_round_trip(store: TicketStore, ann: Account, tmp_path: Path) -> None:
    edit_template(store, ann, dataclasses.replace(shipped(), title="Mine"))
    create_template(store, ann, new_template())
    retire_template(store, ann, "en-thanks")
    out = tmp_path / "templates.toml"
    assert export_templates(store, out) == len(packaged_templates().templates) + 1
    data = tomllib.loads(out.read_text("utf-8"))
    thanks = [t for t in data["template"] if t["id"] == "en-thanks"]
    assert thanks[0]["retired"] is True

    fresh = TicketStore(tmp_path / "fresh.db")
    try:
        boss = add_user(fresh, "boss", "supervisor", "supervisor-pass", None)
        report = import_templates(fresh, boss, out)
        assert report.created == ("en-custom-hello",)
        assert set(report.updated) == {DELAY, "en-thanks"}
        assert len(report.unchanged) == len(packaged_templates().templates) - 2
        mine = {e.id: (e.template, e.state) for e in list_templates(store)}
        theirs = {e.id: (e.template, e.state) for e in list_templates(fresh)}
        assert mine == theirs
        actions = [(r["action"], r["details"]["file"]) for r in audit(fresh)]  # type: ignore[index]
        assert sorted(actions) == [
            ("template_create", "templates.toml"),
            ("template_edit", "templates.toml"),
            ("template_edit", "templates.toml"),
        ]
        # importing it again changes nothing
        again = import_templates(fresh, boss, out)
        assert again.created == again.updated == ()
        assert len(audit(fresh)) == 3
    finally:
        fresh.close()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[template]\n", "t.toml: not a valid TOML file"),
        ('language = "en"\n', "t.toml: no [[template]] entries"),
        ('colour = "red"\n[[template]]\nid = "a"\n', "t.toml: unknown key 'colour'"),
        ('[[template]]\nid = "a"\ntitle = "A"\n', "t.toml: template 1 (a): lacks body"),
        (
            '[[template]]\nid = "a"\ntitle = "A"\nbody = "x"\nsentiments = ["neutral"]\n'
            'categories = ["other"]\n',
            'template 1 (a): no language; add language = "zh" or "en"',
        ),
        (
            '[[template]]\nid = "a"\nlanguage = "en"\ntitle = "A"\nbody = "x"\n'
            'sentiments = "neutral"\ncategories = ["other"]\n',
            "sentiments must be a list of names",
        ),
        (
            '[[template]]\nid = "a"\nlanguage = "en"\ntitel = "A"\n',
            "template 1 (a): unknown key 'titel'",
        ),
        (
            '[[template]]\nid = "a"\nlanguage = "en"\ntitle = "A"\nbody = "x"\n'
            'sentiments = ["neutral"]\ncategories = ["other"]\nretired = "yes"\n',
            "retired must be true or false",
        ),
    ],
)
def test_a_malformed_file_is_one_line_and_changes_nothing(
    store: TicketStore, ann: Account, tmp_path: Path, text: str, message: str
) -> None:
    file = tmp_path / "t.toml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(TemplateEditError) as refused:
        import_templates(store, ann, file)
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)
    assert store.template_rows() == [] and audit(store) == []


def test_one_bad_template_stops_the_whole_import(
    store: TicketStore, ann: Account, tmp_path: Path
) -> None:
    good = dataclasses.replace(shipped(), title="Mine")
    bad = new_template(body="Hi {name}")
    entries = [
        TemplateEntry(good, "edited", shipped()),
        TemplateEntry(bad, "new", None),
    ]
    file = tmp_path / "t.toml"
    file.write_text(dump_templates(entries), encoding="utf-8")
    with pytest.raises(TemplateEditError, match=r"template 2 \(en-custom-hello\): unknown"):
        import_templates(store, ann, file)
    file.write_text(dump_templates([entries[0], entries[0]]), encoding="utf-8")
    with pytest.raises(TemplateEditError, match="appears twice"):
        import_templates(store, ann, file)
    with pytest.raises(TemplateEditError, match="cannot read"):
        import_templates(store, ann, tmp_path / "missing.toml")
    assert store.template_rows() == [] and audit(store) == []


def test_export_refuses_a_folder(store: TicketStore, tmp_path: Path) -> None:
    with pytest.raises(TemplateEditError, match="it is a folder"):
        export_templates(store, tmp_path)
    with pytest.raises(TemplateEditError, match="cannot write"):
        export_templates(store, tmp_path / "no" / "such" / "t.toml")


TEXT = st.text(
    st.characters(exclude_categories=NO_SURROGATES, exclude_characters="{}"),
    min_size=1,
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(title=TEXT, body=TEXT)
def test_any_text_survives_the_file_format(title: str, body: str) -> None:
    template = new_template(title=title.replace("\n", " ").replace("\r", " "), body=body)
    if template_problems(template):
        return  # blank after stripping, say
    text = dump_templates([TemplateEntry(template, "new", None)])
    (back,) = parse_template_text(text, "t.toml")
    assert back.template.title == template.title.strip()
    assert back.template.body == template.body.strip()
