"""Loading and validating the contract file."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from monitor.contract.model import (
    DEFAULT_CONTRACT_PATH,
    ClockKind,
    Contract,
    ContractError,
    load_contract,
)

ISSUE_TARGETS = {
    # id: (kind, severities, start, stop)
    "major.arrival": ("fault", ("major",), "reported_at", "arrived_at"),
    "major.restore": ("fault", ("major",), "reported_at", "restored_at"),
    "major.report": ("fault", ("major",), "restored_at", "report_submitted_at"),
    "significant.restore": ("fault", ("significant",), "reported_at", "restored_at"),
    "general.restore": ("fault", ("general",), "reported_at", "restored_at"),
    "anomaly.feedback": ("anomaly", None, "reported_at", "user_notified_at"),
    "monitoring.response": ("monitoring", None, "reported_at", "responded_at"),
    "monitoring.complete": ("monitoring", None, "reported_at", "restored_at"),
    "restore.response": ("restore", None, "reported_at", "responded_at"),
    "restore.duration": ("restore", None, "responded_at", "restored_at"),
    # The national security-incident reporting rules (in force since 2025-11-01).
    "security.report": (
        "security",
        ("major", "significant"),
        "reported_at",
        "regulator_reported_at",
    ),
    # Service requests in business hours; resource requests: 受理, then 审核 and 开通 together
    # (no ticket event records the review).
    "request.response": ("request", None, "reported_at", "responded_at"),
    "request.complete": ("request", None, "reported_at", "restored_at"),
    "provision.accept": ("provision", None, "reported_at", "responded_at"),
    "provision.deliver": ("provision", None, "responded_at", "restored_at"),
}


def write_contract(tmp_path: Path, edit: object) -> Path:
    raw = yaml.safe_load(DEFAULT_CONTRACT_PATH.read_text(encoding="utf-8"))
    edit(raw)  # type: ignore[operator]
    path = tmp_path / "contract.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_the_default_contract_ships_the_issue_targets(contract: Contract) -> None:
    shipped = {t.id: (t.kind, t.severities, t.start, t.stop) for t in contract.targets}
    assert shipped == ISSUE_TARGETS
    assert contract.timezone == "Asia/Shanghai"
    assert contract.at_risk_fraction == 0.2


def test_the_default_limits(contract: Contract) -> None:
    assert contract.target("major.arrival").limit.duration == timedelta(minutes=30)
    assert contract.target("major.restore").limit.duration == timedelta(hours=2)
    report = contract.target("major.report")
    assert (report.limit.working_days, report.clock) == (3, ClockKind.WORKING_DAYS)
    assert contract.target("significant.restore").limit.duration == timedelta(hours=4)
    assert contract.target("anomaly.feedback").limit.duration == timedelta(hours=24)
    assert contract.target("monitoring.complete").limit.duration == timedelta(hours=8)
    assert contract.target("restore.duration").limit.per_tb == timedelta(hours=24)
    assert contract.target("general.restore").limit.duration == timedelta(hours=24)


def test_requests_count_in_working_hours_and_working_days(contract: Contract) -> None:
    assert contract.schedules["工作时间"].hours == ("08:30-12:00", "13:30-17:30")
    response = contract.target("request.response")
    assert (response.limit.duration, response.schedule) == (timedelta(hours=4), "工作时间")
    days = {
        target_id: (contract.target(target_id).limit.working_days, contract.target(target_id).clock)
        for target_id in ("request.complete", "provision.accept", "provision.deliver")
    }
    assert days == {
        "request.complete": (2, ClockKind.WORKING_DAYS),
        "provision.accept": (3, ClockKind.WORKING_DAYS),
        "provision.deliver": (5, ClockKind.WORKING_DAYS),
    }


def test_every_default_target_carries_its_contract_wording(contract: Contract) -> None:
    assert [target.id for target in contract.targets if not target.rule_zh] == []


def test_kinds_and_severities_carry_their_chinese_names(contract: Contract) -> None:
    assert {k: v.name_zh for k, v in contract.kinds.items()} == {
        "fault": "故障",
        "anomaly": "设备异常",
        "monitoring": "监控服务",
        "restore": "备份恢复",
        "request": "服务请求",
        "security": "安全事件",
        "provision": "资源申请",
    }
    assert {k: v.name_zh for k, v in contract.severities.items()} == {
        "major": "重大",
        "significant": "较大",
        "general": "一般",
    }


def test_a_misspelt_key_is_named_with_its_file_and_place(tmp_path: Path) -> None:
    path = write_contract(tmp_path, lambda raw: raw["targets"][1].update(limt="2h"))
    with pytest.raises(ContractError) as error:
        load_contract(path)
    message = str(error.value)
    assert str(path) in message
    assert "targets[1](major.restore).limt: unknown key" in message


def test_a_limit_without_a_unit_says_what_is_expected(tmp_path: Path) -> None:
    path = write_contract(tmp_path, lambda raw: raw["targets"][0].update(limit=30))
    with pytest.raises(ContractError, match=r"targets\[0\]\(major.arrival\).limit.*unit"):
        load_contract(path)


def test_an_unknown_event_lists_the_events(tmp_path: Path) -> None:
    path = write_contract(tmp_path, lambda raw: raw["targets"][0].update(stop="arrived"))
    with pytest.raises(ContractError, match=r"stop: 'arrived' is not a ticket event; use one of"):
        load_contract(path)


def test_a_target_of_an_unknown_kind_is_refused(tmp_path: Path) -> None:
    path = write_contract(tmp_path, lambda raw: raw["targets"][4].update(kind="outage"))
    with pytest.raises(ContractError, match="unknown kind 'outage'"):
        load_contract(path)


def test_a_working_day_limit_needs_the_working_day_clock(tmp_path: Path) -> None:
    path = write_contract(tmp_path, lambda raw: raw["targets"][2].pop("clock"))
    with pytest.raises(ContractError, match="working_days"):
        load_contract(path)


def test_an_unknown_time_zone_is_refused(tmp_path: Path) -> None:
    path = write_contract(tmp_path, lambda raw: raw.update(timezone="Asia/Beijing"))
    with pytest.raises(ContractError, match="timezone: 'Asia/Beijing' is not an IANA time zone"):
        load_contract(path)


def test_duplicate_target_ids_are_refused(tmp_path: Path) -> None:
    path = write_contract(tmp_path, lambda raw: raw["targets"].append(dict(raw["targets"][0])))
    with pytest.raises(ContractError, match="used twice"):
        load_contract(path)


def test_an_alias_shared_by_two_kinds_is_refused(tmp_path: Path) -> None:
    path = write_contract(tmp_path, lambda raw: raw["kinds"]["anomaly"]["aliases"].append("故障"))
    with pytest.raises(ContractError, match="'故障' is an alias of both"):
        load_contract(path)


def test_a_missing_or_broken_file_is_a_contract_error(tmp_path: Path) -> None:
    with pytest.raises(ContractError, match="cannot read"):
        load_contract(tmp_path / "absent.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("targets: [\n", encoding="utf-8")
    with pytest.raises(ContractError, match="not valid YAML"):
        load_contract(broken)


def test_grade_bands_come_from_the_contract(tmp_path: Path, contract: Contract) -> None:
    assert [contract.grade_for(total) for total in (95, 85, 78, 59.9)] == ["优", "良", "中", "差"]
    urumqi = write_contract(
        tmp_path,
        lambda raw: raw.update(
            grade_bands=[
                {"min": 90, "grade": "优"},
                {"min": 80, "grade": "良"},
                {"min": 70, "grade": "中"},
                {"min": 0, "grade": "差"},
            ]
        ),
    )
    assert load_contract(urumqi).grade_for(65) == "差"


def test_a_declared_year_with_too_few_holidays_is_refused_with_its_key(tmp_path: Path) -> None:
    # Only 元旦 of 2027: the rest of the year would silently be plain weekdays.
    new_year = {"holidays": ["2027-01-01", "2027-01-02", "2027-01-03"], "workdays": []}
    path = write_contract(tmp_path, lambda raw: raw["calendar"].update(years={2027: new_year}))
    with pytest.raises(ContractError) as error:
        load_contract(path)
    message = str(error.value)
    assert str(path) in message
    assert "calendar.years.2027: a whole year has at least 13 holidays on weekdays" in message
    assert "元旦1 春节4 清明1 劳动节2 端午1 中秋1 国庆3" in message
    assert "1 listed" in message and "partial: true" in message


def test_a_partial_year_is_accepted_and_must_list_a_day(tmp_path: Path) -> None:
    new_year = {"holidays": ["2027-01-01"], "partial": True}
    path = write_contract(tmp_path, lambda raw: raw["calendar"].update(years={2027: new_year}))
    assert load_contract(path).calendar.years[2027].partial
    empty = write_contract(
        tmp_path, lambda raw: raw["calendar"].update(years={2027: {"partial": True}})
    )
    with pytest.raises(ContractError, match=r"calendar\.years\.2027: a partial year lists"):
        load_contract(empty)


def test_an_older_year_is_judged_by_the_rules_of_its_time(tmp_path: Path) -> None:
    # 2008–2024: 11 statutory days. Eleven weekdays off make a whole 2024.
    weekdays = [f"2024-01-{day:02d}" for day in (1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 15)]
    path = write_contract(
        tmp_path, lambda raw: raw["calendar"].update(years={2024: {"holidays": weekdays}})
    )
    assert len(load_contract(path).calendar.years[2024].holidays) == 11
    short = write_contract(
        tmp_path,
        lambda raw: raw["calendar"].update(years={2024: {"holidays": weekdays[:10]}}),
    )
    with pytest.raises(ContractError, match="at least 11 holidays on weekdays"):
        load_contract(short)
