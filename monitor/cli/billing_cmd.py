"""`slamon billing check --period YYYY-MM`: the operator's statement against the inventory,
the catalogue and its own arithmetic."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.billing.check import BillingCheck, Code
from monitor.cli.context import Runtime, UsageProblem, at_option, contract_option
from monitor.cli.help_language import SpokenGroup, both
from monitor.cli.language import chosen, echo, say
from monitor.cli.render import table
from monitor.domain.message import Message
from monitor.report.billing import billing_blocks, billing_json_text, money, write_billing_xlsx
from monitor.runs.billing import billing_check


@click.group("billing", cls=SpokenGroup)
def billing() -> None:
    """计费核对：核对运营单位的结算清单。

    English:

    Billing: check operators' statements.
    """


@billing.command("check")
@click.option(
    "--period",
    required=True,
    metavar="YYYY-MM",
    help=both("结算清单的月份。", "The statement's month."),
)
@click.option(
    "--format",
    "output",
    type=click.Choice(["table", "json", "xlsx"]),
    default="table",
    show_default=True,
)
@click.option(
    "--output",
    "path",
    type=click.Path(path_type=Path),
    default=None,
    help=both(
        "XLSX 写到哪里（默认：billing-check-YYYY-MM.xlsx）。",
        "Where the XLSX goes (default: billing-check-YYYY-MM.xlsx).",
    ),
)
@at_option
@contract_option
def check(
    period: str, output: str, path: Path | None, at_text: str | None, contract_path: Path | None
) -> None:
    """核对当月结算清单的每一行：分类、证据和争议金额（元，精确到分）。

    代码：`ok` 无异议；`not_in_inventory` 资源不在台账；`outside_service_life` 超出服务期计费
    （`in_service_from` 之前或 `reclaimed_at` 起计费的天数）；`quantity_mismatch` 数量不符；
    `price_mismatch` 单价不符（≠ 服务目录中现行的单价）；`arithmetic_error` 金额计算错误；
    `duplicate_line` 重复计费；`idle_billed` 闲置仍计费（是问题，不是争议）；`unbilled_inventory`
    在用未计费（列出，不算争议）。

    English:

    Classify every statement line of the month, with its evidence and the amount in dispute
    (yuan, to the fen).

    Codes: ok (no dispute); not_in_inventory (the resource is not in the inventory);
    outside_service_life (days billed before in_service_from or from reclaimed_at on);
    quantity_mismatch; price_mismatch (≠ the catalogue's price in force); arithmetic_error;
    duplicate_line; idle_billed (a finding, not a dispute); unbilled_inventory (shown, not
    disputed).
    """
    runtime = Runtime(contract_path)
    bounds = runtime.parse_period(period)
    if len(bounds.label) != 7:
        raise UsageProblem(
            Message(
                "--period：结算清单按月，请写 YYYY-MM",
                "--period: a statement is one month's; write YYYY-MM",
            )
        )
    result = billing_check(runtime.engine, runtime.contract, bounds, runtime.parse_at(at_text))
    if output == "json":
        click.echo(billing_json_text(result))
    elif output == "xlsx":
        target = path or Path(f"billing-check-{bounds.label}.xlsx")
        write_billing_xlsx(result, target, chosen())
        disputed = money(result.disputed_total)
        echo(
            f"已写入：{target}（争议合计 {disputed} 元）",
            f"written: {target} (disputed in total: {disputed} yuan)",
        )
    else:
        click.echo(_as_text(result))


def _as_text(result: BillingCheck) -> str:
    if not result.verdicts:
        return say(
            f"{result.period} 没有结算清单：请先运行 `slamon import statement PATH`",
            f"{result.period} has no statement lines: run `slamon import statement PATH` first",
        )
    parts = []
    lines, totals, _counts, unbilled = billing_blocks(result, chosen())
    disputed = [
        row for row, v in zip(lines.rows, result.verdicts, strict=True) if v.code is not Code.OK
    ]
    for block, rows in ((lines, disputed), (totals, totals.rows), (unbilled, unbilled.rows)):
        parts.append(block.title)
        if rows:
            cells = [[("—" if c is None else str(c)) for c in row] for row in rows]
            parts.append(table(block.headers, cells))
        else:
            parts.append(block.empty_text)
    billed, disputed_total = money(result.billed_total), money(result.disputed_total)
    ok, total = result.count(Code.OK), len(result.verdicts)
    parts.append(
        say(
            f"计费合计 {billed} 元；争议合计 {disputed_total} 元；无异议 {ok} 行，共 {total} 行",
            f"billed {billed} yuan in total; disputed {disputed_total} yuan; "
            f"{ok} of {total} lines without a dispute",
        )
    )
    return "\n\n".join(parts)
