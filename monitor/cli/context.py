"""What every command needs: settings, the engine, the contract and its calendar."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import click
from pydantic import ValidationError
from sqlalchemy import Engine

from monitor import clock
from monitor.cli.help_language import both
from monitor.contract.contract_set import ContractSet, load_contract_set
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.message import Message, MessageError
from monitor.domain.periods import Period, parse_period
from monitor.settings import Settings, settings_problems
from monitor.storage.db import ensure_schema, make_engine

F = TypeVar("F", bound=Callable[..., Any])
S = TypeVar("S")


class UsageProblem(MessageError):
    """A setting or option the user has to correct."""


def settings_from_environment(model: Callable[[], S]) -> S:
    """The SLAMON_ settings read into `model`; refused ones are a UsageProblem naming each
    variable, in both languages."""
    try:
        return model()
    except ValidationError as error:
        raise UsageProblem(settings_problems(error)) from None


class Runtime:
    """Built lazily, so `slamon --help` needs neither a database nor a contract."""

    def __init__(self, contract_path: Path | None = None) -> None:
        self.settings = settings_from_environment(Settings)
        self._contract_path = contract_path or self.settings.contract

    @cached_property
    def contracts(self) -> ContractSet:
        """The contract file, or every contract of the directory, and the evaluation scheme."""
        return load_contract_set(self._contract_path)

    @property
    def contract(self) -> Contract:
        """What reads one contract (vocabularies, zone, scoring): the deployment's."""
        return self.contracts.deployment

    @property
    def calendar(self) -> BusinessCalendar:
        return self.contracts.primary.calendar

    @cached_property
    def engine(self) -> Engine:
        engine = make_engine(self.settings.database_url)
        ensure_schema(engine)
        return engine

    def parse_period(self, text: str) -> Period:
        """--period: YYYY or YYYY-MM in the contract's zone."""
        try:
            return parse_period(text, self.contract.zone)
        except ValueError as error:
            raise UsageProblem(
                Message(
                    f"--period '{text}' 不是有效的期间：请写 YYYY 或 YYYY-MM（月份 01–12），"
                    "如 2022 或 2022-08",
                    f"--period: {error}",
                )
            ) from None

    def parse_at(self, text: str | None) -> datetime:
        """--at: an ISO 8601 instant (no offset: the contract's zone), default the clock's now."""
        if text is None:
            return clock.now()
        try:
            moment = datetime.fromisoformat(text.strip())
        except ValueError:
            raise UsageProblem(
                Message(
                    f"--at '{text}' 不是 ISO 8601 时间，应如 2022-12-31T23:59:59+08:00",
                    f"--at '{text}' is not an ISO 8601 time, e.g. 2022-12-31T23:59:59+08:00",
                )
            ) from None
        return moment if moment.tzinfo else moment.replace(tzinfo=self.contract.zone)


def contract_option(function: F) -> F:
    return click.option(
        "--contract",
        "contract_path",
        type=click.Path(path_type=Path),
        default=None,
        help=both(
            "合同 YAML 文件，或合同所在的目录（每个运营单位和资源池一份）"
            "（默认：SLAMON_CONTRACT 或 config/contracts/default.yaml）。",
            "Contract YAML, or a directory of them, one per operator and pool "
            "(default: SLAMON_CONTRACT or config/contracts/default.yaml).",
        ),
    )(function)


def at_option(function: F) -> F:
    return click.option(
        "--at",
        "at_text",
        default=None,
        metavar="ISO",
        help=both(
            "按此时刻评估（ISO 8601，不带时区偏移时为合同的时区）。默认：当前时刻。",
            "Evaluate as of this instant (ISO 8601, no offset: the contract zone). Default: now.",
        ),
    )(function)
