"""`slamon serve`: the scheduler, the HTTP API and /metrics in one long-running process."""

from __future__ import annotations

import logging
import math
import signal
from datetime import timedelta
from pathlib import Path
from types import FrameType

import click

from collectors.service_jobs import service_jobs
from collectors.settings import CollectorSettingsError, load_collector_settings
from collectors.tickets.file_import import parse_records
from collectors.tickets.profile import ProfileError
from monitor.alerting.config import AlertingConfig, AlertingConfigError, load_alerting
from monitor.cli.context import Runtime, UsageProblem, contract_option, settings_from_environment
from monitor.cli.help_language import SpokenCommand, both
from monitor.cli.language import WARNING_LEAD, chosen, echo, say
from monitor.domain.durations import format_duration
from monitor.domain.message import Message, message_of
from monitor.service.collector_jobs import CollectorJob
from monitor.service.running import EXIT_TIME, wind_down_time
from monitor.settings import ServiceSettings


def _alerting(path: Path, stop_timeout: timedelta) -> AlertingConfig:
    try:
        config = load_alerting(path)
        for channel in config.channels:
            channel.signing_secret()  # a missing secret variable is a start-up error
    except (AlertingConfigError, ValueError) as error:
        raise UsageProblem(message_of(error)) from None
    for channel in config.channels:
        # A stop waits for the send under way; one cut off might be sent again after a restart.
        if channel.timeout >= wind_down_time(stop_timeout):
            stop, send, spare = (
                format_duration(stop_timeout),
                format_duration(channel.timeout),
                format_duration(EXIT_TIME),
            )
            raise UsageProblem(
                Message(
                    f"SLAMON_STOP_TIMEOUT {stop} 太短：停止时告警渠道“{channel.name}”"
                    f"（超时 {send}）来不及发完正在发送的告警；请比该超时至少长 {spare}",
                    f"SLAMON_STOP_TIMEOUT {stop} leaves too little time "
                    f"for channel '{channel.name}' (timeout {send}) "
                    f"to finish a send when stopping: make it longer than the timeout "
                    f"by {spare} or more",
                )
            )
    return config


def _warn_without_channels(alerting: AlertingConfig, path: Path) -> None:
    """With no channel every alert is stored and none sent: say so in the log and on stderr,
    where whoever starts the service looks."""
    if alerting.channels:
        return
    message = Message(
        f"未配置告警渠道：告警只存入数据库，不会发送（在 {path} 中配置 channels，"
        "参见 config/alerting.example.yaml）",
        f"no alert channel is configured: alerts are stored, none is sent (add channels to "
        f"{path}, see config/alerting.example.yaml)",
    )
    logging.getLogger(__name__).warning(say(message))
    echo(WARNING_LEAD + message, err=True)


def _collectors(path: Path, runtime: Runtime) -> list[CollectorJob]:
    if not path.exists():
        return []
    try:
        return service_jobs(load_collector_settings(path), runtime.engine, runtime.contract)
    except (CollectorSettingsError, ProfileError, ValueError) as error:
        raise UsageProblem(message_of(error)) from None


@click.command(cls=SpokenCommand)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help=both("监听地址。", "Address to listen on."),
)
@click.option(
    "--port",
    default=8080,
    show_default=True,
    type=click.IntRange(0, 65535),
    help=both("监听的端口。", "The port to listen on."),
)
@contract_option
def serve(host: str, port: int, contract_path: Path | None) -> None:
    """运行在线服务：计时器、告警、采集器、HTTP API、/metrics。

    告警渠道来自 SLAMON_ALERTING（默认 config/alerting.yaml），采集器来自 SLAMON_COLLECTORS
    （config/collectors.yaml）。收到 SIGTERM 或 Ctrl-C 时干净地停止。

    English:

    Run the live service: timers, alerts, collectors, HTTP API, /metrics.

    Alert channels come from SLAMON_ALERTING (default config/alerting.yaml), collectors from
    SLAMON_COLLECTORS (config/collectors.yaml). Stops cleanly on SIGTERM or Ctrl-C.
    """
    import uvicorn  # the server is only needed here

    from monitor.service.app import build_service
    from monitor.service.logs import configure_logging
    from monitor.service.server import BoundedServer

    # Until serving begins nothing runs that a stop should wait for.
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop_signal, _exit_at_once)
    settings = settings_from_environment(ServiceSettings)
    alerting = _alerting(settings.alerting, settings.stop_timeout)
    runtime = Runtime(contract_path)
    service = build_service(
        runtime.engine,
        runtime.contracts,
        settings,
        alerting,
        parse_records,
        _collectors(settings.collectors, runtime),
        lang=chosen(),
    )
    configure_logging(settings.log_level)
    echo(
        f"slamon serve：http://{host}:{port}（OpenAPI 文档：/docs，指标：/metrics）",
        f"slamon serve: http://{host}:{port} (OpenAPI: /docs, metrics: /metrics)",
        err=True,
    )
    _warn_without_channels(alerting, settings.alerting)
    debug = settings.log_level == "DEBUG"
    wind_down = wind_down_time(settings.stop_timeout).total_seconds()
    config = uvicorn.Config(
        service.app,
        host=host,
        port=port,
        log_level="debug" if debug else "warning",
        access_log=debug,
        timeout_graceful_shutdown=math.floor(wind_down),
    )
    server = BoundedServer(config, settings.stop_timeout, service.scheduler.request_stop)
    # uvicorn stops gracefully on SIGTERM/SIGINT (the app's lifespan then stops the scheduler,
    # bounded by SLAMON_STOP_TIMEOUT) and afterwards re-raises the signal to whatever handler
    # was there before: this one, so that a requested stop ends with exit code 0. A stop asked
    # for before uvicorn listens is made as soon as it serves.
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop_signal, server.ask_early)
    server.run()
    echo("slamon serve：已停止", "slamon serve: stopped", err=True)


def _exit_at_once(_signal: int, _frame: FrameType | None) -> None:
    """A stop before the service started: nothing to finish or to keep."""
    raise SystemExit(0)
