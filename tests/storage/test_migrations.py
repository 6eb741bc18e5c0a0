"""Schema migrations: an empty database is created at head; an old one is refused, not guessed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from monitor.storage.db import (
    DatabaseError,
    current_revision,
    ensure_schema,
    head_revision,
    make_engine,
)


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
    } <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_a_database_at_another_revision_is_refused_with_the_fix(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    with pytest.raises(DatabaseError, match="slamon db upgrade"):
        ensure_schema(engine)
