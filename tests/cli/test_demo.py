"""`slamon demo` as a newcomer runs it: the sample year scored as the 2022 evaluation scored it,
then the service and the dashboard on loopback until SIGTERM."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from tests.cli.test_cli import slamon

# The 2022 Zhongshan evaluation's points of the indicators slamon computes (附件：绩效评价指标
# 评分表), each from the sample year's records.
COMPUTED_POINTS = {
    "系统故障响应或维护及时性": "2",  # 170 faults, GZ-2022-0102 late
    "项目资源可用率": "1",  # vm and physical ≥ 99.95 % from the outage records
    "项目正常运行率": "1",  # network ≥ 99.9 %, power ≥ 99.99 %
    "第一资源池云资源利用率": "0",  # 一云 47.4 / 64.6 / 63.8 → 58.6 %
    "主机闲置资源回收率": "3",  # two idle storage partitions, both reclaimed in time
    "服务水平协议（SLA）考核": "1",  # the evaluators' SLA assessment score 92
    "项目备份服务": "2",  # backup ≥ 99.95 %, eight restores in time
    "云资源和云存储资源使用率": "8",  # the lower pool, 二云 45.00 / 57.01 / 68 → 56.67 %
    "目标用户使用体验满意率": "4.5",  # 72 replies, rate 82.5 %
}


def test_demo_no_serve_scores_the_sample_year_78_and_zhong(tmp_path: Path) -> None:
    env = {"SLAMON_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}"}
    done = slamon(tmp_path, "demo", "--no-serve", env=env)
    assert done.returncode == 0, done.stderr
    assert "工单 448 张：" in done.stdout and "拒绝 0 行" in done.stdout
    assert "考核期 2022；总分 78.00 / 100，等级 中" in done.stdout
    computed = dict(re.findall(r"^\S+\s+(\S+)\s+系统计算\s+(\S+)", done.stdout, flags=re.MULTILINE))
    assert computed == COMPUTED_POINTS
    assert re.search(r"GZ-2022-0102\s+重大故障解决时限\s+超时违约", done.stdout)
    assert "启动服务" not in done.stdout  # --no-serve: nothing started


def test_demo_refuses_a_database_it_did_not_make(tmp_path: Path) -> None:
    theirs = tmp_path / "theirs.db"
    theirs.write_bytes(b"someone's data")
    env = {"SLAMON_DATABASE_URL": f"sqlite:///{theirs}"}
    done = slamon(tmp_path, "demo", "--no-serve", env=env)
    assert done.returncode == 2
    assert "中有不是演示生成的数据" in done.stderr
    assert theirs.read_bytes() == b"someone's data"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def _until(condition: Callable[[], bool], seconds: float, what: str, output: list[str]) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} within {seconds} s:\n{''.join(output)}"
        time.sleep(0.25)


def test_demo_serves_the_service_and_the_dashboard_until_sigterm(tmp_path: Path) -> None:
    port, dashboard_port = _free_port(), _free_port()
    environment = {**os.environ, "SLAMON_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}"}
    environment.pop("SLAMON_CONTRACT", None)
    demo = subprocess.Popen(
        [sys.executable, "-m", "monitor", "demo", "--port", str(port),
         "--dashboard-port", str(dashboard_port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=environment,
        cwd=tmp_path,
    )  # fmt: skip
    output: list[str] = []
    assert demo.stdout is not None
    reader = threading.Thread(target=output.extend, args=(iter(demo.stdout.readline, ""),))
    reader.start()
    service = f"http://127.0.0.1:{port}"
    dashboard = f"http://127.0.0.1:{dashboard_port}"
    try:
        _until(lambda: _answers(f"{service}/readyz"), 180, "slamon serve ready", output)
        _until(lambda: _answers(f"{dashboard}/_stcore/health"), 60, "dashboard up", output)
        _until(lambda: "演示运行中" in "".join(output), 30, "the demo's addresses", output)
        printed = "".join(output)
        assert f"监管大屏  {dashboard}" in printed
        assert re.search(r"登录\s+演示监理 / \S{8,}（监理单位）", printed)
        # A live clock: nobody on site 25 minutes after a major fault, announced on the console.
        _until(lambda: "【临近超时】重大故障到场时限" in "".join(output), 60, "an alert", output)
    finally:
        demo.send_signal(signal.SIGTERM)
        code = demo.wait(timeout=90)
        reader.join(timeout=10)
        demo.stdout.close()
    assert code == 0, "".join(output)
    assert "演示已停止" in "".join(output)
    assert "Traceback" not in "".join(output)
    assert not _answers(f"{service}/healthz") and not _answers(f"{dashboard}/_stcore/health")
