"""`slamon token create|list` as an administrator runs them: every token says what it writes
and which pools it may touch; a real process, a real SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from monitor.storage.db import make_engine
from monitor.storage.tokens import find_token


def slamon(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SLAMON_DATABASE_URL": f"sqlite:///{tmp_path / 'tokens.db'}"}
    env.pop("SLAMON_CONTRACT", None)
    done = subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert "Traceback" not in done.stdout + done.stderr
    return done


def test_a_token_is_created_with_its_source_and_pools_and_listed_with_them(
    tmp_path: Path,
) -> None:
    created = slamon(tmp_path, "token", "create", "pool1-ops", "--source", "pool1-desk",
                     "--pool", "一云", "--pool", "三云")  # fmt: skip
    assert created.returncode == 0, created.stderr
    wall = slamon(tmp_path, "token", "create", "wall", "--read-only", "--all-pools")
    assert wall.returncode == 0, wall.stderr

    engine = make_engine(f"sqlite:///{tmp_path / 'tokens.db'}")
    found = find_token(engine, created.stdout.strip())
    read_only = find_token(engine, wall.stdout.strip())
    engine.dispose()
    assert found is not None and (found.name, found.source, found.pools) == (
        "pool1-ops",
        "pool1-desk",
        ("一云", "三云"),
    )
    assert read_only is not None and (read_only.source, read_only.pools) == (None, None)
    listed = slamon(tmp_path, "token", "list").stdout
    assert "pool1-desk" in listed and "一云、三云" in listed
    assert "（只读）" in listed and "（全部）" in listed


def test_a_token_without_a_say_on_its_source_or_pools_is_refused(tmp_path: Path) -> None:
    for args, expected in [
        (("--pool", "一云"), "写入令牌须指定 --source，只读令牌须指定 --read-only，二者选一"),
        (("--source", "d", "--read-only", "--all-pools"), "--read-only，二者选一"),
        (("--source", "d"), "须指定 --pool（可重复）或 --all-pools，二者选一"),
        (("--source", "d", "--pool", "一云", "--all-pools"), "或 --all-pools"),
        (("--source", "d\n", "--all-pools"), "第 2 个字符是控制字符 U+000A"),
        (("--source", "d", "--pool", " "), "资源池 ' '：须为 1 到 100 个字符"),
    ]:
        done = slamon(tmp_path, "token", "create", "x", *args)
        assert done.returncode == 2, (args, done.stderr)
        assert expected in done.stderr, (args, done.stderr)
