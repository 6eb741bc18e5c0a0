"""`slamon import tickets PATH --profile NAME`: another tool's export, read through a profile.

A snapshot (one row per ticket) or a status history (one row per update, as ServiceNow's audit
export gives it). Unknown columns are reported once; bad rows are reported with line, column
and reason and kept whole in rejected_row; the good rows are stored in one transaction.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from collectors.files.import_report import (
    ImportFileError,
    ImportReport,
    RowProblem,
    rejected_reasons,
)
from collectors.files.tabular import UnreadableFile, read_table
from collectors.tickets.ingest import IngestCounts, ingest
from collectors.tickets.profile import Profile
from collectors.tickets.profile_rows import MappedRow, RowMapper
from monitor.contract.model import Contract
from monitor.storage.import_runs import finish_import_run, keep_rejected_rows, start_import_run
from monitor.storage.retry import retried


@dataclass(kw_only=True)
class ProfileImportReport(ImportReport):
    """An import report with what a profile import adds: skipped rows, unknown columns, and
    the ingest's events and histories besides its tickets."""

    profile: str
    rows_skipped: int = 0  # rows in a status the profile skips (e.g. ServiceNow's -100)
    tickets: int = 0
    counts: IngestCounts = field(default_factory=IngestCounts)
    unknown_columns: list[str] = field(default_factory=list)

    def reasons(self, lang: str = "en") -> list[tuple[str, int]]:
        """Rejection reasons in `lang` ("zh" or "en") with how many rows had each (values left
        out, so they group)."""
        row, colon = ("行", "：") if lang == "zh" else ("row", ": ")
        tally = Counter(
            f"{p.column or row}{colon}{_shape(p.message.in_language(lang))}" for p in self.problems
        )
        return tally.most_common()


def _shape(reason: str) -> str:
    # "unknown status 'X'; …" and "'29/2/2016' …" group by what is wrong, not the value.
    head, quote, rest = reason.partition("'")
    if not quote:
        return reason
    _, _, tail = rest.partition("'")
    return f"{head}'…'{tail[:80]}"


def import_with_profile(
    engine: Engine,
    path: Path,
    profile: Profile,
    contract: Contract,
    *,
    source: str,
    now: datetime,
) -> ProfileImportReport:
    """Import one file in one transaction; ImportFileError when nothing can be used. A
    transaction that collides with another writer's is rolled back and the file read and
    imported again (monitor.storage.retry)."""
    return retried(
        lambda: _import(engine, path, profile, contract, source, now), what=f"importing {path}"
    )


def _import(
    engine: Engine, path: Path, profile: Profile, contract: Contract, source: str, now: datetime
) -> ProfileImportReport:
    mapper = RowMapper(profile, contract)
    known = profile.known_columns()
    try:
        table = read_table(path, lambda cells: sum(cell in known for cell in cells) >= 2)
    except UnreadableFile as error:
        raise ImportFileError(f"{error}. Nothing was imported.") from None
    missing = mapper.missing_columns(table.headers)
    if missing:
        raise ImportFileError(
            f"{path}: profile '{profile.name}' needs column(s) for {', '.join(missing)}; "
            f"the file has {', '.join(h for h in table.headers if h)}. Nothing was imported."
        )
    report = ProfileImportReport(path, source, profile=profile.name)
    report.unknown_columns = mapper.unknown_columns(table.headers)
    rejected: list[dict[str, Any]] = []

    def mapped_rows() -> Iterator[MappedRow]:
        for line, cells in table.rows:
            report.rows_read += 1
            mapped = mapper.map(line, cells)
            if mapped is None:
                report.rows_skipped += 1
            elif isinstance(mapped, list):
                report.problems.extend(mapped)
                rejected.append(_rejected(line, mapped, cells))
            else:
                yield mapped

    with engine.begin() as connection:
        # Written first: on SQLite this takes the write lock, so the events and tickets the
        # ingest reads are not changed by another writer before this import commits.
        run_id = start_import_run(connection, source, str(path), now)
        try:
            report.counts = ingest(connection, mapped_rows(), profile, source, now)
        except UnreadableFile as error:
            raise ImportFileError(f"{error}. Nothing was imported.") from None
        report.rejected_rows = len(rejected)
        report.tickets = report.counts.tickets
        report.inserted = report.counts.inserted
        report.updated = report.counts.updated
        report.unchanged = report.counts.unchanged
        finish_import_run(
            connection,
            run_id,
            read=report.rows_read,
            stored=report.inserted + report.updated,
            unchanged=report.unchanged,
            rejected=report.rejected_rows,
        )
        keep_rejected_rows(connection, run_id, rejected)
    return report


def _rejected(line: int, problems: list[RowProblem], cells: dict[str, Any]) -> dict[str, Any]:
    ticket_id = problems[0].key
    return {
        "line": line,
        "ticket_id": ticket_id[:200] if ticket_id else None,
        **rejected_reasons(problems),
        # Cells that are not JSON are kept as str() writes them (raw_json writes ISO 8601).
        "raw": json.dumps(cells, ensure_ascii=False, default=str),
    }
