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
    """One kind of record file and how it is imported; `slamon import <name>` describes it in
    monitor.cli.record_import_cmd (RECORD_HELP, in both languages)."""

    name: str
    import_file: ImportFile
    # With it the command takes --profile NAME for a layout of the operator's own.
    import_profiled: ImportProfiledFile | None = None


RECORD_IMPORTERS: dict[str, RecordKind] = {
    kind.name: kind
    for kind in (
        RecordKind("resources", import_resources),
        RecordKind("outages", import_outages),
        RecordKind("usage", import_usage),
        RecordKind("inspections", import_inspections),
        RecordKind("surveys", import_surveys),
        RecordKind("catalogue", import_catalogue),
        RecordKind("statement", import_statement, import_statement_with_profile),
        RecordKind("evidence", import_evidence),
        RecordKind("roster", import_roster),
    )
}

__all__ = ["RECORD_IMPORTERS", "ImportFile", "ImportProfiledFile", "RecordKind"]
