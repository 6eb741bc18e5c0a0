"""Typed settings from the environment (SLAMON_*), validated at start-up."""

from __future__ import annotations

from pathlib import Path

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from monitor.contract.model import DEFAULT_CONTRACT_PATH

DEFAULT_DATA_DIR = Path("data")


class Settings(BaseSettings):
    """Where the database and the contract are; everything has a working embedded default."""

    model_config = SettingsConfigDict(env_prefix="SLAMON_", extra="ignore")

    # SQLite under ./data by default; postgresql+psycopg://user@host:5432/db for PostgreSQL.
    database_url: str = f"sqlite:///{DEFAULT_DATA_DIR / 'slamon.db'}"
    contract: Path = DEFAULT_CONTRACT_PATH

    @field_validator("database_url")
    @classmethod
    def _supported(cls, value: str) -> str:
        if not value.startswith(("sqlite://", "postgresql+psycopg://", "postgresql://")):
            raise ValueError(
                "SLAMON_DATABASE_URL must start with sqlite:/// or postgresql+psycopg://"
            )
        if value.startswith("postgresql://"):
            # psycopg 3 is the driver we ship; spare users the SQLAlchemy dialect detail.
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        return value
