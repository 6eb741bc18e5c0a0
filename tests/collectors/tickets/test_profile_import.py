"""`slamon import tickets PATH --profile NAME`: other tools' exports and status histories.

`servicenow_incident_events.csv` is 312 real rows (37 whole incidents) of the public ServiceNow
event log; the profile reads its times as UTC. Expected values are read off the rows by hand.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from collectors.files.import_report import ImportFileError
from collectors.tickets.file_import import import_tickets
from collectors.tickets.profile import ProfileError, available_profiles, load_profile
from collectors.tickets.profile_import import ProfileImportReport, import_with_profile
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.tickets import Pause, SeverityChange, Status, Ticket
from monitor.rules.status import evaluate_target
from monitor.storage.tables import RejectedRow, TicketEventRow
from monitor.storage.tickets import load_tickets
from tests.conftest import local

DATA = Path(__file__).resolve().parents[2] / "data"
SERVICENOW = DATA / "servicenow_incident_events.csv"
NOW = datetime(2024, 6, 5, 9, 0, tzinfo=UTC)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def run(
    engine: Engine, contract: Contract, path: Path, profile: str, source: str | None = None
) -> ProfileImportReport:
    loaded = load_profile(profile)
    return import_with_profile(
        engine, path, loaded, contract, source=source or loaded.name, now=NOW
    )


def stored(engine: Engine, source: str | None = None) -> dict[str, Ticket]:
    tickets = load_tickets(engine).tickets
    return {t.ticket_id: t for t in tickets if source is None or t.source == source}


def test_every_shipped_profile_loads() -> None:
    assert available_profiles() == ["jira_sm", "nanguan", "servicenow", "slamon", "zammad"]
    for name in available_profiles():
        assert load_profile(name).name == name


def test_a_bad_profile_is_refused_naming_the_file_and_the_keys(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "name: bad\n"
        "columns: {number: ticket_id, opened: reported_on}\n"
        "constants: {kind: fault}\n"
        "status_column: state\n"
        "event_time_column: updated\n"
        "statuses:\n"
        "  Waiting: {phase: waiting}\n"
        "colums: {}\n",
        encoding="utf-8",
    )
    with pytest.raises(ProfileError) as raised:
        load_profile(str(path))
    message = str(raised.value)
    assert message.startswith(f"{path}: the mapping profile is not valid")
    assert "columns: column 'opened': 'reported_on' is not a slamon ticket field" in message
    assert "statuses.Waiting: a waiting status needs `pause: REASON`" in message
    assert "colums: unknown key (check the spelling)" in message


def test_an_unknown_profile_name_lists_the_shipped_ones() -> None:
    with pytest.raises(ProfileError, match="shipped: jira_sm, nanguan, servicenow, slamon"):
        load_profile("remedy")


def test_the_real_servicenow_log_imports_every_incident_once(
    engine: Engine, contract: Contract
) -> None:
    report = run(engine, contract, SERVICENOW, "servicenow")
    assert (report.rows_read, report.rows_skipped, report.rejected_rows) == (312, 5, 0)
    assert (report.counts.inserted, report.counts.events_new) == (37, 307)
    assert report.unknown_columns == []
    tickets = stored(engine)
    assert len(tickets) == 37
    # INC0001034: 2 - High, active at once, waiting for the user 03-03 10:58 … 03-09 15:24.
    high = tickets["INC0001034"]
    assert (high.kind, high.severity, high.source) == ("fault", "significant", "servicenow")
    assert high.reported_at == high.responded_at == utc("2016-03-02 09:05")
    assert (high.restored_at, high.closed_at) == (utc("2016-03-09 15:24"), utc("2016-03-24 18:40"))
    assert high.pauses == (
        Pause(utc("2016-03-03 10:58"), utc("2016-03-09 15:24"), "awaiting_user"),
    )


def test_the_history_gives_pauses_reopens_and_severity_changes(
    engine: Engine, contract: Contract
) -> None:
    run(engine, contract, SERVICENOW, "servicenow")
    tickets = stored(engine)
    # INC0000388 became 1 - Critical at 17:23, then waited for the user 17:52 … 03-07 15:27.
    critical = tickets["INC0000388"]
    assert critical.severity == "major"
    # Led by the severity it was opened with, from its opened_at, so the old targets are known.
    assert critical.severity_changes == (
        SeverityChange(critical.reported_at, "general"),
        SeverityChange(utc("2016-02-29 17:23"), "major"),
    )
    assert critical.pauses == (
        Pause(utc("2016-02-29 17:52"), utc("2016-03-07 15:27"), "awaiting_user"),
    )
    # INC0000102 was resolved 03-14 08:13, reopened 03-17 16:27, resolved again a minute later.
    reopened = tickets["INC0000102"]
    assert reopened.reopens == (utc("2016-03-17 16:27"),)
    assert Pause(utc("2016-03-14 08:13"), utc("2016-03-17 16:27"), "resolved") in reopened.pauses
    assert reopened.restored_at == utc("2016-03-17 16:28")
    # INC0001287 waited for the vendor: recorded, and the contract decides it does not pause.
    assert any(p.reason == "awaiting_vendor" for p in tickets["INC0001287"].pauses)


def test_the_clocks_of_the_real_critical_incident_reflect_its_wait_for_the_user(
    engine: Engine, contract: Contract, calendar: BusinessCalendar
) -> None:
    run(engine, contract, SERVICENOW, "servicenow")
    critical = stored(engine)["INC0000388"]
    restore = contract.target("major.restore")
    # 2 h from the upgrade at 17:23; 29 min ran before the wait, 91 min after it ended 15:27.
    final = evaluate_target(critical, restore, calendar, utc("2016-04-01 00:00"), contract)
    assert (final.status, final.start, final.deadline) == (
        Status.BREACHED,
        utc("2016-02-29 17:23"),
        utc("2016-03-07 16:58"),
    )
    during = evaluate_target(critical, restore, calendar, utc("2016-03-01 00:00"), contract)
    assert (during.status, during.deadline, during.at_risk_from) == (
        Status.PENDING,
        utc("2016-03-01 01:31"),
        None,
    )
    # The significant fault INC0001034 began waiting only after its 4 h had run out.
    high = stored(engine)["INC0001034"]
    late = evaluate_target(
        high, contract.target("significant.restore"), calendar, utc("2016-03-05 00:00"), contract
    )
    assert (late.status, late.deadline) == (Status.BREACHED, utc("2016-03-02 13:05"))


def test_importing_the_same_history_again_changes_nothing(
    engine: Engine, contract: Contract
) -> None:
    run(engine, contract, SERVICENOW, "servicenow")
    before = stored(engine)
    again = run(engine, contract, SERVICENOW, "servicenow")
    counts = again.counts
    assert (counts.inserted, counts.updated, counts.unchanged) == (0, 0, 37)
    assert (counts.events_new, counts.events_known, counts.histories_changed) == (0, 307, 0)
    assert stored(engine) == before


def split(tmp_path: Path, first_until: str, second_from: str) -> tuple[Path, Path]:
    """Two overlapping exports of the fixture by update time (day-first in the file)."""
    with SERVICENOW.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))

    def when(row: dict[str, str]) -> datetime:
        return datetime.strptime(row["sys_updated_at"], "%d/%m/%Y %H:%M")

    paths = []
    for name, keep in (
        ("first.csv", lambda r: when(r) <= datetime.fromisoformat(first_until)),
        ("second.csv", lambda r: when(r) >= datetime.fromisoformat(second_from)),
    ):
        path = tmp_path / name
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(row for row in rows if keep(row))
        paths.append(path)
    return paths[0], paths[1]


def test_an_overlapping_later_export_ends_where_the_whole_history_does(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    first, second = split(tmp_path, "2016-03-08 00:00", "2016-03-03 00:00")
    run(engine, contract, first, "servicenow", source="exports")
    midway = stored(engine, "exports")["INC0000388"]
    assert midway.pauses == (
        Pause(utc("2016-02-29 17:52"), utc("2016-03-07 15:27"), "awaiting_user"),
    )
    assert midway.restored_at is None  # resolved only on 03-22
    later = run(engine, contract, second, "servicenow", source="exports")
    assert later.counts.events_known > 0  # the overlap was already stored
    run(engine, contract, SERVICENOW, "servicenow", source="whole")
    split_import = {k: v for k, v in stored(engine, "exports").items()}
    whole = {k: v for k, v in stored(engine, "whole").items()}
    assert {k: _without_source(v) for k, v in split_import.items()} == {
        k: _without_source(v) for k, v in whole.items()
    }


def _without_source(ticket: Ticket) -> tuple[object, ...]:
    return tuple(getattr(ticket, name) for name in Ticket.__slots__ if name != "source")


def test_bad_rows_are_rejected_with_line_column_and_reason_and_kept(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    lines = SERVICENOW.read_text(encoding="utf-8").splitlines()
    header, first, second = lines[0], lines[1], lines[2]
    bad_time = first.replace("Updated by 21,29/2/2016 01:23", "Updated by 21,31/2/2016 01:23")
    bad_state = second.replace(",Resolved,", ",Frozen,", 1)
    path = tmp_path / "bad.csv"
    path.write_text("\n".join([header, bad_time, bad_state, *lines[3:6]]) + "\n", "utf-8")
    report = run(engine, contract, path, "servicenow")
    assert report.rejected_rows == 2
    described = [p.describe() for p in report.problems]
    assert described[0].startswith("line 2, ticket INC0000045, column sys_updated_at: '31/2/2016")
    assert described[1] == (
        "line 3, ticket INC0000045, column incident_state: unknown status 'Frozen'; the profile "
        "knows New, Active, In Progress, Awaiting User Info, Awaiting Problem, Awaiting Vendor, "
        "Awaiting Evidence, On Hold, Resolved, Closed, Canceled, -100"
    )
    with engine.connect() as connection:
        kept = connection.execute(select(RejectedRow.line).order_by(RejectedRow.line)).all()  # type: ignore[call-overload]
        events = connection.execute(select(func.count()).select_from(TicketEventRow)).scalar()
    assert [row.line for row in kept] == [2, 3]
    assert events == 3  # the good rows of INC0000045 are stored


def test_unknown_columns_are_reported_once(contract: Contract, sqlite_engine: Engine) -> None:
    report = run(sqlite_engine, contract, DATA / "jira_sm_export.csv", "jira_sm")
    assert report.unknown_columns == ["Custom field (Story Points)"]
    assert report.rejected_rows == 0


def test_a_file_without_the_profiles_columns_stores_nothing(
    contract: Contract, sqlite_engine: Engine
) -> None:
    with pytest.raises(ImportFileError, match="profile 'servicenow' needs column"):
        run(sqlite_engine, contract, DATA / "jira_sm_export.csv", "servicenow")
    assert stored(sqlite_engine) == {}


def test_a_jira_export_maps_issue_types_priorities_and_waiting_for_customer(
    contract: Contract, calendar: BusinessCalendar, sqlite_engine: Engine
) -> None:
    run(sqlite_engine, contract, DATA / "jira_sm_export.csv", "jira_sm")
    tickets = stored(sqlite_engine)
    waiting = tickets["OPS-101"]
    assert (waiting.kind, waiting.severity, waiting.title) == ("fault", "major", "云主机无法登录")
    assert waiting.reported_at == local("2024-06-03 10:00")
    assert waiting.pauses == (Pause(local("2024-06-03 10:40"), None, "awaiting_user"),)
    resolved = tickets["OPS-102"]
    assert (resolved.severity, resolved.restored_at) == ("significant", local("2024-06-03 12:30"))
    assert (tickets["OPS-103"].kind, tickets["OPS-103"].severity) == ("request", "general")
    # 40 minutes used before the wait: as of 11:00 the clock shows 80 minutes left.
    result = evaluate_target(
        waiting, contract.target("major.restore"), calendar, local("2024-06-03 11:00"), contract
    )
    assert (result.status, result.deadline) == (Status.PENDING, local("2024-06-03 12:20"))


def test_successive_snapshots_close_the_wait_they_saw_begin(
    contract: Contract, sqlite_engine: Engine, tmp_path: Path
) -> None:
    run(sqlite_engine, contract, DATA / "jira_sm_export.csv", "jira_sm")
    later = tmp_path / "later.csv"
    later.write_text(
        "Issue key,Issue Type,Summary,Status,Priority,Created,Updated,Resolved\n"
        "OPS-101,Incident,云主机无法登录,In Progress,Highest,03/Jun/24 10:00 AM,"
        "03/Jun/24 11:10 AM,\n",
        encoding="utf-8",
    )
    run(sqlite_engine, contract, later, "jira_sm")
    assert stored(sqlite_engine)["OPS-101"].pauses == (
        Pause(local("2024-06-03 10:40"), local("2024-06-03 11:10"), "awaiting_user"),
    )


def test_a_zammad_export_reads_pending_states_and_skips_merged_tickets(
    contract: Contract, sqlite_engine: Engine
) -> None:
    report = run(sqlite_engine, contract, DATA / "zammad_export.csv", "zammad")
    assert (report.rows_read, report.rows_skipped, report.tickets) == (3, 1, 2)
    tickets = stored(sqlite_engine)
    pending = tickets["20240601"]
    assert (pending.kind, pending.severity, pending.operator) == ("fault", "major", "二云运营单位")
    assert pending.responded_at == local("2024-06-03 10:10")  # its own column wins
    assert pending.pauses == (Pause(local("2024-06-03 10:30"), None, "awaiting_user"),)
    closed = tickets["20240602"]
    assert (closed.restored_at, closed.closed_at) == (
        local("2024-06-03 16:00"),
        local("2024-06-03 16:00"),
    )


def test_a_nanguan_spreadsheet_with_chinese_headers_and_a_title_row(
    contract: Contract, calendar: BusinessCalendar, sqlite_engine: Engine
) -> None:
    report = run(sqlite_engine, contract, DATA / "nanguan_export.xlsx", "nanguan")
    assert (report.tickets, report.rejected_rows) == (3, 0)
    tickets = stored(sqlite_engine)
    fault = tickets["NG-0001"]
    assert (fault.kind, fault.severity, fault.pool) == ("fault", "major", "二云")
    assert (fault.arrived_at, fault.closed_at) == (local("2024-06-03 10:25"), None)
    security = tickets["NG-0002"]
    assert (security.kind, security.severity) == ("security", "significant")
    assert security.regulator_reported_at == local("2024-06-03 12:30")
    report_clock = evaluate_target(
        security, contract.target("security.report"), calendar, local("2024-06-05 00:00"), contract
    )
    assert (report_clock.status, report_clock.deadline) == (Status.MET, local("2024-06-03 13:00"))
    assert tickets["NG-0003"].pauses == (Pause(local("2024-06-04 09:00"), None, "awaiting_user"),)


def test_the_slamon_profile_reads_the_native_format_like_the_native_import(
    contract: Contract, sqlite_engine: Engine
) -> None:
    run(sqlite_engine, contract, DATA / "tickets_zh.csv", "slamon", source="profiled")
    import_tickets(sqlite_engine, DATA / "tickets_zh.csv", contract, source="native", now=NOW)
    profiled = stored(sqlite_engine, "profiled")
    native = stored(sqlite_engine, "native")
    assert len(native) >= 4
    assert {k: _without_source(v) for k, v in profiled.items()} == {
        k: _without_source(v) for k, v in native.items()
    }
