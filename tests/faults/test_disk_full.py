"""A full disk under the SQLite database: one clear line, exit 2, nothing corrupted or lost.

The database lives on a real 4 MB tmpfs mounted for the test (mounting needs root; without it
the test is skipped and says so). A file too large for it, and an evaluation with no room left
for its results, must each fail with the 存储空间不足 message and no traceback; afterwards
the database passes `PRAGMA integrity_check` and still holds exactly what it held before.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.serving import ROOT, service_env

pytestmark = pytest.mark.slow
SMALL_DISK = "4m"
EARLIER = ROOT / "tests/data/tickets_zh.csv"  # four tickets, all from 2022
AT = "2022-12-31T00:00:00+08:00"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SMALL_DISK},mode=0700", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a {SMALL_DISK} tmpfs (needs root): {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "--lazy", str(mount_point)], capture_output=True, timeout=30)


def slamon(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def write_tickets(path: Path, count: int) -> None:
    start = datetime(2022, 3, 1)
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["工单编号", "类型", "故障等级", "资源池", "运营单位", "标题", "报障时间"])
        for number in range(count):
            reported = start + timedelta(minutes=11 * number)
            writer.writerow(
                [
                    f"BIG-{number:06d}",
                    "故障",
                    ("重大", "一般")[number % 2],
                    "一云",
                    "某运营单位",
                    "磁盘测试 " * 8,
                    f"{reported:%Y-%m-%d %H:%M}",
                ]
            )


def snapshot(database: Path) -> dict[str, Any]:
    """Integrity, and every row of the tables the earlier import and evaluation wrote."""
    engine = create_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as connection:
            rows = {
                table: connection.execute(text(f"SELECT * FROM {table} ORDER BY id")).all()
                for table in ("ticket", "import_run", "target_result", "result_change")
            }
            integrity = connection.execute(text("PRAGMA integrity_check")).scalar_one()
    finally:
        engine.dispose()
    return {"integrity": integrity, **rows}


def assert_one_clear_line(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("错误：存储空间不足（")
    assert lines[0].endswith("失败的写入已回滚：请释放空间后重新运行该命令")


@pytest.fixture
def earlier(tmp_path: Path, small_disk: Path) -> tuple[dict[str, str], dict[str, Any]]:
    """A database on the small disk with four tickets imported and evaluated."""
    env = service_env(tmp_path, f"sqlite:///{small_disk / 'slamon.db'}")
    assert slamon(env, tmp_path, "import", "tickets", str(EARLIER)).returncode == 0
    assert slamon(env, tmp_path, "evaluate", "--at", AT).returncode in (0, 1)
    before = snapshot(small_disk / "slamon.db")
    assert len(before["ticket"]) == 4 and before["target_result"]  # the earlier data is there
    return env, before


def test_an_import_larger_than_the_disk_fails_clearly_and_keeps_the_earlier_data(
    tmp_path: Path, small_disk: Path, earlier: tuple[dict[str, str], dict[str, Any]]
) -> None:
    env, before = earlier
    big = tmp_path / "big.csv"  # on the ordinary disk: ~3 MB of CSV, far more once stored
    write_tickets(big, 20_000)
    done = slamon(env, tmp_path, "import", "tickets", str(big))
    assert_one_clear_line(done)
    assert snapshot(small_disk / "slamon.db") == {**before, "integrity": "ok"}


def test_an_evaluation_with_no_room_for_its_results_fails_clearly_and_changes_nothing(
    tmp_path: Path, small_disk: Path, earlier: tuple[dict[str, str], dict[str, Any]]
) -> None:
    env, _ = earlier
    more = tmp_path / "more.csv"
    write_tickets(more, 2_000)
    assert slamon(env, tmp_path, "import", "tickets", str(more)).returncode == 0
    before = snapshot(small_disk / "slamon.db")
    # Fill the disk but for 128 KiB: room to open the database (its -shm and -wal files),
    # none for the results of 2,000 more tickets.
    room = os.statvfs(small_disk)
    (small_disk / "ballast").write_bytes(b"\0" * (room.f_bavail * room.f_frsize - 128 * 1024))
    done = slamon(env, tmp_path, "evaluate", "--at", AT)
    assert_one_clear_line(done)
    assert snapshot(small_disk / "slamon.db") == {**before, "integrity": "ok"}
