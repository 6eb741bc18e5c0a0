"""Sending the outbox: claim due deliveries, send each through its channel, record the answer.

Acknowledged → never sent again. Transient failure → retried after an exponential backoff
(initial × 2^failures, capped). Permanent failure → kept with its reason, never retried.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import requests
from sqlalchemy import Engine

from monitor import clock
from monitor.alerting.channels import CHANNELS, DeliveryError, Outgoing, Sender
from monitor.alerting.config import AlertingConfig, Delivery
from monitor.alerting.links import dashboard_link
from monitor.alerting.message import render
from monitor.storage.alerts import Claimed, acknowledge, claim_due, give_up, retry_later

log = logging.getLogger(__name__)


def backoff(delivery: Delivery, failures: int) -> timedelta:
    """The wait after the `failures`-th failure in a row (1 → the initial backoff)."""
    initial, cap = delivery.initial_backoff, delivery.max_backoff
    factor = 1 << min(max(failures - 1, 0), 30)
    return min(cap, initial * factor)


class Dispatcher:
    """One sender; several (threads or processes) may run at once, each claims its own rows."""

    def __init__(
        self,
        engine: Engine,
        config: AlertingConfig,
        zone: ZoneInfo,
        dashboard_url: str | None,
        *,
        session: requests.Session | None = None,
        now: Callable[[], datetime] = clock.now,
        senders: Mapping[str, Sender] = CHANNELS,
    ) -> None:
        self.engine = engine
        self.config = config
        self.zone = zone
        self.dashboard_url = dashboard_url
        self.session = session or requests.Session()
        self.now = now
        self.senders = senders
        self.channels = {channel.name: channel for channel in config.channels}

    def run_once(self) -> int:
        """Send one batch of due deliveries; how many were attempted."""
        now = self.now()
        delivery = self.config.delivery
        claimed = claim_due(self.engine, now, now + delivery.lease, delivery.batch)
        for item in claimed:
            self._send(item, now)
        return len(claimed)

    def run_until_idle(self, rounds: int = 50) -> int:
        """Batches until nothing is due (bounded), for a burst of new alerts."""
        sent = 0
        for _ in range(rounds):
            attempted = self.run_once()
            sent += attempted
            if attempted < self.config.delivery.batch:
                break
        return sent

    def _send(self, item: Claimed, now: datetime) -> None:
        channel = self.channels.get(item.channel)
        if channel is None:
            give_up(self.engine, item.id, f"no channel named '{item.channel}' is configured", now)
            return
        link = dashboard_link(item.facts, self.dashboard_url)
        message = render(item.facts, self.zone, link)
        out = Outgoing(channel, item.stage, item.facts, message, self.zone, now, self.session)
        try:
            self.senders[channel.type](out)
        except DeliveryError as error:
            self._failed(item, str(error), error.permanent)
        except Exception as error:  # a channel bug must not stop the other deliveries
            log.exception("channel %s failed unexpectedly", item.channel)
            self._failed(item, f"{type(error).__name__}: {error}", permanent=False)
        else:
            acknowledge(self.engine, item.id, self.now())

    def _failed(self, item: Claimed, error: str, permanent: bool) -> None:
        now = self.now()
        log.warning("alert delivery %s via %s failed: %s", item.id, item.channel, error)
        if permanent:
            give_up(self.engine, item.id, error, now)
        else:
            wait = backoff(self.config.delivery, item.failures + 1)
            retry_later(self.engine, item.id, error, now + wait)
