"""E-mail over SMTP (plain, STARTTLS or SSL), UTF-8 subject and body.

A 5xx answer (mailbox refused, message rejected) and a header with a control character are
permanent; connection problems and 4xx answers are transient.
"""

from __future__ import annotations

import smtplib
import ssl
from email import policy
from email.message import EmailMessage

from monitor.alerting.channels.base import DeliveryError, Outgoing
from monitor.domain.text import CONTROL


def _email(out: Outgoing) -> EmailMessage:
    channel = out.channel
    assert channel.sender is not None
    # No folding: Python's folder drops the space between two encoded words of a Chinese
    # subject ("时限 · 工单" arrived as "时限· 工单"); RFC 5322 allows 998-character lines.
    email = EmailMessage(policy=policy.SMTP.clone(max_line_length=998))
    _set_header(email, "Subject", out.message.title)
    _set_header(email, "From", channel.sender)
    _set_header(email, "To", ", ".join(channel.to))
    email.set_content(out.message.text, charset="utf-8")
    return email


def _set_header(email: EmailMessage, name: str, value: str) -> None:
    # A line break in a header would start a header of its own (a Bcc, say). The same message
    # fails the same way every time, so it is refused for good, with the reason, not retried.
    found = CONTROL.search(value)
    if found is not None:
        code = f"U+{ord(found.group()):04X}"
        raise DeliveryError(
            f"邮件头 {name} 含控制字符 {code}，无法发送 "
            f"(the {name} header would carry control character {code})",
            permanent=True,
        )
    email[name] = value


def send(out: Outgoing) -> None:
    channel = out.channel
    assert channel.host is not None
    timeout = channel.timeout.total_seconds()
    email = _email(out)  # before connecting: a message that cannot be sent opens no connection
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
            client.send_message(email)
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
