from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication

from console.qt.fonts import BUNDLED_CJK_FONT, apply_cjk_fallback, ensure_cjk_font
from console.qt.i18n import I18N_DIR, Translations

ROOT = Path(__file__).resolve().parents[3]


def _source_strings() -> dict[str, list[str]]:
    spec = importlib.util.spec_from_file_location(
        "update_translations", ROOT / "scripts" / "update_translations.py"
    )
    assert spec is not None
    assert spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    strings: dict[str, list[str]] = script.source_strings()
    return strings


def _translations() -> dict[str, str]:
    data = tomllib.loads((I18N_DIR / "zh_CN.toml").read_text("utf-8"))
    return dict(data["translations"])


def test_every_ui_string_has_a_chinese_translation() -> None:
    translations = _translations()
    missing = [
        f"{ctx}: {s}"
        for ctx, strings in _source_strings().items()
        for s in strings
        if s not in translations
    ]
    assert missing == []


def test_compiled_translation_is_current_and_loads(qapp: QApplication) -> None:
    """The committed .qm must say what zh_CN.toml says (run update_translations.py)."""
    translations = _translations()
    installer = Translations()
    assert installer.install("zh_CN")
    try:
        stale = [
            f"{ctx}: {s}"
            for ctx, strings in _source_strings().items()
            for s in strings
            if QCoreApplication.translate(ctx, s) != translations[s]
        ]
        assert stale == []
    finally:
        installer.install("en")
    assert QCoreApplication.translate("QueueModel", "negative") == "negative"


def test_chinese_renders_with_the_bundled_font_when_the_system_has_none(
    qapp: QApplication,
) -> None:
    assert BUNDLED_CJK_FONT.is_file()
    family = ensure_cjk_font()
    families = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    assert families, "no font can render Simplified Chinese"
    if family is not None:
        assert family in families
        apply_cjk_fallback(family)
        assert family in QApplication.font().families()
