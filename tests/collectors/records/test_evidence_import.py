"""`slamon import evidence`: obligation evidence and notices, headers in either language, bad
rows by line and column with the good ones kept."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from collectors.files.import_report import ImportFileError
from collectors.records.evidence import import_evidence
from monitor.contract.model import Contract
from monitor.domain.obligations import EvidenceRecord
from monitor.storage.obligations import load_evidence
from monitor.storage.tables import RejectedRow
from tests.rules.obligation_contract import contract_with_obligations

DATA = Path(__file__).resolve().parents[2] / "data" / "obligations"
NOW = datetime(2023, 12, 1, 1, 0, tzinfo=UTC)
REJECTED = RejectedRow.__table__  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def terms(tmp_path_factory: pytest.TempPathFactory) -> Contract:
    return contract_with_obligations(Path(tmp_path_factory.mktemp("evidence")))


def test_chinese_evidence_and_notices_are_stored_by_obligation_id(
    engine: Engine, terms: Contract
) -> None:
    report = import_evidence(engine, DATA / "evidence_zh.csv", terms, source="s", now=NOW)
    assert (report.rows_read, report.inserted, report.exit_code) == (7, 7, 0)
    stored = {
        (item.obligation_id, item.subject, item.done_on): item for item in load_evidence(engine)
    }
    drill = stored[("emergency_drill", None, date(2023, 11, 3))]
    assert (drill.document_ref, drill.done_by) == ("应急演练记录-2023-02", "李四")
    assert stored[("monthly_report", None, date(2023, 10, 11))].period == "2023-09"
    assert stored[("protection_test", "社保系统", date(2023, 6, 1))].pool == "一云"
    notice = stored[("vulnerability_fix", "TB-2023-17", None)]
    assert notice.noticed_on == date(2023, 9, 25)


def test_a_notice_imported_again_with_its_fix_is_one_record(
    engine: Engine, terms: Contract, tmp_path: Path
) -> None:
    import_evidence(engine, DATA / "evidence_zh.csv", terms, source="s", now=NOW)
    fixed = tmp_path / "fixed.csv"
    fixed.write_text(
        "履约事项,通报编号,通报日期,完成日期,佐证材料,完成人\n"
        "漏洞通报整改,TB-2023-17,2023-09-25,2023-10-12,整改报告-TB-2023-17,王五\n",
        encoding="utf-8",
    )
    report = import_evidence(engine, fixed, terms, source="s", now=NOW)
    assert (report.inserted, report.updated) == (0, 1)
    notices = [item for item in load_evidence(engine) if item.subject == "TB-2023-17"]
    assert notices == [
        EvidenceRecord(
            "vulnerability_fix",
            date(2023, 10, 12),
            "整改报告-TB-2023-17",
            "王五",
            "TB-2023-17",
            None,
            None,
            date(2023, 9, 25),
        )
    ]


def test_english_headers_and_names_are_read(engine: Engine, terms: Contract) -> None:
    report = import_evidence(engine, DATA / "evidence_en.csv", terms, source="s", now=NOW)
    assert (report.inserted, report.exit_code) == (2, 0)
    assert sorted(item.obligation_id for item in load_evidence(engine)) == [
        "backup_restore_drill",
        "emergency_drill",
    ]


def test_bad_evidence_rows_are_reported_and_kept_while_good_ones_are_stored(
    engine: Engine, terms: Contract
) -> None:
    report = import_evidence(engine, DATA / "evidence_bad_rows.csv", terms, source="s", now=NOW)
    assert report.exit_code == 3
    assert [(p.line, p.column) for p in report.problems] == [
        (3, "obligation_id (履约事项)"),
        (4, "done_on (完成日期)"),
        (5, None),
        (6, None),
        (7, None),
        (8, None),
        (9, None),
        (10, None),
    ]
    reasons = [p.reason for p in report.problems]
    assert "unknown obligation '消防检查'" in reasons[0]
    assert "document_ref (佐证材料) is required" in reasons[2]
    assert "owed per system" in reasons[3] and "一云、二云" in reasons[4]
    assert "write YYYY-MM" in reasons[5]
    assert "before noticed_on" in reasons[6] and "通报编号" in reasons[7]
    assert sorted(item.obligation_id for item in load_evidence(engine)) == [
        "backup_restore_drill",
        "emergency_drill",
    ]
    with engine.connect() as connection:
        kept = connection.execute(select(REJECTED).order_by(REJECTED.c.line)).all()
    assert [row.line for row in kept] == [3, 4, 5, 6, 7, 8, 9, 10]
    assert {row.target_table for row in kept} == {"obligation_evidence"}
    assert json.loads(kept[0].raw)["obligation"] == "消防检查"


def test_an_evidence_file_with_an_unknown_header_is_refused_with_the_accepted_ones(
    engine: Engine, terms: Contract, tmp_path: Path
) -> None:
    path = tmp_path / "unknown.csv"
    path.write_text("履约事项,完成日期,天气\n应急演练,2023-05-10,晴\n", encoding="utf-8")
    with pytest.raises(ImportFileError) as error:
        import_evidence(engine, path, terms, source="s", now=NOW)
    message = str(error.value)
    assert "unknown column(s): 天气" in message and "document_ref / 佐证材料" in message


def test_evidence_for_a_contract_without_obligations_says_it_names_none(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    path = tmp_path / "evidence.csv"
    path.write_text("obligation,done_on,document_ref\ndrill,2023-05-10,D-1\n", encoding="utf-8")
    report = import_evidence(engine, path, contract, source="file", now=NOW)
    assert report.exit_code == 3
    assert "unknown obligation 'drill': the contract names none" in report.problems[0].reason
