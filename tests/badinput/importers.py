"""Every file importer, with the real fixture it is fuzzed from and the good rows of that fixture.

`good` is written by hand from the fixture (and tests/data/README.md): the keys of the rows a
clean import stores. `key_header` is the file column that names a row, `stored` the SQL that
lists what the database holds under that name.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, text
from sqlmodel import SQLModel

from collectors.records.catalogue import import_catalogue
from collectors.records.evidence import import_evidence
from collectors.records.inspections import import_inspections
from collectors.records.outages import import_outages
from collectors.records.resources import import_resources
from collectors.records.roster import import_roster
from collectors.records.statements import import_statement
from collectors.records.surveys import import_surveys
from collectors.records.usage import import_usage
from collectors.tickets.file_import import import_tickets
from collectors.tickets.profile import load_profile
from collectors.tickets.profile_import import import_with_profile
from monitor.contract.model import Contract
from tests.badinput.mutations import read_csv, read_xlsx
from tests.conftest import local
from tests.rules.obligation_contract import contract_with_obligations

DATA = Path(__file__).resolve().parent.parent / "data"
NOW = local("2024-06-05 12:00")
TICKETS = "SELECT ticket_id FROM ticket"

Run = Callable[[Engine, Path, Contract], Any]


def _plain(importer: Callable[..., Any]) -> Run:
    def run(engine: Engine, path: Path, contract: Contract) -> Any:
        return importer(engine, path, contract, source="fuzz", now=NOW)

    return run


def _profiled(name: str) -> Run:
    profile = load_profile(name)

    def run(engine: Engine, path: Path, contract: Contract) -> Any:
        return import_with_profile(engine, path, profile, contract, source="fuzz", now=NOW)

    return run


@cache
def _obligation_terms() -> Contract:
    """The default contract with the obligations evidence names (the default has none)."""
    return contract_with_obligations(Path(tempfile.mkdtemp(prefix="slamon-fuzz-")))


def _evidence(engine: Engine, path: Path, contract: Contract) -> Any:
    return import_evidence(engine, path, _obligation_terms(), source="fuzz", now=NOW)


@dataclass(frozen=True)
class Importer:
    name: str
    fixture: str
    run: Run
    cli: tuple[str, ...]  # `slamon import …` before the path
    key_header: str
    stored: str
    good: frozenset[int]  # 0-based data rows (after the header) a clean import stores
    header_row: int = 1  # XLSX: the row holding the header

    @property
    def path(self) -> Path:
        return DATA / self.fixture

    def key_of(self, row: int) -> str:
        """The key of the fixture's data row `row`, as the database stores it."""
        return _fixture_keys(self.fixture, self.key_header, self.header_row)[row]

    def stored_keys(self, engine: Engine) -> set[str]:
        with engine.connect() as connection:
            return {str(key) for key in connection.execute(text(self.stored)).scalars()}


@cache
def _fixture_keys(fixture: str, key_header: str, header_row: int) -> list[str]:
    path = DATA / fixture
    if path.suffix == ".json":
        return [str(item.get(key_header)) for item in json.loads(path.read_text("utf-8"))]
    if path.suffix == ".xlsx":
        top, rows = read_xlsx(path, header_row)
        column = top[-1].index(key_header)
    else:
        _, header, rows = read_csv(path)
        column = header.index(key_header)
    return [str(cells[column]) if len(cells) > column else "" for _, cells in rows]


def _rows(*rows: int) -> frozenset[int]:
    return frozenset(rows)


def _servicenow_rows() -> frozenset[int]:
    # Rows in state -100 are skipped by the profile; every other row is a stored event.
    _, header, rows = read_csv(DATA / "servicenow_incident_events.csv")
    state = header.index("incident_state")
    return frozenset(index for index, cells in rows if cells[state] != "-100")


IMPORTERS = [
    Importer(
        "tickets",
        "tickets_zh.csv",
        _plain(import_tickets),
        ("tickets",),
        "工单编号",
        TICKETS,
        _rows(0, 1, 2, 3),
    ),
    Importer(
        "tickets-bad-rows",
        "tickets_bad_rows.csv",
        _plain(import_tickets),
        ("tickets",),
        "ticket_id",
        TICKETS,
        _rows(0, 1, 7),  # rows 2-5 are bad, row 6 is blank,
    ),
    Importer(
        "tickets-json",
        "tickets.json",
        _plain(import_tickets),
        ("tickets",),
        "ticket_id",
        TICKETS,
        _rows(0, 1, 4),
    ),
    Importer(
        "tickets-xlsx",
        "tickets_title_row.xlsx",
        _plain(import_tickets),
        ("tickets",),
        "工单编号",
        TICKETS,
        _rows(0, 1, 4),  # row 2 is blank, row 3 has a bad restore time
        header_row=3,
    ),
    Importer(
        "profile-slamon",
        "tickets_zh.csv",
        _profiled("slamon"),
        ("tickets", "--profile", "slamon"),
        "工单编号",
        TICKETS,
        _rows(0, 1, 2, 3),
    ),
    Importer(
        "profile-jira_sm",
        "jira_sm_export.csv",
        _profiled("jira_sm"),
        ("tickets", "--profile", "jira_sm"),
        "Issue key",
        TICKETS,
        _rows(0, 1, 2),
    ),
    Importer(
        "profile-zammad",
        "zammad_export.csv",
        _profiled("zammad"),
        ("tickets", "--profile", "zammad"),
        "Number",
        TICKETS,
        _rows(0, 1),  # row 2 (20240603) is merged: skipped, not stored
    ),
    Importer(
        "profile-nanguan",
        "nanguan_export.xlsx",
        _profiled("nanguan"),
        ("tickets", "--profile", "nanguan"),
        "工单编号",
        TICKETS,
        _rows(0, 1, 2),
        header_row=2,
    ),
    Importer(
        "profile-servicenow",
        "servicenow_incident_events.csv",
        _profiled("servicenow"),
        ("tickets", "--profile", "servicenow"),
        "number",
        TICKETS,
        _servicenow_rows(),
    ),
    Importer(
        "resources",
        "resources_zh.csv",
        _plain(import_resources),
        ("resources",),
        "资源编号",
        "SELECT resource_id FROM resource",
        _rows(0, 1, 2, 3, 4, 5),
    ),
    Importer(
        "outages",
        "outages.csv",
        _plain(import_outages),
        ("outages",),
        "资源编号",
        "SELECT resource_id FROM outage",
        _rows(0, 1),  # row 2 (maintenance without an end) and row 3 (ends first) are bad
    ),
    Importer(
        "usage",
        "usage_2022.csv",
        _plain(import_usage),
        ("usage",),
        "资源池",
        "SELECT pool FROM usage_figure",
        _rows(0, 1),
    ),
    Importer(
        "inspections",
        "inspections_zh.csv",
        _plain(import_inspections),
        ("inspections",),
        "记录编号",
        "SELECT record_key FROM inspection",
        _rows(0, 1, 2, 3, 4),
    ),
    Importer(
        "surveys",
        "surveys_2022q4.csv",
        _plain(import_surveys),
        ("surveys",),
        "使用单位",
        "SELECT unit FROM survey_reply",
        frozenset(range(30)),
    ),
    Importer(
        "catalogue",
        "billing/catalogue_items.csv",  # one row an item: no overlap a mutation could cause
        _plain(import_catalogue),
        ("catalogue",),
        "服务项编码",
        "SELECT item_code FROM catalogue_item",
        _rows(0, 1, 2, 3, 4),
    ),
    Importer(
        "evidence",
        "obligations/evidence_records.csv",
        _evidence,
        ("evidence",),
        "记录编号",
        "SELECT record_key FROM obligation_evidence",
        frozenset(range(7)),
    ),
    Importer(
        "statement",
        "billing/statement_2024_03.csv",
        _plain(import_statement),
        ("statement",),
        "资源编号",
        "SELECT coalesce(resource_id, '') FROM statement_line",
        frozenset(range(12)),
    ),
    Importer(
        "roster",
        "roster_zh.csv",
        _plain(import_roster),
        ("roster",),
        "值班人员",
        "SELECT person FROM duty_shift",
        _rows(0, 1, 2, 3, 4, 5, 6),  # rows 7-11 are bad (tests/data/README.md)
    ),
]
BY_NAME = {importer.name: importer for importer in IMPORTERS}


def wipe(engine: Engine) -> None:
    """Empty every table, so each generated file starts from an empty database."""
    with engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(delete(table))
