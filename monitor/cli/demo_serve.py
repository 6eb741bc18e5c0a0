"""`slamon demo` serving: `slamon serve` and the dashboard side by side on loopback, until Ctrl-C
or SIGTERM stops the demo, which then stops both."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import FrameType

from monitor.cli.context import UsageProblem
from monitor.cli.dashboard_cmd import streamlit_command
from monitor.cli.language import echo
from monitor.domain.message import Message

HOST = "127.0.0.1"
READY_WITHIN = 120.0  # seconds: the start-up evaluation and Streamlit's first start
# slamon serve stops within SLAMON_STOP_TIMEOUT (15 s by default); then a little more.
STOP_WITHIN = 30.0
_POLL = 0.25
# Streamlit ends its own way on SIGTERM.
_CLEAN_EXITS = {"slamon serve": {0}, "dashboard": {0, -signal.SIGTERM, 128 + signal.SIGTERM}}


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    health_url: str


def check_free(port: int, option: str) -> None:
    """Refuse a loopback port something else listens on, before anything is started."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As uvicorn and Streamlit bind: a port a stopped demo left in TIME_WAIT is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            raise UsageProblem(
                Message(
                    f"{HOST} 的端口 {port} 已被占用：请用 {option} 另选一个",
                    f"port {port} on {HOST} is in use: choose another with {option}",
                )
            ) from None


def serve_together(
    env: Mapping[str, str], port: int, dashboard_port: int, on_ready: Callable[[], None]
) -> None:
    """Run slamon serve and the dashboard until the demo is asked to stop, then stop both.

    Each child runs in its own session, so the terminal's Ctrl-C reaches only the demo, which
    then sends each one SIGTERM once (a second signal would cut slamon serve's clean stop
    short). A child that stops by itself stops the demo.
    """
    stop = threading.Event()

    def asked(_signal: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, asked) for sig in (signal.SIGTERM, signal.SIGINT)}
    children: list[Child] = []
    try:
        service = [sys.executable, "-m", "monitor", "serve", "--host", HOST, "--port", str(port)]
        children.append(_start("slamon serve", service, env, f"http://{HOST}:{port}/readyz"))
        dashboard = [*streamlit_command(dashboard_port, HOST), "--logger.level", "error"]
        url = f"http://{HOST}:{dashboard_port}/_stcore/health"
        # Streamlit's banner would repeat the address the demo prints; its errors stay.
        children.append(_start("dashboard", dashboard, env, url, quiet=True))
        _wait_ready(children, stop)
        if not stop.is_set():
            on_ready()
        while not stop.wait(_POLL):
            for child in children:
                if child.process.poll() is not None:
                    code = child.process.returncode
                    raise UsageProblem(
                        Message(
                            f"{child.name} 自行停止（退出码 {code}）",
                            f"{child.name} stopped by itself (exit {code})",
                        )
                    )
    finally:
        unclean = _stop(children)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if unclean:
        raise UsageProblem("; ".join(unclean))


def _start(
    name: str, command: list[str], env: Mapping[str, str], health_url: str, quiet: bool = False
) -> Child:
    process = subprocess.Popen(
        command,
        env=dict(env),
        stdout=subprocess.DEVNULL if quiet else None,
        start_new_session=True,
    )
    return Child(name, process, health_url)


def _wait_ready(children: list[Child], stop: threading.Event) -> None:
    """Until every child answers its health URL with 200; a child that exits first is an error."""
    deadline = time.monotonic() + READY_WITHIN
    waiting = list(children)
    while waiting and not stop.is_set():
        for child in list(waiting):
            if child.process.poll() is not None:
                code = child.process.returncode
                raise UsageProblem(
                    Message(
                        f"{child.name} 启动时停止（退出码 {code}）",
                        f"{child.name} stopped while starting (exit {code})",
                    )
                )
            if _answers(child.health_url):
                waiting.remove(child)
        if time.monotonic() > deadline:
            names = ", ".join(child.name for child in waiting)
            raise UsageProblem(
                Message(
                    f"{names} 未在 {READY_WITHIN:g} 秒内就绪",
                    f"{names} did not become ready within {READY_WITHIN:g} s",
                )
            )
        stop.wait(_POLL)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return bool(answer.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _stop(children: list[Child]) -> list[str]:
    """SIGTERM to each running child, then wait; one still running is killed. What was unclean."""
    for child in children:
        if child.process.poll() is None:
            child.process.send_signal(signal.SIGTERM)
    unclean = []
    deadline = time.monotonic() + STOP_WITHIN
    for child in children:
        try:
            code = child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.process.kill()
            child.process.wait()
            unclean.append(f"{child.name} did not stop within {STOP_WITHIN:g} s and was killed")
            continue
        if code not in _CLEAN_EXITS[child.name]:
            unclean.append(f"{child.name} stopped with exit code {code}")
    echo("演示已停止", "demo stopped", err=True)
    return unclean
