"""`slamon report --period P --format xlsx|pdf|md`: the supervision report (监理报告)."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.cli.context import Runtime, UsageProblem, at_option, contract_option
from monitor.cli.help_language import SpokenCommand, both
from monitor.cli.language import chosen, echo
from monitor.cli.score_cmd import load_manual_option
from monitor.report.content import report_blocks, report_file_stem
from monitor.report.data import report_data
from monitor.runs.scorecard import period_scorecard


@click.command(cls=SpokenCommand)
@click.option(
    "--period",
    required=True,
    metavar="YYYY|YYYY-MM",
    help=both("月份或年份。", "The month or year."),
)
@click.option(
    "--format", "output", type=click.Choice(["xlsx", "pdf", "md"]), default="md", show_default=True
)
@click.option(
    "--output",
    "-o",
    "path",
    type=click.Path(path_type=Path),
    default=None,
    help=both(
        "写入的文件（默认：当前目录下的 `监理报告_PERIOD.FORMAT`，英文时为 "
        "`supervision_report_PERIOD.FORMAT`；`md` 格式可用 `-` 表示标准输出）。",
        "File to write (default: supervision_report_PERIOD.FORMAT in the current folder, in "
        "Chinese `监理报告_PERIOD.FORMAT`; md: - for stdout).",
    ),
)
@click.option(
    "--manual",
    "manual_path",
    type=click.Path(path_type=Path),
    default=None,
    help=both(
        "手工填报指标和 SLA 考核得分的 YAML（同 `slamon score`）。",
        "YAML of hand-entered indicators and the SLA assessment score (as for score).",
    ),
)
@at_option
@contract_option
def report(
    period: str,
    output: str,
    path: Path | None,
    manual_path: Path | None,
    at_text: str | None,
    contract_path: Path | None,
) -> None:
    """监理报告：概要、评分表、违约项及证据、未关闭的巡检问题、两个资源池对比、满意度。

    输出为 XLSX、PDF 或 Markdown，语言随 --lang。

    English:

    Supervision report: summary, scorecard, violations with evidence, unclosed inspection
    findings, pool 1 vs pool 2, satisfaction.

    Written as XLSX, PDF or Markdown, in the language of --lang.
    """
    runtime = Runtime(contract_path)
    contract = runtime.contract
    bounds = runtime.parse_period(period)
    at = runtime.parse_at(at_text)
    manual = load_manual_option(manual_path, contract, bounds)
    card = period_scorecard(runtime.engine, runtime.contracts, bounds, at, manual)
    lang = chosen()
    blocks = report_blocks(report_data(runtime.engine, runtime.contracts, card), lang)
    target = path or Path(f"{report_file_stem(lang)}_{bounds.label}.{output}")
    # The renderers are imported when used: fpdf and openpyxl slow every other command's start.
    if output == "md":
        from monitor.report.markdown import render_markdown

        text = render_markdown(blocks)
        if str(target) == "-":
            click.echo(text)
            return
        target.write_text(text, encoding="utf-8")
    elif output == "xlsx":
        from monitor.report.xlsx import render_xlsx

        render_xlsx(blocks, target)
    else:
        from monitor.report.pdf import ReportFontMissing, render_pdf

        try:
            render_pdf(blocks, target)
        except ReportFontMissing as error:
            raise UsageProblem(error.message) from None
    echo(f"已生成：{target}", f"written: {target}")
