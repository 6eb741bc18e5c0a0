"""`slamon availability --period P`: availability per resource, class or pool, with coverage."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import click

from monitor.cli.context import Runtime, at_option, contract_option
from monitor.cli.help_language import SpokenCommand, both
from monitor.cli.language import chosen, echo
from monitor.cli.render import iso_or_none, table
from monitor.contract.model import Contract
from monitor.domain.durations import format_duration
from monitor.domain.tickets import Status
from monitor.measures.availability import AvailabilityFigure
from monitor.runs.period_measures import availability_report

# Availability is not a deadline: "超时违约" would mislead here.
STATUS_ZH = {
    Status.MET: "达标",
    Status.BREACHED: "未达标",
    Status.AT_RISK: "预算将尽",
    Status.MISSING_EVIDENCE: "缺少证据",
}
STATUS_EN = {
    Status.MET: "met",
    Status.BREACHED: "below target",
    Status.AT_RISK: "budget nearly spent",
    Status.MISSING_EVIDENCE: "missing evidence",
}
FINDING_ZH = {"low_coverage": "覆盖率不足", "no_evidence": "无监测数据"}
FINDING_EN = {"low_coverage": "low coverage", "no_evidence": "no monitoring data"}
EVIDENCE_ZH = {
    "samples": "监测",
    "outage_records": "中断记录",
    "mixed": "混合",
    "none": "无",
}
EVIDENCE_EN = {"outage_records": "outage records", "none": "none"}
_FIRST_ZH = {"resource": "资源", "class": "类别", "pool": "资源池"}
_HEADERS_ZH = ["资源数", "可用率", "目标", "覆盖率", "依据", "剩余预算(分)"]
_HEADERS_EN = ["resources", "availability", "target", "coverage", "evidence", "budget left (min)"]


@click.command(cls=SpokenCommand)
@click.option(
    "--period",
    required=True,
    metavar="YYYY|YYYY-MM",
    help=both("年份或月份。", "The year or month."),
)
@click.option(
    "--by",
    type=click.Choice(["resource", "class", "pool"]),
    default="class",
    show_default=True,
    help=both(
        "按资源、资源类别或资源池汇总。", "One line per resource, per resource class or per pool."
    ),
)
@at_option
@contract_option
@click.option(
    "--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def availability(
    period: str, by: str, at_text: str | None, contract_path: Path | None, output: str
) -> None:
    """一个周期的可用率，及其数据覆盖率、错误预算和消耗速率。

    缺失的样本既不算正常运行也不算停机：覆盖率表示计入的时间（不含已批准的维护）中有多少有
    证据；低于合同的下限本身就是一项问题。

    English:

    Availability of a period with its coverage, error budget and burn rates.

    Missing samples are neither uptime nor downtime: coverage says how much of the counted
    time (approved maintenance excluded) has evidence; below the contract's floor that is a
    finding of its own.
    """
    runtime = Runtime(contract_path)
    contract = runtime.contract
    bounds = runtime.parse_period(period)
    at = runtime.parse_at(at_text)
    report = availability_report(runtime.engine, contract, bounds, at)
    figures = {"resource": report.resources, "class": report.by_class, "pool": report.by_pool}[by]
    windows = contract.availability.burn_rate_windows
    if output == "json":
        document = {
            "period": bounds.label,
            "evaluated_at": iso_or_none(at, contract.zone),
            "by": by,
            "figures": [_as_json(figure, windows) for figure in figures],
        }
        click.echo(json.dumps(document, ensure_ascii=False, indent=1))
        return
    when, floor = iso_or_none(at, contract.zone), f"{contract.availability.coverage_floor:.0%}"
    echo(
        f"考核期 {bounds.label}；评估时间 {when}；覆盖率下限 {floor}",
        f"period {bounds.label}; evaluated at {when}; coverage floor {floor}",
    )
    if not figures:
        echo(
            "没有资源：请先导入资源清单或运行 `slamon collect`",
            "no resources: import an inventory or run `slamon collect` first",
        )
        return
    click.echo(_as_table(figures, by, windows, contract))


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 3)


def _as_json(figure: AvailabilityFigure, windows: tuple[timedelta, ...]) -> dict[str, object]:
    availability = figure.availability
    return {
        "key": figure.key,
        "level": figure.level,
        "class": figure.resource_class,
        "pool": figure.pool,
        "resources": figure.resources,
        "target_percent": figure.target,
        "availability_percent": None if availability is None else availability * 100,
        "coverage": figure.coverage,
        "evidence": figure.evidence,
        "counted_minutes": _minutes(figure.counted_seconds),
        "observed_minutes": _minutes(figure.observed_seconds),
        "downtime_minutes": _minutes(figure.down_seconds),
        "error_budget_minutes": _minutes(figure.budget_seconds),
        "remaining_budget_minutes": _minutes(figure.remaining_budget_seconds),
        "burn_rates": {format_duration(w): figure.burn_rate(w) for w in windows},
        "status": figure.status.value if figure.status else None,
        "findings": list(figure.findings),
    }


def _as_table(
    figures: list[AvailabilityFigure], by: str, windows: tuple[timedelta, ...], contract: Contract
) -> str:
    zh = chosen() == "zh"
    # A class is named by its Chinese name, or in English by its key (vm, physical …).
    names = {
        key: entry.name_zh if zh else key for key, entry in contract.availability.classes.items()
    }
    if zh:
        headers = [_FIRST_ZH[by], *_HEADERS_ZH, *(f"燃烧率{format_duration(w)}" for w in windows)]
        headers += ["状态", "发现"]
    else:
        headers = [by, *_HEADERS_EN, *(f"burn {format_duration(w)}" for w in windows)]
        headers += ["status", "findings"]
    statuses, findings, evidence = (
        (STATUS_ZH, FINDING_ZH, EVIDENCE_ZH) if zh else (STATUS_EN, FINDING_EN, EVIDENCE_EN)
    )
    rows = []
    for f in figures:
        key = names.get(f.key, f.key) if by == "class" else f.key
        if by == "resource":
            named = names.get(f.resource_class or "", f.resource_class)
            key = f"{f.key}（{named}）" if zh else f"{f.key} ({named})"
        remaining = f.remaining_budget_seconds
        rows.append(
            [
                key,
                str(f.resources),
                _percent(f.availability),
                "—" if f.target is None else f"{f.target:g}%",
                f"{f.coverage:.1%}",
                evidence.get(f.evidence, f.evidence),
                "—" if remaining is None else f"{remaining / 60:.1f}",
                *(_rate(f.burn_rate(w)) for w in windows),
                statuses.get(f.status, f.status.label(chosen())) if f.status else "—",
                ("、" if zh else ", ").join(findings.get(x, x) for x in f.findings) or "—",
            ]
        )
    right = range(1, 7 + len(windows))
    return table(headers, rows, right=right)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.4f}%"


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"
