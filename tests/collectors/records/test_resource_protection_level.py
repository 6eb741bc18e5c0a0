"""The inventory's 等保级别: read in either language and spelling, refused when not a level."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from collectors.records.resources import import_resources
from monitor.contract.model import Contract
from monitor.storage.obligations import protection_levels
from monitor.storage.resources import load_resources

NOW = datetime(2023, 12, 1, 1, 0, tzinfo=UTC)


def test_levels_are_read_from_chinese_and_english_spellings(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    path = tmp_path / "resources.csv"
    path.write_text(
        "资源编号,资源类型,资源池,业务系统,等保级别\n"
        "VM-1,云主机,一云,社保系统,三级\n"
        "VM-2,云主机,一云,社保系统,第三级\n"
        "VM-3,云主机,二云,招生系统,2\n"
        "VM-4,云主机,二云,门户网站,\n",
        encoding="utf-8",
    )
    report = import_resources(engine, path, contract, source="s", now=NOW)
    assert (report.inserted, report.exit_code) == (4, 0)
    assert protection_levels(engine) == {"社保系统": 3, "招生系统": 2}
    assert [resource.system for resource in load_resources(engine)] == [
        "社保系统",
        "社保系统",
        "招生系统",
        "门户网站",
    ]
    english = tmp_path / "levels_en.csv"
    english.write_text("resource_id,class,system,protection_level\nVM-4,vm,门户网站,level 3\n")
    assert import_resources(engine, english, contract, source="s", now=NOW).updated == 1
    assert protection_levels(engine)["门户网站"] == 3


def test_a_level_that_is_not_one_is_a_bad_row_on_its_line(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "resource_id,class,system,等保级别\nVM-1,vm,社保系统,三级\nVM-2,vm,招生系统,六级\n",
        encoding="utf-8",
    )
    report = import_resources(engine, path, contract, source="s", now=NOW)
    assert report.exit_code == 3
    assert [(p.line, p.column) for p in report.problems] == [(3, "protection_level (等保级别)")]
    assert "not a 等保 level" in report.problems[0].reason
    assert protection_levels(engine) == {"社保系统": 3}
