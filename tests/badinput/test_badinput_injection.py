"""SQL in search boxes and filters is data, never SQL; formulas in exported cells are text."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, inspect, text

from collectors.tickets.file_import import import_tickets
from monitor.contract.model import Contract
from monitor.domain.viewer import Role, Viewer
from monitor.report.content import Block
from monitor.report.xlsx import render_xlsx
from monitor.storage.tokens import create_token
from monitor.views.search import SEARCH_FIELDS, TicketQuery, search_tickets
from tests.api.client import bearer
from tests.api.test_api import Client
from tests.conftest import local

SUPERVISOR = Viewer("监理", Role.SUPERVISOR)
ATTACKS = [
    "' OR '1'='1",
    "%' OR 1=1 --",
    "'; DROP TABLE ticket; --",
    '"; DELETE FROM ticket; --',
    "GZ-2022-0102' --",
    "1) UNION SELECT name, sql FROM sqlite_master --",
    "%",
    "_",
    "\\",
    "\x00",
]
# A real ticket whose title is an attack: found by exactly its own text, and only it.
SEEDED = (
    "工单编号,类型,报障时间,标题\n"
    "INJ-1,故障,2022-08-10 11:41,'; DROP TABLE ticket; --\n"
    "INJ-2,故障,2022-08-10 11:42,普通标题\n"
)


@pytest.fixture
def seeded(engine: Engine, contract: Contract, tmp_path: Path) -> Engine:
    path = tmp_path / "seed.csv"
    path.write_text(SEEDED, encoding="utf-8")
    report = import_tickets(engine, path, contract, source="file", now=local("2022-08-11 09:00"))
    assert report.exit_code == 0
    return engine


def tickets_in(engine: Engine) -> int:
    assert "ticket" in inspect(engine).get_table_names()
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM ticket")).scalar_one())


@pytest.mark.parametrize("field", ["any", *SEARCH_FIELDS])
def test_sql_in_the_dashboard_search_box_is_searched_for_as_text(
    seeded: Engine, field: str
) -> None:
    for attack in ATTACKS:
        page = search_tickets(seeded, SUPERVISOR, TicketQuery(text=attack, field=field))
        found = [line.ticket_id for line in page.rows]
        expected = ["INJ-1"] if field in ("any", "title") and attack in SEEDED else []
        assert found == expected, repr(attack)
    assert tickets_in(seeded) == 2


def test_sql_in_the_api_filters_is_matched_as_text(seeded: Engine, api: Client) -> None:
    headers = bearer(
        create_token(seeded, "reader", local("2022-08-11 09:00"), source=None, pools=None)
    )
    for attack in ATTACKS:
        for name in ("q", "source", "pool", "operator", "kind", "severity"):
            answer = api.get("/api/v1/tickets", params={name: attack}, headers=headers)
            if "\x00" in attack:
                assert answer.status_code == 422, answer.text  # not storable, so not searchable
                continue
            assert answer.status_code == 200, answer.text
            found = [item["ticket_id"] for item in answer.json()["items"]]
            assert found == (["INJ-1"] if name == "q" and attack in SEEDED else []), (name, attack)
        answer = api.get(
            "/api/v1/violations",
            params={"target": attack, "status": "breached"},
            headers=headers,
        )
        assert answer.status_code == (422 if "\x00" in attack else 200)
    assert tickets_in(seeded) == 2


def test_formulas_in_a_report_cell_are_stored_as_text(tmp_path: Path) -> None:
    risky = ["=cmd|' /c calc'!A1", "+1+1", "-2+3", "@SUM(A1:A2)", '=HYPERLINK("http://x")']
    block = Block(
        "工单", "工单", ["编号", "标题"], [[f"T-{i}", value] for i, value in enumerate(risky)]
    )
    path = tmp_path / "report.xlsx"
    render_xlsx([block], path)
    sheet = load_workbook(path).active
    cells = [sheet.cell(row=4 + i, column=2) for i in range(len(risky))]
    assert [cell.value for cell in cells] == risky
    assert {(cell.data_type, cell.quotePrefix) for cell in cells} == {("s", True)}
