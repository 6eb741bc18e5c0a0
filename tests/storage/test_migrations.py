"""Schema migrations: an empty database is created at head; an old one is refused, not guessed."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text

from monitor.storage.db import (
    DatabaseError,
    alembic_config,
    current_revision,
    ensure_schema,
    head_revision,
    make_engine,
    upgrade,
)
from monitor.storage.tokens import find_token, token_hash
from monitor.storage.waivers import active_waiver_keys


def test_an_empty_database_is_migrated_to_head(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'nested' / 'new.db'}")
    ensure_schema(engine)
    assert current_revision(engine) == head_revision()
    assert {
        "ticket",
        "rejected_row",
        "import_run",
        "target_result",
        "result_change",
        "evaluation_run",
        "resource",
        "outage",
        "metric_rollup",
        "usage_figure",
        "collector_state",
        "collector_run",
        "inspection",
        "survey_reply",
        "dashboard_user",
        "waiver",
        "audit_log",
        "api_token",
        "alert",
        "alert_delivery",
        "ticket_event",
        "ticket_history",
    } <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_a_database_at_another_revision_is_refused_with_the_fix(engine: Engine) -> None:
    with engine.begin() as connection:
        # One row per open branch head: replace them all by one unknown revision.
        connection.execute(text("DELETE FROM alembic_version"))
        connection.execute(text("INSERT INTO alembic_version (version_num) VALUES ('0000')"))
    with pytest.raises(DatabaseError, match="slamon db upgrade"):
        ensure_schema(engine)


def test_upgrading_an_old_database_keeps_its_tickets(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO ticket (source, ticket_id, kind, reported_at, created_at, updated_at) "
                "VALUES ('file', 'GZ-1', 'fault', '2022-08-10 03:41:00.000000', "
                "'2023-01-05 09:00:00.000000', '2023-01-05 09:00:00.000000')"
            )
        )
    with pytest.raises(DatabaseError, match="slamon db upgrade"):
        ensure_schema(engine)  # an old schema is never used silently
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT ticket_id, reported_at FROM ticket")).all()
    assert [tuple(row) for row in kept] == [("GZ-1", "2022-08-10 03:41:00.000000")]
    engine.dispose()


def test_tokens_from_before_scopes_keep_reading_every_pool_and_no_longer_write(
    engine: Engine,
) -> None:
    command.downgrade(alembic_config(engine), "0009")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO api_token (name, token_hash, created_at) "
                "VALUES ('ingest', :hash, '2024-06-03 01:00:00.000000')"
            ),
            {"hash": token_hash("slamon_old")},
        )
        connection.execute(
            text(
                "INSERT INTO import_run (source, path, started_at, rows_read, rows_stored, "
                "rows_unchanged, rows_rejected) "
                "VALUES ('api', 'api (token ingest)', '2024-06-03 02:00:00.000000', 1, 1, 0, 0)"
            )
        )
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    old = find_token(engine, "slamon_old")
    assert old is not None and (old.name, old.source, old.pools) == ("ingest", None, None)
    assert old.viewer.sees_everything
    with engine.connect() as connection:
        runs = connection.execute(text("SELECT path, token_id FROM import_run")).all()
    assert [tuple(row) for row in runs] == [("api (token ingest)", None)]


def test_waivers_from_before_four_eyes_stay_in_force_as_approved_requests(engine: Engine) -> None:
    command.downgrade(alembic_config(engine), "0010")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO ticket (id, source, ticket_id, kind, reported_at, created_at, "
                "updated_at) VALUES (1, 'file', 'GZ-1', 'fault', '2022-08-10 03:41:00.000000', "
                "'2023-01-05 09:00:00.000000', '2023-01-05 09:00:00.000000')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO waiver (id, ticket_pk, target_id, status_waived, reason, "
                "attachment_ref, waived_by, waived_at, revoked_by, revoked_at, revoke_reason) "
                "VALUES (7, 1, 'major.restore', 'breached', '不可抗力', '监理函17号', '监理张工', "
                "'2022-12-20 06:00:00.000000', NULL, NULL, NULL), "
                "(8, 1, 'major.report', 'breached', '同上', NULL, '监理张工', "
                "'2022-12-20 06:00:00.000000', '监理李工', '2022-12-21 01:00:00.000000', "
                "'附件不符')"
            )
        )
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        requests = connection.execute(
            text(
                "SELECT kind, target_id, status_at_request, reason, evidence_ref, requested_by, "
                "state, decided_by, waiver_id FROM waiver_request ORDER BY waiver_id"
            )
        ).all()
    # Each was one supervisor's single step: that supervisor asked and approved it.
    assert [tuple(row) for row in requests] == [
        ("waiver", "major.restore", "breached", "不可抗力", "监理函17号", "监理张工", "approved",
         "监理张工", 7),
        ("waiver", "major.report", "breached", "同上", None, "监理张工", "approved", "监理张工", 8),
    ]  # fmt: skip
    assert active_waiver_keys(engine) == {("file", "GZ-1", "major.restore")}


def test_resources_from_before_obligations_are_kept_with_no_protection_level(
    engine: Engine,
) -> None:
    command.downgrade(alembic_config(engine), "0012")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO resource (resource_id, resource_class, system, source, created_at, "
                "updated_at) VALUES ('VM-1', 'vm', '社保系统', 'file', "
                "'2023-01-05 09:00:00.000000', '2023-01-05 09:00:00.000000')"
            )
        )
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert {"obligation_evidence", "obligation_period"} <= set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        kept = connection.execute(
            text("SELECT resource_id, system, protection_level FROM resource")
        ).all()
    assert [tuple(row) for row in kept] == [("VM-1", "社保系统", None)]
