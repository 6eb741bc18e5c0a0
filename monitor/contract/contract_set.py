"""The contracts of a deployment: one per operator and pool, each in force for a while.

`SLAMON_CONTRACT` / `--contract` names a file (one contract, which may also hold the
evaluation scheme) or a directory: every `*.yaml` in it is one contract, except
`scheme.yaml`, the owner's evaluation scheme (indicators, points, grade bands) that scores the
whole project. A ticket is judged by the one contract whose scope covers its pool and operator
and whose validity holds its report time; two contracts that could both judge a ticket are
refused at load.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from enum import Enum
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field

from monitor.contract.delivery import unknown_delivery_classes
from monitor.contract.model import (
    Contract,
    ContractError,
    GradeBand,
    Scope,
    Scoring,
    Target,
)
from monitor.contract.obligations import Obligation
from monitor.contract.scorecard import ScorecardConfig
from monitor.contract.strict import StrictModel
from monitor.contract.yaml_file import KeyProblem, load_yaml_model, load_yaml_text
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.durations import format_duration
from monitor.domain.message import Message, os_reason
from monitor.domain.tickets import ContractRef

SCHEME_FILE = "scheme.yaml"
# The keys of the evaluation scheme; in a directory of contracts they belong in scheme.yaml.
SCHEME_KEYS = ("scoring", "scorecard", "grade_bands")


class EvaluationScheme(StrictModel):
    """The owner's yearly evaluation (考核方案): which indicators, how many points, which grade."""

    name: str = "考核方案"
    scoring: Scoring = Scoring()
    scorecard: ScorecardConfig = ScorecardConfig()
    grade_bands: tuple[GradeBand, ...] = Field(
        default_factory=lambda: Contract.model_fields["grade_bands"].default
    )


@dataclass(frozen=True)
class JudgingContract:
    """One contract file as loaded: the contract, its calendar, and which version it is."""

    contract: Contract
    path: Path
    content: str  # the file's text: a result's version can be read back and re-applied
    calendar: BusinessCalendar = field(compare=False)

    @cached_property
    def ref(self) -> ContractRef:
        digest = hashlib.sha256(self.content.encode("utf-8")).hexdigest()
        return ContractRef(self.contract.name, digest)

    @property
    def scope(self) -> Scope:
        return self.contract.scope

    @cached_property
    def in_force_from(self) -> datetime | None:
        return _midnight(self.contract.valid_from, self.contract)

    @cached_property
    def in_force_until(self) -> datetime | None:
        return _midnight(self.contract.valid_until, self.contract)

    def covers(self, pool: str | None, operator: str | None, reported_at: datetime) -> bool:
        if not self.scope.covers(pool, operator):
            return False
        if self.in_force_from is not None and reported_at < self.in_force_from:
            return False
        return self.in_force_until is None or reported_at < self.in_force_until

    def describe_validity_zh(self) -> str:
        start, end = self.contract.valid_from, self.contract.valid_until
        if start is None and end is None:
            return "有效期不限"
        since = f"自 {start.isoformat()} 起" if start else "自始"
        until = f"至 {end.isoformat()} 前（不含当日）" if end else "长期有效"
        return f"{since}{until}"

    def describe_validity_en(self) -> str:
        start, end = self.contract.valid_from, self.contract.valid_until
        if start is None and end is None:
            return "no time limit"
        since = f"from {start.isoformat()}" if start else "from the start"
        until = f"until {end.isoformat()} (exclusive)" if end else "with no end"
        return f"{since} {until}"


def _midnight(day: date | None, contract: Contract) -> datetime | None:
    return None if day is None else datetime.combine(day, time(0), tzinfo=contract.zone)


@dataclass(frozen=True)
class ContractSet:
    """Every contract of the deployment, and the evaluation scheme that scores them together."""

    contracts: tuple[JudgingContract, ...]
    scheme: EvaluationScheme
    # Where they were read from: a contract file, or a directory of them.
    source: Path
    # Closed tickets keep the version that judged them (ticket key → an earlier version of
    # `kept`) until a rejudging; None: not looked up yet (monitor.runs.pins reads them).
    pins: Mapping[tuple[str, str], str] | None = None
    kept: Mapping[str, JudgingContract] = field(default_factory=dict)

    def __iter__(self) -> Iterator[JudgingContract]:
        return iter(self.contracts)

    def __len__(self) -> int:
        return len(self.contracts)

    @property
    def primary(self) -> JudgingContract:
        """The first contract (in file-name order): its vocabularies name the ticket kinds
        and severities imports accept, and its metric sections configure the scorecard."""
        return self.contracts[0]

    @cached_property
    def deployment(self) -> Contract:
        """What everything besides the judging reads (the scorecard, names in views and
        alerts, the zone): the primary contract under the evaluation scheme, knowing every
        contract's targets, kinds and severities (the first contract's, for a shared id)."""
        primary = self.primary.contract
        if len(self.contracts) == 1 and not self.source.is_dir():
            return primary
        targets: dict[str, Target] = {}
        kinds: dict[str, Any] = {}
        severities: dict[str, Any] = {}
        obligations: dict[str, Obligation] = {}
        for judging in self.contracts:
            for target in judging.contract.targets:
                targets.setdefault(target.id, target)
            for key, entry in judging.contract.kinds.items():
                kinds.setdefault(key, entry)
            for key, entry in judging.contract.severities.items():
                severities.setdefault(key, entry)
            for duty in judging.contract.obligations:
                # Owed from its own contract's first day, which the deployment does not keep.
                since = duty.since or judging.contract.valid_from
                obligations.setdefault(duty.id, duty.model_copy(update={"since": since}))
        return primary.model_copy(
            update={
                "targets": tuple(targets.values()),
                "kinds": kinds,
                "severities": severities,
                "obligations": tuple(obligations.values()),
                "scope": Scope(),
                "valid_from": None,
                "valid_until": None,
                "scoring": self.scheme.scoring,
                "scorecard": self.scheme.scorecard,
                "grade_bands": self.scheme.grade_bands,
            }
        )

    @classmethod
    def single(cls, contract: Contract, calendar: BusinessCalendar | None = None) -> ContractSet:
        """One contract held in code (not read from a file): its version is the SHA-256 of
        the YAML it is written as (contract_yaml), which reads back as the same contract."""
        judging = JudgingContract(
            contract,
            Path("<contract>"),
            contract_yaml(contract),
            calendar or BusinessCalendar.from_config(contract.calendar),
        )
        return cls((judging,), _scheme_of(contract), Path("<contract>"))

    def covering(
        self, pool: str | None, operator: str | None, reported_at: datetime
    ) -> JudgingContract | None:
        """The contract that judges a ticket of this pool and operator reported then."""
        for judging in self.contracts:
            if judging.covers(pool, operator, reported_at):
                return judging
        return None

    def by_version(self, version: str) -> JudgingContract | None:
        for judging in (*self.contracts, *self.kept.values()):
            if judging.ref.version == version:
                return judging
        return None

    @property
    def scoped(self) -> bool:
        """Whether some contract judges only some pools or operators (so tickets' pools and
        operators must be read to pick their contract)."""
        return any(j.scope.pools is not None or j.scope.operators is not None for j in self)

    @property
    def judging(self) -> tuple[JudgingContract, ...]:
        """Every contract a ticket may be judged by: those in force, then earlier versions
        pinned tickets keep."""
        return (*self.contracts, *self.kept.values())

    def pinned(
        self, pins: Mapping[tuple[str, str], str], kept: Mapping[str, JudgingContract]
    ) -> ContractSet:
        """These contracts, with closed tickets pinned to the earlier versions that judged
        them (no pins: every ticket by the contracts in force, as a rejudging does)."""
        return replace(self, pins=dict(pins), kept=dict(kept))


def contract_yaml(contract: Contract) -> str:
    """The contract as a file would say it: durations as 30m, dates as 2024-01-01, only what
    differs from the defaults."""
    return yaml.safe_dump(
        _plain(contract.model_dump(exclude_defaults=True)), allow_unicode=True, sort_keys=False
    )


def _plain(value: Any) -> Any:
    if isinstance(value, timedelta):
        return format_duration(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, dict):
        return {_plain(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    return value


def load_contract_set(path: Path | str) -> ContractSet:
    """The contracts at `path` (a file or a directory of `*.yaml`), validated together."""
    path = Path(path)
    if path.is_dir():
        return _load_directory(path)
    judging = load_judging_contract(path)
    return ContractSet((judging,), _scheme_of(judging.contract), path)


def _scheme_of(contract: Contract) -> EvaluationScheme:
    """The evaluation scheme a contract file holds beside its terms."""
    return EvaluationScheme(
        scoring=contract.scoring, scorecard=contract.scorecard, grade_bands=contract.grade_bands
    )


def load_judging_contract(path: Path) -> JudgingContract:
    try:
        content = path.read_text(encoding="utf-8")
    except OSError as problem:
        raise ContractError(
            path,
            Message(
                f"无法读取合同（{os_reason(problem).zh}）",
                f"cannot read the contract ({problem.strerror})",
            ),
        ) from None
    return judging_from_text(content, path)


def judging_from_text(content: str, path: Path) -> JudgingContract:
    """A contract from its file's text (a kept version is read back this way)."""
    contract = load_yaml_text(content, path, Contract, "the contract", ContractError)
    return JudgingContract(contract, path, content, BusinessCalendar.from_config(contract.calendar))


def _load_directory(directory: Path) -> ContractSet:
    files = sorted(p for p in directory.glob("*.yaml") if p.name != SCHEME_FILE and p.is_file())
    if not files:
        raise ContractError(
            directory,
            Message(
                f"目录中没有合同文件（*.yaml，{SCHEME_FILE} 除外）",
                f"the directory holds no contract (*.yaml besides {SCHEME_FILE})",
            ),
        )
    contracts = tuple(load_judging_contract(file) for file in files)
    for judging in contracts:
        _refuse_scheme_keys(judging)
    _refuse_same_names(contracts)
    _refuse_overlaps(contracts)
    scheme_path = directory / SCHEME_FILE
    scheme = (
        load_yaml_model(scheme_path, EvaluationScheme, "the evaluation scheme", ContractError)
        if scheme_path.exists()
        else EvaluationScheme()
    )
    _refuse_unknown_classes(scheme, contracts[0], scheme_path)
    return ContractSet(contracts, scheme, directory)


def _refuse_unknown_classes(scheme: EvaluationScheme, primary: JudgingContract, path: Path) -> None:
    """The scheme's delivery sections count resources of the classes the contracts know."""
    scoring = scheme.scoring
    known = set(primary.contract.availability.classes)
    unknown = unknown_delivery_classes(scoring.delivered_quantities, scoring.service_days, known)
    if unknown:
        raise ContractError(
            path,
            Message(
                "考核方案引用了合同中没有的资源类型",
                "the scheme names a resource class the contracts do not have",
            ),
            [
                KeyProblem(
                    key,
                    f"'{name}' is not one of the contract's availability.classes",
                    f"'{name}' 不在合同的 availability.classes 中",
                )
                for key, name in unknown
            ],
        )


def _refuse_scheme_keys(judging: JudgingContract) -> None:
    written = [key for key in SCHEME_KEYS if key in judging.contract.model_fields_set]
    if written:
        raise ContractError(
            judging.path,
            Message(
                "考核方案属于整个项目，不属于单个合同",
                "the evaluation scheme scores the whole project, not one contract",
            ),
            [
                KeyProblem(
                    key,
                    f"move it to {SCHEME_FILE} in the same directory",
                    f"写在同一目录的 {SCHEME_FILE} 中",
                )
                for key in written
            ],
        )


def _refuse_same_names(contracts: tuple[JudgingContract, ...]) -> None:
    seen: dict[str, Path] = {}
    for judging in contracts:
        name = judging.contract.name
        if name in seen:
            raise ContractError(
                judging.path,
                Message(
                    f"合同名称 '{name}' 与 {seen[name].name} 重复",
                    f"the name '{name}' is also {seen[name].name}'s: results name their "
                    "contract by it",
                ),
                [KeyProblem("name", "a name of its own", "每个合同的名称须唯一")],
            )
        seen[name] = judging.path


def _refuse_overlaps(contracts: tuple[JudgingContract, ...]) -> None:
    """Two contracts that could both judge one ticket: same pools and operators, and
    validities that meet."""
    for index, first in enumerate(contracts):
        for second in contracts[index + 1 :]:
            shared = first.scope.meets(second.scope)
            if shared is None:
                continue
            starts = [m for m in (first.in_force_from, second.in_force_from) if m is not None]
            ends = [m for m in (first.in_force_until, second.in_force_until) if m is not None]
            start, end = max(starts, default=None), min(ends, default=None)
            if start is not None and end is not None and start >= end:
                continue
            period = f"{start.date() if start else '不限'} 至 {end.date() if end else '不限'}"
            period_en = f"{start.date() if start else 'always'} to {end.date() if end else 'ever'}"
            raise ContractError(
                second.path,
                Message(
                    f"与 {first.path.name} 的适用范围重叠：{shared.describe_zh()}，{period}",
                    f"overlaps {first.path.name} ({shared.describe_en()}, {period_en}): "
                    "a ticket there would have two contracts",
                ),
                [
                    KeyProblem(
                        "scope / valid_from / valid_until",
                        "make the scopes disjoint or the validities consecutive",
                        f"{first.path.name} 与 {second.path.name} 不得同时适用于同一工单",
                    )
                ],
            )
