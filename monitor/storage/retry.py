"""A transaction that lost to another writer, run again: a deadlock or serialisation failure
PostgreSQL rolled back, or SQLite still locked after its busy timeout (monitor.storage.failures
calls all of them a conflict). Each attempt is the whole transaction from its start, so what
it reads is read again; other failures are raised at once."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from monitor.storage.failures import storage_failure

log = logging.getLogger(__name__)
T = TypeVar("T")

# A file import re-reads its file on each attempt; the writers it lost to have usually
# committed within a second or two.
IMPORT_ATTEMPTS = 6
IMPORT_FIRST_DELAY = 0.2
# An API batch runs within a request: a few quick tries, then a 503 with Retry-After.
BATCH_ATTEMPTS = 5
BATCH_FIRST_DELAY = 0.05
_CAP = 5.0


def retried(
    work: Callable[[], T],
    *,
    what: str,
    attempts: int = IMPORT_ATTEMPTS,
    first_delay: float = IMPORT_FIRST_DELAY,
    sleep: Callable[[float], None] = time.sleep,
    jitter: Callable[[], float] = random.random,
) -> T:
    """work(), run again after a conflict up to `attempts` times in all; the last conflict is
    raised. The n-th wait is between half and all of first_delay·2ⁿ⁻¹ (at most _CAP
    seconds), drawn at random, so writers that collided do not meet again in step."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except Exception as error:
            failure = storage_failure(error)
            if failure is None or failure.kind != "conflict" or attempt == attempts:
                raise
            delay = min(_CAP, first_delay * 2 ** (attempt - 1)) * (0.5 + jitter() / 2)
            log.warning(
                "%s collided with another writer (%s); attempt %d of %d in %.2f s",
                what,
                failure.reason,
                attempt + 1,
                attempts,
                delay,
            )
            sleep(delay)
    raise AssertionError("unreachable: the last attempt returns or raises")
