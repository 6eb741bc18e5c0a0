"""`slamon import catalogue`: exact prices, validity, and the import's bad-row rules."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, select, text

from collectors.records.catalogue import import_catalogue
from monitor.contract.model import Contract
from monitor.storage.billing import load_catalogue
from monitor.storage.tables import RejectedRow

DATA = Path(__file__).resolve().parents[2] / "data" / "billing"
NOW = datetime(2024, 8, 1, 9, 0, tzinfo=UTC)
REJECTED = RejectedRow.__table__  # type: ignore[attr-defined]


def test_a_chinese_catalogue_is_stored_with_exact_prices(
    engine: Engine, contract: Contract
) -> None:
    report = import_catalogue(engine, DATA / "catalogue_zh.csv", contract, source="目录", now=NOW)
    assert (report.rows_read, report.inserted, report.exit_code) == (6, 6, 0)
    items = {(i.item_code, i.valid_from): i for i in load_catalogue(engine)}
    later = items["VM-4C8G", date(2024, 7, 1)]
    assert (later.unit_price, later.pool, later.operator, later.valid_until) == (
        Decimal("399.5"),
        "一云",
        "",
        None,
    )
    storage = items["STO", date(2024, 1, 1)]
    assert storage.unit_price == Decimal("0.035") and isinstance(storage.unit_price, Decimal)
    assert (storage.unit, storage.measure) == ("GB·月", "storage_gb")
    assert items["VM-4C8G", date(2024, 1, 1)].valid_until == date(2024, 7, 1)


def test_prices_stay_exact_in_the_database(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    path = tmp_path / "exact.csv"
    path.write_text(
        "item_code,name,unit,unit_price,valid_from\nX,甲,GB·月,0.123457,2024-01-01\n"
        "Y,乙,台·月,12345678.1,2024-01-01\n",
        encoding="utf-8",
    )
    import_catalogue(engine, path, contract, source="s", now=NOW)
    prices = {i.item_code: i.unit_price for i in load_catalogue(engine)}
    assert prices == {"X": Decimal("0.123457"), "Y": Decimal("12345678.1")}
    with engine.connect() as connection:
        query = text("SELECT item_code, unit_price FROM catalogue_item")
        stored = {row[0]: row[1] for row in connection.execute(query)}
    # SQLite keeps the decimal text (its NUMERIC would be a binary float); PostgreSQL NUMERIC.
    assert {code: Decimal(str(value)) for code, value in stored.items()} == prices
    if engine.dialect.name == "sqlite":
        assert stored == {"X": "0.123457", "Y": "12345678.1"}


def test_importing_the_same_catalogue_twice_changes_nothing(
    engine: Engine, contract: Contract
) -> None:
    import_catalogue(engine, DATA / "catalogue_zh.csv", contract, source="s", now=NOW)
    again = import_catalogue(engine, DATA / "catalogue_zh.csv", contract, source="s", now=NOW)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 6)


def test_bad_catalogue_rows_are_reported_and_kept_while_good_ones_are_stored(
    engine: Engine, contract: Contract
) -> None:
    report = import_catalogue(
        engine, DATA / "catalogue_bad_rows.csv", contract, source="s", now=NOW
    )
    assert report.exit_code == 3
    assert [(p.line, p.key, p.column) for p in report.problems] == [
        (2, "A", "unit_price (单价)"),
        (4, "B", None),
        (5, "C", "unit_price (单价)"),
        (6, "D", "measure (计量依据)"),
        (7, "E", None),
    ]
    assert "negative" in report.problems[0].reason
    assert "overlaps" in report.problems[1].reason and "2024-01-01" in report.problems[1].reason
    assert "not after" in report.problems[4].reason
    assert [(i.item_code, i.unit_price) for i in load_catalogue(engine)] == [("B", Decimal(10))]
    with engine.connect() as connection:
        kept = connection.execute(select(REJECTED.c.line, REJECTED.c.target_table)).all()
    assert sorted(kept) == [(line, "catalogue_item") for line in (2, 4, 5, 6, 7)]


def test_a_value_longer_than_its_column_is_a_bad_row_not_a_failed_import(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    path = tmp_path / "long.csv"
    code = "X" * 101
    path.write_text(
        f"item_code,name,unit,unit_price,valid_from\n{code},甲,台·月,1,2024-01-01\n"
        "Y,乙,台·月,2,2024-01-01\n",
        encoding="utf-8",
    )
    report = import_catalogue(engine, path, contract, source="s", now=NOW)
    assert [(p.line, p.column) for p in report.problems] == [(2, "item_code (服务项编码)")]
    assert "longer than 100 characters" in report.problems[0].reason
    assert [i.item_code for i in load_catalogue(engine)] == ["Y"]


def test_a_price_overlapping_a_stored_one_is_refused_and_a_stored_one_can_be_corrected(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    import_catalogue(engine, DATA / "catalogue_zh.csv", contract, source="s", now=NOW)
    path = tmp_path / "later.csv"
    path.write_text(
        "服务项编码,服务项名称,计量单位,单价,生效日期,失效日期,资源池\n"
        "VM-4C8G,云主机 4核8G,台·月,430.00,2024-01-01,2024-07-01,一云\n"  # corrects a stored row
        "VM-4C8G,云主机 4核8G,台·月,380.00,2024-10-01,,一云\n",  # overlaps the open one from 07-01
        encoding="utf-8",
    )
    report = import_catalogue(engine, path, contract, source="s", now=NOW)
    assert [(p.line, p.key) for p in report.problems] == [(3, "VM-4C8G")]
    assert "a stored row in force from 2024-07-01" in report.problems[0].reason
    prices = {(i.item_code, i.valid_from): i.unit_price for i in load_catalogue(engine)}
    assert prices["VM-4C8G", date(2024, 1, 1)] == Decimal(430)
