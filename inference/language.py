"""Cheap script-based language identification for zh / en / other.

A dedicated language-id model would be overkill: tickets reach us in two languages, and the
question is only which template set and which metrics bucket a ticket belongs to.
"""

from __future__ import annotations

import re

from inference.labels import Language

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA_HANGUL = re.compile(r"[\u3040-\u30ff\uac00-\ud7af]")
_LATIN_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
_OTHER_LETTER = re.compile(r"[\u0400-\u04ff\u0600-\u06ff\u0590-\u05ff\u0e00-\u0e7f\u0900-\u097f]")
_ENGLISH_WORDS = frozenset(
    """a an the i you we my me our your is are was were be been am do does did not no and or
    but if to of in on at for with from by it this that my order please thanks thank hi
    hello can could would will have has had when where what why how still yet""".split()
)
_FOREIGN_WORDS = frozenset(
    """der die das und ist nicht ich sie wir le la les et est une des je vous pas el los las
    y es una que por para muy não uma com het een niet ik che il della sono""".split()
)
_ACCENTED = re.compile(r"[àâäáçéèêëîïíôöóùûüúÿñßœæãõ]", re.IGNORECASE)


def detect_language(text: str) -> Language:
    """Return ``zh`` when Chinese characters carry the text, ``en`` for English, else ``other``."""
    han = len(_HAN.findall(text))
    others = len(_KANA_HANGUL.findall(text)) + len(_OTHER_LETTER.findall(text))
    words = _LATIN_WORD.findall(text)
    latin = sum(len(w) for w in words)
    if han and others > han / 2:
        return "other"  # Japanese or Korean text also uses Han characters
    if han and han * 2 >= latin * 0.5:
        return "zh"
    if latin > others:
        if not words:
            return "other"
        lowered = [w.lower() for w in words]
        english = sum(w in _ENGLISH_WORDS for w in lowered)
        foreign = sum(w in _FOREIGN_WORDS for w in lowered) + len(_ACCENTED.findall(text))
        return "en" if english >= foreign else "other"
    return "other"
