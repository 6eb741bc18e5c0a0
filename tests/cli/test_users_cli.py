"""`slamon users add|list` as an administrator runs them: a real process, a real SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def slamon(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SLAMON_DATABASE_URL": f"sqlite:///{tmp_path / 'users.db'}"}
    env.pop("SLAMON_CONTRACT", None)
    done = subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert "Traceback" not in done.stdout + done.stderr
    return done


def test_users_are_added_from_stdin_and_listed_without_their_passwords(tmp_path: Path) -> None:
    added = slamon(tmp_path, "users", "add", "监理张工", "--role", "supervisor",
                   "--password-stdin", stdin="a long password\n")  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "已添加用户：监理张工（监理单位，全部）" in added.stdout
    operator = slamon(tmp_path, "users", "add", "op2", "--role", "operator", "--pool", "二云",
                      "--password-stdin", stdin="another password\n")  # fmt: skip
    assert operator.returncode == 0, operator.stderr
    listed = slamon(tmp_path, "users", "list")
    assert listed.returncode == 0
    assert "监理张工" in listed.stdout and "二云" in listed.stdout and "密码" in listed.stdout
    assert "a long password" not in listed.stdout
    assert b"a long password" not in (tmp_path / "users.db").read_bytes()


def test_bad_input_is_one_clear_message_and_exit_2(tmp_path: Path) -> None:
    short = slamon(tmp_path, "users", "add", "x", "--role", "owner", "--password-stdin",
                   stdin="short\n")  # fmt: skip
    assert (short.returncode, short.stderr.strip()) == (
        2,
        "错误：密码至少需要 8 个字符",
    )
    no_pool = slamon(tmp_path, "users", "add", "op", "--role", "operator", "--sso")
    assert no_pool.returncode == 2 and "运维方须指定 --pool" in no_pool.stderr
    role = slamon(tmp_path, "users", "add", "x", "--role", "admin", "--sso")
    assert role.returncode == 2 and "'admin' 不是 'supervisor', 'owner'" in role.stderr
    assert "尚无用户" in slamon(tmp_path, "users", "list").stdout
