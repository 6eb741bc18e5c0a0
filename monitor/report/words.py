"""The words many of the report's tables share, in Chinese and English, and its time format."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from monitor.domain.message import Message

TICKET = Message("工单编号", "Ticket")
POOL = Message("资源池", "Pool")
TITLE = Message("标题", "Title")
TARGET = Message("考核项", "Target")
START = Message("起算", "Start")
STOP = Message("完成", "Stop")
RECORD = Message("记录", "Record")
INSPECTED = Message("巡检时间", "Inspected")
ITEM = Message("巡检项", "Item")
FINDING = Message("发现问题", "Finding")
NONE = Message("无", "none")  # an empty table
NO_DATA = Message("无数据", "no data")
POOL_OF = Message("资源池：", "Pool: ")


def when(moment: datetime | None, zone: ZoneInfo) -> str:
    """A moment as the contract's people read it, in its zone; — for none."""
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else "—"
