"""The dashboard's deployment settings (SLAMON_DASHBOARD_*), validated at start-up."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class DashboardSettings(BaseSettings):
    """Database and contract come from monitor.settings.Settings; these are the dashboard's own."""

    model_config = SettingsConfigDict(env_prefix="SLAMON_DASHBOARD_", extra="ignore")

    # Show the state as of this instant instead of now (reviewing a past period, demos, tests).
    at: datetime | None = None
    # Seconds between refreshes of the overview when auto-refresh is on (wall displays).
    refresh_seconds: int = Field(default=60, ge=5, le=3600)
    page_size: int = Field(default=50, ge=10, le=200)
    # YYYY or YYYY-MM: the period a new session starts on (the sidebar switches it); unset:
    # the current month.
    period: str | None = Field(default=None, pattern=r"^\d{4}(-\d{2})?$")
    # zh or en: the language a new session starts in (the sidebar switches it).
    language: str = Field(default="zh", pattern="^(zh|en)$")
    # A collector whose watermark lags more than this (minutes) is shown as stale.
    stale_after_minutes: int = Field(default=30, ge=1)
    # The wall display's key: an address with ?wall=1&key=THIS signs in read-only as 大屏
    # (the overview only), so a wall screen comes back by itself after a reload. Unset: the
    # wall signs in through the form like anyone, with a `--role wall` account.
    wall_key: str | None = Field(default=None, min_length=16)
    # The hand-entered indicators and SLA assessment score (the file of `slamon score
    # --manual`), added to the scorecard on 评分 and the overview.
    manual: Path | None = None
