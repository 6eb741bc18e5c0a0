"""The billing check for people and programs: JSON (its codes are the interface), and the
tables of the terminal and the XLSX workbook in Chinese or English. Money is written as exact
text."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from monitor.billing.check import NONE_IN_FORCE, BillingCheck, Code, LineVerdict, Total
from monitor.domain.message import Message
from monitor.report.blocks import Block, Cell, listing, texts
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
EVIDENCE_EN = {
    "in_service_days": "days in service this month",
    "billed_days": "days billed",
    "in_service_from": "in service from",
    "reclaimed_at": "reclaimed at",
    "catalogue_price": "catalogue price",
    "inventory_quantity": "inventory quantity",
    "measured_quantity": "measured quantity (the month's peak)",
    "expected_amount": "quantity × price × time is",
    "duplicate_of_line": "repeats line",
    "idle_since": "idle since",
    "reclaim_deadline": "reclaim deadline",
}
NONE_IN_FORCE_ZH = "无有效目录单价"
NONE_IN_FORCE_EN = "none in force"
_M = Message
_BILLED, _DISPUTED = _M("计费金额（元）", "Billed (yuan)"), _M("争议金额（元）", "Disputed (yuan)")
_POOL, _USER_UNIT, _SYSTEM = (
    _M("资源池", "Pool"),
    _M("使用单位", "User unit"),
    _M("业务系统", "System"),
)
_LINES, _ALL = _M("行数", "Lines"), _M("全部", "all")
_LINE_HEADERS = [
    _M("行号", "Line"), _M("来源", "Source"), _POOL, _USER_UNIT, _SYSTEM,
    _M("资源编号", "Resource"), _M("服务项编码", "Item"), _M("核对结果", "Result"), _BILLED,
    _M("核定金额（元）", "Allowed (yuan)"), _DISPUTED, _M("依据", "Evidence"),
]  # fmt: skip
_GROUPS = (
    ("by_pool", _POOL),
    ("by_operator", _M("运营单位", "Operator")),
    ("by_user_unit", _USER_UNIT),
    ("by_item", _M("服务项", "Item")),
)
_NO_STATEMENT = _M("本期无结算清单", "No statement this period")


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


def evidence_text(verdict: LineVerdict, lang: str) -> str:
    """What a line's verdict rests on, for people in `lang` ("zh" or "en")."""
    names, none = (
        (EVIDENCE_ZH, NONE_IN_FORCE_ZH) if lang == "zh" else (EVIDENCE_EN, NONE_IN_FORCE_EN)
    )
    parts = [
        f"{names.get(key, key)} {none if value == NONE_IN_FORCE else value}"
        for key, value in verdict.evidence.items()
    ]
    return ("；" if lang == "zh" else "; ").join(parts)


def billing_blocks(check: BillingCheck, lang: str = "zh") -> list[Block]:
    """The check as the report's tables in `lang` ("zh" or "en"): the lines, the totals, the
    inventory not billed."""
    lines: list[list[Cell]] = [
        [
            v.line.line,
            v.line.source,
            v.line.pool,
            v.line.user_unit,
            v.line.system,
            v.line.resource_id or "—",
            v.line.item_code,
            listing((code.label(lang) for code in v.codes), lang),
            money(v.line.amount),
            money(v.allowed),
            money(v.disputed),
            evidence_text(v, lang),
        ]
        for v in check.verdicts
    ]
    totals: list[list[Cell]] = [
        [
            _M("合计", "Total").in_language(lang),
            _ALL.in_language(lang),
            len(check.verdicts),
            money(check.billed_total),
            money(check.disputed_total),
        ]
    ]
    for name, label in _GROUPS:
        for key, total in getattr(check, name).items():
            totals.append(
                [label.in_language(lang), key, total.lines, money(total.billed),
                 money(total.disputed)]
            )  # fmt: skip
    unbilled: list[list[Cell]] = [
        [r.resource_id, r.resource_class, r.pool, r.user_unit, r.system, days]
        for r, days in check.unbilled
    ]
    counts: list[list[Cell]] = [
        [code.label(lang), code.value, count] for code, count in check.counts().items()
    ]
    period, disputed = check.period, money(check.disputed_total)
    none = _M("无", "none").in_language(lang)
    return [
        Block(
            _M("核对明细", "Checked lines").in_language(lang),
            _M(f"{period} 结算清单核对明细", f"{period} statement lines checked").in_language(lang),
            texts(_LINE_HEADERS, lang),
            lines,
            _NO_STATEMENT.in_language(lang),
        ),
        Block(
            _M("汇总", "Totals").in_language(lang),
            _M(
                f"{period} 计费核对汇总（争议合计 {disputed} 元）",
                f"{period} billing check totals ({disputed} yuan in dispute)",
            ).in_language(lang),
            texts([_M("维度", "By"), _M("名称", "Name"), _LINES, _BILLED, _DISPUTED], lang),
            totals,
            none,
        ),
        Block(
            _M("分类", "Results").in_language(lang),
            _M(f"{period} 各核对结果行数", f"{period} lines by result").in_language(lang),
            texts([_M("核对结果", "Result"), _M("代码", "Code"), _LINES], lang),
            counts,
            none,
        ),
        Block(
            _M("在用未计费", "Unbilled").in_language(lang),
            _M(
                f"{period} 在用未计费资源（仅列示，不计争议）",
                f"{period} resources in service, not billed (shown, not disputed)",
            ).in_language(lang),
            texts(
                [
                    _M("资源编号", "Resource"),
                    _M("资源类别", "Class"),
                    _POOL,
                    _USER_UNIT,
                    _SYSTEM,
                    _M(EVIDENCE_ZH["in_service_days"], "Days in service"),
                ],
                lang,
            ),
            unbilled,
            none,
        ),
    ]


_SECTION = _M("计费核对", "Billing check")


def report_billing_blocks(
    checks: Sequence[BillingCheck], period: str, lang: str = "zh"
) -> list[Block]:
    """The 监理报告's 计费核对 section in `lang`: for a month, its totals, its class counts,
    the lines with a finding or a dispute (an ok line is only counted) and the unbilled
    inventory; for a year, each month's totals."""
    if len(checks) == 1 and checks[0].period == period:
        check = checks[0]
        lines, totals, counts, unbilled = billing_blocks(check, lang)
        pairs = zip(lines.rows, check.verdicts, strict=True)
        flagged = [row for row, verdict in pairs if verdict.code is not Code.OK]
        return [
            replace(totals, sheet=_SECTION.in_language(lang)),
            replace(counts, sheet=_M("计费核对分类", "Billing results").in_language(lang)),
            replace(
                lines,
                sheet=_M("计费争议明细", "Billing disputes").in_language(lang),
                title=_M(
                    f"{period} 有异议或发现的结算行",
                    f"{period} statement lines with a dispute or a finding",
                ).in_language(lang),
                rows=flagged,
                empty_text=_M(
                    "本期结算行均无异议", "No statement line is disputed this period"
                ).in_language(lang),
            ),
            replace(
                unbilled,
                sheet=_M("在用未计费", "Unbilled").in_language(lang),
                empty_text=_M(
                    "没有在用未计费的资源", "No resource in service without billing"
                ).in_language(lang),
            ),
        ]
    rows: list[list[Cell]] = []
    everything = _ALL.in_language(lang)
    for check in checks:
        rows.append([check.period, everything, len(check.verdicts), money(check.billed_total),
                     money(check.disputed_total)])  # fmt: skip
        for pool, total in check.by_pool.items():
            rows.append([check.period, pool, total.lines, money(total.billed),
                         money(total.disputed)])  # fmt: skip
    headers = texts([_M("结算期", "Month"), _POOL, _LINES, _BILLED, _DISPUTED], lang)
    title = _M(f"{period} 各月计费核对", f"{period} billing check by month").in_language(lang)
    return [
        Block(_SECTION.in_language(lang), title, headers, rows, _NO_STATEMENT.in_language(lang))
    ]


def write_billing_xlsx(check: BillingCheck, path: Path, lang: str = "zh") -> None:
    render_xlsx(billing_blocks(check, lang), path)
