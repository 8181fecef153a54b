"""Endorsements: a verified organisation, through any of its members, stands
behind a question, with an optional short public statement.

Endorsements are rows keyed by (organisation, question), like votes; the
question's `endorsement_count` changes with an SQL increment in the same
transaction, only when this request's own insert (guarded by the key in a
savepoint) or delete (by its rowcount) happened, so racing requests count
once. Endorsing never touches the vote count.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from crowdq import events, policy, text
from crowdq.db import utcnow
from crowdq.errors import Conflict, Invalid
from crowdq.moderation import prevention
from crowdq.organisations.models import Endorsement, Organisation, OrganisationMembership
from crowdq.questions.models import Question

STATEMENT_MAX = 500


def clean_statement(value: str | None) -> str:
    statement = text.normalise_text(value)
    if len(statement) > STATEMENT_MAX:
        raise Invalid({"statement": _("Keep the statement to at most %(n)d characters.", n=STATEMENT_MAX)})
    return statement


def endorsable(question: Question) -> bool:
    return question.listed and question.status not in ("merged", "hidden")


def _require_endorsable(question: Question) -> None:
    if not endorsable(question):
        raise Conflict(_("This question cannot be endorsed now."))


def endorse(session: Session, actor, organisation: Organisation, question: Question, statement: str | None) -> bool:
    """Endorse on the organisation's behalf; True if the endorsement is new.

    Endorsing again changes the statement of the existing endorsement.
    """
    policy.require(actor, "organisation.act", organisation)
    policy.require(actor, "question.view", question)
    _require_endorsable(question)
    statement = clean_statement(statement)
    # Watched words and the link limit; no spam checks: an organisation honestly repeats its statement.
    screening = prevention.screen(session, actor, question.language, {"statement": statement}, checks=prevention.EDIT)
    statement = screening.texts["statement"]
    html = text.render(statement)
    key = (Endorsement.organisation_id == organisation.id, Endorsement.question_id == question.id)
    try:
        # Core statements, not the identity map: a stale copy of a row that
        # another request withdrew must not stand in the way.
        with session.begin_nested():
            session.execute(
                insert(Endorsement).values(
                    organisation_id=organisation.id,
                    question_id=question.id,
                    statement=statement,
                    statement_html=html,
                    created_by_id=getattr(actor, "id", None),
                    created_at=utcnow(),
                )
            )
    except IntegrityError:
        # Endorsed already (maybe by a colleague a moment ago): keep it, with this statement.
        changed = session.execute(
            update(Endorsement)
            .where(*key, Endorsement.statement != statement)
            .values(statement=statement, statement_html=html)
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed:
            _hold(session, organisation, question, screening)
            events.record(session, "question.endorsement_updated", actor, question, organisation_id=organisation.id)
        return False
    session.execute(
        update(Question)
        .where(Question.id == question.id)
        .values(endorsement_count=Question.endorsement_count + 1)
        .execution_options(synchronize_session=False)
    )
    _hold(session, organisation, question, screening)
    events.record(session, "question.endorsed", actor, question, organisation_id=organisation.id)
    session.refresh(question)
    return True


def _hold(session: Session, organisation: Organisation, question: Question, screening) -> None:
    """Hold the statement just written for review when screening found reasons (a watched word)."""
    if screening.held:
        row = session.get(Endorsement, (organisation.id, question.id), populate_existing=True)
        prevention.apply(session, row, screening)


def withdraw(session: Session, actor, organisation: Organisation, question: Question) -> bool:
    """Withdraw the organisation's endorsement; False if there was none."""
    policy.require(actor, "organisation.act", organisation)
    removed = session.execute(
        delete(Endorsement)
        .where(Endorsement.organisation_id == organisation.id, Endorsement.question_id == question.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not removed:
        return False
    session.execute(
        update(Question)
        .where(Question.id == question.id)
        .values(endorsement_count=Question.endorsement_count - 1)
        .execution_options(synchronize_session=False)
    )
    events.record(session, "question.endorsement_withdrawn", actor, question, organisation_id=organisation.id)
    session.refresh(question)
    return True


# --- reading ---------------------------------------------------------------------------
def acting_organisations(session: Session, user) -> list[Organisation]:
    """The verified organisations the member may act for (one query)."""
    if not policy.is_citizen(user):
        return []
    return list(
        session.scalars(
            select(Organisation)
            .join(OrganisationMembership, OrganisationMembership.organisation_id == Organisation.id)
            .where(OrganisationMembership.user_id == user.id, Organisation.verified_at.is_not(None))
            .order_by(Organisation.name, Organisation.id)
            .options(selectinload(Organisation.memberships))
        )
    )


def for_question(session: Session, question_id: int) -> list[Endorsement]:
    """The question's endorsements with their organisations, oldest first (two queries)."""
    return list(
        session.scalars(
            select(Endorsement)
            .where(Endorsement.question_id == question_id)
            .order_by(Endorsement.created_at, Endorsement.organisation_id)
            .options(selectinload(Endorsement.organisation))
        )
    )


@dataclass
class QuestionOrganisations:
    """What the question page shows about organisations."""

    asked_for: Organisation | None
    endorsements: list[Endorsement]
    acting: list[Organisation] = field(default_factory=list)
    open: bool = True

    @property
    def endorsed_ids(self) -> set[int]:
        return {e.organisation_id for e in self.endorsements}

    @property
    def may_endorse_for(self) -> list[Organisation]:
        """The member's organisations that have not endorsed it yet."""
        if not self.open:
            return []
        return [o for o in self.acting if o.id not in self.endorsed_ids]

    @property
    def own_endorsements(self) -> list[Endorsement]:
        mine = {o.id for o in self.acting}
        return [e for e in self.endorsements if e.organisation_id in mine]


def question_context(session: Session, question: Question, user) -> QuestionOrganisations:
    """In a fixed number of queries: on whose behalf it was asked, the
    endorsements, and the reader's organisations."""
    asked_for = session.get(Organisation, question.organisation_id) if question.organisation_id else None
    return QuestionOrganisations(
        asked_for=asked_for,
        endorsements=for_question(session, question.id),
        acting=acting_organisations(session, user),
        open=endorsable(question),
    )
