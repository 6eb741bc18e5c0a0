"""config/alerting*.yaml: validated whole, routing by pool, operator, severity and stage."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.alerting.config import AlertingConfigError, load_alerting

ROOT = Path(__file__).resolve().parents[2]


def test_the_shipped_examples_are_valid() -> None:
    example = load_alerting(ROOT / "config/alerting.example.yaml")
    assert [c.type for c in example.channels] == [
        "alertmanager", "webhook", "wecom", "dingtalk", "feishu", "smtp", "console"
    ]  # fmt: skip
    assert load_alerting(ROOT / "config/alerting.compose.yaml").channels[0].type == "alertmanager"
    assert [c.type for c in load_alerting(ROOT / "config/alerting.demo.yaml").channels] == [
        "console"
    ]


def test_routes_add_channels_by_pool_severity_and_stage() -> None:
    config = load_alerting(ROOT / "config/alerting.example.yaml")
    pool2_major_breach = {"pool": "二云", "severity": "major", "stage": "breached"}
    assert config.channels_for(pool2_major_breach) == [
        "alertmanager", "supervision_webhook", "dingtalk_pool2", "feishu_owner", "mail_supervisor"
    ]  # fmt: skip
    pool1_at_risk = {"pool": "一云", "severity": "major", "stage": "at_risk"}
    assert config.channels_for(pool1_at_risk) == [
        "alertmanager",
        "supervision_webhook",
        "wecom_pool1",
    ]


def test_a_missing_file_means_no_channels(tmp_path: Path) -> None:
    assert load_alerting(tmp_path / "absent.yaml").channels == ()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("channels: [{name: a, type: pager, url: 'http://x'}]", r"channels\[0\]\.type: Input"),
        ("channels: [{name: a, type: webhook}]", r"url must be an http\(s\) URL"),
        ("routes: [{channels: [nowhere]}]", "unknown channel 'nowhere'"),
        ("delivery: {initial_backoff: soon}", "is not a duration"),
        ("chanels: []", r"chanels: unknown key \(check the spelling\)"),
        ("[]", r"alerting.yaml: the alerting file is not valid.*\n  \(top level\): expected a"),
        (
            "delivery: {lease: 20s}\n"
            "channels: [{name: slow, type: webhook, url: 'http://x', timeout: 10s}]",
            r"channel 'slow': timeout 10s is not well within delivery\.lease 20s",
        ),
        (
            "channels: [{name: slow, type: smtp, host: x, sender: a@x, to: [b@x], timeout: 90s}]",
            r"channel 'slow': timeout 1m30s is not well within delivery\.lease 1m",
        ),
    ],
)
def test_a_bad_file_is_refused_with_the_key_and_the_reason(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "alerting.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AlertingConfigError, match=problem):
        load_alerting(path)
