"""The two worker threads the window hands blocking work to.

* ``db``: one thread for all SQLite work, so writes are serialized and the connection is
  only ever used from one thread at a time.
* ``model``: one thread for tokenizing and running the model (ONNX Runtime uses its own
  intra-op threads underneath), so scoring a backlog never competes with an explanation
  request for more than one batch.

Coroutines on the GUI thread ``await workers.db(fn, ...)``; the result comes back on the GUI
thread, where Qt objects may be touched again.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class Workers:
    def __init__(self) -> None:
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sentidesk-db")
        self._model = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sentidesk-model")

    async def db(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._db, functools.partial(fn, *args, **kwargs))

    def submit_db(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> asyncio.Future[T]:
        """Queue ``fn`` on the database worker at once rather than when a coroutine first
        runs, so a write the agent asked for is in line before whatever comes next (closing
        the window, say)."""
        loop = asyncio.get_running_loop()
        return loop.run_in_executor(self._db, functools.partial(fn, *args, **kwargs))

    async def model(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._model, functools.partial(fn, *args, **kwargs))

    def shutdown(self) -> None:
        """Wait for running jobs (a half-written transaction must finish), drop queued ones."""
        self._model.shutdown(wait=True, cancel_futures=True)
        self._db.shutdown(wait=True, cancel_futures=True)
