"""E-mail over SMTP (plain, STARTTLS or SSL), UTF-8 subject and body.

A 5xx answer (mailbox refused, message rejected) is permanent; connection problems and 4xx
answers are transient.
"""

from __future__ import annotations

import smtplib
import ssl
from email import policy
from email.message import EmailMessage

from monitor.alerting.channels.base import DeliveryError, Outgoing


def _email(out: Outgoing) -> EmailMessage:
    channel = out.channel
    assert channel.sender is not None
    # No folding: Python's folder drops the space between two encoded words of a Chinese
    # subject ("时限 · 工单" arrived as "时限· 工单"); RFC 5322 allows 998-character lines.
    email = EmailMessage(policy=policy.SMTP.clone(max_line_length=998))
    email["Subject"] = out.message.title
    email["From"] = channel.sender
    email["To"] = ", ".join(channel.to)
    email.set_content(out.message.text, charset="utf-8")
    return email


def send(out: Outgoing) -> None:
    channel = out.channel
    assert channel.host is not None
    timeout = channel.timeout.total_seconds()
    try:
        if channel.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                channel.host, channel.port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(channel.host, channel.port, timeout=timeout)
        with client:
            if channel.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if channel.username:
                client.login(channel.username, channel.password() or "")
            client.send_message(_email(out))
    except smtplib.SMTPRecipientsRefused as error:
        raise DeliveryError(f"recipients refused: {error.recipients}", True) from None
    except smtplib.SMTPResponseException as error:
        text = (
            error.smtp_error.decode(errors="replace")
            if isinstance(error.smtp_error, bytes)
            else str(error.smtp_error)
        )
        raise DeliveryError(f"SMTP {error.smtp_code}: {text}", error.smtp_code >= 500) from None
    except (OSError, smtplib.SMTPException) as error:
        raise DeliveryError(f"{type(error).__name__}: {error}") from None
