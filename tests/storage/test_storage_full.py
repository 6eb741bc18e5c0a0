"""monitor.cli.storage_full: which failures are a full disk (shown as 存储空间不足, exit 2)."""

from __future__ import annotations

import errno
import sqlite3

from sqlalchemy.exc import OperationalError

from monitor.cli.storage_full import storage_full


def test_sqlites_full_database_through_sqlalchemy_is_a_full_disk() -> None:
    error = OperationalError("INSERT …", {}, sqlite3.OperationalError("database or disk is full"))
    assert storage_full(error) == "database or disk is full"


def test_enospc_and_a_file_size_limit_are_a_full_disk_also_as_a_cause() -> None:
    try:
        try:
            raise OSError(errno.EFBIG, "File too large")
        except OSError as cause:
            raise RuntimeError("writing the export failed") from cause
    except RuntimeError as wrapped:
        assert storage_full(wrapped) == "[Errno 27] File too large"
    assert storage_full(OSError(errno.ENOSPC, "No space left on device")) is not None


def test_other_database_errors_are_not() -> None:
    error = OperationalError("SELECT 1", {}, sqlite3.OperationalError("database is locked"))
    assert storage_full(error) is None
    assert storage_full(OSError(errno.EACCES, "Permission denied")) is None
