"""The inventory's vCPU数 / 内存GB / 存储GB: read in either language, exact, blank = not known,
a bad one refused on its line and column with the good rows kept."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine

from collectors.records.resources import import_resources
from monitor.contract.model import Contract
from monitor.storage.resources import load_resources_with_specs

NOW = datetime(2024, 3, 1, 1, 0, tzinfo=UTC)


def test_specs_are_read_from_chinese_and_english_headers(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    chinese = tmp_path / "resources_zh.csv"
    chinese.write_text(
        "资源编号,资源类型,资源池,vCPU数,内存GB,存储GB\n"
        "VM-1,云主机,一云,4,8,100.5\n"
        "VM-2,云主机,一云,,,\n",
        encoding="utf-8",
    )
    report = import_resources(engine, chinese, contract, source="s", now=NOW)
    assert (report.inserted, report.exit_code) == (2, 0)
    english = tmp_path / "resources_en.csv"
    english.write_text("resource_id,class,vcpu,memory_gb,storage_gb\nVM-3,vm,16,0.5,\n")
    assert import_resources(engine, english, contract, source="s", now=NOW).exit_code == 0
    resources, specs = load_resources_with_specs(engine)
    assert [r.resource_id for r in resources] == ["VM-1", "VM-2", "VM-3"]
    assert specs == {
        "VM-1": {"vcpu": Decimal(4), "memory_gb": Decimal(8), "storage_gb": Decimal("100.5")},
        "VM-3": {"vcpu": Decimal(16), "memory_gb": Decimal("0.5")},
    }


def test_a_file_without_spec_columns_leaves_the_stored_specs_as_they_were(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    first = tmp_path / "first.csv"
    first.write_text("resource_id,class,vcpu\nVM-1,vm,4\n")
    import_resources(engine, first, contract, source="s", now=NOW)
    later = tmp_path / "later.csv"
    later.write_text("resource_id,class,pool\nVM-1,vm,二云\n")
    assert import_resources(engine, later, contract, source="s", now=NOW).updated == 1
    resources, specs = load_resources_with_specs(engine)
    assert (resources[0].pool, specs) == ("二云", {"VM-1": {"vcpu": Decimal(4)}})


def test_a_spec_that_is_not_a_non_negative_number_is_a_bad_row_on_its_line(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "资源编号,资源类型,vCPU数,内存GB,存储GB\n"
        "VM-1,vm,4,8,100\n"
        "VM-2,vm,四核,8,100\n"
        "VM-3,vm,4,-8,100\n"
        "VM-4,vm,2,4,40\n",
        encoding="utf-8",
    )
    report = import_resources(engine, path, contract, source="s", now=NOW)
    assert report.exit_code == 3
    assert [(p.line, p.column) for p in report.problems] == [
        (3, "vcpu (vCPU数)"),
        (4, "memory_gb (内存GB)"),
    ]
    assert "not a number" in report.problems[0].reason
    assert "negative" in report.problems[1].reason
    resources, specs = load_resources_with_specs(engine)
    assert [r.resource_id for r in resources] == ["VM-1", "VM-4"]
    assert specs["VM-4"] == {"vcpu": Decimal(2), "memory_gb": Decimal(4), "storage_gb": Decimal(40)}
