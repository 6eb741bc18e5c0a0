"""The demo's database: made anew each run, never someone else's."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.cli.context import UsageProblem
from monitor.cli.demo_year import fresh_database


def test_a_new_file_is_made_with_its_marker(tmp_path: Path) -> None:
    url = fresh_database(f"sqlite:///{tmp_path / 'data' / 'demo.db'}")
    assert url == f"sqlite:///{tmp_path / 'data' / 'demo.db'}"
    assert (tmp_path / "data" / "demo.db.demo").exists()


def test_the_demo_s_own_file_is_emptied(tmp_path: Path) -> None:
    url = fresh_database(f"sqlite:///{tmp_path / 'demo.db'}")
    for name in ("demo.db", "demo.db-wal", "demo.db-shm"):
        (tmp_path / name).write_bytes(b"last run")
    assert fresh_database(url) == url
    assert not any((tmp_path / name).exists() for name in ("demo.db", "demo.db-wal", "demo.db-shm"))


def test_a_file_the_demo_did_not_make_is_kept(tmp_path: Path) -> None:
    theirs = tmp_path / "slamon.db"
    theirs.write_bytes(b"their tickets")
    with pytest.raises(UsageProblem, match="holds data the demo did not make"):
        fresh_database(f"sqlite:///{theirs}")
    assert theirs.read_bytes() == b"their tickets"


@pytest.mark.parametrize(
    "url", ["postgresql+psycopg://slamon@127.0.0.1:5432/slamon", "sqlite://", "sqlite:///:memory:"]
)
def test_only_a_sqlite_file_will_do(url: str) -> None:
    with pytest.raises(UsageProblem, match="a SQLite file of its own"):
        fresh_database(url)
