"""`slamon collect` leaves a collector whose lease another process holds (a running
`slamon serve`) to that process, and says so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor.storage.collector_leases import claim_share
from monitor.storage.collector_state import collector_runs
from monitor.storage.db import ensure_schema, make_engine
from tests.cli.test_cli import slamon


def test_a_collector_held_by_another_process_is_skipped_and_said_so(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    try:
        ensure_schema(engine)
        now = datetime.now(UTC)  # the command reads the wall clock: the lease must cover it
        assert claim_share(engine, "vm_up", now, now + timedelta(hours=1)) is not None
        settings = tmp_path / "collectors.yaml"
        settings.write_text(
            "prometheus:\n"
            "  - {name: vm_up, url: 'http://127.0.0.1:9', metric: availability,\n"
            "     query: 'up{job=\"vm\"}', start: '2022-07-01T00:00:00+08:00', retries: 0}\n",
            encoding="utf-8",
        )
        done = slamon(tmp_path, "collect", "--settings", str(settings))
        assert done.returncode == 0, done.stdout + done.stderr
        assert "另一进程正在采集，本次跳过" in done.stdout
        assert collector_runs(engine, "vm_up") == []  # nothing asked of the server, nothing run
    finally:
        engine.dispose()
