from __future__ import annotations

import base64
import hashlib
import json
import quopri
from pathlib import Path

import pytest

from console.store import (
    MAX_CUSTOMER_CHARS,
    MAX_ID_CHARS,
    MAX_MESSAGES,
    MAX_METADATA_BYTES,
    MAX_SUBJECT_CHARS,
    MessageDraft,
    TicketDraft,
    TicketStore,
    html_to_text,
    parse_file,
    strip_quoted,
)
from console.store.importers import eml_ticket_id
from inference import InputFileError
from inference.inputs import ENDS_MID_ROW


def test_csv_columns_metadata_and_threads(tmp_path: Path) -> None:
    f = tmp_path / "t.csv"
    f.write_text(
        "id,subject,body,customer,order_id,channel,created_at,vip\n"
        "A,Late,where is it,Ann,SD1,chat,2026-11-28T10:00:00Z,yes\n"
        "A,Late,any news?,Ann,SD1,chat,2026-11-28T12:00:00Z,yes\n"
        "B,,,Bob,,,,\n"
        "C,Hi,hello,Cy,,,yesterday,\n",
        encoding="utf-8",
    )
    drafts, rejected = parse_file(f)
    assert [d.id for d in drafts] == ["A"]
    assert [m.body for m in drafts[0].messages] == ["where is it", "any news?"]
    assert drafts[0].metadata == {"vip": "yes"}
    assert drafts[0].channel == "chat"
    assert [(r.where, r.reason) for r in rejected] == [
        ("t.csv:4", "empty text"),
        ("t.csv:5", "unreadable created_at 'yesterday'"),
    ]


def test_jsonl_threads_with_messages(tmp_path: Path) -> None:
    f = tmp_path / "t.jsonl"
    rows = [
        {
            "id": "T1",
            "subject": "物流",
            "messages": [
                {"author": "customer", "text": "还没到", "created_at": "2026-11-28T10:00:00"},
                {"author": "agent", "text": "正在查"},
            ],
        },
        {"id": "T2", "messages": [{"author": "robot", "text": "?"}]},
        {"text": "no id"},
    ]
    f.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    drafts, rejected = parse_file(f)
    assert len(drafts) == 1
    assert [m.author for m in drafts[0].messages] == ["customer", "agent"]
    assert [r.reason for r in rejected] == ["message 1 has unknown author 'robot'", "missing id"]


def test_a_row_with_text_and_messages_keeps_both(tmp_path: Path) -> None:
    """The text of a row that also had a messages list used to end up as metadata only:
    never scored, never shown in the thread."""
    f = tmp_path / "t.jsonl"
    thread = [{"author": "agent", "text": "We are looking into it."}]
    rows = [
        {"id": "T1", "text": "My parcel never came.", "messages": thread},
        # an export that repeats the first message as the ticket's text
        {"id": "T2", "text": " where is  it ", "messages": [{"text": "where is it"}]},
    ]
    f.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    drafts, rejected = parse_file(f)
    assert rejected == []
    assert [(m.author, m.body) for m in drafts[0].messages] == [
        ("customer", "My parcel never came."),
        ("agent", "We are looking into it."),
    ]
    assert [m.body for m in drafts[1].messages] == ["where is it"]
    assert drafts[0].metadata == drafts[1].metadata == {}


def test_a_json_array_export_imports_as_tickets(tmp_path: Path) -> None:
    """A helpdesk export is often one pretty-printed JSON array: it used to import nothing,
    with a "file ends mid-row" rejection for the whole file."""
    f = tmp_path / "export.json"
    rows = [
        {"id": "T1", "subject": "物流", "text": "还没到", "customer": "王"},
        {"id": "T2", "messages": [{"author": "customer", "text": "refund?"}]},
        {"text": "no id"},
    ]
    f.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    drafts, rejected = parse_file(f)
    assert [(d.id, d.customer, d.messages[0].body) for d in drafts] == [
        ("T1", "王", "还没到"),
        ("T2", "", "refund?"),
    ]
    assert [(r.where, r.reason) for r in rejected] == [("export.json:17", "missing id")]


def test_jsonl_rows_sharing_an_id_extend_one_thread(tmp_path: Path) -> None:
    # A row with a whole thread, then later rows with the same id: their messages are added
    # in file order; the ticket's fields come from the first row.
    f = tmp_path / "t.jsonl"
    rows = [
        {
            "id": "T1",
            "subject": "first subject",
            "status": "pending",
            "messages": [
                {"author": "customer", "text": "where is it?"},
                {"author": "agent", "text": "checking"},
            ],
        },
        {"id": "T2", "text": "other ticket"},
        {"id": "T1", "subject": "ignored", "text": "any news?"},
        {"id": "T1", "messages": [{"author": "agent", "text": "shipped today"}]},
    ]
    f.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    drafts, rejected = parse_file(f)
    assert not rejected
    by_id = {d.id: d for d in drafts}
    assert [(m.author, m.body) for m in by_id["T1"].messages] == [
        ("customer", "where is it?"),
        ("agent", "checking"),
        ("customer", "any news?"),
        ("agent", "shipped today"),
    ]
    assert by_id["T1"].subject == "first subject" and by_id["T1"].status == "pending"


def _eml(
    body: bytes,
    *,
    content_type: str = "text/plain; charset=utf-8",
    cte: str = "8bit",
    headers: str = "From: Ann Lee <ann@example.com>\nSubject: Broken kettle\n"
    "Message-ID: <abc@example.com>\n",
) -> bytes:
    head = f"{headers}Content-Type: {content_type}\nContent-Transfer-Encoding: {cte}\n\n"
    return head.encode("ascii") + body


def test_eml_message(tmp_path: Path) -> None:
    f = tmp_path / "m.eml"
    f.write_text(
        "From: Ann Lee <ann@example.com>\nSubject: Broken kettle\n"
        "Date: Sat, 28 Nov 2026 10:00:00 +0000\nMessage-ID: <abc@example.com>\n"
        "Content-Type: text/plain; charset=utf-8\n\nIt arrived broken.\n> old quoted text\n",
        encoding="utf-8",
    )
    (draft,), rejected = parse_file(f)
    assert not rejected
    assert draft.customer == "Ann Lee"
    assert draft.subject == "Broken kettle"
    assert draft.messages[0].body == "It arrived broken."
    assert draft.id == "eml-abc@example.com"
    assert draft.created_at == "2026-11-28T10:00:00+00:00"


def test_an_emailed_reply_joins_the_ticket_of_its_conversation(tmp_path: Path) -> None:
    """A customer's answer to an earlier mail used to become a ticket of its own."""
    store = TicketStore(tmp_path / "s.db")
    first = tmp_path / "first.eml"
    first.write_text(
        "From: Ann Lee <ann@example.com>\nSubject: Broken kettle\n"
        "Date: Sat, 28 Nov 2026 10:00:00 +0000\nMessage-ID: <abc@example.com>\n\n"
        "It arrived broken.\n",
        encoding="utf-8",
    )
    answer = tmp_path / "answer.eml"
    answer.write_text(
        "From: Ann Lee <ann@example.com>\nSubject: RE: Re: Broken kettle\n"
        "Date: Sun, 29 Nov 2026 09:00:00 +0000\nMessage-ID: <def@example.com>\n"
        "In-Reply-To: <ours@shop.example>\n"
        "References: <abc@example.com>\n <ours@shop.example>\n\n"
        "Still no answer about my refund.\n\nOn Sat, Ann wrote:\n> It arrived broken.\n",
        encoding="utf-8",
    )
    (draft,), _ = parse_file(answer)
    assert (draft.id, draft.subject, draft.follow_up) == (
        "eml-abc@example.com",
        "Broken kettle",
        True,
    )
    store.import_tickets(parse_file(first)[0], "first.eml")
    store.set_status("eml-abc@example.com", "solved", "agent-x")
    report = store.import_tickets([draft], "answer.eml")
    assert (report.added, report.updated) == (0, 1)
    (row,) = store.queue_rows()
    detail = store.ticket(row.id)
    assert [m.body for m in detail.messages] == [
        "It arrived broken.",
        "Still no answer about my refund.",
    ]
    assert (detail.subject, detail.created_at) == ("Broken kettle", "2026-11-28T10:00:00+00:00")
    # an answer that arrives first opens the ticket; the first mail then joins it
    store2 = TicketStore(tmp_path / "s2.db")
    store2.import_tickets(parse_file(answer)[0], "answer.eml")
    store2.import_tickets(parse_file(first)[0], "first.eml")
    (row,) = store2.queue_rows()
    detail = store2.ticket(row.id)
    assert [m.body for m in detail.messages] == [
        "It arrived broken.",
        "Still no answer about my refund.",
    ]
    assert (detail.subject, detail.created_at) == ("Broken kettle", "2026-11-28T10:00:00+00:00")


def test_answers_of_other_customers_to_one_mailing_are_tickets_of_their_own(
    tmp_path: Path,
) -> None:
    """Answers of two customers to the same newsletter share its Message-ID; they used to
    land on one ticket, one customer's words under the other's name."""
    store = TicketStore(tmp_path / "s.db")
    for name, address, text in [
        ("Ivo", "ivo@example.com", "Unsubscribe me."),
        ("Jun", "jun@example.com", "Is the sale still on?"),
        ("Ivo", "ivo@example.com", "I said unsubscribe me!"),
    ]:
        f = tmp_path / f"{name}-{len(text)}.eml"
        f.write_text(
            f"From: {name} <{address}>\nSubject: Re[2]: Fwd: Winter sale\n"
            f"Message-ID: <{name}{len(text)}@example.com>\n"
            "References: <newsletter-42@shop.example>\n\n"
            f"{text}\n",
            encoding="utf-8",
        )
        (draft,), _ = parse_file(f)
        assert draft.subject == "Winter sale"
        store.import_tickets([draft], f.name)
    threads = {
        store.ticket(row.id).customer: [m.body for m in store.ticket(row.id).messages]
        for row in store.queue_rows()
    }
    assert threads == {
        "Ivo": ["Unsubscribe me.", "I said unsubscribe me!"],
        "Jun": ["Is the sale still on?"],
    }


def _write_mail(path: Path, mid: str, text: str, extra: str = "", sender: str = "Ann") -> Path:
    path.write_text(
        f"From: {sender} <{sender.lower()}@example.com>\nSubject: Re: Broken kettle\n"
        f"Message-ID: <{mid}@example.com>\n{extra}\n{text}\n",
        encoding="utf-8",
    )
    return path


def test_an_answer_naming_only_an_earlier_answer_joins_the_conversation(tmp_path: Path) -> None:
    """A mail whose only link was an In-Reply-To to an earlier answer started a ticket of
    its own: answers' Message-IDs were not remembered."""
    store = TicketStore(tmp_path / "s.db")
    first = _write_mail(tmp_path / "1.eml", "root", "It arrived broken.")
    answer = _write_mail(tmp_path / "2.eml", "a1", "Any news?", "In-Reply-To: <root@example.com>\n")
    again = _write_mail(tmp_path / "3.eml", "a2", "Hello??", "In-Reply-To: <a1@example.com>\n")
    reports = [store.import_tickets(parse_file(f)[0], f.name) for f in (first, answer, again)]
    (row,) = store.queue_rows()
    assert [m.body for m in store.ticket(row.id).messages] == [
        "It arrived broken.",
        "Any news?",
        "Hello??",
    ]
    assert [r.ticket_ids for r in reports] == [(row.id,)] * 3
    # the same answer again changes nothing and is remembered once
    report = store.import_tickets(parse_file(again)[0], again.name)
    assert (report.unchanged, report.ticket_ids) == (1, (row.id,))
    assert store.conn.execute("SELECT COUNT(*) FROM mail_keys").fetchone() == (2,)


def test_an_answer_to_an_answer_of_a_mailing_stays_with_its_customer(tmp_path: Path) -> None:
    store = TicketStore(tmp_path / "s.db")
    newsletter = "References: <newsletter@shop.example>\n"
    mails = [
        _write_mail(tmp_path / "ivo.eml", "ivo1", "Unsubscribe me.", newsletter, "Ivo"),
        _write_mail(tmp_path / "jun.eml", "jun1", "Is the sale on?", newsletter, "Jun"),
        _write_mail(
            tmp_path / "jun2.eml", "jun2", "Hello?", "In-Reply-To: <jun1@example.com>\n", "Jun"
        ),
    ]
    ids = [store.import_tickets(parse_file(f)[0], f.name).ticket_ids for f in mails]
    # each report names the ticket its mail was stored in, also a customer's own one
    assert ids[0] == ("eml-newsletter@shop.example",)
    assert ids[1] == ids[2] != ids[0]
    assert [m.body for m in store.ticket(ids[2][0]).messages] == ["Is the sale on?", "Hello?"]
    assert store.ticket(ids[2][0]).customer == "Jun"


def test_an_answer_stored_before_the_mail_it_answers_stays_where_it_went(tmp_path: Path) -> None:
    """An answer that arrived before the answer it names opened a ticket of its own; a
    re-import of the files then copied it into the conversation's ticket as well."""
    store = TicketStore(tmp_path / "s.db")
    files = [
        _write_mail(tmp_path / "3.eml", "a2", "Hello??", "In-Reply-To: <a1@example.com>\n"),
        _write_mail(
            tmp_path / "2.eml",
            "a1",
            "Any news?",
            "In-Reply-To: <root@example.com>\nReferences: <root@example.com>\n",
        ),
        _write_mail(tmp_path / "1.eml", "root", "It arrived broken."),
    ]
    for f in files:
        store.import_tickets(parse_file(f)[0], f.name)
    threads = {
        row.id: [m.body for m in store.ticket(row.id).messages] for row in store.queue_rows()
    }
    for f in files:
        report = store.import_tickets(parse_file(f)[0], f.name)
        assert (report.unchanged, report.updated, report.added) == (1, 0, 0), f.name
    assert {
        row.id: [m.body for m in store.ticket(row.id).messages] for row in store.queue_rows()
    } == threads
    assert sum(bodies.count("Hello??") for bodies in threads.values()) == 1


def test_an_answer_naming_another_customers_mail_finds_its_own_ticket(tmp_path: Path) -> None:
    """A customer's answer whose nearest stored mail was another customer's got a second
    ticket in the conversation instead of joining the customer's own."""
    store = TicketStore(tmp_path / "s.db")
    mailing = "References: <mailing@shop.example>\n"
    alice = _write_mail(tmp_path / "a1.eml", "a1", "Unsubscribe me.", mailing, "Alice")
    bob = _write_mail(tmp_path / "b1.eml", "b1", "Is the sale on?", mailing, "Bob")
    again = _write_mail(
        tmp_path / "a2.eml",
        "a2",
        "Why do I still get these?",
        "In-Reply-To: <b1@example.com>\nReferences: <mailing@shop.example> <b1@example.com>\n",
        "Alice",
    )
    ids = [store.import_tickets(parse_file(f)[0], f.name).ticket_ids for f in (alice, bob, again)]
    assert ids[0] == ids[2] != ids[1]
    assert [m.body for m in store.ticket(ids[0][0]).messages] == [
        "Unsubscribe me.",
        "Why do I still get these?",
    ]


def test_a_mail_listing_its_own_id_among_its_references_still_answers(tmp_path: Path) -> None:
    """Some clients list a mail's own Message-ID in its References; such a mail was taken
    for the first of its conversation."""
    store = TicketStore(tmp_path / "s.db")
    first = _write_mail(tmp_path / "1.eml", "root", "It arrived broken.")
    answer = _write_mail(
        tmp_path / "2.eml",
        "c4",
        "Any news?",
        "In-Reply-To: <root@example.com>\nReferences: <c4@example.com> <root@example.com>\n",
    )
    for f in (first, answer):
        store.import_tickets(parse_file(f)[0], f.name)
    (row,) = store.queue_rows()
    assert [m.body for m in store.ticket(row.id).messages] == ["It arrived broken.", "Any news?"]
    assert store.ticket(row.id).subject == "Re: Broken kettle"


def test_a_reimport_that_would_pass_the_thread_limit_is_rejected_whole(tmp_path: Path) -> None:
    """Re-imports add messages to a stored thread; they could take it past the limit one
    file may hold."""
    store = TicketStore(tmp_path / "s.db")

    def draft(ticket_id: str, first: int, count: int) -> TicketDraft:
        return TicketDraft(
            id=ticket_id,
            subject="s",
            created_at="2026-11-01T00:00:00",
            messages=tuple(
                MessageDraft("customer", f"message {i}", f"2026-11-{1 + i // 100:02d}T00:00:00")
                for i in range(first, first + count)
            ),
        )

    store.import_tickets([draft("T1", 0, MAX_MESSAGES - 1)], "a.csv")
    before = store.ticket("T1")
    report = store.import_tickets([draft("T1", MAX_MESSAGES - 1, 2), draft("T2", 0, 1)], "b.csv")
    (rejection,) = report.rejected
    assert rejection.where == "b.csv: ticket T1"
    assert rejection.reason == (
        f"2 new messages would take the {MAX_MESSAGES - 1} stored ones past "
        f"{MAX_MESSAGES} per ticket"
    )
    assert (report.added, report.updated, report.ticket_ids) == (1, 0, ("T2",))
    assert store.ticket("T1") == before
    report = store.import_tickets([draft("T1", MAX_MESSAGES - 1, 1)], "c.csv")
    assert report.updated == 1 and len(store.ticket("T1").messages) == MAX_MESSAGES


def test_a_mail_answering_none_is_its_own_ticket(tmp_path: Path) -> None:
    f = tmp_path / "m.eml"
    f.write_bytes(_eml(b"hello", headers="From: a@b.c\nSubject: Re: x\nMessage-ID: <m@b.c>\n"))
    (draft,), _ = parse_file(f)
    assert (draft.id, draft.subject, draft.follow_up) == ("eml-m@b.c", "Re: x", False)


@pytest.mark.parametrize(
    ("charset", "encoding"),
    [("utf-8", "utf-8"), ("gbk", "gbk"), ("gb2312", "gbk"), ("big5", "big5")],
)
def test_eml_8bit_body_in_its_declared_charset(tmp_path: Path, charset: str, encoding: str) -> None:
    text = "Très déçu 我的订单还没到" if encoding == "utf-8" else "我的订单还没到，太慢了"
    if encoding == "big5":
        text = "我的訂單還沒到，太慢了"
    f = tmp_path / "m.eml"
    f.write_bytes(
        _eml(text.encode(encoding) + b"\n", content_type=f"text/plain; charset={charset}")
    )
    (draft,), rejected = parse_file(f)
    assert not rejected
    assert draft.messages[0].body == text


def test_eml_repro_8bit_utf8(tmp_path: Path) -> None:
    f = tmp_path / "e.eml"
    f.write_bytes(
        b"From: a@x.com\nSubject: s\nMessage-ID: <m1@x.com>\n"
        b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
        + "Très déçu 我的订单还没到\n".encode()
    )
    (draft,), _ = parse_file(f)
    assert draft.messages[0].body == "Très déçu 我的订单还没到"
    assert draft.customer == "a@x.com" and draft.id == "eml-m1@x.com"


@pytest.mark.parametrize("cte", ["quoted-printable", "base64"])
def test_eml_encoded_bodies(tmp_path: Path, cte: str) -> None:
    text = "Très déçu, 我的订单还没到。\nWhere is my order?\n"
    raw = text.encode("utf-8")
    body = quopri.encodestring(raw) if cte == "quoted-printable" else base64.encodebytes(raw)
    f = tmp_path / "m.eml"
    f.write_bytes(_eml(body, cte=cte))
    (draft,), _ = parse_file(f)
    assert draft.messages[0].body == text.strip()


def test_eml_encoded_words_and_raw_8bit_headers(tmp_path: Path) -> None:
    f = tmp_path / "m.eml"
    f.write_bytes(
        _eml(
            b"hello",
            headers="From: =?utf-8?B?5byg5LiJ?= <z@example.com>\n"
            "Subject: =?gb2312?B?"
            + base64.b64encode("我的订单".encode("gbk")).decode()
            + "?= =?utf-8?Q?_tr=C3=A8s_d=C3=A9=C3=A7u?=\n",
        )
    )
    (draft,), _ = parse_file(f)
    assert draft.customer == "张三"
    assert draft.subject == "我的订单 très déçu"
    raw = (
        "From: 李四 <l@example.com>\nSubject: 还没发货\nContent-Type: text/plain; charset=gbk\n"
        "Content-Transfer-Encoding: 8bit\n\n什么时候发货？\n"
    ).encode("gbk")
    f.write_bytes(raw)
    (draft,), _ = parse_file(f)
    assert (draft.customer, draft.subject) == ("李四", "还没发货")
    assert draft.messages[0].body == "什么时候发货？"
    assert draft.id == "eml-" + hashlib.sha1(raw).hexdigest()


def test_eml_without_charset_is_detected(tmp_path: Path) -> None:
    f = tmp_path / "m.eml"
    f.write_bytes(
        _eml("我的订单还没到，已经等了一个星期了\n".encode("gbk"), content_type="text/plain")
    )
    (draft,), _ = parse_file(f)
    assert draft.messages[0].body == "我的订单还没到，已经等了一个星期了"


def test_eml_with_unknown_charset_is_a_rejection(tmp_path: Path) -> None:
    f = tmp_path / "m.eml"
    f.write_bytes(_eml(b"\xa4\xa4\xa4\xe5", content_type="text/plain; charset=x-klingon"))
    drafts, rejected = parse_file(f)
    assert drafts == []
    assert [(r.where, r.reason) for r in rejected] == [("m.eml", "unknown charset 'x-klingon'")]
    f.write_bytes(_eml(b"aGVsbG8=", content_type="text/plain; charset=base64"))
    assert parse_file(f)[1][0].reason == "unknown charset 'base64'"


def test_eml_mislabelled_latin1_utf8_is_not_mojibake(tmp_path: Path) -> None:
    f = tmp_path / "m.eml"
    f.write_bytes(_eml("Très déçu\n".encode(), content_type="text/plain; charset=iso-8859-1"))
    assert parse_file(f)[0][0].messages[0].body == "Très déçu"


HTML_MAIL = """<html><head><title>Re: order</title>
<style>p { color: red; } .x { font-family: Arial }</style>
<script>alert("hi")</script></head>
<body><div dir="ltr"><p>Hello,</p><p>My order&nbsp;#SD1234567 still hasn&#39;t arrived &amp;
I&nbsp;am&nbsp;upset.</p><ul><li>kettle</li><li>cups</li></ul><br>Ann</div>
<div class="gmail_quote"><div class="gmail_attr">On Mon, 23 Nov 2026 at 10:00, Shop
&lt;help@shop.com&gt; wrote:<br></div>
<blockquote class="gmail_quote">Dear customer, your order has shipped.</blockquote></div>
</body></html>"""


def test_html_only_mail_is_text_without_css_script_or_history(tmp_path: Path) -> None:
    f = tmp_path / "m.eml"
    f.write_bytes(_eml(HTML_MAIL.encode(), content_type="text/html; charset=utf-8"))
    (draft,), _ = parse_file(f)
    assert draft.messages[0].body == (
        "Hello,\n\nMy order #SD1234567 still hasn't arrived & I am upset.\n\nkettle\ncups\n\nAnn"
    )


@pytest.mark.parametrize(
    "markup",
    [
        '<div>Please refund.</div><div id="appendonsend"></div><hr><div id="divRplyFwdMsg">'
        "<b>From:</b> Shop<br><b>Sent:</b> Monday</div><div>Your order shipped</div>",
        '<div>Please refund.</div><hr><div id="x_divRplyFwdMsg">From: Shop</div>old text',
        "<p>Please refund.</p><blockquote type=cite>Your order shipped</blockquote>",
        '<p>Please refund.</p><div class="yahoo_quoted">Your order shipped</div>',
        '<p>Please refund.</p><div class="moz-cite-prefix">On 1/1 Shop wrote:</div>'
        "<blockquote>Your order shipped</blockquote>",
        '<p>Please refund.</p><div style="display:none">Your order shipped</div>',
    ],
)
def test_html_quoted_history_is_cut(markup: str) -> None:
    assert html_to_text(markup) == "Please refund."


def test_html_malformed_markup_reads_as_a_browser_shows_it() -> None:
    # "<!" opens a bogus comment up to the next ">", which html.parser refuses to parse.
    assert html_to_text("<p>Refund please<![ broken <b>now</b>") == "Refund pleasenow"
    assert html_to_text("<p>Refund<![foo[ x ]]> please") == "Refund please"
    assert html_to_text("a < b and c<d") == "a < b and c"
    assert html_to_text('<p title="x>y">kept</p><a href="unclosed') == "kept"
    assert html_to_text("<style>p{}</style><script>if (a<b) {}</script>ok") == "ok"
    assert html_to_text("<head><style>x{}</style><p>no body tag") == "no body tag"
    assert html_to_text("<p>a &#0; b &#xD800; c") == "a \ufffd b \ufffd c"


@pytest.mark.parametrize(
    "markup",
    ["<a " * 30_000, '<a b="' * 30_000, "<!--" * 30_000, "</" * 50_000, "<p>" * 50_000],
)
def test_html_to_text_is_linear_on_unclosed_markup(markup: str) -> None:
    # html.parser takes about 10 s on 24 KB of "<a "; this must not stall an import.
    html_to_text(markup)


@pytest.mark.parametrize(
    "history",
    [
        "On Mon, 23 Nov 2026 at 10:00, Shop Support <help@shop.com> wrote:\nYour order shipped.",
        "On Mon, 23 Nov 2026 at 10:00, Shop Support <\nhelp@shop.com> wrote:\nshipped.",
        "-----Original Message-----\nFrom: Shop\nSent: Monday\nYour order shipped.",
        "________________________________\nFrom: Shop <help@shop.com>\nSent: Monday\n"
        "To: Ann\nSubject: Order\nYour order shipped.",
        "在 2026年11月23日 10:00，客服 <help@shop.com> 写道：\n您的订单已发货。",
        "发件人: 客服 <help@shop.com>\n发送时间: 2026年11月23日 10:00\n收件人: 我\n"
        "主题: 订单\n已发货",
        "------------------ 原始邮件 ------------------\n发件人: 客服\n已发货",
        "> Your order shipped.\n> Thanks",
    ],
)
def test_plain_quoted_history_is_cut(history: str) -> None:
    assert strip_quoted(f"Still nothing here!\n请尽快处理\n\n{history}\n") == (
        "Still nothing here!\n请尽快处理"
    )


def test_a_bare_forward_keeps_its_text() -> None:
    text = "-----Original Message-----\nFrom: Shop\nSent: Monday\nYour order shipped."
    assert strip_quoted(text) == text


def test_message_ids_sharing_a_long_prefix_stay_distinct(tmp_path: Path) -> None:
    prefix = "CAF" + "x" * 60
    ids = []
    for suffix in ("a@mail.gmail.com", "b@mail.gmail.com"):
        f = tmp_path / f"{suffix[0]}.eml"
        f.write_bytes(_eml(b"hello", headers=f"From: a@x.com\nMessage-ID: <{prefix}{suffix}>\n"))
        ids.append(parse_file(f)[0][0].id)
    assert ids == [f"eml-{prefix}a@mail.gmail.com", f"eml-{prefix}b@mail.gmail.com"]
    long_id = "y" * 300 + "@x.com"
    assert eml_ticket_id(long_id, b"") == "eml-" + hashlib.sha1(long_id.encode()).hexdigest()
    assert eml_ticket_id("<short@x>".strip("<>"), b"") == "eml-short@x"
    assert len(eml_ticket_id("z" * 1000, b"")) <= MAX_ID_CHARS


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bin.csv", b"\x00\x01\x02PK\x03\x04"),
        ("notes.docx", b"whatever"),
        ("x.eml", b"just some text without headers"),
        ("empty.csv", b""),
        ("nocol.csv", b"id,subject\n1,hi\n"),
    ],
)
def test_unreadable_files_are_refused_whole(tmp_path: Path, name: str, content: bytes) -> None:
    f = tmp_path / name
    f.write_bytes(content)
    with pytest.raises(InputFileError):
        parse_file(f)


def test_bad_rows_are_rejected_and_the_rest_imported(tmp_path: Path) -> None:
    f = tmp_path / "bad.jsonl"
    f.write_bytes(b'{"id": 1, "text": "ok"}\n{broken\n{"id": 3, "text": "fine"}\n')
    drafts, rejected = parse_file(f)
    assert [d.id for d in drafts] == ["1", "3"]
    assert [r.where for r in rejected] == ["bad.jsonl:2"]
    assert rejected[0].reason.startswith("invalid JSON")
    f = tmp_path / "bad.csv"
    f.write_text("id,text\nA,one\nB,two,surprise\nC,three\n", encoding="utf-8")
    drafts, rejected = parse_file(f)
    assert [d.id for d in drafts] == ["A", "C"]
    assert [(r.where, r.reason) for r in rejected] == [
        ("bad.csv:3", "row has 3 fields, the header has 2")
    ]


def test_half_written_files_reject_the_cut_row(tmp_path: Path) -> None:
    f = tmp_path / "t.csv"
    f.write_text('id,customer,text\nA,Ann,first\nB,Bob,"I am still typ', encoding="utf-8")
    drafts, rejected = parse_file(f)
    assert [d.id for d in drafts] == ["A"]
    assert [(r.where, r.reason) for r in rejected] == [("t.csv:3", ENDS_MID_ROW)]
    f = tmp_path / "t.jsonl"
    f.write_text('{"id": "A", "text": "first"}\n{"id": "B", "te', encoding="utf-8")
    drafts, rejected = parse_file(f)
    assert [d.id for d in drafts] == ["A"]
    assert [(r.where, r.reason) for r in rejected] == [("t.jsonl:2", ENDS_MID_ROW)]


@pytest.mark.parametrize(
    ("encoding", "rows"),
    [
        ("cp1252", [("A", "Jürgen Müller", "Très déçu, le colis est arrivé cassé")]),
        ("big5", [("A", "陳大文", "我的訂單還沒到，已經等了一個星期了")]),
        ("gbk", [("A", "张三", "质量太差了")]),
    ],
)
def test_legacy_encoded_csv_imports_exactly(
    tmp_path: Path, encoding: str, rows: list[tuple[str, str, str]]
) -> None:
    f = tmp_path / "t.csv"
    lines = "".join(f'{i},{c},"{t}"\n' for i, c, t in rows)
    f.write_bytes(("id,customer,text\n" + lines).encode(encoding))
    drafts, rejected = parse_file(f)
    assert not rejected
    assert [(d.id, d.customer, d.messages[0].body) for d in drafts] == rows


@pytest.mark.parametrize(
    ("created_at", "reason"),
    [
        (1e20, "unreadable created_at 1e+20"),
        (-1e20, "unreadable created_at -1e+20"),
        (10**30, "unreadable created_at 1000000000000000000000000000000"),
        (True, "created_at must be a time, not true/false"),
        ({"t": 1}, "created_at must be a time, not an object"),
        ([2026], "created_at must be a time, not a list"),
        ("10000-01-01T00:00:00", "unreadable created_at '10000-01-01T00:00:00'"),
        ("0001-01-01T00:00:00+01:00", "unreadable created_at '0001-01-01T00:00:00+01:00'"),
    ],
)
def test_impossible_times_are_rejections(tmp_path: Path, created_at: object, reason: str) -> None:
    f = tmp_path / "t.jsonl"
    f.write_text(
        json.dumps({"id": "A", "text": "hi", "created_at": created_at})
        + "\n"
        + json.dumps({"id": "B", "text": "ok", "created_at": 1764324000})
        + "\n",
        encoding="utf-8",
    )
    drafts, rejected = parse_file(f)
    assert [d.id for d in drafts] == ["B"]
    assert drafts[0].created_at == "2025-11-28T10:00:00+00:00"
    assert [(r.where, r.reason) for r in rejected] == [("t.jsonl:1", reason)]


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_times_are_rejections(tmp_path: Path, literal: str) -> None:
    f = tmp_path / "t.jsonl"
    f.write_text('{"id": "A", "text": "hi", "created_at": ' + literal + "}\n", encoding="utf-8")
    drafts, rejected = parse_file(f)
    assert drafts == [] and rejected[0].reason.startswith("unreadable created_at")


def test_huge_text_row_is_rejected_not_fatal(tmp_path: Path) -> None:
    f = tmp_path / "t.jsonl"
    f.write_text(
        json.dumps({"id": "A", "text": "x" * 200_001})
        + "\n"
        + json.dumps({"id": "B", "text": "fine"})
        + "\n",
        encoding="utf-8",
    )
    drafts, rejected = parse_file(f)
    assert [d.id for d in drafts] == ["B"]
    assert "exceeds" in rejected[0].reason


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"id": "x" * (MAX_ID_CHARS + 1)}, f"id of {MAX_ID_CHARS + 1} characters exceeds"),
        ({"customer": "c" * 201}, f"customer of 201 characters exceeds {MAX_CUSTOMER_CHARS}"),
        ({"order_id": "9" * 101}, "order_id of 101 characters exceeds 100"),
        ({"channel": "w" * 51}, "channel of 51 characters exceeds 50"),
        ({"status": "closed"}, "unknown status 'closed'"),
        ({"note": "n" * MAX_METADATA_BYTES}, "metadata of 20012 bytes exceeds 20000"),
        ({"id": {"a": 1}}, "id must be text or a number, not an object"),
        ({"customer": ["Ann"]}, "customer must be text, not a list"),
        ({"subject": {"s": 1}}, "subject must be text, not an object"),
        ({"messages": "hi"}, "messages must be a list, not str"),
        ({"messages": [{"text": 5}]}, "message 1 text must be text, not int"),
        ({"messages": [{"author": ["x"], "text": "a"}]}, "message 1 has unknown author ['x']"),
        ({"messages": [{"text": "a", "created_at": 1e300}]}, "unreadable message 1 created_at"),
        ({"messages": [{"text": "a", "created_at": False}]}, "message 1 created_at must be a"),
        (
            {"messages": [{"author": "customer", "text": "m"}] * (MAX_MESSAGES + 1)},
            f"{MAX_MESSAGES + 1} messages exceed {MAX_MESSAGES} per ticket",
        ),
    ],
)
def test_field_limits_and_types_are_row_rejections(
    tmp_path: Path, fields: dict[str, object], reason: str
) -> None:
    f = tmp_path / "t.jsonl"
    row = {"id": "A", "text": "hello", **fields}
    f.write_text(json.dumps(row) + "\n" + '{"id": "B", "text": "ok"}\n', encoding="utf-8")
    drafts, rejected = parse_file(f)
    assert [d.id for d in drafts] == ["B"]
    assert [r.where for r in rejected] == ["t.jsonl:1"]
    assert rejected[0].reason.startswith(reason)


def test_long_subject_is_cut_with_an_ellipsis(tmp_path: Path) -> None:
    f = tmp_path / "t.jsonl"
    f.write_text(json.dumps({"id": 7, "subject": "s" * 2000, "text": "hi"}) + "\n", "utf-8")
    (draft,), _ = parse_file(f)
    assert draft.id == "7"
    assert len(draft.subject) == MAX_SUBJECT_CHARS and draft.subject.endswith("s…")


def test_a_thread_over_the_message_limit_rejects_the_extra_row(tmp_path: Path) -> None:
    f = tmp_path / "t.jsonl"
    thread = [{"author": "customer", "text": f"m{i}"} for i in range(MAX_MESSAGES)]
    f.write_text(
        json.dumps({"id": "A", "messages": thread}) + "\n" + '{"id": "A", "text": "more"}\n',
        encoding="utf-8",
    )
    (draft,), rejected = parse_file(f)
    assert len(draft.messages) == MAX_MESSAGES
    assert [r.where for r in rejected] == ["t.jsonl:2"]
    assert "more than 500" in rejected[0].reason


def test_second_text_column_is_kept_as_metadata(tmp_path: Path) -> None:
    f = tmp_path / "t.csv"
    f.write_text("id,text,review\nA,where is it,5 stars\n", encoding="utf-8")
    (draft,), _ = parse_file(f)
    assert draft.messages[0].body == "where is it" and draft.metadata == {"review": "5 stars"}


def test_imported_drafts_can_be_stored(tmp_path: Path) -> None:
    f = tmp_path / "t.jsonl"
    rows = [
        {"id": 1, "text": "a\u2028b", "created_at": 0, "meta": {"k": [1, 2.5, None]}},
        {"id": "x" * MAX_ID_CHARS, "text": "edge", "created_at": "9999-12-31T00:00:00"},
    ]
    f.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    drafts, rejected = parse_file(f)
    assert not rejected
    store = TicketStore(tmp_path / "store.db")
    try:
        report = store.import_tickets(drafts, f.name, rejected)
    finally:
        store.close()
    assert report.added == 2


def test_eml_body_selection_skips_attachments_and_forwarded_mail(tmp_path: Path) -> None:
    f = tmp_path / "m.eml"
    f.write_bytes(
        b"From: a@x.com\nSubject: s\nContent-Type: multipart/mixed; boundary=XX\n\n"
        b"--XX\nContent-Type: text/plain\nContent-Disposition: attachment\n\nattached log\n"
        b"--XX\nContent-Type: message/rfc822\n\nFrom: shop\nSubject: old\n\nold mail\n"
        b"--XX\nContent-Type: multipart/alternative; boundary=YY\n\n"
        b"--YY\nContent-Type: text/plain; charset=utf-8\n\n \n"
        b"--YY\nContent-Type: text/html; charset=utf-8\n\n<p>the real question</p>\n"
        b"--YY--\n--XX--\n"
    )
    (draft,), _ = parse_file(f)
    assert draft.messages[0].body == "the real question"


def test_eml_nested_too_deep_is_a_rejection(tmp_path: Path) -> None:
    f = tmp_path / "m.eml"
    nested = b"".join(
        b"--X%d\nContent-Type: multipart/mixed; boundary=X%d\n\n" % (i, i + 1) for i in range(40)
    )
    f.write_bytes(
        b"From: a@x.com\nSubject: s\nContent-Type: multipart/mixed; boundary=X0\n\n"
        + nested
        + b"--X40\nContent-Type: text/plain\n\nhello\n"
    )
    drafts, rejected = parse_file(f)
    assert drafts == [] and "nested MIME parts" in rejected[0].reason


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("=?x\x00y?Q?abc?=", "abc"),  # a charset name Python's codec lookup chokes on
        ("=?utf-8?B?!!!?= tail", " tail"),
        ("literal \\u12 and =?utf-8?Q?=E4=BD=A0?=", "literal \\u12 and 你"),
        ("=?UTF-8?B?5oiR?=  =?UTF-8?B?55qE?= end", "我的 end"),
    ],
)
def test_eml_odd_encoded_words(tmp_path: Path, subject: str, expected: str) -> None:
    f = tmp_path / "m.eml"
    f.write_bytes(b"From: a@x.com\nSubject: " + subject.encode() + b"\n\nhello\n")
    (draft,), _ = parse_file(f)
    assert draft.subject == expected.strip()


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        # a time without a zone is the machine's local time (here UTC+8)
        ("2026-11-01 10:00", "2026-11-01T02:00:00+00:00"),
        ("2026/11/1 10:00", "2026-11-01T02:00:00+00:00"),
        ("2026/11/1 9:05", "2026-11-01T01:05:00+00:00"),
        ("2026.11.01", "2026-10-31T16:00:00+00:00"),
        ("2026-11-01T10:00:00+08:00", "2026-11-01T02:00:00+00:00"),
        ("2026-11-01T02:00:00Z", "2026-11-01T02:00:00+00:00"),
        ("1761962400", "2025-11-01T02:00:00+00:00"),
        ("1761962400000", "2025-11-01T02:00:00+00:00"),
    ],
)
def test_export_time_formats_and_local_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, written: str, stored: str
) -> None:
    import time

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        f = tmp_path / "t.csv"
        f.write_text(f"id,text,created_at\nA,where is it,{written}\n", encoding="utf-8")
        (draft,), rejected = parse_file(f)
    finally:
        monkeypatch.undo()
        time.tzset()
    assert rejected == [] and draft.created_at == stored


def test_a_date_without_separators_is_not_taken_for_epoch_seconds(tmp_path: Path) -> None:
    f = tmp_path / "t.csv"
    f.write_text("id,text,created_at\nA,where is it,20261101\n", encoding="utf-8")
    (draft,), _ = parse_file(f)
    assert draft.created_at.startswith("2026-1")  # 1 November 2026 (local), not 1970
