"""Starting the desktop application: Qt, fonts, translations, the qasync loop, the window."""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from qasync import QEventLoop

from console.qt.fonts import apply_cjk_fallback, ensure_cjk_font
from console.qt.i18n import Translations, preferred_language
from console.qt.login import choose_account
from console.qt.main_window import MainWindow
from console.qt.workers import Workers
from console.services import TemplateLibrary
from console.services.accounts import Account
from console.services.demo import DEMO_FILE
from console.services.desk import open_store

log = logging.getLogger(__name__)


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Sentidesk")
    app.setOrganizationName("Sentidesk")
    apply_cjk_fallback(ensure_cjk_font())
    return app


def build_window(
    root: Path, settings: QSettings, translations: Translations, workers: Workers, account: Account
) -> MainWindow:
    """The window for ``account``, who is working (see :func:`log_in`)."""
    return MainWindow(root, workers, TemplateLibrary.load(), settings, translations, account)


async def log_in(root: Path, settings: QSettings, workers: Workers) -> Account | None:
    """Ask who is working before any window opens (creating the first supervisor account on
    a store without accounts): the account, or None when the agent quit instead.

    The store is opened just for this on the database worker; the window opens its own.
    """
    store = await workers.db(open_store, root)
    try:
        return await choose_account(store, workers, settings, quits=True)
    finally:
        await workers.db(store.close)


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
    # The loop must outlive the dialog and the window: shutdown awaits the workers after
    # the window closes.
    app.setQuitOnLastWindowClosed(False)
    with loop:
        try:
            account = loop.run_until_complete(log_in(root, settings, workers))
            if account is None:
                log.info("login cancelled; quitting")
                return 0
            window = build_window(root, settings, translations, workers, account)
            # a data directory without a model gets a provisional one at once and its default
            # model in the background, instead of a 25-minute wait before any window
            window.first_launch.enabled = True
            window.resize(1400, 850)
            window.show()
            closed = asyncio.Event()
            window.closed.connect(closed.set)

            async def main() -> None:
                await window.start(DEMO_FILE if demo else None)
                await closed.wait()

            try:
                loop.run_until_complete(main())
            finally:
                loop.run_until_complete(window.shutdown())
        finally:
            workers.shutdown()
    return 0
