"""Every other write of user text is screened too: question edits, endorsement statements,
project updates, answers, profiles and names, facilitated and imported questions; and new
members write under tighter rate limits."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from crowdq.accounts import services as accounts
from crowdq.db import utcnow
from crowdq.errors import Invalid
from crowdq.facilitation import importer
from crowdq.facilitation.services import enter_question
from crowdq.moderation import watched
from crowdq.moderation.models import ReviewItem
from crowdq.organisations import endorsements
from crowdq.organisations.models import Endorsement, Organisation, OrganisationMembership
from crowdq.questions import editing
from crowdq.questions.models import Question
from crowdq.research import adoption, answers, updates
from tests.conftest import login, post_form
from tests.research.test_adoption_helpers import new_project


@pytest.fixture
def watch(db, make_user):
    admin = make_user("admin")

    def add(phrase: str, action: str = "block", language: str = "any", kind: str = "word"):
        watched.add(db, admin, kind=kind, phrase=phrase, language=language, action=action)
        db.commit()

    return add


@pytest.fixture
def org_member(db, make_user):
    """A new member (trust level 0) of a verified organisation."""
    member = make_user(display_name="Noor Organisatie")
    organisation = Organisation(slug="buurt", name="Buurtnetwerk", verified_at=utcnow())
    db.add(organisation)
    db.flush()
    db.add(OrganisationMembership(organisation_id=organisation.id, user_id=member.id, role="member"))
    db.commit()
    db.expire(member, ["memberships"])
    return member, organisation


def refused(call, *args, **kwargs) -> dict[str, str]:
    with pytest.raises(Invalid) as error:
        call(*args, **kwargs)
    return error.value.fields


def held_items(db) -> list[ReviewItem]:
    return list(db.scalars(select(ReviewItem).where(ReviewItem.status == "open")))


def edit(db, actor, question, **changes):
    values = {
        "title": question.title,
        "body": question.body,
        "topic_id": question.topic_id,
        "language": question.language,
        "tags": [t.name for t in question.tags],
        "place": question.place,
    }
    values.update(changes)
    changed = editing.edit(db, actor, question, **values)
    db.commit()
    return changed


# --- question edits ---------------------------------------------------------------------------
def test_an_edit_with_a_blocked_word_is_refused_and_a_replaced_word_asterisked(db, watch, make_user, make_question):
    author = make_user()
    question = make_question(author=author)
    watch("casino")
    watch("darn", action="replace")
    assert "body" in refused(edit, db, author, question, body="Near the casino.")
    db.rollback()
    edit(db, author, question, body="The darn canal.")
    assert question.body == "The **** canal."


def test_a_word_watched_since_does_not_stop_other_changes(db, watch, make_user, make_question):
    author = make_user()
    question = make_question(author=author, body="Near the casino, the water is green.")
    watch("casino")
    assert edit(db, author, question, place="Leiden")
    assert question.place == "Leiden" and not question.held


def test_an_edit_bringing_in_a_held_word_holds_the_question(db, watch, make_user, make_question):
    author = make_user()
    question = make_question(author=author)
    watch("casino", action="hold")
    edit(db, author, question, body="Now about the casino.")
    assert question.held and not question.listed and [i.kind for i in held_items(db)] == ["watched"]


def test_a_new_member_cannot_edit_in_a_third_link(db, make_user, make_question):
    author = make_user()
    question = make_question(author=author)
    body = "Sources: https://a.org/1 https://b.org/2 https://c.org/3"
    assert "at most 2 links" in refused(edit, db, author, question, body=body)["body"]


# --- endorsement statements ----------------------------------------------------------------------
def test_endorsement_statements_are_screened_and_held_statements_wait(db, watch, org_member, make_question):
    member, organisation = org_member
    watch("casino")
    watch("lottery", action="hold")
    question = make_question()
    fields = refused(endorsements.endorse, db, member, organisation, question, "We love the casino.")
    assert fields == {"statement": "This contains “casino”, which is not allowed here."}
    db.rollback()
    assert endorsements.endorse(db, member, organisation, question, "Like winning the lottery.")
    db.commit()
    row = db.get(Endorsement, (organisation.id, question.id))
    assert row.moderation_state == "held" and row.statement == "Like winning the lottery."
    [item] = held_items(db)
    assert (item.kind, item.target_type, item.target_id, item.target_sub) == (
        "watched",
        "endorsement",
        question.id,
        organisation.id,
    )


def test_an_organisation_may_repeat_its_statement_on_many_questions(db, org_member, make_question):
    member, organisation = org_member
    for _ in range(7):
        endorsements.endorse(db, member, organisation, make_question(), "We support this question.")
    db.commit()
    assert held_items(db) == []


def test_a_changed_statement_is_screened_too(db, watch, org_member, make_question):
    member, organisation = org_member
    question = make_question()
    endorsements.endorse(db, member, organisation, question, "We support this.")
    db.commit()
    watch("darn", action="replace")
    endorsements.endorse(db, member, organisation, question, "We darn well support this.")
    db.commit()
    row = db.get(Endorsement, (organisation.id, question.id), populate_existing=True)
    assert row.statement == "We **** well support this."


# --- research: updates and answers -----------------------------------------------------------------
@pytest.fixture
def adopted(db, make_user, make_question):
    researcher = make_user("researcher")
    question = make_question()
    project = new_project(db, researcher, title="Canal water study")
    adoption.adopt(db, researcher, question, project, "We sample the canals.")
    db.commit()
    return researcher, project, question


def test_project_updates_refuse_blocked_words_and_replace_others_but_hold_nothing(db, watch, adopted):
    researcher, project, _question = adopted
    watch("casino")
    watch("darn", action="replace")
    watch("lottery", action="hold")
    assert "body" in refused(updates.post, db, researcher, project, "Samples from the casino.")
    db.rollback()
    posted = updates.post(db, researcher, project, "The darn lottery samples are in.")
    db.commit()
    assert posted.body == "The **** lottery samples are in." and posted.moderation_state is None
    assert held_items(db) == []
    updates.edit(db, researcher, project, posted, "Darn.")
    assert posted.body == "****."


def test_each_answer_summary_meets_its_own_languages_words(db, watch, adopted):
    researcher, project, question = adopted
    watch("kut", language="nl")
    watch("darn", language="en", action="replace")
    fields = refused(
        answers.publish, db, researcher, question, project, summary_en="Kut is not English.", summary_nl="Wat een kut."
    )
    assert list(fields) == ["summary_nl"]
    db.rollback()
    answer, _what = answers.publish(
        db, researcher, question, project, summary_en="Darn green algae.", summary_nl="Darn groene algen."
    )
    assert (answer.summary_en, answer.summary_nl) == ("**** green algae.", "Darn groene algen.")
    assert "****" in answer.summary_en_html


# --- profiles and names ----------------------------------------------------------------------------
def test_profiles_refuse_blocked_words_and_replace_others(db, watch, make_user):
    member = make_user(locale="en")
    watch("casino")
    watch("darn", action="replace")
    assert refused(accounts.update_profile, db, member, "Casino King", "", "en") == {
        "display_name": "This contains “Casino”, which is not allowed here."
    }
    db.rollback()
    accounts.update_profile(db, member, "Ann", "I like darn herons.", "en")
    assert member.bio == "I like **** herons." and member.profile_state is None


def test_a_new_name_at_registration_is_screened(db, watch):
    watch("casino")
    fields = refused(accounts.register, db, "ann@example.org", "Casino Ann", "correct horse battery staple")
    assert "display_name" in fields


# --- facilitated and imported questions -------------------------------------------------------------
def test_facilitated_questions_skip_the_spam_checks_but_not_the_words(db, watch, org_member):
    member, _organisation = org_member
    watch("casino")
    watch("darn", action="replace")
    entered = [
        enter_question(db, member, title=f"Why do the herons stand so still, asked {i}?", body="", language="en")
        for i in range(7)
    ]
    db.commit()
    assert not any(q.held for q in entered)  # seven at once: no burst for what was asked in a hall
    assert refused(enter_question, db, member, title="Is the casino bad for herons?", body="", language="en")
    db.rollback()
    question = enter_question(db, member, title="Why are the darn herons so still?", body="", language="en")
    assert question.title == "Why are the **** herons so still?"


def test_an_import_reports_a_blocked_word_on_its_line_and_writes_the_rest(db, watch, org_member):
    watch("casino")
    watch("lottery", action="hold")
    data = (
        b"title,explanation,language,topic,tags,place,external_id\n"
        b"Why do the swifts leave Leiden so early in August?,They go early.,en,,,,r1\n"
        b"Is the casino by the canal bad for the birds?,,en,,,,r2\n"
        b"Does the lottery money reach the canals at all?,,en,,,,r3\n"
    )
    report = importer.import_file(db, org_member[0], data, dry_run=False)
    db.commit()
    assert [(e.line, e.column) for e in report.errors] == [(3, "title")]
    assert "casino" in report.errors[0].message
    held = db.scalar(select(Question).where(Question.external_id == "r3"))
    assert held.held and [i.kind for i in held_items(db)] == ["watched"]
    assert db.scalar(select(func.count()).select_from(Question)) == 2


# --- rate limits ------------------------------------------------------------------------------------
def _post_comments(client, question, n: int) -> list[int]:
    return [
        post_form(
            client, f"/questions/{question.id}/comments", {"body": f"Thought {i}."}, page=f"/questions/{question.id}"
        ).status_code
        for i in range(n)
    ]


@pytest.mark.ratelimit
def test_new_members_write_under_the_tighter_limit(app, client, make_user, make_question):
    app.config.update(RATELIMIT_WRITE="5 per minute", RATELIMIT_WRITE_NEW="2 per minute")
    question = make_question()
    login(client, make_user())
    assert _post_comments(client, question, 3) == [302, 302, 429]


@pytest.mark.ratelimit
def test_members_past_level_zero_write_under_the_ordinary_limit(app, client, make_user, make_question):
    app.config.update(RATELIMIT_WRITE="5 per minute", RATELIMIT_WRITE_NEW="2 per minute")
    question = make_question()
    login(client, make_user(trust_level=1))
    assert _post_comments(client, question, 3) == [302, 302, 302]
