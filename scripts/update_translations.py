"""Rebuild resources/i18n/sentidesk_zh_CN.{ts,qm} from resources/i18n/zh_CN.toml.

Source strings are found by reading every ``tr("...")`` call in console/qt (each module's
``tr`` helper names its Qt translation context), plus the label values the UI translates at
run time (sentiments, categories, statuses). Strings missing from zh_CN.toml are reported
and written as unfinished, so the English text shows until someone translates them.

Run: python scripts/update_translations.py   (needs PySide6's lrelease)
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from console.qt.main_window import SHORTCUTS  # noqa: E402
from console.qt.queue_model import QueueModel  # noqa: E402
from console.store import STATUSES  # noqa: E402
from inference import DEFAULT_CATEGORIES, SENTIMENTS  # noqa: E402

QT_DIR = ROOT / "console" / "qt"
I18N = ROOT / "resources" / "i18n"
LABELS = [*SENTIMENTS, *DEFAULT_CATEGORIES, *STATUSES]
#: Strings the UI passes to tr() through a variable, so they cannot be found by reading calls.
RUNTIME_LABELS = {
    "QueueModel": [*LABELS, *QueueModel.HEADERS.values()],
    "TicketPanel": LABELS,
    "MainWindow": [*SENTIMENTS, "sentiment", "category", *(text for _, text in SHORTCUTS)],
}


def source_strings() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {k: list(v) for k, v in RUNTIME_LABELS.items()}
    for path in sorted(QT_DIR.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        context: str | None = None
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "translate"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                context = context or str(node.args[0].value)
        if context is None:
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "tr"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.setdefault(context, []).append(node.args[0].value)
    return {k: list(dict.fromkeys(v)) for k, v in found.items()}


def main() -> int:
    translations: dict[str, str] = tomllib.loads((I18N / "zh_CN.toml").read_text(encoding="utf-8"))[
        "translations"
    ]
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        "<!DOCTYPE TS>",
        '<TS version="2.1" language="zh_CN">',
    ]
    missing = []
    for context, strings in sorted(source_strings().items()):
        lines.append(f"<context>\n    <name>{context}</name>")
        for text in strings:
            target = translations.get(text)
            if target is None:
                missing.append(f"{context}: {text}")
                body = '<translation type="unfinished"></translation>'
            else:
                body = f"<translation>{escape(target)}</translation>"
            lines.append(
                f"    <message>\n        <source>{escape(text)}</source>\n        {body}\n"
                "    </message>"
            )
        lines.append("</context>")
    lines.append("</TS>")
    ts = I18N / "sentidesk_zh_CN.ts"
    ts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    subprocess.run(
        [str(lrelease), "-silent", str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True
    )
    for item in missing:
        print(f"untranslated: {item}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
