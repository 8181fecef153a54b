"""Mail leaves through the outbox; the worker delivers over real SMTP."""

import socket

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.orm import sessionmaker

from crowdq.accounts import services
from crowdq.db import engine
from crowdq.mail.delivery import deliver_due
from crowdq.mail.models import OutboxMessage
from tests.conftest import outbox


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook name
        self.messages.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_BACKEND="smtp")
    yield inbox
    controller.stop()


def _deliver(app):
    return deliver_due(sessionmaker(bind=engine()), app.config)


def test_registration_mail_is_queued_then_delivered_over_smtp(app, db, smtp_server):
    services.register(db, "ada@example.org", "Ada", "lovelace analytical engine", "en")
    db.commit()
    assert _deliver(app) == {"sent": 1, "retrying": 0, "failed": 0}
    assert len(smtp_server.messages) == 1
    envelope = smtp_server.messages[0]
    assert envelope.rcpt_tos == ["ada@example.org"]
    body = envelope.content.decode()
    assert "Subject: Confirm your email address for crowdq" in body
    assert "/confirm/" in body
    db.expire_all()
    assert outbox(db)[0].status == "sent"
    # the worker never sends a message twice
    assert _deliver(app)["sent"] == 0
    assert len(smtp_server.messages) == 1


def test_rolled_back_action_sends_nothing(app, db):
    services.register(db, "ada@example.org", "Ada", "lovelace analytical engine", "en")
    db.rollback()
    assert outbox(db) == []


def test_mail_is_kept_and_retried_when_smtp_is_down(app, db):
    services.register(db, "ada@example.org", "Ada", "lovelace analytical engine", "en")
    db.commit()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port(), MAIL_BACKEND="smtp")
    counts = _deliver(app)
    assert counts == {"sent": 0, "retrying": 1, "failed": 0}
    [message] = outbox(db)
    assert message.status == "pending" and message.attempts == 1 and message.last_error
    assert message.next_attempt_at > message.created_at


def test_mail_gives_up_after_max_attempts(app, db):
    services.register(db, "ada@example.org", "Ada", "lovelace analytical engine", "en")
    db.commit()
    message = outbox(db)[0]
    message.attempts = app.config["MAIL_MAX_ATTEMPTS"] - 1
    db.commit()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port(), MAIL_BACKEND="smtp")
    assert _deliver(app)["failed"] == 1
    assert outbox(db)[0].status == "failed"


def test_mail_is_written_in_the_recipients_language(app, db):
    services.register(db, "jan@example.org", "Jan", "hollandse nieuwe haring", "nl")
    db.commit()
    [message] = outbox(db)
    assert message.subject == "Bevestig je e-mailadres voor crowdq"


def test_dev_outbox_page_exists_only_in_development(app, client, db):
    assert client.get("/dev/outbox").status_code == 404
    app.config["DEV_OUTBOX_PAGE"] = True
    db.add(OutboxMessage(to_address="x@example.org", subject="Hello there", body_text="Body", kind="test"))
    db.commit()
    page = client.get("/dev/outbox")
    assert page.status_code == 200 and b"Hello there" in page.data
