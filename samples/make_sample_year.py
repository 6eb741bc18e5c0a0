"""Write the sample year (samples/2022/): a deterministic 2022 of the Zhongshan e-government cloud.

Modelled on the 2022 performance evaluation (shared DOMAIN: 78.00, 中): two pools, two operators,
a year of 纳管平台 work orders with their status histories (6 major faults, one of them the
08-10 二云 incident restored a week late), the inventory, outage records, monthly utilisation
figures averaging to the December report's 47.4 / 64.6 / 63.8 % and 45.00 / 57.01 / 68 %, daily
inspection sheets, four satisfaction surveys (14, 14, 14 and 30 replies), the evaluators'
hand-scored indicators, and the contract they are judged by.

    python samples/make_sample_year.py            # rewrites samples/2022/
    python samples/make_sample_year.py --out DIR  # somewhere else (the tests compare the two)

Seeded: the same files on every run and machine. `slamon demo` loads them.
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from chinese_calendar import is_workday

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "samples" / "2022"
DEFAULT_CONTRACT = ROOT / "config" / "contracts" / "default.yaml"
YEAR_START = datetime(2022, 1, 1)
YEAR_END = datetime(2023, 1, 1)

POOL1, POOL2 = "一云", "二云"
OPERATORS = {POOL1: "中电长城网际", POOL2: "中国电信广东"}
HANDLERS = {POOL1: ["陈工", "李工", "黄工"], POOL2: ["王工", "张工", "刘工"]}
INSPECTORS = {POOL1: ["李工", "黄工"], POOL2: ["王工", "刘工"]}
# Units with their systems, per pool (91 units on pool 1 and 85 on pool 2 in all; these file
# tickets and hold the sample's resources).
UNITS: dict[str, list[tuple[str, list[str]]]] = {
    POOL1: [
        ("市人社局", ["社保业务系统", "就业服务平台"]),
        ("市公安局", ["综合查询平台", "视频监控汇聚平台"]),
        ("市教育局", ["招生报名系统", "学校门户网站群"]),
        ("市财政局", ["预算管理系统", "非税收入系统"]),
        ("市档案馆", ["电子档案系统"]),
        ("市自然资源局", ["不动产登记系统", "国土空间规划平台"]),
        ("市交通运输局", ["公交调度系统"]),
        ("市民政局", ["社会救助系统"]),
        ("市司法局", ["公共法律服务平台"]),
        ("市应急管理局", ["应急指挥平台"]),
        ("市文广旅体局", ["智慧旅游平台"]),
        ("市统计局", ["统计数据采集系统"]),
    ],
    POOL2: [
        ("市政数局", ["政务服务网", "重要业务系统", "数据共享交换平台"]),
        ("市卫健局", ["全民健康信息平台", "预约挂号平台"]),
        ("市住建局", ["工程审批系统"]),
        ("市市场监管局", ["企业登记系统", "食品安全追溯平台"]),
        ("市生态环境局", ["环境监测平台"]),
        ("市水务局", ["防汛指挥系统"]),
        ("市医保局", ["医保结算系统"]),
        ("市商务局", ["商务运行监测系统"]),
        ("市农业农村局", ["农产品质量监管平台"]),
        ("市城管执法局", ["数字城管系统"]),
        ("市退役军人事务局", ["优抚信息系统"]),
        ("市发改局", ["投资项目在线审批平台"]),
    ],
}
TIME = "%Y/%m/%d %H:%M"  # how the 纳管平台 export writes times
DAY_TIME = "%Y-%m-%d %H:%M"  # the record files

TICKET_HEADER = [
    "工单编号", "工单类型", "紧急程度", "工单状态", "状态更新时间", "提交时间", "到场时间",
    "用户确认时间", "反馈用户时间", "报告提交时间", "恢复数据量GB", "资源池", "运维单位",
    "申请单位", "业务系统", "工单标题", "处理人",
]  # fmt: skip

RESOURCE_HEADER = ["资源编号", "资源类型", "资源池", "使用单位", "业务系统", "状态", "上线时间",
                   "回收时间"]  # fmt: skip
OUTAGE_HEADER = ["资源编号", "资源类型", "资源池", "开始时间", "结束时间", "计划内", "审批人",
                 "原因"]  # fmt: skip
USAGE_HEADER = ["资源池", "资源编号", "月份", "CPU使用率", "内存使用率", "存储使用率"]
INSPECTION_HEADER = [
    "记录编号", "巡检时间", "资源池", "巡检人", "巡检项", "巡检结果", "发现问题", "处理措施",
    "解决时间", "处理记录", "佐证材料", "关联工单",
]  # fmt: skip
SURVEY_HEADER = [
    "调查批次", "使用单位", "资源池", "填报人", "填报时间", "总体评价", "问题：故障响应速率",
    "问题：工单响应速率", "问题：客服响应速率", "意见建议",
]  # fmt: skip


def minutes(count: float) -> timedelta:
    return timedelta(minutes=round(count))


def hours(count: float) -> timedelta:
    return timedelta(minutes=round(count * 60))


def working_day_after(day: date, count: int = 1) -> date:
    """The `count`-th working day after `day` (the State Council's calendar, 调休 included)."""
    while count:
        day += timedelta(days=1)
        count -= is_workday(day)
    return day


def at_time(day: date, hour: int, minute: int = 0) -> datetime:
    """`hour`:00 of `day`, plus `minute` minutes (which may pass the hour)."""
    return datetime(day.year, day.month, day.day, hour) + timedelta(minutes=minute)


@dataclass
class Ticket:
    """One work order: who and what, and its status log (time, status, 紧急程度)."""

    ticket_id: str
    kind: str  # the export's 工单类型
    pool: str
    unit: str
    system: str
    title: str
    handler: str
    reported: datetime
    severity: str = "一般"
    log: list[tuple[datetime, str, str]] = field(default_factory=list)
    # Columns the log does not give, with when they became known.
    known: dict[str, tuple[datetime, str]] = field(default_factory=dict)

    def step(self, at: datetime, status: str, severity: str | None = None) -> datetime:
        self.severity = severity or self.severity
        self.log.append((at, status, self.severity))
        return at

    def note(self, column: str, at: datetime, value: str | None = None) -> datetime:
        self.known[column] = (at, value if value is not None else at.strftime(TIME))
        return at

    def rows(self) -> Iterator[list[str]]:
        """The export's rows: the work order as it was after each status update."""
        for at, status, severity in self.log:
            cells = {
                "工单编号": self.ticket_id,
                "工单类型": self.kind,
                "紧急程度": severity,
                "工单状态": status,
                "状态更新时间": at.strftime(TIME),
                "提交时间": self.reported.strftime(TIME),
                "资源池": self.pool,
                "运维单位": OPERATORS[self.pool],
                "申请单位": self.unit,
                "业务系统": self.system,
                "工单标题": self.title,
                "处理人": self.handler,
            }
            for column, (since, value) in self.known.items():
                if since <= at:
                    cells[column] = value
            yield [cells.get(column, "") for column in TICKET_HEADER]


class SampleYear:
    """Every file of the sample year, drawn from one seeded generator."""

    def __init__(self, seed: int = 2022) -> None:
        self.rng = random.Random(seed)

    # -- who and when -------------------------------------------------------------------------

    def pool(self) -> str:
        return self.rng.choice([POOL1, POOL2])

    def unit_and_system(self, pool: str) -> tuple[str, str]:
        unit, systems = self.rng.choice(UNITS[pool])
        return unit, self.rng.choice(systems)

    def moment(self, start: datetime, end: datetime) -> datetime:
        """A minute in [start, end), uniformly."""
        span = int((end - start).total_seconds() // 60)
        return start + timedelta(minutes=self.rng.randrange(span))

    def office_moment(self, start: datetime, end: datetime) -> datetime:
        """A minute of a working day between 08:40 and 16:50, in [start, end)."""
        while True:
            day = self.moment(start, end).date()
            if is_workday(day):
                return at_time(day, 8, 40) + minutes(self.rng.randrange(490))

    def ticket(self, ticket_id: str, kind: str, reported: datetime, titles: list[str]) -> Ticket:
        pool = self.pool()
        unit, system = self.unit_and_system(pool)
        return Ticket(
            ticket_id,
            kind,
            pool,
            unit,
            system,
            self.rng.choice(titles),
            self.rng.choice(HANDLERS[pool]),
            reported,
        )

    # -- tickets ------------------------------------------------------------------------------

    def tickets(self) -> list[Ticket]:
        return [
            *self.faults(),
            *self.anomalies(),
            *self.monitoring(),
            *self.restores(),
            *self.requests(),
            *self.provisions(),
        ]

    def faults(self) -> list[Ticket]:
        """170 faults: the six major ones at their numbers, 14 significant, the rest general."""
        majors = {ticket.ticket_id: ticket for ticket in major_faults()}
        numbers = sorted(int(ticket_id[-4:]) for ticket_id in majors)
        anchors = [(0, YEAR_START), *((n, majors[fault_id(n)].reported) for n in numbers)]
        anchors.append((171, YEAR_END))
        reported: dict[int, datetime] = {}
        for (first, start), (last, end) in itertools.pairwise(anchors):
            times = sorted(
                self.moment(start + hours(1), end - hours(1)) for _ in range(last - first - 1)
            )
            reported.update(zip(range(first + 1, last), times, strict=True))
        plain = sorted(reported)
        significant = set(self.rng.sample(plain, 14))
        upgraded = set(self.rng.sample(sorted(set(plain) - significant), 2))
        paused = set(self.rng.sample(sorted(set(plain) - significant - upgraded), 18))
        reopened = set(self.rng.sample(sorted(set(plain) - significant - upgraded - paused), 6))
        made = dict(majors)
        for number in plain:
            ticket = self.ticket(fault_id(number), "故障", reported[number], FAULT_TITLES)
            if number in significant:
                self.significant_fault(ticket)
            elif number in upgraded:
                self.upgraded_fault(ticket)
            else:
                self.general_fault(ticket, number in paused, number in reopened)
            made[ticket.ticket_id] = ticket
        return [made[key] for key in sorted(made)]

    def significant_fault(self, ticket: Ticket) -> None:
        """较大故障 (5–10 % of users): accepted in minutes, restored well within 4 h."""
        t = ticket.step(ticket.reported, "待受理", "紧急")
        t = ticket.step(t + minutes(self.rng.uniform(3, 15)), "处理中")
        t = ticket.step(ticket.reported + hours(self.rng.uniform(0.7, 3.3)), "待用户确认")
        ticket.step(t + hours(self.rng.uniform(2, 30)), "已关闭")

    def upgraded_fault(self, ticket: Ticket) -> None:
        """Reported 一般, raised to 紧急 once its reach is known: 4 h from the change."""
        t = ticket.step(ticket.reported, "待受理", "一般")
        t = ticket.step(t + minutes(self.rng.uniform(5, 20)), "处理中")
        t = ticket.step(t + minutes(self.rng.uniform(20, 70)), "处理中", "紧急")
        t = ticket.step(t + hours(self.rng.uniform(1, 3)), "待用户确认")
        ticket.step(t + hours(self.rng.uniform(2, 30)), "已关闭")

    def general_fault(self, ticket: Ticket, paused: bool, reopened: bool) -> None:
        """一般故障: restored within 24 h of counted time; some wait for the user (a pause the
        contract counts), some are reopened after the user's check."""
        t = ticket.step(ticket.reported, "待受理", "一般")
        t = ticket.step(t + minutes(self.rng.uniform(5, 40)), "处理中")
        work = hours(self.rng.uniform(1, 16))
        if paused:
            wait_from = t + (work / 2)
            back = ticket.step(wait_from, "挂起-等待用户") + hours(self.rng.uniform(4, 40))
            ticket.step(back, "处理中")
            t = back + work / 2
        else:
            t = t + work
        t = ticket.step(t, "待用户确认")
        if reopened:
            t = ticket.step(t + hours(self.rng.uniform(1, 3)), "处理中")
            t = ticket.step(t + hours(self.rng.uniform(0.5, 2)), "待用户确认")
        ticket.step(t + hours(self.rng.uniform(2, 40)), "已关闭")

    def anomalies(self) -> list[Ticket]:
        """40 device anomalies (告警): the user told within 24 h, except YC-2022-0017 and -0033."""
        late = {17: 26.5, 33: 27.5}
        made = []
        times = sorted(self.moment(YEAR_START, YEAR_END - hours(48)) for _ in range(40))
        for number, reported in enumerate(times, start=1):
            ticket = self.ticket(f"YC-2022-{number:04d}", "告警", reported, ANOMALY_TITLES)
            t = ticket.step(reported, "待受理")
            t = ticket.step(t + minutes(self.rng.uniform(10, 60)), "处理中")
            told = reported + hours(late.get(number, self.rng.uniform(0.5, 12)))
            ticket.note("反馈用户时间", told)
            t = ticket.step(max(t, told) + hours(self.rng.uniform(1, 30)), "已解决")
            ticket.step(t + hours(self.rng.uniform(1, 24)), "已关闭")
            made.append(ticket)
        return made

    def monitoring(self) -> list[Ticket]:
        """120 cloud-monitoring service tickets: answered in 30 min and done in 8 h, except
        two late answers (JK-2022-0044, -0091) and one late completion (JK-2022-0108)."""
        late_answer = {44: 42, 91: 55}
        made = []
        times = sorted(self.moment(YEAR_START, YEAR_END - hours(24)) for _ in range(120))
        for number, reported in enumerate(times, start=1):
            ticket = self.ticket(f"JK-2022-{number:04d}", "监控服务", reported, MONITORING_TITLES)
            t = ticket.step(reported, "待受理")
            answer = late_answer.get(number, self.rng.uniform(2, 25))
            t = ticket.step(t + minutes(answer), "处理中")
            done = 9.33 if number == 108 else self.rng.uniform(1, 6)
            t = ticket.step(reported + hours(done), "已解决")
            ticket.step(t + hours(self.rng.uniform(1, 12)), "已关闭")
            made.append(ticket)
        return made

    def restores(self) -> list[Ticket]:
        """8 backup restores: answered in 2 h, restored in under 24 h per TB."""
        sizes = [50, 120, 256, 300, 512, 800, 1024, 2048]
        made = []
        times = sorted(self.office_moment(YEAR_START, YEAR_END - hours(96)) for _ in sizes)
        for number, (reported, size) in enumerate(zip(times, sizes, strict=True), start=1):
            ticket = self.ticket(f"HF-2022-{number:04d}", "数据恢复", reported, RESTORE_TITLES)
            ticket.note("恢复数据量GB", reported, str(size))
            t = ticket.step(reported, "待受理")
            t = ticket.step(t + minutes(self.rng.uniform(10, 80)), "处理中")
            allowed = 24 * size / 1024
            t = ticket.step(t + hours(max(1.0, allowed * self.rng.uniform(0.3, 0.7))), "已解决")
            ticket.step(t + hours(self.rng.uniform(2, 20)), "已关闭")
            made.append(ticket)
        return made

    def requests(self) -> list[Ticket]:
        """80 service requests in office hours: answered within the hour or two, done by the
        next working day; a few wait for the user; FW-2022-0052 is answered four days late."""
        made = []
        times = sorted(self.office_moment(YEAR_START, YEAR_END - hours(200)) for _ in range(80))
        waiting = set(self.rng.sample(range(1, 81), 8))
        for number, reported in enumerate(times, start=1):
            ticket = self.ticket(f"FW-2022-{number:04d}", "服务请求", reported, REQUEST_TITLES)
            if number == 52:
                ticket.reported = reported = late_friday(reported)
            t = ticket.step(reported, "待受理")
            if number == 52:  # Friday 16:30 → the next Tuesday: past 4 h of 工作时间
                t = ticket.step(at_time(working_day_after(reported.date(), 2), 10, 5), "处理中")
            else:
                t = ticket.step(t + minutes(self.rng.uniform(10, 100)), "处理中")
            if number in waiting:
                ticket.step(t + minutes(self.rng.uniform(20, 90)), "挂起-等待用户")
                back = at_time(working_day_after(t.date(), 2), 9, self.rng.randrange(60))
                t = ticket.step(back, "处理中")
            day = t.date() if t.hour < 15 else working_day_after(t.date())
            finish = max(t + minutes(30), at_time(day, 16, self.rng.randrange(50)))
            t = ticket.step(finish, "已解决")
            ticket.step(t + hours(self.rng.uniform(1, 20)), "已关闭")
            made.append(ticket)
        return made

    def provisions(self) -> list[Ticket]:
        """30 resource requests: accepted the next working day, delivered two working days on."""
        made = []
        times = sorted(self.office_moment(YEAR_START, YEAR_END - hours(300)) for _ in range(30))
        for number, reported in enumerate(times, start=1):
            ticket = self.ticket(f"ZY-2022-{number:04d}", "资源申请", reported, PROVISION_TITLES)
            t = ticket.step(reported, "待受理")
            accepted = working_day_after(reported.date())
            t = ticket.step(at_time(accepted, 9, self.rng.randrange(120)), "处理中")
            delivered = working_day_after(accepted, 2)
            t = ticket.step(at_time(delivered, 10 + self.rng.randrange(6)), "已解决")
            ticket.step(t + hours(self.rng.uniform(2, 30)), "已关闭")
            made.append(ticket)
        return made

    # -- records ------------------------------------------------------------------------------

    def resources(self) -> list[Resource]:
        """The inventory: per pool vms, physical hosts, core network, UPS, backup, storage."""
        made: list[Resource] = []
        for pool, prefix, vms, hosts, storage, since in (
            (POOL1, "ZS1", 40, 8, 6, "2020-01-01"),
            (POOL2, "ZS2", 30, 6, 5, "2019-10-01"),
        ):
            shared = [
                *((f"PM-{number:02d}", "物理机", "虚拟化宿主机") for number in range(1, hosts + 1)),
                ("NET-01", "网络", "核心交换机A"),
                ("NET-02", "网络", "核心交换机B"),
                ("UPS-01", "电力", "UPS电源"),
                ("BAK-01", "备份", "同城异地备份"),
            ]
            for number in range(1, vms + 1):
                unit, system = self.unit_and_system(pool)
                late = number > vms - 3  # the year's new machines
                start = f"2022-{self.rng.randrange(3, 10):02d}-01" if late else since
                vm = f"{prefix}-VM-{number:03d}"
                made.append(Resource(vm, "云主机", pool, unit, system, start))
            for suffix, kind, system in shared:
                made.append(Resource(f"{prefix}-{suffix}", kind, pool, "市政数局", system, since))
            for number in range(1, storage + 1):
                unit, system = self.unit_and_system(pool)
                partition = f"{system}数据分区"
                made.append(Resource(f"{prefix}-ST-{number:02d}", "存储分区", pool, unit, partition,
                                     since))  # fmt: skip
        reclaimed = {
            "ZS1-VM-021": "2022-09-30 18:00",  # a school portal nobody used
            "ZS1-ST-05": "2022-05-20 17:00",  # idle in March and April, reclaimed in 20 days
            "ZS2-ST-04": "2022-10-18 17:00",  # idle in August and September, in 18 days
        }
        for resource in made:
            if resource.resource_id in reclaimed:
                resource.reclaimed_at = reclaimed[resource.resource_id]
                resource.status = "已回收"
        return made

    def outages(self, resources: list[Resource]) -> list[list[str]]:
        """The operators' outage records: the major faults' downtime, a few short vm faults,
        a power blip, a backup interruption, and approved maintenance (not counted)."""
        rows = [
            ["ZS1-VM-003", "云主机", POOL1, "2022-03-14 09:12", "2022-03-14 10:58", "否", "",
             "数据库主机宕机（GZ-2022-0031）"],
            ["ZS1-NET-01", "网络", POOL1, "2022-05-06 22:40", "2022-05-07 00:21", "否", "",
             "核心交换机端口故障（GZ-2022-0057）"],
            ["ZS2-NET-02", "网络", POOL2, "2022-06-20 14:03", "2022-06-20 15:47", "否", "",
             "存储链路中断（GZ-2022-0088）"],
            ["ZS2-VM-012", "云主机", POOL2, "2022-08-10 11:41", "2022-08-10 19:30", "否", "",
             "重要业务系统虚拟机异常重启（GZ-2022-0102）"],
            ["ZS1-NET-02", "网络", POOL1, "2022-09-30 08:15", "2022-09-30 09:55", "否", "",
             "负载均衡配置异常（GZ-2022-0131）"],
            ["ZS2-PM-03", "物理机", POOL2, "2022-11-18 16:20", "2022-11-18 18:02", "否", "",
             "虚拟化平台宿主机故障（GZ-2022-0150）"],
            ["ZS1-UPS-01", "电力", POOL1, "2022-07-23 03:10", "2022-07-23 03:22", "否", "",
             "市电切换，UPS短时中断"],
            ["ZS2-BAK-01", "备份", POOL2, "2022-04-11 01:00", "2022-04-11 03:30", "否", "",
             "备份服务器磁盘故障，备份服务中断"],
            ["ZS1-NET-01", "网络", POOL1, "2022-08-20 00:00", "2022-08-20 04:00", "是",
             "市政数局 张三", "核心交换机升级"],
            ["ZS2-UPS-01", "电力", POOL2, "2022-10-15 01:00", "2022-10-15 05:00", "是",
             "市政数局 张三", "UPS电池组更换"],
            ["ZS1-PM-05", "物理机", POOL1, "2022-12-10 00:00", "2022-12-10 06:00", "是",
             "市政数局 李四", "宿主机固件升级"],
        ]  # fmt: skip
        vms = [r for r in resources if r.resource_class == "云主机" and r.since < "2022"]
        for vm in self.rng.sample(vms, 8):
            start = self.moment(YEAR_START, YEAR_END - hours(2))
            end = start + minutes(self.rng.uniform(10, 90))
            cause = self.rng.choice(["虚拟机无响应，重启恢复", "宿主机迁移失败", "磁盘只读"])
            rows.append(
                [vm.resource_id, "云主机", vm.pool, start.strftime(DAY_TIME),
                 end.strftime(DAY_TIME), "否", "", cause]
            )  # fmt: skip
        return sorted(rows, key=lambda row: (row[3], row[0]))

    def usage(self, resources: list[Resource]) -> list[list[str]]:
        """Monthly figures: each pool's 12 months average to the December report's figures;
        each storage partition's own usage, two of them idle for two months running."""
        means = {POOL1: (47.4, 64.6, 63.8), POOL2: (45.00, 57.01, 68.00)}
        months = [f"2022-{month:02d}" for month in range(1, 13)]
        rows = []
        for pool, targets in means.items():
            columns = [self.months_averaging(target) for target in targets]
            for index, month in enumerate(months):
                rows.append([pool, "", month, *(f"{column[index]:.2f}" for column in columns)])
        idle = {  # emptied, then below 5 % for two months running, reclaimed the month after
            "ZS1-ST-05": [11.8, 7.9, 3.1, 2.4],
            "ZS2-ST-04": [21.5, 20.3, 18.7, 15.2, 11.0, 8.4, 6.2, 4.2, 3.6],
        }
        for resource in resources:
            if resource.resource_class != "存储分区":
                continue
            base = self.rng.uniform(25, 80)
            own = idle.get(resource.resource_id)
            for index, month in enumerate(months):
                if resource.reclaimed_at and month >= resource.reclaimed_at[:7]:
                    break
                value = own[index] if own else base + index * 0.6 + self.rng.uniform(-2, 2)
                rows.append([resource.pool, resource.resource_id, month, "", "", f"{value:.1f}"])
        return rows

    def months_averaging(self, mean: float) -> list[float]:
        """Twelve monthly percentages rising through the year whose mean is exactly `mean`."""
        drawn = [0.5 * (month - 5.5) + self.rng.uniform(-1.5, 1.5) for month in range(12)]
        shift = mean - sum(drawn) / 12
        values = [round(value + shift, 2) for value in drawn]
        values[-1] = round(12 * mean - sum(values[:-1]), 2)  # what rounding took
        assert f"{sum(values) / 12:.2f}" == f"{mean:.2f}"
        return values

    def inspections(self) -> list[list[str]]:
        """Daily inspection sheets of both pools (weekly items on Mondays) and their findings:
        most closed with a record, some only written down (只记录不处理), some handled but not
        recorded (处理后不登记), a few closed late."""
        daily = ["机房环境（温湿度）", "虚拟化平台", "核心网络"]
        weekly = ["存储阵列", "UPS电源", "备份系统"]
        rows: list[list[str]] = []
        day = YEAR_START.date()
        sheets: list[tuple[datetime, str, str, str]] = []
        while day < YEAR_END.date():
            for pool in (POOL1, POOL2):
                start = at_time(day, 9, self.rng.randrange(40))
                inspector = self.rng.choice(INSPECTORS[pool])
                items = daily + (weekly if day.weekday() == 0 else [])
                for offset, item in enumerate(items):
                    sheets.append((start + minutes(5 * offset), pool, inspector, item))
            day += timedelta(days=1)
        kinds = ["closed"] * 26 + ["unhandled"] * 5 + ["unrecorded"] * 3 + ["late"] * 2
        self.rng.shuffle(kinds)
        chosen = sorted(self.rng.sample(range(len(sheets)), len(kinds)))
        abnormal = dict(zip(chosen, kinds, strict=True))
        counters: dict[tuple[str, date], int] = {}
        for index, (at, pool, inspector, item) in enumerate(sheets):
            key = (pool, at.date())
            counters[key] = counters.get(key, 0) + 1
            record_id = f"XJ{1 if pool == POOL1 else 2}-{at:%Y%m%d}-{counters[key]}"
            row = [record_id, at.strftime(DAY_TIME), pool, inspector, item, "正常"]
            if index in abnormal:
                row = [*row[:5], "异常", *self.finding(item, at, abnormal[index], record_id)]
            rows.append((row + [""] * 12)[:12])
        return rows

    def finding(self, item: str, at: datetime, kind: str, record_id: str) -> list[str]:
        """发现问题, 处理措施, 解决时间, 处理记录, 佐证材料, 关联工单 of one abnormal line."""
        problem, measure = self.rng.choice(FINDINGS[item])
        if kind == "unhandled":
            return [problem, "", "", "", "", ""]
        took = self.rng.uniform(30, 50) if kind == "late" else self.rng.uniform(1, 20)
        resolved = (at + hours(took)).strftime(DAY_TIME)
        record = "" if kind == "unrecorded" else f"{measure}，复查正常"
        evidence = "" if kind == "unrecorded" else f"巡检照片-{record_id}.jpg"
        return [problem, measure, resolved, record, evidence, ""]

    def surveys(self) -> list[list[str]]:
        """Four surveys: 14 replies each in March, June and September, 30 units via the
        纳管平台 in December. Rate over the year: 5940 / 72 replies = 82.50 %."""
        core = self.rng.sample([unit for pool in UNITS for unit, _ in UNITS[pool]], 14)
        others = [f"{name}" for name in EXTRA_UNITS]
        rounds = [
            ("2022年第一次", date(2022, 3, 21), core, [4, 5, 3, 2]),
            ("2022年第二次", date(2022, 6, 20), core, [5, 5, 2, 2]),
            ("2022年第三次", date(2022, 9, 19), core, [5, 5, 3, 1]),
            ("2022年第四次", date(2022, 12, 5), core + others, [24, 5, 1, 0]),
        ]
        labels = ["非常满意", "比较满意", "一般", "不满意"]
        pools = {unit: pool for pool in UNITS for unit, _ in UNITS[pool]}
        rows = []
        for survey, first_day, units, counts in rounds:
            ratings = [label for label, count in zip(labels, counts, strict=True)
                       for _ in range(count)]  # fmt: skip
            self.rng.shuffle(ratings)
            for unit, rating in zip(units, ratings, strict=True):
                replied = first_day + timedelta(days=self.rng.randrange(10))
                answers = [self.near(rating, labels) for _ in range(3)]
                comment = self.rng.choice(COMMENTS[rating])
                pool = pools.get(unit, self.rng.choice([POOL1, POOL2]))
                rows.append([survey, unit, pool, f"{unit}信息科", replied.isoformat(), rating,
                             *answers, comment])  # fmt: skip
        return rows

    def near(self, rating: str, labels: list[str]) -> str:
        """A per-question answer close to the overall one."""
        index = labels.index(rating) + self.rng.choice([-1, 0, 0, 0, 1])
        return labels[min(max(index, 0), len(labels) - 1)]


@dataclass
class Resource:
    resource_id: str
    resource_class: str
    pool: str
    unit: str
    system: str
    since: str
    status: str = "运行"
    reclaimed_at: str = ""

    def row(self) -> list[str]:
        return [self.resource_id, self.resource_class, self.pool, self.unit, self.system,
                self.status, self.since, self.reclaimed_at]  # fmt: skip


def fault_id(number: int) -> str:
    return f"GZ-2022-{number:04d}"


def late_friday(near: datetime) -> datetime:
    """16:30 of the first Friday from `near` that is a working day, as is the Monday after."""
    day = near.date()
    while not (day.weekday() == 4 and is_workday(day) and is_workday(day + timedelta(days=3))):
        day += timedelta(days=1)
    return at_time(day, 16, 30)


# The six major faults the supervisor's yearly report counts; one exceeded its time. Each:
# number, pool, unit, system, title, handler, its status log, then when the engineer arrived,
# the user confirmed the restoration and the fault analysis report came in.
MAJOR_FAULTS = [
    (31, POOL1, "市人社局", "社保业务系统", "数据库主机宕机", "陈工",
     [("2022-03-14 09:12", "待受理"), ("2022-03-14 09:15", "处理中"),
      ("2022-03-14 10:58", "待用户确认"), ("2022-03-17 09:00", "已关闭")],
     "2022-03-14 09:35", "2022-03-14 11:20", "2022-03-16 17:00"),
    (57, POOL1, "市公安局", "综合查询平台", "核心交换机端口故障", "李工",
     [("2022-05-06 22:40", "待受理"), ("2022-05-06 22:42", "处理中"),
      ("2022-05-07 00:21", "待用户确认"), ("2022-05-11 10:00", "已关闭")],
     "2022-05-06 23:05", "2022-05-07 08:30", "2022-05-10 15:00"),
    (88, POOL2, "市卫健局", "全民健康信息平台", "存储链路中断", "王工",
     [("2022-06-20 14:03", "待受理"), ("2022-06-20 14:05", "处理中"),
      ("2022-06-20 15:47", "待用户确认"), ("2022-06-24 09:00", "已关闭")],
     "2022-06-20 14:26", "2022-06-20 16:30", "2022-06-23 11:00"),
    # The evaluation's case: reported 08-10 11:41, restored as the user confirmed 08-17 to
    # 08-19, its fault report generated 08-29. Waiting for the vendor does not pause.
    (102, POOL2, "市政数局", "重要业务系统", "重要业务系统出现异常", "张工",
     [("2022-08-10 11:41", "待受理"), ("2022-08-10 11:50", "处理中"),
      ("2022-08-11 10:00", "挂起-等待厂商"), ("2022-08-15 09:30", "处理中"),
      ("2022-08-17 18:00", "待用户确认"), ("2022-08-29 17:00", "已关闭")],
     "2022-08-10 12:05", "2022-08-19 10:00", "2022-08-29 16:00"),
    # Restored the day before National Day: 10-08 and 10-09 (a weekend) are 调休 working
    # days, so the report on 10-10 is on time.
    (131, POOL1, "市教育局", "招生报名系统", "负载均衡配置异常", "黄工",
     [("2022-09-30 08:15", "待受理"), ("2022-09-30 08:16", "处理中"),
      ("2022-09-30 09:55", "待用户确认"), ("2022-10-12 09:00", "已关闭")],
     "2022-09-30 08:40", "2022-09-30 10:30", "2022-10-10 16:00"),
    (150, POOL2, "市住建局", "工程审批系统", "虚拟化平台宿主机故障", "刘工",
     [("2022-11-18 16:20", "待受理"), ("2022-11-18 16:21", "处理中"),
      ("2022-11-18 18:02", "待用户确认"), ("2022-11-23 12:00", "已关闭")],
     "2022-11-18 16:48", "2022-11-18 18:30", "2022-11-23 10:00"),
]  # fmt: skip


def major_faults() -> list[Ticket]:
    """The six major faults, as work orders."""
    made = []
    for number, pool, unit, system, title, handler, log, arrived, confirmed, report in MAJOR_FAULTS:
        reported = datetime.strptime(log[0][0], DAY_TIME)
        ticket = Ticket(fault_id(number), "故障", pool, unit, system, title, handler, reported)
        for when, status in log:
            ticket.step(datetime.strptime(when, DAY_TIME), status, "特急")
        for column, when in (("到场时间", arrived), ("用户确认时间", confirmed),
                             ("报告提交时间", report)):  # fmt: skip
            ticket.note(column, datetime.strptime(when, DAY_TIME))
        made.append(ticket)
    return made


FAULT_TITLES = [
    "业务系统访问缓慢", "应用服务无法访问", "数据库连接数耗尽", "云主机无法远程登录",
    "网站页面打开报错", "中间件服务异常退出", "对外接口调用超时", "负载均衡健康检查失败",
    "云硬盘挂载失败", "安全组策略导致访问中断", "定时任务未执行", "VPN访问中断",
]  # fmt: skip
ANOMALY_TITLES = [
    "服务器电源模块告警", "硬盘预警", "内存ECC错误告警", "风扇转速异常", "RAID卡电池告警",
    "光模块收光功率低", "机柜温度偏高",
]  # fmt: skip
MONITORING_TITLES = [
    "CPU使用率持续超过90%", "磁盘剩余空间不足", "内存使用率超过85%", "网络丢包率升高",
    "数据库慢查询增多", "进程异常退出", "证书即将过期",
]  # fmt: skip
RESTORE_TITLES = ["误删数据恢复", "数据库回滚恢复", "虚拟机整机恢复", "文件目录恢复"]
REQUEST_TITLES = [
    "新增云主机申请", "开通端口访问策略", "数据库账号权限调整", "申请公网IP映射",
    "云主机配置变更", "申请SSL证书部署", "申请备份策略调整",
]  # fmt: skip
PROVISION_TITLES = ["云主机资源申请", "云存储扩容申请", "数据库实例申请", "负载均衡实例申请"]
FINDINGS: dict[str, list[tuple[str, str]]] = {
    "机房环境（温湿度）": [("2号精密空调回风温度偏高（27℃）", "清洗滤网、调整设定温度"),
                         ("机房湿度偏低（30%）", "开启加湿器")],
    "虚拟化平台": [("宿主机内存使用率超过90%", "迁移部分云主机"),
                   ("虚拟机快照堆积", "清理过期快照")],
    "核心网络": [("核心交换机端口CRC错误增多", "更换光模块"),
                 ("防火墙会话数接近上限", "调整会话老化时间")],
    "存储阵列": [("存储阵列3号盘预警", "更换硬盘"), ("存储池使用率超过85%", "扩容存储池")],
    "UPS电源": [("UPS电池组内阻偏高", "联系厂商检测电池"), ("UPS旁路告警", "复位并观察")],
    "备份系统": [("备份任务失败（电子档案系统）", "重跑备份任务"),
                 ("备份介质容量不足", "扩充备份介质")],
}  # fmt: skip
EXTRA_UNITS = [
    "市审计局", "市信访局", "市气象局", "市妇联", "团市委", "市总工会", "市残联", "市图书馆",
    "市博物馆", "市人民医院", "市中医院", "市科技局", "市工信局", "市国资委", "市林业局",
    "市侨务局",
]  # fmt: skip
COMMENTS = {
    "非常满意": ["", "", "服务及时"],
    "比较满意": ["", "希望提供工单处理进度查询"],
    "一般": ["故障解决时间较长", "纳管平台查询操作复杂"],
    "不满意": ["故障恢复慢，缺少处理进度反馈", "扩容申请等待时间长"],
}

MANUAL = """\
# 2022年度中山市电子政务云服务平台项目绩效评价（广州捷诚信息咨询有限公司，2023年9月）：
# 附件《绩效评价指标评分表》中靠评价组判断的指标，以及 SLA 考核评分。slamon 计算的指标
# （故障及时性、可用率、利用率、闲置回收、备份、满意度、SLA 考核）不在这里，由样例数据算出。
entered_by: 广州捷诚信息咨询有限公司 评价组
entered_on: 2023-09-01
period: 2022
sla_assessment_score: 92
indicators:
  - {id: basis, name_zh: 立项依据充分性, section: 决策, points: 2, max_points: 2}
  - {id: procedure, name_zh: 立项程序规范性, section: 决策, points: 2, max_points: 2}
  - {id: targets_clear, name_zh: 绩效指标明确性, section: 决策, points: 2.5, max_points: 4,
     note: 部分绩效指标设置不够合理，部分绩效指标值过低}
  - {id: budget, name_zh: 预算编制科学合理性, section: 决策, points: 4.5, max_points: 8,
     note: 服务资源单价测算不合理，扩容测算依据不科学}
  - {id: execution_rate, name_zh: 预算执行率, section: 过程, points: 2, max_points: 2}
  - {id: adjustment_rate, name_zh: 预算调整率, section: 过程, points: 1.5, max_points: 3,
     note: 2145万元用于支付2021年度服务费欠款}
  - {id: compliance, name_zh: 资金使用合规性, section: 过程, points: 4.5, max_points: 5}
  - {id: rules_sound, name_zh: 管理制度健全性, section: 过程, points: 3, max_points: 4}
  - {id: rules_followed, name_zh: 制度执行有效性, section: 过程, points: 3, max_points: 4,
     note: 部分巡检材料内容不完整（只记录不处理或者处理后不登记）}
  - {id: implementation, name_zh: 实施规范性, section: 过程, points: 6.5, max_points: 8}
  - {id: supervision, name_zh: 项目监管有效性, section: 过程, points: 2, max_points: 4,
     note: 缺失对平台计费监管}
  - {id: hardware, name_zh: 平台硬件达标率, section: 产出, points: 1, max_points: 1}
  - {id: staff_present, name_zh: 驻场人员到位率, section: 产出, points: 1, max_points: 1}
  - {id: staff_qualified, name_zh: 驻场人员资质达标率, section: 产出, points: 1, max_points: 1}
  - {id: records_kept, name_zh: 记录保存完备率, section: 产出, points: 1, max_points: 1}
  - {id: acceptance, name_zh: 项目终验合格率, section: 产出, points: 0.5, max_points: 1}
  - {id: content_done, name_zh: 服务内容实现率, section: 产出, points: 1, max_points: 1}
  - {id: mlps, name_zh: 信息安全等级保护要求, section: 产出, points: 1, max_points: 1}
  - {id: on_time, name_zh: 完成及时性, section: 产出, points: 2, max_points: 2}
  - {id: data_governance, name_zh: 政务数据统筹管理机制, section: 效益, points: 4.5, max_points: 5}
  - {id: unit_price, name_zh: 第一资源池云服务单价下降, section: 效益, points: 2, max_points: 2,
     note: 第一资源池费用结算单价下降2%}
  - {id: data_support, name_zh: 政务数据支撑应用能力, section: 效益, points: 2, max_points: 3}
  - {id: power_endurance, name_zh: 机房电力续航, section: 效益, points: 1, max_points: 1}
  - {id: data_sharing, name_zh: 政务数据共享交换便利性, section: 效益, points: 5, max_points: 5}
  - {id: self_evaluation, name_zh: 自评工作质量, section: 逆向指标, points: -1, max_points: 10,
     note: 自评报告提交较晚，佐证材料不够充分}
  - {id: negative_events, name_zh: 负面问题发生情况, section: 逆向指标, points: 0, max_points: 10}
"""

# The sample's contract is the default contract with what the sample year needs changed, so
# that it follows every later change of the default: (text in default.yaml, replacement).
CONTRACT_CHANGES = [
    (
        "name: 政务云运营服务合同（默认）",
        "name: 政务云运营服务合同（样例年 2022）",
    ),
    (
        "    # units_served: 176        # 91 units on pool 1 + 85 on pool 2; unset: count the "
        "inventory",
        "    units_served: 176          # 91 units on pool 1 + 85 on pool 2",
    ),
    (
        "  outage_records_as_evidence: false",
        "  # The sample year, like 2022 itself, has no independent availability samples: the\n"
        "  # operators' outage records are the evidence (in real use: slamon collect).\n"
        "  outage_records_as_evidence: true",
    ),
]
CONTRACT_HEADER = (
    "# The sample year's contract: written by samples/make_sample_year.py from\n"
    "# config/contracts/default.yaml (its name, units_served and outage_records_as_evidence\n"
    "# changed). Edit the generator, not this file.\n"
)


def sample_contract() -> str:
    text = DEFAULT_CONTRACT.read_text(encoding="utf-8")
    for old, new in CONTRACT_CHANGES:
        if text.count(old) != 1:
            raise SystemExit(f"config/contracts/default.yaml no longer has: {old!r}")
        text = text.replace(old, new)
    return CONTRACT_HEADER + text


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def sample_files(seed: int = 2022) -> dict[str, str]:
    """File name → text of every file of the sample year."""
    year = SampleYear(seed)
    tickets = year.tickets()
    resources = year.resources()
    return {
        "tickets_nanguan_2022.csv": csv_text(
            TICKET_HEADER, [row for ticket in tickets for row in ticket.rows()]
        ),
        "resources_2022.csv": csv_text(RESOURCE_HEADER, [r.row() for r in resources]),
        "outages_2022.csv": csv_text(OUTAGE_HEADER, year.outages(resources)),
        "usage_2022.csv": csv_text(USAGE_HEADER, year.usage(resources)),
        "inspections_2022.csv": csv_text(INSPECTION_HEADER, year.inspections()),
        "surveys_2022.csv": csv_text(SURVEY_HEADER, year.surveys()),
        "manual_2022.yaml": MANUAL,
        "contract.yaml": sample_contract(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="the folder (default: %(default)s)")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    for name, text in sample_files().items():
        (out / name).write_text(text, encoding="utf-8")
        print(f"{out / name}: {text.count(chr(10))} lines")


if __name__ == "__main__":
    main()
