"""`slamon dashboard` as a service manager stops it: SIGTERM to slamon stops its Streamlit
child too, and slamon exits 0, leaving nothing serving the port."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.serving import ROOT, free_port, wait_until

pytestmark = pytest.mark.slow


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has stopped; only its exit status is left


def _healthy(url: str) -> bool:
    try:
        return requests.get(f"{url}/_stcore/health", timeout=2).text.strip() == "ok"
    except requests.RequestException:
        return False


def test_sigterm_stops_the_streamlit_child_and_exits_0(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "SLAMON_DATABASE_URL": f"sqlite:///{tmp_path / 'slamon.db'}",
        "HOME": str(tmp_path),  # Streamlit keeps its machine id under ~
        "PYTHONPATH": str(ROOT),
    }
    env.pop("SLAMON_CONTRACT", None)
    log = (tmp_path / "dashboard.log").open("wb")
    slamon = subprocess.Popen(
        [sys.executable, "-m", "monitor", "dashboard", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    children: list[int] = []
    try:
        url = f"http://127.0.0.1:{port}"
        assert wait_until(lambda: _healthy(url), timeout=60), (
            tmp_path / "dashboard.log"
        ).read_text()
        children = _children(slamon.pid)
        assert len(children) == 1  # streamlit, started by slamon
        slamon.send_signal(signal.SIGTERM)
        assert slamon.wait(timeout=20) == 0, (tmp_path / "dashboard.log").read_text()
        assert wait_until(lambda: not _alive(children[0]), timeout=5)
        assert not _healthy(url)
    finally:
        for pid in children:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        if slamon.poll() is None:
            slamon.kill()
            slamon.wait(timeout=10)
        log.close()
