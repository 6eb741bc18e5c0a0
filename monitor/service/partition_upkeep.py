"""The partitions' upkeep on PostgreSQL: the months ahead made, rows of months without a
partition moved out of the DEFAULT one, and months past retention dropped whole.

One `slamon serve` at a time does it (a named lock); each table is prepared in one
transaction and pruned in another, so a lock timeout on one table (a long dashboard read)
leaves the others done and is tried again at the next run. On SQLite it does nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from sqlalchemy import Engine

from monitor.domain.retention import keep_from
from monitor.service.locks import Locks
from monitor.settings import ServiceSettings
from monitor.storage.partitions import PARTITIONED, MonthPartition, drop_before, prepare_ahead

ACTOR = "slamon serve"  # who the audit log says dropped a partition


def retention_months(settings: ServiceSettings) -> dict[str, int | None]:
    """Each partitioned table's retention in months (None: kept forever)."""
    return {
        "metric_rollup": settings.quarter_hour_retention_months,
        "metric_rollup_daily": settings.daily_retention_months,
        "result_change": settings.result_change_retention_months,
    }


@dataclass
class Upkept:
    """What one upkeep did: the partitions made and those dropped."""

    made: list[str] = field(default_factory=list)
    dropped: list[MonthPartition] = field(default_factory=list)


class PartitionUpkeep:
    def __init__(
        self,
        engine: Engine,
        zone: tzinfo,
        retention: Mapping[str, int | None],
        ahead: int,
        locks: Locks,
    ) -> None:
        self.engine = engine
        self.zone = zone
        self.retention = retention
        self.ahead = ahead
        self.locks = locks

    @classmethod
    def from_settings(
        cls, engine: Engine, zone: tzinfo, settings: ServiceSettings, locks: Locks
    ) -> PartitionUpkeep:
        return cls(
            engine, zone, retention_months(settings), settings.partitions_ahead_months, locks
        )

    def run(self, now: datetime) -> Upkept:
        """Prepare every partitioned table's months and drop those past its retention."""
        done = Upkept()
        if self.engine.dialect.name != "postgresql":
            return done
        with self.locks.attempt("partition-upkeep") as held:
            if not held:
                return done  # another `slamon serve` is doing it right now
            for table in PARTITIONED:
                with self.engine.begin() as connection:
                    done.made += prepare_ahead(connection, table, now, self.ahead)
                oldest = keep_from(now, self.zone, self.retention.get(table))
                if oldest is None:
                    continue
                with self.engine.begin() as connection:
                    done.dropped += drop_before(connection, table, oldest, now=now, actor=ACTOR)
        return done
