"""A dashboard database filled the way production fills it: the real importers, the real
evaluation, collector rollups through the real store, and users from the real user store."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine

from collectors.records.catalogue import import_catalogue
from collectors.records.inspections import import_inspections
from collectors.records.resources import import_resources
from collectors.records.statements import import_statement
from collectors.records.usage import import_usage
from collectors.tickets.file_import import import_tickets
from monitor.contract.contract_set import ContractSet
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.passwords import hash_password
from monitor.domain.viewer import Role
from monitor.runs.evaluate import run_evaluation
from monitor.storage.collector_state import record_collector_run, set_watermark
from monitor.storage.db import ensure_schema, make_engine
from monitor.storage.rollups import add_rollups
from monitor.storage.users import add_user
from tests.conftest import local

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
# The dashboard looks at the data as of this instant (SLAMON_DASHBOARD_AT).
AT = local("2022-12-20 12:00")
PASSWORD = "correct horse battery"
# name → (role, pools, units)
USERS = {
    "监理": (Role.SUPERVISOR, (), ()),
    "业主": (Role.OWNER, (), ()),
    "二云运营": (Role.OPERATOR, ("二云",), ()),
    "人社局": (Role.USER_UNIT, (), ("市人社局",)),
}
# Only the scrypt hash is stored; computing it once keeps the fixtures fast.
PASSWORD_HASH = hash_password(PASSWORD)


def _rollups(resource_id: str, pool: str, down_quarters: int) -> list[dict[str, object]]:
    """Quarter-hour availability samples from 12-01 00:00 to AT, the first few quarters down."""
    rows = []
    bucket = local("2022-12-01 00:00")
    index = 0
    while bucket < AT:
        up = 0.0 if index < down_quarters else 1.0
        rows.append(
            {
                "metric": "availability",
                "pool": pool,
                "resource_id": resource_id,
                "bucket_start": bucket,
                "samples": 15,
                "total": 15 * up,
                "peak": up,
                "covered_seconds": 900.0,
            }
        )
        bucket += timedelta(minutes=15)
        index += 1
    return rows


def fill(engine: Engine, contract: Contract, calendar: BusinessCalendar) -> None:
    now = AT
    import_tickets(
        engine, ROOT / "samples" / "tickets_2022.csv", contract, source="sample", now=now
    )
    import_tickets(engine, DATA / "tickets_open_2022.csv", contract, source="live", now=now)
    import_resources(engine, DATA / "resources_zh.csv", contract, source="cmdb", now=now)
    import_inspections(engine, DATA / "inspections_zh.csv", contract, source="sheet", now=now)
    import_usage(engine, DATA / "usage_2022.csv", contract, source="report", now=now)
    import_catalogue(engine, DATA / "billing/catalogue_2022.csv", contract, source="目录", now=now)
    import_statement(
        engine, DATA / "billing/statement_2022_12.csv", contract, source="甲乙", now=now
    )
    with engine.begin() as connection:
        add_rollups(connection, _rollups("ZS-VM-0001", "一云", down_quarters=8))
        set_watermark(connection, "prometheus-vm", AT - timedelta(minutes=5), now)
        record_collector_run(
            connection,
            name="prometheus-vm",
            started_at=AT - timedelta(minutes=5),
            range_from=AT - timedelta(minutes=20),
            range_to=AT - timedelta(minutes=5),
            samples=120,
            error=None,
        )
    run_evaluation(engine, ContractSet.single(contract, calendar), AT)
    for name, (role, pools, units) in USERS.items():
        add_user(engine, name, role, pools=pools, units=units, password_hash=PASSWORD_HASH, now=now)


def filled_database(path: Path, contract: Contract, calendar: BusinessCalendar) -> str:
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    ensure_schema(engine)
    fill(engine, contract, calendar)
    engine.dispose()
    return url
