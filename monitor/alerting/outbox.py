"""Sending the outbox: claim due deliveries, send each through its channel, record the answer.

Acknowledged → never sent again. Transient failure → retried after an exponential backoff
(initial × 2^failures, capped), or after the wait the channel asked for (Retry-After).
Permanent failure → kept with its reason, never retried.

Exactly once with several senders and a slow channel: a claimed batch's leases are renewed
while it is being sent (every third of the lease) and once more, atomically, just before each
send; a row whose lease was lost meanwhile is skipped, not sent. A stopping sender finishes the
send under way and hands the rest of its batch back.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import requests
from sqlalchemy import Engine

from monitor import clock
from monitor.alerting.channels import CHANNELS, DeliveryError, Outgoing, Sender
from monitor.alerting.config import AlertingConfig, Delivery
from monitor.alerting.links import dashboard_link
from monitor.alerting.message import render
from monitor.storage.alerts import (
    Claimed,
    acknowledge,
    claim_due,
    give_up,
    hand_back,
    renew,
    retry_later,
)

log = logging.getLogger(__name__)
# A channel's Retry-After is honoured up to this: a longer one (a misread date) would hold an
# alert back for hours.
LONGEST_RETRY_AFTER = timedelta(hours=1)


def backoff(delivery: Delivery, failures: int) -> timedelta:
    """The wait after the `failures`-th failure in a row (1 → the initial backoff)."""
    initial, cap = delivery.initial_backoff, delivery.max_backoff
    factor = 1 << min(max(failures - 1, 0), 30)
    return min(cap, initial * factor)


def next_wait(delivery: Delivery, failures: int, retry_after: float | None) -> timedelta:
    """The wait the channel asked for (as monitor.http does), else the backoff."""
    if retry_after is None:
        return backoff(delivery, failures)
    return min(LONGEST_RETRY_AFTER, timedelta(seconds=retry_after))


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
        stopping: Callable[[], bool] = lambda: False,
    ) -> None:
        self.engine = engine
        self.config = config
        self.zone = zone
        self.dashboard_url = dashboard_url
        self.session = session or requests.Session()
        self.now = now
        self.senders = senders
        self.stopping = stopping
        self.channels = {channel.name: channel for channel in config.channels}

    def run_once(self) -> int:
        """Send one batch of due deliveries; how many were attempted."""
        now = self.now()
        delivery = self.config.delivery
        return self.send_claimed(claim_due(self.engine, now, now + delivery.lease, delivery.batch))

    def run_until_idle(self, rounds: int = 50) -> int:
        """Batches until nothing is due (bounded), for a burst of new alerts."""
        sent = 0
        for _ in range(rounds):
            if self.stopping():
                break
            attempted = self.run_once()
            sent += attempted
            if attempted < self.config.delivery.batch:
                break
        return sent

    def send_claimed(self, claimed: list[Claimed]) -> int:
        """Send a claimed batch, each row only while this claim still holds it; how many
        were attempted. Stopping: the send under way ends, the rest is handed back."""
        if not claimed:
            return 0
        token = claimed[0].token
        attempted = 0
        with self._renewing(token):
            for item in claimed:
                if self.stopping():
                    hand_back(self.engine, token)
                    break
                if item.id not in renew(self.engine, token, self._lease_end()):
                    log.info("alert delivery %s: its lease went to another sender", item.id)
                    continue
                self._send(item)
                attempted += 1
        return attempted

    def _lease_end(self) -> datetime:
        return self.now() + self.config.delivery.lease

    @contextmanager
    def _renewing(self, token: str) -> Iterator[None]:
        """Renew the claim's leases every third of the lease while the block runs: a send
        slower than its timeout promised keeps its row."""
        done = threading.Event()
        every = self.config.delivery.lease.total_seconds() / 3

        def keep() -> None:
            while not done.wait(every):
                try:
                    renew(self.engine, token, self._lease_end())
                except Exception:  # the database may be away for a moment; the next try
                    log.exception("renewing the leases of an alert batch failed")

        keeper = threading.Thread(target=keep, name="outbox-lease", daemon=True)
        keeper.start()
        try:
            yield
        finally:
            done.set()
            keeper.join()

    def _send(self, item: Claimed) -> None:
        now = self.now()
        channel = self.channels.get(item.channel)
        if channel is None:
            problem = f"no channel named '{item.channel}' is configured"
            give_up(self.engine, item.id, item.token, problem, now)
            return
        link = dashboard_link(item.facts, self.dashboard_url)
        message = render(item.facts, self.zone, link)
        out = Outgoing(channel, item.stage, item.facts, message, self.zone, now, self.session)
        try:
            self.senders[channel.type](out)
        except DeliveryError as error:
            self._failed(item, str(error), error.permanent, error.retry_after)
        except Exception as error:  # a channel bug must not stop the other deliveries
            log.exception("channel %s failed unexpectedly", item.channel)
            self._failed(item, f"{type(error).__name__}: {error}", permanent=False)
        else:
            acknowledge(self.engine, item.id, self.now())

    def _failed(
        self, item: Claimed, error: str, permanent: bool, retry_after: float | None = None
    ) -> None:
        now = self.now()
        log.warning("alert delivery %s via %s failed: %s", item.id, item.channel, error)
        if permanent:
            give_up(self.engine, item.id, item.token, error, now)
        else:
            wait = next_wait(self.config.delivery, item.failures + 1, retry_after)
            retry_later(self.engine, item.id, item.token, error, now + wait)
