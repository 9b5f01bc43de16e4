"""Reading one e-mail (.eml) from its bytes: headers, the text body, and only the new text.

E-mail arrives in every encoding: declared charsets that lie (GBK bodies labelled GB2312,
UTF-8 labelled ISO-8859-1), 8-bit headers with no charset at all, HTML-only bodies full of
CSS, and the whole earlier conversation quoted below the customer's few new lines. Everything
here works on bytes and decodes each piece deliberately, so no guess of the standard library
(which replaces what it cannot decode) turns text into mojibake. Nothing here raises for bad
input: problems are reported in :attr:`Mail.problem`. No Qt, no store.
"""

from __future__ import annotations

import base64
import codecs
import email
import email.errors
import email.policy
import html
import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from email.message import Message
from email.utils import parseaddr, parsedate_to_datetime

from inference import InputFileError
from inference.inputs import decode_bytes

#: Multipart messages nested deeper than this are not walked (no mail client nests so deep).
MAX_MIME_DEPTH = 20
_TOO_DEEP = f"no text body within {MAX_MIME_DEPTH} levels of nested MIME parts"

_EMAIL_ERRORS = (
    ValueError,  # includes UnicodeError and binascii.Error
    TypeError,
    LookupError,  # includes KeyError and IndexError
    AttributeError,
    RecursionError,
    email.errors.MessageError,
)
#: Charsets that say nothing about the bytes; the body is decoded as if none were declared.
_NO_CHARSET = frozenset({"unknown-8bit", "x-unknown", "unknown", "x-user-defined", "default"})
#: Names clients use that Python does not know.
_ALIASES = {"x-gbk": "gbk", "x-gb18030": "gb18030", "x-big5": "big5", "x-euc-tw": "big5"}
#: What mail clients declare, and the superset their bytes are really in: GB2312 mail holds
#: GBK characters, Big5 mail holds Microsoft's and Hong Kong's additions.
_SUPERSETS = {
    "gb2312": ("gb18030",),
    "gbk": ("gb18030",),
    "gb18030": ("gb18030",),
    "big5": ("big5", "cp950", "big5hkscs"),
    "cp950": ("cp950", "big5hkscs"),
    "iso8859-1": ("cp1252", "iso8859-1"),
    "iso8859-15": ("iso8859-15", "cp1252"),
    "ascii": ("ascii",),
}
#: Codecs Python can look up that are no text encodings of mail (they interpret escapes).
_NOT_MAIL_CHARSETS = frozenset(
    {"unicode_escape", "raw_unicode_escape", "undefined", "idna", "punycode", "mbcs", "oem"}
)
_WESTERN = frozenset({"ascii", "iso8859-1", "cp1252", "iso8859-15"})


class _BodyError(Exception):
    """Why a body cannot be read."""


@dataclass(frozen=True)
class Mail:
    """What a ticket needs from one e-mail.

    ``has_headers`` is False for bytes that are no e-mail at all (no From or Subject);
    ``problem`` says why ``body`` could not be read, and is "" when it was.
    """

    has_headers: bool
    subject: str
    sender_name: str
    sender_address: str
    date: datetime | None
    message_id: str
    body: str
    problem: str = ""
    #: the Message-ID of the mail that started the conversation this one answers ("" for
    #: a mail that answers none): the first of its References, else its In-Reply-To
    thread_root: str = ""
    #: every Message-ID this mail answers, the nearest first: its In-Reply-To, then its
    #: References from the last (the mail it answers) back to the first (the thread root)
    answers: tuple[str, ...] = ()


# -- decoding --------------------------------------------------------------------------------


def _codec(charset: str) -> str:
    """Python's name for a declared charset; LookupError for unknown or unsafe ones."""
    declared = charset.strip().strip('"').lower()
    name = codecs.lookup(_ALIASES.get(declared, declared)).name
    if name in _NOT_MAIL_CHARSETS:
        raise LookupError(charset)
    return name


def _decode_declared(data: bytes, charset: str) -> str:
    """Bytes in a declared charset, allowing for the ways clients mislabel them."""
    try:
        name = _codec(charset)
    except (LookupError, ValueError):  # ValueError: a name with a NUL in it
        raise _BodyError(f"unknown charset {charset[:40]!r}") from None
    if name in _WESTERN and not data.isascii():
        # Clients label UTF-8 as ISO-8859-1 or ASCII; UTF-8 of accented text read as Latin-1
        # is the classic "Ã©" mojibake, and real Latin-1 text is almost never valid UTF-8.
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    for codec in _SUPERSETS.get(name, (name,)):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
        except LookupError:
            # Byte codecs Python knows by a charset-like name ("base64", "hex", "rot13").
            raise _BodyError(f"unknown charset {charset[:40]!r}") from None
    # The declaration is wrong; the bytes may still be plain UTF-8 or a known legacy encoding.
    try:
        return decode_bytes(data, "body")
    except InputFileError:
        raise _BodyError(f"body is not valid {charset[:40]} text") from None


_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.I
)


def _decode_body(data: bytes, charset: str | None, is_html: bool) -> str:
    if charset and charset.lower() not in _NO_CHARSET:
        return _decode_declared(data, charset)
    if is_html and (meta := _META_CHARSET.search(data[:4096])):
        try:
            return _decode_declared(data, meta.group(1).decode("ascii"))
        except _BodyError:
            pass
    if data.isascii():
        return data.decode("ascii")
    try:
        return decode_bytes(data, "body")
    except InputFileError as exc:
        raise _BodyError(str(exc).removeprefix("body: ")) from None


def _raw_header(message: Message, name: str) -> str | None:
    """A header's raw value (8-bit bytes kept as surrogates), unfolded; None when absent."""
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return re.sub(r"\r?\n[ \t]*", " ", str(value)).strip()
    return None


#: An RFC 2047 encoded word: =?charset?B or Q?payload?=
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=")


def _word_bytes(encoding: str, payload: str) -> bytes | None:
    try:
        if encoding in "bB":
            return base64.b64decode(payload + "=" * (-len(payload) % 4))
        return quopri.decodestring(payload.encode("ascii"), header=True)
    except ValueError:  # binascii.Error, or a payload that is not ASCII
        return None


def _decode_chunk(data: bytes, charset: str | None) -> str:
    if charset:
        try:
            return _decode_declared(data, charset)
        except _BodyError:
            pass
    try:
        return decode_bytes(data, "header")
    except InputFileError:
        return data.decode("utf-8", "replace")


def _decode_words(raw: str) -> str:
    """Encoded words decoded in place; adjacent words of one charset are decoded together,
    since some clients split a character's bytes across two words."""
    out: list[str] = []
    pending = b""
    pending_charset = ""
    position = 0

    def flush() -> None:
        nonlocal pending
        if pending:
            out.append(_decode_chunk(pending, pending_charset))
            pending = b""

    for match in _ENCODED_WORD.finditer(raw):
        gap = raw[position : match.start()]
        charset = match.group(1).split("*", 1)[0]  # RFC 2231 adds a language after "*"
        data = _word_bytes(match.group(2), match.group(3))
        position = match.end()
        if data is None:
            flush()
            out.append(gap + match.group(0))
            continue
        if gap.strip() or charset.lower() != pending_charset.lower():
            flush()
            # Whitespace between two encoded words is folding, not text.
            if gap.strip() or not out:
                out.append(gap)
        pending += data
        pending_charset = charset
    flush()
    out.append(raw[position:])
    return "".join(out)


def _decode_header(raw: str, fallback_charset: str | None) -> str:
    """RFC 2047 encoded words, or raw 8-bit bytes (many Chinese clients send those)."""
    if re.search("[\udc80-\udcff]", raw):
        data = raw.encode("ascii", "surrogateescape")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return _decode_chunk(data, fallback_charset)
    return _decode_words(raw)


# -- HTML to text ------------------------------------------------------------------------------

#: Elements whose content is no text. The head itself is not one: what it holds besides
#: these (meta, link) has no text, and browsers show stray text in it as body text, so a
#: missing </head> cannot swallow the message.
_SKIP_TAGS = frozenset({"style", "script", "title", "template", "svg", "object"})
#: Elements whose content is not markup: everything up to their end tag is one piece.
_RAW_TEXT_TAGS = frozenset({"style", "script", "title", "textarea", "xmp"})
#: Elements that stand apart from the text around them (a blank line between paragraphs).
_BLOCK_TAGS = frozenset(
    {
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote",
        "pre", "hr", "section", "article", "header", "footer", "address", "dl", "center",
        "form", "fieldset", "figure", "main", "nav", "aside",
    }
)  # fmt: skip
#: Elements that start a new line (list items and table rows follow each other closely).
_LINE_TAGS = frozenset({"br", "li", "tr", "dt", "dd"})
_VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
     "track", "wbr", "param"}
)  # fmt: skip
#: Containers of quoted history: Gmail, Yahoo, Thunderbird, Apple Mail, generic blockquotes.
_QUOTE_CLASSES = frozenset({"gmail_quote", "gmail_attr", "yahoo_quoted", "moz-cite-prefix"})
#: Outlook marks where the quoted history starts but does not wrap it: everything after goes.
_CUT_IDS = frozenset({"divrplyfwdmsg", "appendonsend", "olk_src_body_section"})
_HIDDEN = re.compile(r"display\s*:\s*none", re.I)
_TAG_START = re.compile(r"<(/?)([a-zA-Z][^\s/>]*)")
#: The rest of a tag up to its ">", quoted values included. Possessive: a tag that never
#: ends fails in one linear pass instead of backtracking through every way to split it.
_TAG_REST = re.compile(r"""(?:[^>"']++|"[^"]*+"|'[^']*+')*+>""")
_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")


@dataclass(frozen=True)
class _Tag:
    name: str
    end: bool
    attributes: dict[str, str]
    self_closing: bool


def _attributes(source: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(source):
        value = match.group(2) or ""
        if value[:1] in ("'", '"'):
            value = value[1:-1]
        found.setdefault(match.group(1).lower(), html.unescape(value))
    return found


def _tokens(markup: str) -> Iterator[str | _Tag]:
    """Text and tags of HTML, in one linear pass.

    html.parser is not used: in Python 3.11 it is quadratic on tags that never close (24 KB
    of "<a " takes 10 s, 100 KB minutes), and an e-mail body must not stall the database
    worker. Like a browser, this drops comments, declarations and an unfinished last tag.
    """
    lower = markup.lower()
    pos, size = 0, len(markup)
    while pos < size:
        lt = markup.find("<", pos)
        if lt < 0:
            yield markup[pos:]
            return
        if lt > pos:
            yield markup[pos:lt]
        if markup.startswith("<!--", lt):
            end = markup.find("-->", lt + 4)
            pos = size if end < 0 else end + 3
            continue
        start = _TAG_START.match(markup, lt)
        if start is None:
            if markup.startswith(("<!", "<?"), lt):  # doctype, <![if ...]>, processing
                end = markup.find(">", lt + 2)
                pos = size if end < 0 else end + 1
            else:
                yield "<"  # a lone "<" is text ("a < b")
                pos = lt + 1
            continue
        rest = _TAG_REST.match(markup, start.end())
        if rest is None:
            return
        source = markup[start.end() : rest.end() - 1]
        name = start.group(2).lower()
        closing = start.group(1) == "/"
        yield _Tag(name, closing, _attributes(source), source.rstrip().endswith("/"))
        pos = rest.end()
        if name in _RAW_TEXT_TAGS and not closing:
            end = lower.find(f"</{name}", pos)
            yield markup[pos : size if end < 0 else end]
            pos = size if end < 0 else end


def _starts_skip(tag: _Tag, drop_quotes: bool) -> bool:
    if tag.name in _SKIP_TAGS or _HIDDEN.search(tag.attributes.get("style", "")):
        return True
    if not drop_quotes:
        return False
    classes = set(tag.attributes.get("class", "").split())
    return tag.name == "blockquote" or bool(classes & _QUOTE_CLASSES)


def _html_pieces(markup: str, drop_quotes: bool) -> list[str]:
    pieces: list[str] = []
    skip_tag, skip_depth, pre = "", 0, 0
    for token in _tokens(markup):
        if isinstance(token, str):
            if not skip_tag:
                text = html.unescape(token)
                pieces.append(text if pre else re.sub(r"\s+", " ", text))
            continue
        name = token.name
        if skip_tag:
            if name == skip_tag and name not in _VOID_TAGS and not token.self_closing:
                skip_depth += -1 if token.end else 1
                if skip_depth == 0:
                    skip_tag = ""
            continue
        if token.end:
            if name == "pre" and pre:
                pre -= 1
            if name in _BLOCK_TAGS:
                pieces.append("\n")
            continue
        element_id = token.attributes.get("id", "").lower().removeprefix("x_")
        if drop_quotes and element_id in _CUT_IDS:
            break
        if _starts_skip(token, drop_quotes):
            if name not in _VOID_TAGS and not token.self_closing:
                skip_tag, skip_depth = name, 1
            continue
        if name == "pre" and not token.self_closing:
            pre += 1
        if name in _BLOCK_TAGS or name in _LINE_TAGS:
            pieces.append("\n")
        elif name in ("td", "th"):
            pieces.append(" ")
    return pieces


def _tidy(text: str) -> str:
    """Spaces collapsed per line, at most one blank line in a row, no blank ends."""
    lines = [re.sub(r"[^\S\n]+", " ", line).strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def html_to_text(markup: str, drop_quotes: bool = True) -> str:
    """Readable text of an HTML body: no CSS, scripts or head; blocks become lines.

    With ``drop_quotes`` the quoted history (blockquotes, Gmail/Yahoo/Thunderbird quote
    containers, everything after Outlook's reply marker) is left out.
    """
    return _tidy("".join(_html_pieces(markup, drop_quotes)).replace("\xa0", " "))


# -- quoted history in plain text -------------------------------------------------------------

# Possessive runs ("-{2,}+", "\s*+") keep a line of a million dashes or spaces linear.
_ATTRIBUTION = re.compile(
    r"^\s*+(?:"
    r"On\s.{1,300}?\swrote\s?:"
    r"|Le\s.{1,300}?\sa\s+écrit\s?:"
    r"|Am\s.{1,300}?\sschrieb\s.{0,120}:"
    r"|El\s.{1,300}?\sescribió\s?:"
    r"|在.{1,300}?写道\s?[:：]"
    r"|於.{1,300}?寫道\s?[:：]"
    r"|-{2,}+\s*+(?:Original Message|Forwarded message|Ursprüngliche Nachricht"
    r"|Message d'origine|Mensaje original|原始邮件|原始郵件|邮件原件|转发的邮件)\s*+-{2,}+"
    r"|-{5,}+\s*+(?:原始邮件|原始郵件|Original)\b.*+"
    r")\s*+$",
    re.IGNORECASE,
)
# Headers of a quoted mail, bold ("**From:**") in some clients. "\s*+" never gives back
# what it took, so a long line of spaces fails in linear time.
_FROM_LINE = re.compile(r"^\s*+\**(?:From|发件人|寄件者|寄件人|De|Von|Da)\s*+\**[:：]", re.I)
_HEADER_LINE = re.compile(
    r"^\s*+\**(?:Sent|Date|To|Cc|Subject|发送时间|日期|时间|收件人|抄送|主题|寄件日期|傳送時間"
    r"|收件者|副本|主旨|Envoyé|À|Objet|Gesendet|An|Betreff|Enviado|Para|Asunto)\s*+\**[:：]",
    re.I,
)
_SEPARATOR = re.compile(r"^\s*+[_\-=*~]{5,}+\s*+$")


def _history_start(lines: list[str]) -> int | None:
    for i, line in enumerate(lines):
        if _ATTRIBUTION.match(line):
            return i
        # Gmail wraps a long attribution ("On ..., Ann <ann@\nexample.com> wrote:").
        if i + 1 < len(lines) and line.strip() and _ATTRIBUTION.match(f"{line} {lines[i + 1]}"):
            return i
        if _FROM_LINE.match(line) and any(_HEADER_LINE.match(n) for n in lines[i + 1 : i + 5]):
            return i
    return None


def strip_quoted(text: str) -> str:
    """The new text of a reply: no "> " lines, nothing from an attribution line on.

    When nothing would be left (a bare forward), the text is kept whole rather than lose
    the only content the customer sent.
    """
    lines = text.split("\n")
    cut = _history_start(lines)
    kept = lines if cut is None else lines[:cut]
    kept = [line for line in kept if not line.lstrip().startswith(">")]
    while kept and (not kept[-1].strip() or _SEPARATOR.match(kept[-1])):
        kept.pop()
    new = "\n".join(kept).strip()
    return new or text.strip()


# -- the message -----------------------------------------------------------------------------


def _is_attachment(part: Message) -> bool:
    disposition = str(part.get("Content-Disposition", "") or "")
    return disposition.strip().lower().startswith("attachment")


def _body_parts(message: Message) -> tuple[Message | None, Message | None, bool]:
    """The first inline text/plain and text/html parts, depth first, without recursion;
    and whether parts nested too deep were left unread."""
    plain: Message | None = None
    rich: Message | None = None
    too_deep = False
    stack: list[tuple[Message, int]] = [(message, 0)]
    while stack:
        part, depth = stack.pop()
        ctype = part.get_content_type()
        if ctype == "message/rfc822":
            continue  # a forwarded e-mail attached whole is history, not the new text
        if part.is_multipart():
            payload = part.get_payload()
            if depth >= MAX_MIME_DEPTH:
                too_deep = True
            elif isinstance(payload, list):
                subparts = [p for p in payload if isinstance(p, Message)]
                stack.extend((p, depth + 1) for p in reversed(subparts))
            continue
        if _is_attachment(part):
            continue
        if ctype == "text/plain" and plain is None:
            plain = part
        elif ctype == "text/html" and rich is None:
            rich = part
    return plain, rich, too_deep


def _part_text(part: Message, drop_quotes: bool) -> str:
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    try:
        charset = part.get_content_charset()
    except _EMAIL_ERRORS:
        charset = None
    is_html = part.get_content_type() == "text/html"
    text = _decode_body(data, charset, is_html).replace("\r\n", "\n").replace("\r", "\n")
    if is_html:
        text = html_to_text(text, drop_quotes)
    return strip_quoted(text) if drop_quotes else text


def _body(message: Message) -> str:
    plain, rich, too_deep = _body_parts(message)
    if plain is None and rich is None:
        raise _BodyError(_TOO_DEEP if too_deep else "no text body")
    problems: list[str] = []
    for part in (plain, rich):
        if part is None:
            continue
        try:
            text = _part_text(part, drop_quotes=True)
            if not text.strip() and part is rich:
                # Everything was quoted history or hidden: keep what there is.
                text = _part_text(part, drop_quotes=False)
        except _BodyError as exc:
            problems.append(str(exc))
            continue
        if text.strip():
            return text
    if problems:
        raise _BodyError(problems[0])
    return ""


def _date(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        return parsedate_to_datetime(raw)
    except (*_EMAIL_ERRORS, OverflowError):
        return None


def read_mail(data: bytes) -> Mail:
    """The parts of an e-mail a ticket needs, from the bytes of an .eml file."""
    try:
        message = email.message_from_bytes(data, policy=email.policy.compat32)
    except RecursionError:
        # Thousands of nested parts: the parser itself gives up; no mail client does that.
        return Mail(True, "", "", "", None, "", "", _TOO_DEEP)
    raw_from = _raw_header(message, "From")
    raw_subject = _raw_header(message, "Subject")
    try:
        charset = message.get_content_charset()
    except _EMAIL_ERRORS:
        charset = None
    sender = _decode_header(raw_from, charset) if raw_from else ""
    try:
        name, address = parseaddr(sender)
    except _EMAIL_ERRORS:
        name, address = sender, ""
    try:
        body, problem = _body(message), ""
    except _BodyError as exc:
        body, problem = "", str(exc)
    except RecursionError:
        body, problem = "", _TOO_DEEP
    own_id = (_raw_header(message, "Message-ID") or "").strip().strip("<> ")
    return Mail(
        has_headers=raw_from is not None or raw_subject is not None,
        subject=_decode_header(raw_subject, charset) if raw_subject else "",
        sender_name=name.strip(),
        sender_address=address.strip(),
        date=_date(_raw_header(message, "Date")),
        message_id=own_id,
        body=body,
        problem=problem,
        thread_root=_thread_root(message, own_id),
        answers=_answered_ids(message, own_id),
    )


_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")


def _linked_ids(message: Message, name: str, own_id: str) -> list[str]:
    """The Message-IDs a threading header names, without the mail's own (some clients
    list it)."""
    return [m for m in _MESSAGE_ID.findall(_raw_header(message, name) or "") if m != own_id]


def _thread_root(message: Message, own_id: str) -> str:
    """The conversation's first Message-ID, as RFC 5322 threading gives it."""
    for name in ("References", "In-Reply-To"):
        ids = _linked_ids(message, name, own_id)
        if ids:
            return ids[0]
    return ""


def _answered_ids(message: Message, own_id: str) -> tuple[str, ...]:
    replied = _linked_ids(message, "In-Reply-To", own_id)
    references = _linked_ids(message, "References", own_id)
    return tuple(dict.fromkeys([*replied, *reversed(references)]))
