"""Qt fixtures: a qasync loop that runs whenever pytest-qt processes events."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from qasync import QEventLoop

T = TypeVar("T")


@pytest.fixture
def qloop(qapp: QApplication) -> Iterator[QEventLoop]:
    """An asyncio loop driven by Qt's: ``qtbot.waitUntil`` also advances coroutines."""
    loop = QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    yield loop
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(None)


@pytest.fixture
def run(qtbot: QtBot, qloop: QEventLoop) -> Callable[[Awaitable[Any]], Any]:
    """Run a coroutine to completion on the Qt-driven loop and return its result."""

    def runner(coro: Awaitable[T], timeout: int = 60_000) -> T:
        future = asyncio.ensure_future(coro)
        qtbot.waitUntil(future.done, timeout=timeout)
        return future.result()

    return runner
