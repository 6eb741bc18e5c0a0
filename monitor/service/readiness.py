"""The readiness checks beyond "the database answers": whole evaluations that keep failing, and
a SQLite database's disk running out. Each says "ok" or why not, in 中文 and English."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Protocol

from sqlalchemy import Engine

from monitor.storage.failures import storage_failure

# Below this much room a SQLite database's next whole evaluation (its results, their flips and
# the journal) may not fit: the service says so before a write fails.
MIN_FREE_BYTES = 8 * 1024 * 1024
_LONGEST_REASON = 300  # a readiness answer names the error, it does not hold a traceback


class Evaluating(Protocol):
    """What readiness reads of the scheduler (monitor.service.scheduler.ServiceScheduler)."""

    retries: dict[str, int]
    last_errors: dict[str, BaseException]


def evaluation_check(scheduler: Evaluating) -> str:
    """ "ok", or how many whole evaluations failed in a row and the last one's error."""
    failures = scheduler.retries.get("evaluate", 0)
    if not failures:
        return "ok"
    error = scheduler.last_errors.get("whole evaluation")
    if error is None:
        reason = "see the log"
    elif (failure := storage_failure(error)) is not None:
        reason = failure.message("it is retried on its own")
    else:
        reason = f"{type(error).__name__}: {error}"
    reason = " ".join(reason.split())[:_LONGEST_REASON]
    return (
        f"全量评估连续失败 {failures} 次 whole evaluation failed {failures} time(s) in a row: "
        f"{reason}"
    )


def storage_check(engine: Engine) -> str:
    """ "ok", or that the disk under a SQLite database file is (all but) full; a server
    database's disk is not seen from here (a failing write is: evaluation_check)."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return "ok"
    folder = Path(url.database).resolve().parent
    try:
        free = shutil.disk_usage(folder).free
    except OSError as error:
        return f"无法读取磁盘空间 cannot read the free space of {folder}: {error}"
    if free >= MIN_FREE_BYTES:
        return "ok"
    return (
        f"存储空间不足 no space left for the database: {free // 1024} KiB free in {folder} "
        f"(at least {MIN_FREE_BYTES // (1024 * 1024)} MiB needed)"
    )
