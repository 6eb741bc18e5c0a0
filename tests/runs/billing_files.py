"""The billing tests' files, imported through the real importers as a user would."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from collectors.records.catalogue import import_catalogue
from collectors.records.resources import import_resources
from collectors.records.statements import import_statement
from monitor.contract.model import Contract


def import_billing_files(
    engine: Engine,
    contract: Contract,
    folder: Path,
    now: datetime,
    *,
    catalogue: str,
    inventory: str,
    statement: str,
) -> None:
    """The catalogue, the inventory and the statement written to `folder` and imported, each
    of them whole (exit 0)."""
    for importer, name, content in (
        (import_catalogue, "catalogue.csv", catalogue),
        (import_resources, "resources.csv", inventory),
        (import_statement, "statement.csv", statement),
    ):
        path = folder / name
        path.write_text(content, encoding="utf-8")
        report = importer(engine, path, contract, source="甲运营", now=now)
        assert report.exit_code == 0, report.problems
