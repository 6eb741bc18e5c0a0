"""A database that fails under a command is one clear line, never "internal error": a
connection ended mid-import on the real PostgreSQL, and a lone surrogate in a JSON file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from monitor.storage.ingest import REJECTED
from monitor.storage.tickets import TICKET_TABLE
from tests.serving import service_env, wait_until

FILE = """[
 {"工单编号": "GZ-1", "类型": "故障", "故障等级": "重大", "报障时间": "2024-06-03 10:00"},
 {"工单编号": "GZ-2", "类型": "故障", "标题": "x\\udc00y", "报障时间": "2024-06-03 10:00"}
]
"""


def import_command(path: Path) -> list[str]:
    return [sys.executable, "-m", "monitor", "import", "tickets", str(path)]


def env_for(engine: Engine, workdir: Path) -> dict[str, str]:
    return service_env(workdir, engine.url.render_as_string(hide_password=False))


def test_a_lone_surrogate_in_a_json_file_rejects_its_row_and_stores_the_rest(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "tickets.json"
    path.write_text(FILE, encoding="utf-8")
    done = subprocess.run(
        import_command(path),
        env=env_for(engine, tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 3, done.stderr
    assert "第 3 行，工单 GZ-2" in done.stdout + done.stderr
    assert "孤立代理项" in done.stdout + done.stderr
    with engine.connect() as connection:
        assert connection.execute(select(TICKET_TABLE.c.ticket_id)).scalars().all() == ["GZ-1"]
        assert connection.execute(select(REJECTED.c.line)).scalars().all() == [3]


@pytest.mark.postgres
def test_a_connection_ended_mid_import_is_one_line_and_nothing_is_stored(
    postgres_engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "tickets.json"
    path.write_text(FILE.replace("x\\udc00y", "fine"), encoding="utf-8")
    database = postgres_engine.url.database
    waiting = "SELECT pid FROM pg_stat_activity WHERE datname = :db AND wait_event_type = 'Lock'"
    with (
        postgres_engine.connect() as holder,
        postgres_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as admin,
    ):
        # The import waits for this lock; its backend is then ended from outside, mid-statement.
        holder.execute(text("LOCK TABLE ticket IN ACCESS EXCLUSIVE MODE"))
        importer = subprocess.Popen(
            import_command(path),
            env=env_for(postgres_engine, tmp_path),
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        pids = wait_until(
            lambda: admin.execute(text(waiting), {"db": database}).scalars().all(), timeout=60
        )
        assert pids, "the import never reached the database"
        for pid in pids:
            admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        stdout, stderr = importer.communicate(timeout=60)
        holder.rollback()
    assert importer.returncode == 2, stderr
    assert "Traceback" not in stdout + stderr and "内部错误" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("错误：数据库连接中断（")
    assert lines[0].endswith("本次写入已全部回滚，请重新运行该命令")
    with postgres_engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(TICKET_TABLE)).scalar() == 0
