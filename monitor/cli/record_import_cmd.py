"""`slamon import resources|outages|usage|inspections|surveys|… PATH`, one command per record
kind of collectors.records.RECORD_IMPORTERS."""

from __future__ import annotations

from pathlib import Path

import click

from collectors.records import RECORD_IMPORTERS, ImportFile, RecordKind
from monitor import clock
from monitor.cli.context import Runtime, contract_option
from monitor.cli.help_language import SpokenCommand, both
from monitor.cli.import_output import (
    NEXT_AFTER_BILLING,
    NEXT_AFTER_RECORDS,
    checked_source,
    print_report,
    run_import,
)
from monitor.domain.message import Message

_EXITS = both(
    "退出码 0：全部行已保存；3：部分行被拒（正确的行已保存，错误的行记入 `rejected_row`）；"
    "2：文件无法使用，未保存任何内容。",
    "Exit code 0: all rows stored; 3: some rows rejected (the good ones are stored, the bad "
    "ones kept in rejected_row); 2: the file could not be used, nothing stored.",
)
# Each record kind's help page, keyed by its command's name (RECORD_IMPORTERS' keys): what
# the file holds, in both languages. Names in backticks are typed as they are.
RECORD_HELP = {
    "resources": both(
        "导入资源清单（CSV/XLSX/JSON）。\n\n"
        "列：`resource_id`、`class`（`vm/physical/network/power/backup/storage`）、`pool`、"
        "`user_unit`、`system`、`protection_level`（等保级别 1–5）、`status`、"
        "`in_service_from`、`reclaimed_at`。",
        "Import the resource inventory (CSV/XLSX/JSON).\n\n"
        "Columns: resource_id, class (vm/physical/network/power/backup/storage), pool, "
        "user_unit, system, protection_level (MLPS level 1–5), status, in_service_from, "
        "reclaimed_at.",
    ),
    "outages": both(
        "导入中断记录（CSV/XLSX/JSON）。\n\n"
        "列：`resource_id`、`class`、`pool`、`start`、`end`、`planned`、`approved_by`、"
        "`cause`。有审批人的计划中断是维护窗口：其时间不计入可用率。",
        "Import outage records (CSV/XLSX/JSON).\n\n"
        "Columns: resource_id, class, pool, start, end, planned, approved_by, cause. A "
        "planned outage with an approver is a maintenance window: its time is excluded "
        "from availability.",
    ),
    "usage": both(
        "导入月度使用率（CSV/XLSX/JSON）。\n\n"
        "列：`pool` 或 `resource_id`、`month`（YYYY-MM）、`cpu`、`memory`、`storage`（百分比）。",
        "Import monthly utilisation figures (CSV/XLSX/JSON).\n\n"
        "Columns: pool or resource_id, month (YYYY-MM), cpu, memory, storage (percent).",
    ),
    "inspections": both(
        "从 CSV、XLSX 或 JSON 文件导入巡检记录。\n\n"
        "每个巡检项一行：巡检时间、巡检项、巡检结果（正常/异常）；异常的另有发现问题、"
        "处理措施、解决时间和佐证材料。",
        "Import inspection records from a CSV, XLSX or JSON file.\n\n"
        "One row per inspected item, its columns headed in Chinese: `巡检时间` (time), "
        "`巡检项` (item), `巡检结果` (result: `正常` normal or `异常` abnormal); for an abnormal "
        "one `发现问题`, `处理措施`, `解决时间` and `佐证材料` (finding, action, resolved at, "
        "evidence).",
    ),
    "surveys": both(
        "从 CSV、XLSX 或 JSON 文件导入满意度调查答卷。\n\n"
        "每个单位每次调查一行：使用单位、填报时间、总体评价（非常满意/比较满意/一般/不满意），"
        "可另有各题的列，列名为 `q:题目`。",
        "Import satisfaction survey replies from a CSV, XLSX or JSON file.\n\n"
        "One row per unit and survey, its columns headed in Chinese: `使用单位` (unit), "
        "`填报时间` (replied at), `总体评价` (overall: `非常满意`, `比较满意`, `一般` or "
        "`不满意`), optional per-question columns headed q:QUESTION.",
    ),
    "catalogue": both(
        "导入服务目录及其单价。\n\n"
        "列：`item_code` 服务项编码、`name` 服务项名称、`unit` 计量单位、`unit_price` 单价"
        "（元，精确值）、`measure` 计量依据（`vcpu/memory_gb/storage_gb/count/use`）、"
        "`valid_from` 生效日期、`valid_until` 失效日期（不含当日）、`pool` 资源池、"
        "`operator` 运营单位。",
        "Import the service catalogue with its unit prices.\n\n"
        "Columns: item_code, name, unit, unit_price (yuan, exact), measure "
        "(vcpu/memory_gb/storage_gb/count/use), valid_from, valid_until (exclusive), pool, "
        "operator.",
    ),
    "statement": both(
        "导入运营单位的月度结算清单。\n\n"
        "列：`period` 结算期（YYYY-MM）、`pool` 资源池、`operator` 运营单位、`user_unit` "
        "使用单位、`system` 业务系统、`resource_id` 资源编号（非资源类的项留空）、`item_code` "
        "服务项编码、`quantity` 数量、`billed_days` 计费天数或 `billed_months` 计费月数、"
        "`unit_price` 单价、`amount` 金额（元，精确到分）。--profile `jiesuan` 读取中文表格的"
        "版式：标题写明月份，两行合并单元格的表头，小计/合计行。",
        "Import an operator's monthly statement.\n\n"
        "Columns: period (YYYY-MM), pool, operator, user_unit, system, resource_id (blank for "
        "non-resource items), item_code, quantity, billed_days or billed_months, unit_price, "
        "amount (yuan, to the fen). --profile jiesuan reads the Chinese spreadsheet layout: a "
        "title naming the month, two header rows with merged cells, subtotal and total rows.",
    ),
    "evidence": both(
        "导入履约事项已完成的佐证。\n\n"
        "列：`obligation` 履约事项（编号或名称）、`done_on` 完成日期、`document_ref` 佐证材料、"
        "`done_by` 完成人；按系统的事项（等保测评）另有 `system` 业务系统，按资源池的事项另有 "
        "`pool` 资源池，`period` 所属期（`YYYY`、`YYYY-Q1`、`YYYY-MM`、`YYYY-Www`）指明期次；"
        "漏洞通报：`notice` 通报编号和 `noticed_on` 通报日期，修复后填 `done_on`。",
        "Import evidence that contract obligations were done.\n\n"
        "Columns: obligation (id or name), done_on, document_ref, done_by; system for a "
        "per-system duty (MLPS assessment), pool for a per-pool one, period (YYYY, YYYY-Q1, "
        "YYYY-MM, YYYY-Www) to name the period; a vulnerability notice: notice and "
        "noticed_on, done_on once fixed.",
    ),
    "roster": both(
        "导入值班表。\n\n"
        "每人每班一行。列：`date` 日期、`pool` 资源池、`shift` 班次（可留空）、`start` 开始时间、"
        "`end` 结束时间（合同时区的时刻，如 `08:00`；结束时刻不晚于开始时刻即为次日，"
        "`24:00` 为当日结束）、`person` 值班人员、`phone` 联系电话（可留空）。",
        "Import the duty roster.\n\n"
        "One row per person and shift. Columns: date, pool, shift (may be blank), start, end "
        "(times of day in the contract's zone, such as 08:00; an end at or before the start is "
        "on the next day, 24:00 is the end of the day), person, phone (may be blank).",
    ),
}


# The catalogue and the statements are read first by the billing check, not the scorecard.
_NEXT_STEP = {"catalogue": NEXT_AFTER_BILLING, "statement": NEXT_AFTER_BILLING}


def record_command(kind: RecordKind) -> click.Command:
    """The import command of one record kind."""

    @click.command(kind.name, cls=SpokenCommand, help=RECORD_HELP[kind.name], epilog=_EXITS)
    @click.argument("path", type=click.Path(path_type=Path))
    @click.option(
        "--source",
        default="file",
        callback=checked_source,
        show_default=True,
        help=both(
            "记录的来源；记录按来源唯一。",
            "Where the records come from; records are unique per source.",
        ),
    )
    @contract_option
    def command(path: Path, source: str, contract_path: Path | None, **profile: str | None) -> None:
        name, profiled = profile.get("profile"), kind.import_profiled
        next_step = _NEXT_STEP.get(kind.name, NEXT_AFTER_RECORDS)
        if name is None or profiled is None:
            run_record_import(kind.import_file, path, source, contract_path, next_step)
            return
        run_record_import(
            lambda engine, path, contract, *, source, now: profiled(
                engine, path, contract, source=source, now=now, profile=name
            ),
            path,
            source,
            contract_path,
            next_step,
        )

    if kind.import_profiled is not None:
        command = click.option(
            "--profile",
            default=None,
            help=both(
                "运营单位自己的版式：config/mappings/statements/NAME.yaml，"
                "或一个 YAML 文件的路径。",
                "A layout of the operator's own: config/mappings/statements/NAME.yaml, or a "
                "YAML file's path.",
            ),
        )(command)
    return command


RECORD_COMMANDS = [record_command(kind) for kind in RECORD_IMPORTERS.values()]


def run_record_import(
    importer: ImportFile,
    path: Path,
    source: str,
    contract_path: Path | None,
    next_step: Message = NEXT_AFTER_RECORDS,
) -> None:
    """Import one file of records with `importer`, print the summary and exit with its code."""
    runtime = Runtime(contract_path)
    run_import(
        lambda: importer(runtime.engine, path, runtime.contract, source=source, now=clock.now()),
        print_report,
        next_step,
    )
