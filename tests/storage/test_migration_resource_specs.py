"""Migration 0017: the inventory gains exact vCPU / memory / storage specs, blank for the
resources it already holds."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from alembic import command
from sqlalchemy import Engine, inspect, select, text

from monitor.storage.db import alembic_config, current_revision, head_revision, upgrade
from monitor.storage.resources import (
    RESOURCE,
    SPEC_FIELDS,
    load_resources_with_specs,
    upsert_resources,
)

NOW = datetime(2024, 3, 1, 1, 0, tzinfo=UTC)


def test_resources_from_before_specs_are_kept_with_blank_specs(engine: Engine) -> None:
    command.downgrade(alembic_config(engine), "0016")
    assert "vcpu" not in {column["name"] for column in inspect(engine).get_columns("resource")}
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO resource (resource_id, resource_class, pool, source, created_at, "
                "updated_at) VALUES ('VM-1', 'vm', '一云', 'file', "
                "'2023-01-05 09:00:00.000000', '2023-01-05 09:00:00.000000')"
            )
        )
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    resources, specs = load_resources_with_specs(engine)
    assert ([r.resource_id for r in resources], specs) == (["VM-1"], {})


def test_specs_are_stored_exactly_and_a_blank_one_is_left_out(engine: Engine) -> None:
    rows = [
        {"resource_id": "VM-1", "resource_class": "vm", "source": "file", "vcpu": Decimal("4"),
         "memory_gb": Decimal("7.5"), "storage_gb": Decimal("0.123456")},
        {"resource_id": "VM-2", "resource_class": "vm", "source": "file", "vcpu": None,
         "memory_gb": None, "storage_gb": Decimal("500")},
    ]  # fmt: skip
    with engine.begin() as connection:
        upsert_resources(connection, rows, ("resource_class", *SPEC_FIELDS), NOW)
    _, specs = load_resources_with_specs(engine)
    assert specs == {
        "VM-1": {
            "vcpu": Decimal(4),
            "memory_gb": Decimal("7.5"),
            "storage_gb": Decimal("0.123456"),
        },
        "VM-2": {"storage_gb": Decimal(500)},
    }
    assert all(isinstance(value, Decimal) for spec in specs.values() for value in spec.values())
    with engine.connect() as connection:
        stored = connection.execute(select(RESOURCE.c.storage_gb).order_by("resource_id")).all()
    assert [row[0] for row in stored] == [Decimal("0.123456"), Decimal(500)]
    command.downgrade(alembic_config(engine), "0016")
    assert "vcpu" not in {column["name"] for column in inspect(engine).get_columns("resource")}
