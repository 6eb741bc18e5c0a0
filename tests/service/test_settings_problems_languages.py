"""Settings refused at start-up are worded by their variable in each language alone."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from monitor.settings import ServiceSettings, Settings, settings_problems


def refused(model: type[Settings] | type[ServiceSettings]) -> ValidationError:
    with pytest.raises(ValidationError) as raised:
        model()
    return raised.value


def test_a_database_url_of_another_kind_is_refused_by_its_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SLAMON_DATABASE_URL", "mysql://db/slamon")
    said = settings_problems(refused(Settings))
    assert said.zh == (
        "设置有误：SLAMON_DATABASE_URL：SLAMON_DATABASE_URL 须以 sqlite:/// 或 "
        "postgresql+psycopg:// 开头"
    )
    assert said.en == (
        "bad setting: SLAMON_DATABASE_URL: SLAMON_DATABASE_URL must start with sqlite:/// or "
        "postgresql+psycopg://"
    )


def test_a_short_token_and_a_bad_number_are_each_worded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLAMON_METRICS_TOKEN", "short")
    said = settings_problems(refused(ServiceSettings))
    assert said.zh.startswith("设置有误：SLAMON_METRICS_TOKEN 至少需要 16 个字符")
    assert said.en.startswith("bad setting: SLAMON_METRICS_TOKEN must have at least 16 characters")


def test_a_number_that_is_not_one_is_worded_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLAMON_MAX_BATCH", "lots")
    said = settings_problems(refused(ServiceSettings))
    assert said.zh == "设置有误：SLAMON_MAX_BATCH：应为整数，而不是 'lots'"
    assert said.en.startswith("bad setting: SLAMON_MAX_BATCH: Input should be a valid integer")
