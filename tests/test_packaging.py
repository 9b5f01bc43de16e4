"""The wheel, installed into a fresh environment and run outside the checkout, works: the
resources it needs (templates, demo queue, fonts, translations, training data) come from
the installed package, not from the source tree."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

from inference import Manifest, ModelRegistry, models_dir

ROOT = Path(__file__).resolve().parents[1]
PIP = (sys.executable, "-m", "pip")
#: What a wheel is built from (pyproject.toml names README.md as the long description).
SOURCES = ("pyproject.toml", "README.md", "console", "inference", "training", "resources")
RESOURCE_FILES = (
    "data/tickets_en.tsv",
    "data/tickets_zh.tsv",
    "data/function_words.txt",
    "demo/tickets.jsonl",
    "demo/alerts_replay.jsonl",
    "flags/flags.toml",
    "fonts/wqy-microhei.ttc",
    "fonts/wqy-microhei.LICENSE.txt",
    "i18n/sentidesk_zh_CN.qm",
    "i18n/zh_CN.toml",
    "templates/en.toml",
    "templates/zh.toml",
)


def test_every_package_is_listed_for_the_wheel() -> None:
    """pyproject.toml lists packages by hand (package-dir renames resources/), so a new
    subpackage must be added there or the wheel silently lacks it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    assert config["package-dir"] == {"sentidesk_resources": "resources"}
    code = [
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("console", "inference", "training")
        for init in (ROOT / top).rglob("__init__.py")
    ]
    folders = [p.name for p in (ROOT / "resources").iterdir() if p.is_dir()]
    data = ["sentidesk_resources"] + [
        f"sentidesk_resources.{name}" for name in folders if name != "__pycache__"
    ]
    assert sorted(config["packages"]) == sorted(code + data)


def test_a_missing_resource_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from console.services.templates import TemplateLibrary
    from inference import SentideskError
    from inference import resources as module

    (tmp_path / "demo").mkdir()
    monkeypatch.setattr(module, "resources_root", lambda: tmp_path)
    assert module.resource_path("demo") == tmp_path / "demo"
    with pytest.raises(module.ResourceError, match="templates is missing"):
        TemplateLibrary.load()
    with pytest.raises(SentideskError, match=r"data/tickets_xx\.tsv is missing"):
        module.resource_path("data", "tickets_xx.tsv")


def test_a_checkout_without_the_installed_package_uses_its_own_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.resources

    from inference import resources as module

    def not_installed(name: str) -> object:
        raise ModuleNotFoundError(name)

    monkeypatch.setattr(importlib.resources, "files", not_installed)
    assert module.resources_root() == ROOT / "resources"
    # an installed engine (no pyproject.toml beside it) never guesses a folder
    monkeypatch.setattr(module, "_CHECKOUT", tmp_path)
    (tmp_path / "resources").mkdir()
    with pytest.raises(module.ResourceError, match="not installed"):
        module.resources_root()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Built from a copy: an in-tree build writes build/ and sentidesk.egg-info/ into the
    # checkout, which other runs share, and a stale build/lib can leak into the wheel.
    source = tmp_path_factory.mktemp("source")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("wheelhouse")
    subprocess.run(
        [
            *PIP,
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--quiet",
            "--wheel-dir",
            str(out),
            str(source),
        ],
        check=True,
        timeout=120,
    )
    (built,) = out.glob("sentidesk-*.whl")
    return built


def test_wheel_ships_the_resources_under_its_own_name(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for file in RESOURCE_FILES:
        assert f"sentidesk_resources/{file}" in names
    assert "sentidesk_resources/__init__.py" in names
    assert not [n for n in names if n.startswith("resources/")]
    assert "console/cli.py" in names and "inference/resources.py" in names


def _site_packages(python: Path) -> Path:
    out = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return Path(out.strip()).resolve()


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh environment holding only the wheel, its dependencies borrowed from this one."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    # Installed before the dependencies become visible, so pip does not find this
    # environment's (editable) sentidesk and decline to install the same version again.
    subprocess.run(
        [
            *PIP,
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
        timeout=120,
    )
    # A plain path in a .pth file only extends sys.path: the .pth files in that folder, like
    # the editable install's import hook that maps console/ to the checkout, are not run.
    ours = {sysconfig.get_paths()[key] for key in ("purelib", "platlib")}
    (_site_packages(python) / "sentidesk-test-deps.pth").write_text("\n".join(sorted(ours)))
    return venv


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "SENTIDESK_DATA_DIR"}}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


CHECK_INSTALLED = """
import json
import console, sentidesk_resources
from PySide6.QtCore import QCoreApplication, QTranslator
from console.qt.fonts import BUNDLED_CJK_FONT
from console.qt.i18n import I18N_DIR
from console.services.demo import DEMO_FILE
from console.services.templates import TemplateLibrary
from inference.resources import resources_root
from training.corpora import authored_templates

app = QCoreApplication([])
print(json.dumps({
    "console": console.__file__,
    "resources": sentidesk_resources.__file__,
    "root": str(resources_root()),
    "paths": [str(DEMO_FILE), str(BUNDLED_CJK_FONT), str(I18N_DIR)],
    "templates": len(TemplateLibrary.load().templates),
    "demo_tickets": len(DEMO_FILE.read_text("utf-8").splitlines()),
    "authored_en": sum(1 for _ in authored_templates("en")),
    "translation": QTranslator().load(str(I18N_DIR / "sentidesk_zh_CN.qm")),
}))
"""


def test_installed_package_reads_its_own_resources(venv: Path, tmp_path: Path) -> None:
    python = venv / "bin" / "python"
    site = _site_packages(python)
    proc = subprocess.run(
        [str(python), "-c", CHECK_INSTALLED],
        check=False,
        cwd=tmp_path,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout.splitlines()[-1])
    for key in ("console", "resources", "root"):
        assert Path(found[key]).resolve().is_relative_to(site), (key, found[key])
    for path in found["paths"]:
        assert Path(path).resolve().is_relative_to(site / "sentidesk_resources"), path
    assert found["templates"] > 0 and found["demo_tickets"] > 0 and found["authored_en"] > 0
    assert found["translation"] is True


def test_installed_headless_run_scores_and_suggests_outside_the_checkout(
    venv: Path, tiny_model_template: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    staging = Path(shutil.copytree(tiny_model_template, tmp_path / "staging" / "m1"))
    registry = ModelRegistry(models_dir(data))
    registry.register(staging, Manifest("m1", "2026-11-28T00:00:00", "tiny"))
    registry.activate("m1")
    tickets = tmp_path / "tickets.csv"
    tickets.write_text(
        "id,text\nA,where is my order\nB,质量太差了，要求退款\nC,thanks great\n", "utf-8"
    )
    out = tmp_path / "out.jsonl"
    proc = subprocess.run(
        [
            str(venv / "bin" / "sentidesk"),
            "headless",
            "--tickets",
            str(tickets),
            "--out",
            str(out),
            "--data-dir",
            str(data),
        ],
        check=False,
        cwd=tmp_path,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert sorted(r["id"] for r in rows) == ["A", "B", "C"]
    assert [r["queue_position"] for r in rows] == [1, 2, 3]
    for row in rows:
        assert row["prediction"]["model_version"] == "m1"
        assert row["suggestion"]  # a template from the installed package
