"""Demo data for moderation (called by `demo.seed` last): a comment hidden after three
members flagged it, waiting in the review queue; a spam comment removed by the moderator,
with a warning to its author and their appeal waiting for another moderator; so the
queue, the audit log and the public report have something to show. Through the services,
so counts, log entries and notices are right."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crowdq.moderation import appeals, decisions, flags, sanctions
from crowdq.moderation.targets import Key
from crowdq.questions import discussion
from crowdq.questions.models import Question


def seed_moderation(session: Session, staff: dict, members: list) -> None:
    moderator = staff["moderator@example.org"]
    questions = session.scalars(select(Question).where(Question.listed.is_(True)).order_by(Question.id).limit(3)).all()
    if len(questions) < 2 or len(members) < 6:
        return
    rude = discussion.add_comment(
        session, members[4], questions[0], "Only idiots would ask this. Do your own homework."
    )
    for flagger in members[:3]:
        flagger.trust_level = max(flagger.trust_level, 1)
        flags.flag(session, flagger, Key("comment", rude.id), "abusive", "Calls people names.")
    spam = discussion.add_comment(session, members[5], questions[1], "Cheap watches at www.example.com, 90% off!")
    flags.flag(session, members[0], Key("comment", spam.id), "spam")
    item = flags.queue.open_items_for(session, Key("comment", spam.id))[0]
    decisions.decide(session, moderator, item.id, "remove", "spam", "Advertising is not allowed here.")
    warning = sanctions.impose(session, moderator, members[5], "warn", "spam", "Please do not advertise.")
    appeals.submit(session, members[5], warning, "I thought the offer would help people. I will not do it again.")
