"""uvicorn's server with a bounded stop: SIGTERM (or Ctrl-C) to exit within SLAMON_STOP_TIMEOUT.

On a stop uvicorn closes its sockets, lets open requests finish and then ends the app's
lifespan, which shuts the scheduler down (ServiceScheduler.shutdown). The scheduler is told the
moment the stop begins, so its jobs wind down while the requests finish, and both wait for the
same deadline. Whatever still runs when the bound is reached (a database that does not answer,
a collector slower than its timeout) is abandoned: a watchdog ends the process. Every write is
one transaction, so an abandoned job leaves nothing half stored, and the next start catches up.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import threading
from collections.abc import Callable
from datetime import timedelta
from types import FrameType

import uvicorn

log = logging.getLogger(__name__)


class BoundedServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, bound: timedelta, on_stop: Callable[[], None]):
        super().__init__(config)
        self.bound = bound
        self.on_stop = on_stop
        self.asked_early = False
        self._watchdog: threading.Timer | None = None

    def ask_early(self, _signal: int, _frame: FrameType | None) -> None:
        """A signal handler for the moments before uvicorn listens for signals itself (and
        after it has stopped listening): a stop asked for then is made once serving starts."""
        self.asked_early = True

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.asked_early:
            self.should_exit = True

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        # Here, in the event loop, rather than in the signal handler: starting a thread from a
        # handler can deadlock on the interpreter's own thread locks.
        self.on_stop()
        self._arm_watchdog()
        await super().shutdown(sockets)

    def _arm_watchdog(self) -> None:
        if self._watchdog is None:
            seconds = self.bound.total_seconds()
            self._watchdog = threading.Timer(seconds, _abandon, args=(seconds,))
            self._watchdog.daemon = True
            self._watchdog.start()


def _abandon(seconds: float) -> None:
    """The bound has passed: exit now, without the jobs still running."""
    log.error(
        "slamon serve: still stopping %g s after the stop was asked for; exiting now", seconds
    )
    sys.stderr.flush()
    # Exit code 0: the stop was asked for and is done; what was cut short stored nothing.
    os._exit(0)
