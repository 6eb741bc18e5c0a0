"""Record imports other than tickets: resources, outages, usage, inspections, surveys, the
service catalogue, operators' statements, obligation evidence and the duty roster.

Each kind is a small module with a RecordFormat (its columns, their Chinese and English
headers and parsers) and an import function on collectors.records.base.import_records;
RECORD_IMPORTERS lists them, and `slamon import <kind>` is made from each entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy import Engine

from collectors.files.import_report import ImportReport
from collectors.records.catalogue import import_catalogue
from collectors.records.evidence import import_evidence
from collectors.records.inspections import import_inspections
from collectors.records.outages import import_outages
from collectors.records.resources import import_resources
from collectors.records.roster import import_roster
from collectors.records.statements import import_statement, import_statement_with_profile
from collectors.records.surveys import import_surveys
from collectors.records.usage import import_usage
from monitor.contract.model import Contract


class ImportFile(Protocol):
    """Import one file of records; the report says what was stored and what was rejected."""

    def __call__(
        self, engine: Engine, path: Path, contract: Contract, *, source: str, now: datetime
    ) -> ImportReport: ...


class ImportProfiledFile(Protocol):
    """Import one file in the layout a named mapping profile describes."""

    def __call__(
        self,
        engine: Engine,
        path: Path,
        contract: Contract,
        *,
        source: str,
        now: datetime,
        profile: str,
    ) -> ImportReport: ...


@dataclass(frozen=True, slots=True)
class RecordKind:
    """One kind of record file: how it is imported and how `slamon import <name>` describes it."""

    name: str
    import_file: ImportFile
    summary: str  # the command's first help line, 中文 then English
    columns: str  # what the file holds, for the command's help
    # With it the command takes --profile NAME for a layout of the operator's own.
    import_profiled: ImportProfiledFile | None = None


RECORD_IMPORTERS: dict[str, RecordKind] = {
    kind.name: kind
    for kind in (
        RecordKind(
            "resources",
            import_resources,
            "导入资源清单 Import the resource inventory (CSV/XLSX/JSON).",
            "Columns: resource_id, class (vm/physical/network/power/backup/storage), pool, "
            "user_unit, system, protection_level (等保级别 1–5), status, in_service_from, "
            "reclaimed_at.",
        ),
        RecordKind(
            "outages",
            import_outages,
            "导入中断记录 Import outage records (CSV/XLSX/JSON).",
            "Columns: resource_id, class, pool, start, end, planned, approved_by, cause. A "
            "planned outage with an approver is a maintenance window: its time is excluded "
            "from availability.",
        ),
        RecordKind(
            "usage",
            import_usage,
            "导入月度使用率 Import monthly utilisation figures (CSV/XLSX/JSON).",
            "Columns: pool or resource_id, month (YYYY-MM), cpu, memory, storage (percent).",
        ),
        RecordKind(
            "inspections",
            import_inspections,
            "导入巡检记录 Import inspection records (巡检) from a CSV, XLSX or JSON file.",
            "One row per inspected item: 巡检时间, 巡检项, 巡检结果 (正常/异常); for an abnormal "
            "one 发现问题, 处理措施, 解决时间 and 佐证材料.",
        ),
        RecordKind(
            "surveys",
            import_surveys,
            "导入满意度调查 Import satisfaction survey replies from a CSV, XLSX or JSON file.",
            "One row per unit and survey: 使用单位, 填报时间, 总体评价 (非常满意/比较满意/一般/"
            "不满意), optional per-question columns headed q:QUESTION.",
        ),
        RecordKind(
            "catalogue",
            import_catalogue,
            "导入服务目录 Import the service catalogue (服务目录) with its unit prices.",
            "Columns: item_code 服务项编码, name 服务项名称, unit 计量单位, unit_price 单价 (元, "
            "exact), measure 计量依据 (vcpu/memory_gb/storage_gb/count/use), valid_from 生效日期, "
            "valid_until 失效日期 (exclusive), pool 资源池, operator 运营单位.",
        ),
        RecordKind(
            "statement",
            import_statement,
            "导入结算清单 Import an operator's monthly statement (结算清单).",
            "Columns: period 结算期 (YYYY-MM), pool 资源池, operator 运营单位, user_unit 使用单位, "
            "system 业务系统, resource_id 资源编号 (blank for non-resource items), item_code "
            "服务项编码, quantity 数量, billed_days 计费天数 or billed_months 计费月数, unit_price "
            "单价, amount 金额 (元, to the fen). --profile jiesuan reads the Chinese spreadsheet "
            "layout: a title naming the month, two header rows with merged cells, 小计/合计 rows.",
            import_statement_with_profile,
        ),
        RecordKind(
            "evidence",
            import_evidence,
            "导入履约佐证 Import evidence that contract obligations (履约事项) were done.",
            "Columns: obligation 履约事项 (id or name), done_on 完成日期, document_ref 佐证材料, "
            "done_by 完成人; system 业务系统 for a per-system duty (等保测评), pool 资源池 for a "
            "per-pool one, period 所属期 (YYYY, YYYY-Q1, YYYY-MM, YYYY-Www) to name the period; a "
            "vulnerability notice: notice 通报编号 and noticed_on 通报日期, done_on once fixed.",
        ),
        RecordKind(
            "roster",
            import_roster,
            "导入值班表 Import the duty roster (值班表).",
            "Columns: date 日期, pool 资源池, shift 班次, start 开始时间, end 结束时间 (times of "
            "day in the contract's zone; an end at or before the start is on the next day), "
            "person 值班人员, phone 联系电话.",
        ),
    )
}

__all__ = ["RECORD_IMPORTERS", "ImportFile", "ImportProfiledFile", "RecordKind"]
