"""`slamon obligations`: evaluate the contract's periodic obligations (履约事项) and show them."""

from __future__ import annotations

import json
from pathlib import Path

import click

from monitor.cli.context import Runtime, at_option, contract_option
from monitor.cli.help_language import SpokenCommand
from monitor.cli.language import chosen, echo
from monitor.cli.render import table
from monitor.report.content import obligations_block, text_cells
from monitor.runs.obligations import clock_summary, evaluate_obligations


@click.command("obligations", cls=SpokenCommand)
@click.option(
    "--format",
    "output",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
)
@at_option
@contract_option
def obligations(output: str, at_text: str | None, contract_path: Path | None) -> None:
    """按 --at 时刻评估合同每项履约事项的每个期次并保存。

    状态：`due` 待完成、`at_risk` 临近期限、`met` 按期完成、`missed` 逾期未完成、
    `late` 逾期完成。佐证来自 `slamon import evidence PATH`；等保测评按资源清单中达到该事项
    `protection_level` 的每个系统计；满意度调查事项按 `slamon import surveys` 导入的答卷计。

    English:

    Evaluate every obligation period of the contract as of --at and store it.

    Statuses: due, at_risk, met, missed, late. Evidence comes from `slamon import evidence
    PATH`; an MLPS assessment is owed for each system the inventory lists at the
    obligation's protection_level; a survey duty counts the replies of `slamon import
    surveys`.
    """
    runtime = Runtime(contract_path)
    contract = runtime.contract
    at = runtime.parse_at(at_text)
    clocks = evaluate_obligations(runtime.engine, contract, runtime.calendar, at)
    if output == "json":
        document = {"at": at.isoformat(), "periods": [clock_summary(c, at) for c in clocks]}
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    if not contract.obligations:
        echo(
            "合同没有履约事项：请加入 obligations 一节",
            "the contract has no obligations: add an obligations section",
        )
        return
    block = obligations_block(clocks, contract, at, chosen())
    click.echo(block.title)
    if not block.rows:
        click.echo(block.empty_text)
        return
    click.echo(table(block.headers, text_cells(block.rows), right=(5, 6)))
