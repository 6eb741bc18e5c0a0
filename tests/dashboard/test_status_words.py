"""Every status a result can have has its words on the dashboard: Chinese, English, a colour."""

from __future__ import annotations

from dashboard.charts import STATUS_COLOURS
from dashboard.i18n import STATUS_EN
from monitor.domain.tickets import STATUS_LABELS_ZH, Status


def test_every_status_has_chinese_and_english_labels_and_a_colour() -> None:
    for status in Status:
        assert STATUS_LABELS_ZH[status], status
        assert STATUS_EN[status.value], status
        assert STATUS_COLOURS[status.value], status
    assert (STATUS_LABELS_ZH[Status.CALENDAR_UNKNOWN], STATUS_EN["calendar_unknown"]) == (
        "日历未知",
        "calendar unknown",
    )
