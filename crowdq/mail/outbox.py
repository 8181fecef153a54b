"""Queue mails in the outbox, rendered in the recipient's language."""

from __future__ import annotations

import sys
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import event
from sqlalchemy.orm import Session

from crowdq.admin import settings
from crowdq.mail.models import OutboxMessage


def queue(session: Session, to_address: str, kind: str, locale: str | None, **context: Any) -> OutboxMessage:
    """Render templates/mail/<kind>.txt (first line: the subject) and queue it.

    The row is part of the caller's transaction: if the action rolls back,
    no mail goes out.
    """
    locale = locale if locale in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]
    # The site name comes through the caller's session: outside a request
    # another session could wait on this transaction's write lock.
    context.setdefault("site", settings.display(session))
    # Links come from external_url (BASE_URL), never from the request that triggered the mail: its Host
    # header is the sender's choice. So the same code renders inside a request and in the worker.
    with force_locale(locale):
        rendered = render_template(f"mail/{kind}.txt", **context)
    subject, _, body = rendered.strip().partition("\n")
    message = OutboxMessage(
        to_address=to_address, subject=subject.strip()[:255], body_text=body.strip() + "\n", kind=kind
    )
    session.add(message)
    if current_app.config["MAIL_BACKEND"] == "console":
        session.info.setdefault("mail_echo", []).append(message)
    return message


@event.listens_for(Session, "after_commit")
def _echo_committed_mail(session: Session) -> None:
    # Development: show each committed mail on the console straight away.
    for message in session.info.pop("mail_echo", []):
        print(
            f"\n----- mail (outbox) -----\nTo: {message.to_address}\nSubject: {message.subject}\n\n{message.body_text}"
            "-------------------------",
            file=sys.stderr,
        )


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back_mail(session: Session) -> None:
    session.info.pop("mail_echo", None)
