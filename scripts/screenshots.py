"""Render the README screenshots offscreen: python scripts/screenshots.py --data-dir DIR

Opens the console on the demo queue with the data dir's active model, waits until the queue
is scored, opens a ticket (explanation + suggested reply) and saves window grabs to docs/.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


async def shoot(win, language: str, out: Path) -> None:  # type: ignore[no-untyped-def]
    from console.qt.queue_model import RowRole
    from console.services.demo import DEMO_FILE

    await win.start(DEMO_FILE)
    while any(win.model.index(r, 0).data() == "…" for r in range(win.model.rowCount())):
        await asyncio.sleep(0.2)
    wanted = "zh" if language == "zh_CN" else "en"
    for row in range(win.model.rowCount()):
        index = win.model.index(row, 0)
        queue_row = index.data(RowRole)
        if queue_row.language == wanted and queue_row.channel != "review":
            break
    done = asyncio.Event()
    win.explanationShown.connect(lambda *_: done.set())
    win.view.selectRow(row)
    await asyncio.wait_for(done.wait(), 60)
    await asyncio.sleep(0.5)
    win.grab().save(str(out))
    print(f"saved {out}")
    await win.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--language", default="en", choices=["en", "zh_CN"])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot-queue.png")
    args = parser.parse_args()
    import shutil
    import tempfile

    from PySide6.QtCore import QSettings
    from qasync import QEventLoop

    from console.qt.app import build_window, create_application
    from console.qt.i18n import Translations
    from console.qt.workers import Workers
    from console.services.accounts import Account
    from inference import ModelRegistry, models_dir, open_active_scorer

    app = create_application()
    translations = Translations()
    translations.install(args.language)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        active = open_active_scorer(models_dir(args.data_dir)).scorer.model_dir
        shutil.copytree(active, models_dir(root) / active.name)
        ModelRegistry(models_dir(root)).activate(active.name)
        loop = QEventLoop(app)
        asyncio.set_event_loop(loop)
        workers = Workers()
        settings = QSettings(str(root / "s.ini"), QSettings.Format.IniFormat)
        # the name the suggested replies sign with in the pictures; no login in a screenshot
        agent = Account("Support team", "agent", False, "")
        win = build_window(root, settings, translations, workers, agent)
        win.resize(1500, 900)
        win.show()
        with loop:
            loop.run_until_complete(shoot(win, args.language, args.out))
        workers.shutdown()


if __name__ == "__main__":
    main()
