"""Make sure Chinese text renders, even on a system without any CJK font."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase

from inference.resources import resource_path

log = logging.getLogger(__name__)

BUNDLED_CJK_FONT: Path = resource_path("fonts", "wqy-microhei.ttc")


def ensure_cjk_font() -> str | None:
    """Return a font family that covers Simplified Chinese, loading the bundled one if needed.

    Must run after the QApplication exists (GUI thread).
    """
    system = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    if system:
        return None
    font_id = QFontDatabase.addApplicationFont(str(BUNDLED_CJK_FONT))
    if font_id < 0:
        log.warning(
            "no CJK font on this system and the bundled one failed to load: "
            "Chinese text will show as boxes"
        )
        return None
    families = QFontDatabase.applicationFontFamilies(font_id)
    return families[0] if families else None


def apply_cjk_fallback(family: str | None) -> None:
    """Append the CJK family to the default font's fallback list."""
    if not family:
        return
    from PySide6.QtWidgets import QApplication

    font: QFont = QApplication.font()
    families = font.families() or [font.family()]
    if family not in families:
        font.setFamilies([*families, family])
        QApplication.setFont(font)
