"""Starting the desktop application: Qt, fonts, translations, the qasync loop, the window."""

from __future__ import annotations

import asyncio
import getpass
import logging
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from qasync import QEventLoop

from console.qt.fonts import apply_cjk_fallback, ensure_cjk_font
from console.qt.i18n import Translations, preferred_language
from console.qt.main_window import MainWindow
from console.qt.workers import Workers
from console.services import TemplateLibrary
from console.services.demo import DEMO_FILE

log = logging.getLogger(__name__)


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Sentidesk")
    app.setOrganizationName("Sentidesk")
    apply_cjk_fallback(ensure_cjk_font())
    return app


def build_window(
    root: Path, settings: QSettings, translations: Translations, workers: Workers
) -> MainWindow:
    agent = str(settings.value("agent/name", "", type=str) or getpass.getuser().title())
    return MainWindow(root, workers, TemplateLibrary.load(), settings, translations, agent)


def run_app(root: Path, demo: bool = True, language: str | None = None) -> int:
    """Run the console until its window closes. Returns the process exit code."""
    app = create_application()
    settings = QSettings()
    translations = Translations()
    if not translations.install(language or preferred_language(settings)):
        log.warning("translation for %s not found; using English", language)
    loop = QEventLoop(app)
    asyncio.set_event_loop(loop)
    workers = Workers()
    window = build_window(root, settings, translations, workers)
    window.resize(1400, 850)
    window.show()
    # The loop must outlive the window: shutdown awaits the workers after it closes.
    app.setQuitOnLastWindowClosed(False)
    closed = asyncio.Event()
    window.closed.connect(closed.set)

    async def main() -> None:
        await window.start(DEMO_FILE if demo else None)
        await closed.wait()

    with loop:
        try:
            loop.run_until_complete(main())
        finally:
            loop.run_until_complete(window.shutdown())
            workers.shutdown()
    return 0
