"""The outbox worker: deliver due messages over SMTP, with retries.

Each message is claimed and marked in its own short transaction. On
PostgreSQL, `FOR UPDATE SKIP LOCKED` lets several workers run side by side
without sending a message twice; SQLite serialises writers anyway. A crash
between the SMTP hand-off and the commit can resend that one message: SMTP
gives no way to make delivery and commit atomic, so we prefer a rare
duplicate to a lost mail.
"""

from __future__ import annotations

import smtplib
import sys
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from sqlalchemy import select

from crowdq.db import utcnow
from crowdq.mail.models import OutboxMessage


class SmtpTransport:
    def __init__(self, config: dict):
        self.config = config
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        cfg = self.config
        cls = smtplib.SMTP_SSL if cfg["MAIL_USE_SSL"] else smtplib.SMTP
        smtp = cls(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg["MAIL_TIMEOUT"])
        if cfg["MAIL_USE_TLS"]:
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
        return smtp

    def send(self, message: EmailMessage) -> None:
        if self._smtp is None:
            self._smtp = self._connect()
        self._smtp.send_message(message)

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except smtplib.SMTPException:
                pass
            except OSError:
                pass
            self._smtp = None


class ConsoleTransport:
    def __init__(self, config: dict, stream=None):
        self.stream = stream or sys.stdout

    def send(self, message: EmailMessage) -> None:
        self.stream.write(message.as_string() + "\n")

    def close(self) -> None:
        pass


def build_email(row: OutboxMessage, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring=f"outbox-{row.id}", domain="crowdq")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(row.body_text)
    return message


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes, capped at six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def deliver_due(session_factory, config: dict, transport=None, limit: int = 100) -> dict[str, int]:
    """Send up to `limit` due messages; return counts of sent/retrying/failed."""
    transport = transport or (
        ConsoleTransport(config) if config["MAIL_BACKEND"] == "console" else SmtpTransport(config)
    )
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    try:
        for _ in range(limit):
            with session_factory() as session, session.begin():
                row = session.scalars(
                    select(OutboxMessage)
                    .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= utcnow())
                    .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                    .limit(1)
                    .with_for_update(skip_locked=True)
                ).first()
                if row is None:
                    break
                row.attempts += 1
                try:
                    transport.send(build_email(row, config["MAIL_DEFAULT_SENDER"]))
                except (smtplib.SMTPException, OSError) as exc:
                    transport.close()
                    row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                    if row.attempts >= config["MAIL_MAX_ATTEMPTS"]:
                        row.status = "failed"
                        counts["failed"] += 1
                    else:
                        row.next_attempt_at = utcnow() + retry_delay(row.attempts)
                        counts["retrying"] += 1
                    if isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException):
                        # The server is unreachable: stop this run, retry later.
                        break
                else:
                    row.status = "sent"
                    row.sent_at = utcnow()
                    row.last_error = None
                    counts["sent"] += 1
    finally:
        transport.close()
    return counts
