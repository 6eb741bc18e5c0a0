"""The billing check for people and programs: JSON (its codes are the interface), and the
Chinese tables of the terminal and the XLSX workbook. Money is written as exact text."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from monitor.billing.check import NONE_IN_FORCE, BillingCheck, Code, LineVerdict, Total
from monitor.report.blocks import Block, Cell
from monitor.report.xlsx import render_xlsx

EVIDENCE_ZH = {
    "in_service_days": "本月在服务天数",
    "billed_days": "计费天数",
    "in_service_from": "启用时间",
    "reclaimed_at": "回收时间",
    "catalogue_price": "目录单价",
    "inventory_quantity": "台账数量",
    "measured_quantity": "监测数量",
    "expected_amount": "按数量×单价×时长应为",
    "duplicate_of_line": "重复于行号",
    "idle_since": "判定闲置时间",
    "reclaim_deadline": "应回收期限",
}
NONE_IN_FORCE_ZH = "无有效目录单价"
_LINE_HEADERS = [
    "行号", "来源", "资源池", "使用单位", "业务系统", "资源编号", "服务项编码", "核对结果",
    "计费金额（元）", "核定金额（元）", "争议金额（元）", "依据",
]  # fmt: skip
_GROUPS = (
    ("by_pool", "资源池"),
    ("by_operator", "运营单位"),
    ("by_user_unit", "使用单位"),
    ("by_item", "服务项"),
)


def money(value: Decimal) -> str:
    """元 to the fen, exactly: 135.48, 3780.00."""
    return f"{value:.2f}"


def billing_json(check: BillingCheck) -> dict[str, Any]:
    """Every line with its number, resource, item, code and disputed amount; the totals."""
    return {
        "period": check.period,
        "billed_total": money(check.billed_total),
        "disputed_total": money(check.disputed_total),
        "counts": {code.value: count for code, count in check.counts().items()},
        "lines": [_line_json(verdict) for verdict in check.verdicts],
        "unbilled_inventory": [
            {
                "code": Code.UNBILLED_INVENTORY.value,
                "resource_id": resource.resource_id,
                "resource_class": resource.resource_class,
                "pool": resource.pool,
                "user_unit": resource.user_unit,
                "system": resource.system,
                "in_service_days": days,
            }
            for resource, days in check.unbilled
        ],
        "totals": {
            name: {key: _total_json(total) for key, total in getattr(check, name).items()}
            for name, _ in _GROUPS
        },
    }


def billing_json_text(check: BillingCheck) -> str:
    """`billing_json` as text: the totals indented, each line and each unbilled resource on
    a line of its own (json's indenting encoder is pure Python, some seconds at 100,000
    lines; the compact one is C)."""
    document = billing_json(check)
    parts = []
    for key, value in document.items():
        if key in ("lines", "unbilled_inventory") and value:
            rows = ",\n".join(f"  {_COMPACT.encode(row)}" for row in value)
            text = f"[\n{rows}\n ]"
        else:
            # Nested one level down; a JSON text's newlines are all between its tokens.
            text = json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n ")
        parts.append(f" {json.dumps(key, ensure_ascii=False)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}"


_COMPACT = json.JSONEncoder(ensure_ascii=False)  # one encoder: json.dumps makes one a call
_CODE_TEXT = {code: code.value for code in Code}  # an enum's .value is a slow descriptor


def _line_json(verdict: LineVerdict) -> dict[str, Any]:
    line = verdict.line
    return {
        "line": line.line,
        "source": line.source,
        "resource_id": line.resource_id,
        "item_code": line.item_code,
        "pool": line.pool,
        "operator": line.operator,
        "user_unit": line.user_unit,
        "system": line.system,
        "code": _CODE_TEXT[verdict.codes[0]],
        "codes": [_CODE_TEXT[code] for code in verdict.codes],
        "amount": money(line.amount),
        "allowed": money(verdict.allowed),
        "disputed": money(verdict.disputed),
        "evidence": verdict.evidence,
    }


def _total_json(total: Total) -> dict[str, Any]:
    return {"lines": total.lines, "billed": money(total.billed), "disputed": money(total.disputed)}


def evidence_zh(verdict: LineVerdict) -> str:
    parts = [
        f"{EVIDENCE_ZH.get(key, key)} {NONE_IN_FORCE_ZH if value == NONE_IN_FORCE else value}"
        for key, value in verdict.evidence.items()
    ]
    return "；".join(parts)


def billing_blocks(check: BillingCheck) -> list[Block]:
    """The check as the report's tables: the lines, the totals, the inventory not billed."""
    lines: list[list[Cell]] = [
        [
            v.line.line,
            v.line.source,
            v.line.pool,
            v.line.user_unit,
            v.line.system,
            v.line.resource_id or "—",
            v.line.item_code,
            "、".join(code.zh for code in v.codes),
            money(v.line.amount),
            money(v.allowed),
            money(v.disputed),
            evidence_zh(v),
        ]
        for v in check.verdicts
    ]
    totals: list[list[Cell]] = [
        [
            "合计",
            "全部",
            len(check.verdicts),
            money(check.billed_total),
            money(check.disputed_total),
        ]
    ]
    for name, label in _GROUPS:
        for key, total in getattr(check, name).items():
            totals.append([label, key, total.lines, money(total.billed), money(total.disputed)])
    unbilled: list[list[Cell]] = [
        [r.resource_id, r.resource_class, r.pool, r.user_unit, r.system, days]
        for r, days in check.unbilled
    ]
    counts: list[list[Cell]] = [
        [code.zh, code.value, count] for code, count in check.counts().items()
    ]
    return [
        Block(
            "核对明细",
            f"{check.period} 结算清单核对明细",
            _LINE_HEADERS,
            lines,
            "本期无结算清单",
        ),
        Block(
            "汇总",
            f"{check.period} 计费核对汇总（争议合计 {money(check.disputed_total)} 元）",
            ["维度", "名称", "行数", "计费金额（元）", "争议金额（元）"],
            totals,
        ),
        Block("分类", f"{check.period} 各核对结果行数", ["核对结果", "代码", "行数"], counts),
        Block(
            "在用未计费",
            f"{check.period} 在用未计费资源（仅列示，不计争议）",
            ["资源编号", "资源类别", "资源池", "使用单位", "业务系统", "本月在服务天数"],
            unbilled,
        ),
    ]


def report_billing_blocks(checks: Sequence[BillingCheck], period: str) -> list[Block]:
    """The 监理报告's 计费核对 section: for a month, its totals, its class counts, the lines
    with a finding or a dispute (an ok line is only counted) and the unbilled inventory; for
    a year, each month's totals."""
    if len(checks) == 1 and checks[0].period == period:
        check = checks[0]
        lines, totals, counts, unbilled = billing_blocks(check)
        pairs = zip(lines.rows, check.verdicts, strict=True)
        flagged = [row for row, verdict in pairs if verdict.code is not Code.OK]
        return [
            replace(totals, sheet="计费核对"),
            replace(counts, sheet="计费核对分类"),
            replace(
                lines,
                sheet="计费争议明细",
                title=f"{period} 有异议或发现的结算行",
                rows=flagged,
                empty_text="本期结算行均无异议",
            ),
            replace(unbilled, sheet="在用未计费", empty_text="没有在用未计费的资源"),
        ]
    rows: list[list[Cell]] = []
    for check in checks:
        rows.append([check.period, "全部", len(check.verdicts), money(check.billed_total),
                     money(check.disputed_total)])  # fmt: skip
        for pool, total in check.by_pool.items():
            rows.append([check.period, pool, total.lines, money(total.billed),
                         money(total.disputed)])  # fmt: skip
    headers = ["结算期", "资源池", "行数", "计费金额（元）", "争议金额（元）"]
    return [Block("计费核对", f"{period} 各月计费核对", headers, rows, "本期无结算清单")]


def write_billing_xlsx(check: BillingCheck, path: Path) -> None:
    render_xlsx(billing_blocks(check), path)
