"""`slamon dashboard`: start the Streamlit dashboard on the same database as `slamon serve`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

from monitor.cli.context import Runtime, UsageProblem

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"


def streamlit_command(port: int, address: str) -> list[str]:
    """The `streamlit run` command line; headless, no usage statistics sent anywhere."""
    return [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.port", str(port),
        "--server.address", address,
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "viewer",
    ]  # fmt: skip


@click.command()
@click.option("--port", default=8501, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--address",
    default="127.0.0.1",
    show_default=True,
    help="Listen address; 0.0.0.0 to serve other machines (put TLS in front of it).",
)
def dashboard(port: int, address: str) -> None:
    """监控大屏 Start the web dashboard (Streamlit) on SLAMON_DATABASE_URL."""
    runtime = Runtime()
    runtime.engine  # noqa: B018 - refuse an out-of-date schema here, not inside the browser
    if not APP.exists():
        raise UsageProblem(f"the dashboard is not installed next to slamon: {APP} is missing")
    click.echo(
        f"仪表盘 dashboard: http://{address}:{port}  (数据库 {runtime.settings.database_url})"
    )
    try:
        done = subprocess.run(streamlit_command(port, address), env=os.environ.copy(), check=False)
    except KeyboardInterrupt:
        return
    if done.returncode not in (0, -2, 130):
        raise UsageProblem(f"streamlit stopped with exit code {done.returncode}")
