"""A generic JSON webhook: the alert's facts plus its rendered Chinese summary and text."""

from __future__ import annotations

from monitor.alerting.channels.base import Outgoing, post_json


def send(out: Outgoing) -> None:
    assert out.channel.url is not None
    # The facts as stored (ticket, target, times in UTC ISO 8601) plus the Chinese message;
    # `title` is the ticket's own title, `summary` the message's.
    body = {
        **out.facts,
        "summary": out.message.title,
        "text": out.message.text,
        "link": out.message.link,
    }
    post_json(out, out.channel.url, body)
