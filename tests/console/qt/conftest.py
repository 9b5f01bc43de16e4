"""Qt fixtures: a qasync loop that runs whenever pytest-qt processes events, and accounts to
open windows as (without going through the login dialog)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from qasync import QEventLoop

from console.services.accounts import Account

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


def make_account(name: str = "Max Agent", role: str = "agent") -> Account:
    """An account to hand ``build_window`` / ``MainWindow`` directly. It need not exist in the
    store: the window only stores its name on what it writes (an author without an account
    counts as an agent when corrections are read back)."""
    return Account(name, role, False, "2024-01-01T00:00:00+00:00")


@pytest.fixture
def agent_account() -> Account:
    return make_account("Max Agent", "agent")


@pytest.fixture
def supervisor_account() -> Account:
    return make_account("Sue Supervisor", "supervisor")
