"""What `slamon serve` says when it starts: a service with no alert channel warns that its
alerts are stored and none is sent, in the log and on stderr, in the language it runs in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from monitor.alerting.config import AlertingConfig, ChannelConfig
from monitor.cli.serve_cmd import _warn_without_channels
from tests.serving import Serve, service_env

pytestmark = pytest.mark.slow

WARNING = "未配置告警渠道：告警只存入数据库，不会发送"


def test_serve_without_a_channel_warns_that_no_alert_is_sent(
    tmp_path: Path, processes: list[Serve]
) -> None:
    env = service_env(tmp_path, f"sqlite:///{tmp_path / 'slamon.db'}")  # no alerting.yaml
    serve = Serve(tmp_path, env)
    processes.append(serve)
    serve.start(until="/healthz")
    assert serve.terminate() == 0
    lines = [line for line in serve.log().splitlines() if WARNING in line]
    assert len(lines) == 2, serve.log()[-2000:]
    logged, echoed = sorted(lines, key=lambda line: line.startswith("警告"))
    assert " WARNING monitor.cli.serve_cmd: " in logged
    assert echoed.startswith("警告：未配置告警渠道")
    assert str(tmp_path / "alerting.yaml") in echoed


def test_serve_in_english_warns_in_english_only(tmp_path: Path, processes: list[Serve]) -> None:
    env = service_env(tmp_path, f"sqlite:///{tmp_path / 'slamon.db'}", SLAMON_LANG="en")
    serve = Serve(tmp_path, env)
    processes.append(serve)
    serve.start(until="/healthz")
    assert serve.terminate() == 0
    said = "no alert channel is configured: alerts are stored, none is sent"
    lines = [line for line in serve.log().splitlines() if said in line]
    assert len(lines) == 2, serve.log()[-2000:]
    assert any(line.startswith("warning: ") for line in lines)
    start = [line for line in serve.log().splitlines() if line.startswith("slamon serve")]
    assert start and all(re.search("[\u4e00-\u9fff]", line) is None for line in start + lines)
    assert WARNING not in serve.log()


def test_a_configured_channel_starts_without_the_warning(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    hook = ChannelConfig(name="hook", type="webhook", url="http://127.0.0.1:9/hook")
    _warn_without_channels(AlertingConfig(channels=(hook,)), Path("alerting.yaml"))
    assert capsys.readouterr().err == "" and not caplog.records
