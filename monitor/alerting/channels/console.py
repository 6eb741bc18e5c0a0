"""The console: each alert as plain lines on the service's standard output (a demo, a terminal,
or a log collector reading the container's output)."""

from __future__ import annotations

import sys

from monitor.alerting.channels.base import DeliveryError, Outgoing


def send(out: Outgoing) -> None:
    # The plain text shows the ticket's texts on one line each, so one alert is one block; it
    # is written at once, so that two alerts (or an alert and a log line) do not interleave.
    try:
        sys.stdout.write(f"\n{out.message.text}\n")
        sys.stdout.flush()
    except (OSError, ValueError) as error:  # a closed or broken stdout stays broken
        raise DeliveryError(f"console: {error}", permanent=True) from None
