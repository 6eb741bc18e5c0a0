"""What the demo adds before it serves: a few work orders reported minutes ago, so that the
dashboard shows running countdowns and the service announces at-risk moments and breaches
while the demo runs, and a supervisor to sign in as."""

from __future__ import annotations

import csv
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

from sqlalchemy import Engine

from collectors.tickets.profile import load_profile
from collectors.tickets.profile_import import import_with_profile
from monitor.contract.model import Contract
from monitor.domain.passwords import hash_password
from monitor.domain.viewer import Role
from monitor.storage.users import add_user

DEMO_USER = "演示监理"
LIVE_PROFILE = "nanguan"  # the same desk as the sample year's work orders
OPERATORS = {"一云": "中电长城网际", "二云": "中国电信广东"}
_HEADER = [
    "工单编号", "工单类型", "紧急程度", "工单状态", "状态更新时间", "提交时间", "资源池",
    "运维单位", "申请单位", "业务系统", "工单标题",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class LiveTicket:
    """A work order of today: its status log in minutes before the demo starts."""

    prefix: str  # of its number: GZ 故障, JK 监控服务, YC 告警
    kind: str  # 工单类型 as the 纳管平台 export writes it
    severity: str  # 紧急程度
    pool: str
    unit: str
    system: str
    title: str
    log: tuple[tuple[int, str], ...]  # (minutes ago, 工单状态), oldest first


LIVE_TICKETS = (
    # Nobody on site yet: 30 minutes run out in 5 (临近超时 now, 超时违约 then).
    LiveTicket("GZ", "故障", "特急", "一云", "市人社局", "社保业务系统",
               "社保业务系统数据库连接超时", ((25, "待受理"), (22, "处理中"))),
    # 4 hours to restore, 50 minutes left: at risk two minutes after the start.
    LiveTicket("GZ", "故障", "紧急", "二云", "市卫健局", "全民健康信息平台",
               "影像调阅缓慢，部分医院无法打开", ((190, "待受理"), (184, "处理中"))),
    # Waiting for the user's logs: the clock stands still while it waits.
    LiveTicket("GZ", "故障", "一般", "二云", "市市场监管局", "企业登记系统",
               "登记页面报错（等待用户提供日志）",
               ((300, "待受理"), (290, "处理中"), (180, "挂起-等待用户"))),
    # Not answered yet: 30 minutes run out in 18.
    LiveTicket("JK", "监控服务", "一般", "二云", "市政数局", "政务服务网",
               "CPU使用率持续超过90%", ((12, "待受理"),)),
    # The user was never told: 24 hours passed 3 hours ago.
    LiveTicket("YC", "告警", "一般", "一云", "市公安局", "综合查询平台",
               "存储阵列硬盘预警", ((27 * 60, "待受理"), (26 * 60, "处理中"))),
)  # fmt: skip


def live_rows(now: datetime) -> list[list[str]]:
    """The live work orders as rows of a 纳管平台 export, numbered in `now`'s year."""
    rows: list[list[str]] = []
    numbers: dict[str, int] = {}
    for ticket in LIVE_TICKETS:
        numbers[ticket.prefix] = numbers.get(ticket.prefix, 0) + 1
        ticket_id = f"{ticket.prefix}-{now.year}-{numbers[ticket.prefix]:04d}"
        reported = _before(now, ticket.log[0][0])
        for minutes_ago, status in ticket.log:
            rows.append(
                [ticket_id, ticket.kind, ticket.severity, status, _before(now, minutes_ago),
                 reported, ticket.pool, OPERATORS[ticket.pool], ticket.unit, ticket.system,
                 ticket.title]
            )  # fmt: skip
    return rows


def _before(now: datetime, minutes_ago: int) -> str:
    return (now - timedelta(minutes=minutes_ago)).isoformat(timespec="seconds")


def import_live_tickets(engine: Engine, contract: Contract, now: datetime) -> list[str]:
    """Store the live work orders through the 纳管平台 profile, as an export of today; their ids."""
    rows = live_rows(now)
    with TemporaryDirectory() as folder:
        path = Path(folder) / "live_tickets.csv"
        with path.open("w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(_HEADER)
            writer.writerows(rows)
        report = import_with_profile(
            engine, path, load_profile(LIVE_PROFILE), contract, source=LIVE_PROFILE, now=now
        )
    if report.exit_code != 0:
        raise RuntimeError(f"the demo's live work orders were not all stored: {report.problems}")
    return list(dict.fromkeys(row[0] for row in rows))


def add_demo_user(engine: Engine, now: datetime) -> str:
    """A supervisor to sign in to the dashboard as, with a fresh password; the password."""
    password = secrets.token_urlsafe(9)
    add_user(
        engine,
        DEMO_USER,
        Role.SUPERVISOR,
        password_hash=hash_password(password),
        now=now,
        actor="demo",
    )
    return password
