"""UI language: English source strings, Simplified Chinese translation (Qt .qm files)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QSettings, QTranslator

from inference.resources import resource_path

I18N_DIR: Path = resource_path("i18n")
LANGUAGES = {"en": "English", "zh_CN": "简体中文"}
SETTING = "ui/language"


def preferred_language(settings: QSettings) -> str:
    """The saved choice, else the system locale (Chinese locales get Chinese)."""
    saved = settings.value(SETTING, "", type=str)
    if saved in LANGUAGES:
        return str(saved)
    return "zh_CN" if QLocale.system().language() == QLocale.Language.Chinese else "en"


class Translations:
    """Installs and swaps the application's translator."""

    def __init__(self) -> None:
        self._translator: QTranslator | None = None
        self.language = "en"

    def install(self, language: str) -> bool:
        app = QCoreApplication.instance()
        assert app is not None
        if self._translator is not None:
            app.removeTranslator(self._translator)
            self._translator = None
        self.language = language
        if language == "en":
            return True
        translator = QTranslator(app)
        if not translator.load(str(I18N_DIR / f"sentidesk_{language}.qm")):
            return False
        app.installTranslator(translator)
        self._translator = translator
        return True
