"""pydantic's own errors get Chinese words from their type and context, and keep pydantic's
English; a validator's InvalidValue keeps both its texts."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest
from pydantic import AnyHttpUrl, BaseModel, Field, ValidationError, field_validator

from monitor.contract.validation_words import worded
from monitor.domain.message import InvalidValue, Message


class Sample(BaseModel):
    pools: list[str] = Field(default_factory=list, min_length=1, max_length=2)
    url: AnyHttpUrl | None = None
    price: Decimal = Field(default=Decimal(0), max_digits=4, decimal_places=2)
    opens: time = time(8, 30)
    step: int = Field(default=15, multiple_of=15)
    name: str = "x"

    @field_validator("name")
    @classmethod
    def _plain(cls, value: str) -> str:
        if value == "bad":
            raise InvalidValue(Message("名称不可用", "the name cannot be used"))
        return value


def reason(**given: object) -> Message:
    with pytest.raises(ValidationError) as raised:
        Sample.model_validate(given)
    (details,) = raised.value.errors()
    return worded(details)


@pytest.mark.parametrize(
    ("given", "zh", "en"),
    [
        ({"pools": []}, "至少需要 1 项，现有 0 项", "List should have at least 1 item"),
        ({"pools": ["a", "b", "c"]}, "最多 2 项，现有 3 项", "List should have at most 2 items"),
        ({"url": "ftp://x"}, "网址须以 'http'、'https' 开头，而不是 'ftp://x'", "URL scheme"),
        ({"url": "nowhere"}, "应为网址，如 https://example.gov.cn/，而不是 'nowhere'", "URL"),
        (
            {"price": "12.345"},
            "数字位数最多 4 位，而不是 '12.345'",
            "Decimal input should have no more",
        ),
        ({"price": "cheap"}, "应为十进制数，而不是 'cheap'", "Input should be a valid decimal"),
        ({"opens": "morning"}, "应为时刻，如 08:30，而不是 'morning'", "valid time"),
        ({"step": 20}, "应为 15 的整数倍，而不是 20", "Input should be a multiple of 15"),
        ({"name": "bad"}, "名称不可用", "the name cannot be used"),
    ],
)
def test_each_error_is_worded_in_chinese_and_keeps_its_english(
    given: dict[str, object], zh: str, en: str
) -> None:
    said = reason(**given)
    assert said.zh == zh
    assert en in said.en
