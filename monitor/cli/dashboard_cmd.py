"""`slamon dashboard`: start the Streamlit dashboard on the same database as `slamon serve`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

import click

from monitor.cli.context import Runtime, UsageProblem
from monitor.cli.help_language import SpokenCommand, both
from monitor.cli.language import echo
from monitor.domain.message import Message

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
# Streamlit stops in well under a second; past this a stop kills it.
STOP_GRACE_SECONDS = 10.0


def streamlit_command(port: int, address: str) -> list[str]:
    """The `streamlit run` command line; headless, no usage statistics sent anywhere."""
    return [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.port", str(port),
        "--server.address", address,
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "viewer",
        # Whatever escapes the pages' error boundary still shows no traceback to a reader.
        "--client.showErrorDetails", "none",
    ]  # fmt: skip


@click.command(cls=SpokenCommand)
@click.option(
    "--port",
    default=8501,
    show_default=True,
    type=click.IntRange(1, 65535),
    help=both("监听的端口。", "The port to listen on."),
)
@click.option(
    "--address",
    default="127.0.0.1",
    show_default=True,
    help=both(
        "监听地址；0.0.0.0 时对其他机器提供服务（请在前面加 TLS）。",
        "Listen address; 0.0.0.0 to serve other machines (put TLS in front of it).",
    ),
)
def dashboard(port: int, address: str) -> None:
    """启动监控大屏（Streamlit 网页），数据库为 SLAMON_DATABASE_URL。

    English:

    Start the web dashboard (Streamlit) on SLAMON_DATABASE_URL.
    """
    runtime = Runtime()
    runtime.engine  # noqa: B018 - refuse an out-of-date schema here, not inside the browser
    if not APP.exists():
        raise UsageProblem(
            Message(
                f"监管大屏未与 slamon 一同安装：缺少 {APP}",
                f"the dashboard is not installed next to slamon: {APP} is missing",
            )
        )
    database = runtime.settings.database_url
    echo(
        f"监管大屏：http://{address}:{port}（数据库 {database}）",
        f"dashboard: http://{address}:{port} (database {database})",
    )
    code = run_until_stopped(streamlit_command(port, address))
    if code not in (0, -signal.SIGINT, -signal.SIGTERM, 128 + signal.SIGINT):
        raise UsageProblem(
            Message(f"streamlit 已停止，退出码 {code}", f"streamlit stopped with exit code {code}")
        )


def run_until_stopped(command: list[str], grace: float = STOP_GRACE_SECONDS) -> int:
    """Run `command` to its end; SIGTERM or Ctrl-C to this process is passed on to it and
    waited for (killed after `grace` seconds), so a stopped `slamon dashboard` leaves no
    Streamlit serving on its own."""
    child = subprocess.Popen(command, env=os.environ.copy())
    asked: list[float] = []

    def pass_on(signum: int, _frame: FrameType | None) -> None:
        asked.append(time.monotonic())
        if child.poll() is None:
            child.send_signal(signum)

    previous = {number: signal.signal(number, pass_on) for number in STOP_SIGNALS}
    try:
        while True:
            try:
                return child.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                if asked and time.monotonic() - asked[0] > grace:
                    child.kill()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
