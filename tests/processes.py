"""The real servers the tests start (Prometheus, Alertmanager, VictoriaMetrics, Streamlit …):
started with their output in a log file, stopped as their operator would stop them."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import yaml


def stop(process: subprocess.Popen[Any], timeout: float = 15) -> None:
    """SIGTERM, then SIGKILL for a process that has not ended within `timeout` seconds."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def start_prometheus(config: dict[str, Any], folder: Path, port: int) -> subprocess.Popen[bytes]:
    """A real Prometheus on 127.0.0.1:`port` with `config`, its data and log in `folder`."""
    (folder / "prometheus.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    with (folder / "prometheus.log").open("ab") as log:
        return subprocess.Popen(
            [
                "prometheus",
                f"--config.file={folder / 'prometheus.yml'}",
                f"--storage.tsdb.path={folder / 'tsdb'}",
                f"--web.listen-address=127.0.0.1:{port}",
            ],
            stdout=log,
            stderr=log,
        )
