"""Adoption: project members only, statuses, several projects, claims, release
with a reason, notification records, closed calls, and the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crowdq.accounts.models import User
from crowdq.calls.models import CallResult
from crowdq.db import engine
from crowdq.errors import Conflict, Invalid, NotAllowed
from crowdq.events import Event
from crowdq.notifications.models import Notification
from crowdq.questions import services
from crowdq.questions.models import Question, Topic
from crowdq.research import adoption, answers, claims
from crowdq.research.models import CLAIM_DAYS, Adoption, Project, QuestionClaim
from tests.conftest import csrf_from, login
from tests.questions.test_counter_races import race
from tests.research.test_adoption_helpers import T0, frozen_clock, new_project

clock = pytest.fixture(frozen_clock, name="clock")

NOTE = "We take **water samples** every week in summer."


def adopt(db, actor, question, project, note=NOTE):
    result = adoption.adopt(db, actor, question, project, note)
    db.commit()
    return result


def notified(db, kind: str) -> set[tuple[int, str]]:
    event = db.scalar(select(Event).where(Event.kind == kind).order_by(Event.id.desc()))
    return {(n.user_id, n.reason) for n in db.scalars(select(Notification).where(Notification.event_id == event.id))}


# --- who may adopt ------------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["citizen", "moderator", "admin", "outside researcher", "invitee", "suspended member"])
def test_only_members_of_the_project_adopt_into_it(db, make_user, make_question, who):
    lead = make_user("researcher")
    person = {
        "citizen": lambda: make_user(),
        "moderator": lambda: make_user("moderator"),
        "admin": lambda: make_user("admin"),
        "outside researcher": lambda: make_user("researcher"),
        "invitee": lambda: make_user("researcher"),
        "suspended member": lambda: make_user("researcher", status="suspended"),
    }[who]()
    if who == "suspended member":
        project = new_project(db, lead, person)
    else:
        project = new_project(db, lead, invited=[person] if who == "invitee" else ())
    question = make_question()
    with pytest.raises(NotAllowed):
        adoption.adopt(db, person, question, project, NOTE)
    assert question.status == "open" and db.scalar(select(func.count()).select_from(Adoption)) == 0


def test_a_researcher_who_lost_verification_can_no_longer_adopt(db, make_user, make_question):
    member = make_user("researcher")
    project = new_project(db, member)
    member.researcher_verified_at = None
    db.commit()
    with pytest.raises(NotAllowed):
        adoption.adopt(db, member, make_question(), project, NOTE)


# --- adopting -----------------------------------------------------------------------------------------
def test_adopting_marks_the_question_adopted_and_tells_asker_voters_and_followers(db, make_user, make_question):
    asker, voter, follower, member, stranger = (make_user() for _ in range(5))
    member.researcher_verified_at = asker.created_at
    db.commit()
    question = make_question(author=asker)
    services.vote(db, voter, question)
    services.set_following(db, follower, question, True)
    services.vote(db, member, question)  # the member's own vote: they hear nothing of their own act
    project = new_project(db, member)
    adopted = adopt(db, member, question, project)
    assert question.status == "adopted" and question.listed
    assert adopted.note == NOTE and "<strong>water samples</strong>" in adopted.note_html
    assert adopted.created_by_id == member.id and adopted.released_at is None
    assert notified(db, "question.adopted") == {(asker.id, "asker"), (voter.id, "voter"), (follower.id, "follower")}
    assert stranger.id not in {user_id for user_id, _ in notified(db, "question.adopted")}


@pytest.mark.parametrize(
    "note, message", [("", "Write a short note"), ("   \n ", "Write a short note"), ("x" * 1001, "at most 1000")]
)
def test_the_note_is_required_and_short(db, make_user, make_question, note, message):
    member = make_user("researcher")
    project, question = new_project(db, member), make_question()
    with pytest.raises(Invalid, match=message):
        adoption.adopt(db, member, question, project, note)


def test_several_projects_adopt_one_question_and_each_is_shown(client, db, make_user, make_question):
    first, second = make_user("researcher"), make_user("researcher")
    alpha, beta = new_project(db, first, title="Alpha study"), new_project(db, second, title="Beta survey")
    question = make_question()
    adopt(db, first, question, alpha, "Alpha measures it.")
    adopt(db, second, question, beta, "Beta asks people.")
    with pytest.raises(Conflict, match="has adopted this question already"):
        adoption.adopt(db, first, question, alpha, "Again.")
    page = client.get(f"/questions/{question.id}").text
    assert (
        "Alpha study" in page and "Alpha measures it." in page and "Beta survey" in page and "Beta asks people." in page
    )
    assert page.index("Alpha study") < page.index("Beta survey")
    assert "Adopted by research" in page


@pytest.mark.parametrize(
    "state", [{"status": "answered"}, {"status": "hidden"}, {"status": "merged"}, {"status": "closed"}, {"held": True}]
)
def test_only_open_or_adopted_questions_can_be_adopted(db, make_user, make_question, state):
    member = make_user("researcher")
    project = new_project(db, member)
    question = make_question(author=member, **state)
    with pytest.raises(Conflict):
        adoption.adopt(db, member, question, project, NOTE)


# --- claims and adoption ------------------------------------------------------------------------------
def test_adopting_ends_the_adopters_own_claim(db, clock, make_user, make_question):
    member = make_user("researcher")
    project, question = new_project(db, member), make_question()
    claims.claim(db, member, question)
    adopt(db, member, question, project)
    claim = db.scalar(select(QuestionClaim))
    assert claim.outcome == "adopted" and claim.ended_at == T0
    assert claims.live_claim(db, question.id) is None


@pytest.mark.parametrize("claimed_for_project", [True, False])
def test_a_teammate_may_adopt_what_a_colleague_claimed(db, clock, make_user, make_question, claimed_for_project):
    claimer, teammate = make_user("researcher"), make_user("researcher")
    project, question = new_project(db, claimer, teammate), make_question()
    claims.claim(db, claimer, question, project=project if claimed_for_project else None)
    adopt(db, teammate, question, project)
    assert db.scalar(select(QuestionClaim)).outcome == "adopted"


def test_others_wait_until_the_claim_ends(db, clock, make_user, make_question):
    claimer, other = make_user("researcher"), make_user("researcher")
    new_project(db, claimer)
    theirs, question = new_project(db, other), make_question()
    claims.claim(db, claimer, question)
    db.commit()
    with pytest.raises(Conflict, match="Someone else is looking at this question until March 24, 2026"):
        adoption.adopt(db, other, question, theirs, NOTE)
    clock.advance(days=CLAIM_DAYS)
    adopt(db, other, question, theirs)
    assert db.scalar(select(QuestionClaim)).outcome == "expired"
    assert question.status == "adopted"


# --- releasing ----------------------------------------------------------------------------------------
def test_releasing_needs_a_reason_and_the_last_release_reopens_the_question(db, clock, make_user, make_question):
    asker, first, second = make_user(), make_user("researcher"), make_user("researcher")
    question = make_question(author=asker)
    alpha, beta = new_project(db, first), new_project(db, second)
    adopt(db, first, question, alpha)
    adopt(db, second, question, beta)
    with pytest.raises(Invalid, match="Give a reason"):
        adoption.release(db, first, question, alpha, "  ")
    with pytest.raises(NotAllowed):
        adoption.release(db, second, question, alpha, "Not mine to release.")
    clock.advance(days=3)
    assert adoption.release(db, first, question, alpha, "Our funding stopped.") is True
    db.commit()
    assert question.status == "adopted"  # Beta still works on it
    row = db.get(Adoption, (alpha.id, question.id))
    assert row.released_at == T0 + timedelta(days=3) and row.release_reason == "Our funding stopped."
    assert row.released_by_id == first.id
    assert adoption.release(db, first, question, alpha, "Twice.") is False
    assert adoption.release(db, second, question, beta, "We merged into another study.") is True
    db.commit()
    assert question.status == "open" and question.listed
    assert notified(db, "question.released") == {(asker.id, "asker")}
    event = db.scalar(select(Event).where(Event.kind == "question.released").order_by(Event.id.desc()))
    assert event.data["reason"] == "We merged into another study." and event.data["status"] == "open"


def test_releasing_never_unanswers(db, make_user, make_question):
    member = make_user("researcher")
    project, question = new_project(db, member), make_question()
    adopt(db, member, question, project)
    answers.publish(db, member, question, project, summary_en="Algae, mostly.", summary_nl="")
    assert adoption.release(db, member, question, project, "Done with it.")
    db.commit()
    assert question.status == "answered"


def test_a_released_question_can_be_adopted_again(db, make_user, make_question):
    member = make_user("researcher")
    project, question = new_project(db, member), make_question()
    adopt(db, member, question, project)
    adoption.release(db, member, question, project, "Paused.")
    again = adopt(db, member, question, project, "We are back.")
    assert again.released_at is None and again.note == "We are back." and again.release_reason == ""
    assert question.status == "adopted"
    assert db.scalar(select(Event).where(Event.kind == "question.adopted").order_by(Event.id.desc())).data["again"]


# --- calls ----------------------------------------------------------------------------------------------
def test_adopting_a_question_of_a_closed_call_freezes_the_call_first(db, make_user, make_question):
    member = make_user("researcher")
    project = new_project(db, member)
    call = Topic(
        slug="summer-call",
        name_en="Summer",
        name_nl="Zomer",
        opens_at=T0 - timedelta(days=30),
        closes_at=T0 - timedelta(days=1),
    )
    db.add(call)
    db.commit()
    question = make_question(topic_id=None)
    question.topic_id = call.id  # asked while the call was open
    question.created_at = T0 - timedelta(days=10)
    db.commit()
    adopt(db, member, question, project)
    db.refresh(call)
    assert call.results_frozen_at is not None
    frozen = db.scalar(select(CallResult).where(CallResult.question_id == question.id))
    assert frozen.status == "open" and question.status == "adopted"


# --- races ----------------------------------------------------------------------------------------------
def test_racing_adoptions_and_releases_keep_the_status_true(app, db, make_user, make_question):
    """The first project releases the question while others adopt it: whatever order
    the database runs them in, it is adopted exactly when a live adoption remains."""
    question = make_question()
    members = [make_user("researcher") for _ in range(12)]
    projects = [new_project(db, m) for m in members]
    question_id = question.id
    member_ids, project_ids = [m.id for m in members], [p.id for p in projects]

    def act(session, index):
        actor, project = session.get(User, member_ids[index]), session.get(Project, project_ids[index])
        target = session.get(Question, question_id)
        if index == 0:
            return adoption.release(session, actor, target, project, "We stop.")
        return adoption.adopt(session, actor, target, project, f"Note {index}.") is not None

    for _round in range(3):
        adopt(db, members[0], question, projects[0])
        assert race(app, act, n=12).count("True") == 12
        with Session(engine()) as fresh:
            live = fresh.scalar(
                select(func.count())
                .select_from(Adoption)
                .where(Adoption.question_id == question_id, Adoption.released_at.is_(None))
            )
            assert live == 11 and fresh.get(Question, question_id).status == "adopted"
        for member, project in zip(members[1:], projects[1:], strict=True):
            adoption.release(db, member, question, project, "Round over.")
        db.commit()
        db.refresh(question)
        assert question.status == "open"


# --- the web ----------------------------------------------------------------------------------------------
def test_a_member_adopts_through_the_adopt_page(client, db, make_user, make_question):
    member = make_user("researcher")
    alpha, beta = new_project(db, member, title="Alpha study"), new_project(db, member, title="Beta survey")
    question = make_question()
    login(client, member)
    page = client.get(f"/questions/{question.id}").text
    assert f'href="/questions/{question.id}/adopt"' in page
    form = client.get(f"/questions/{question.id}/adopt")
    assert form.status_code == 200 and "Alpha study" in form.text and "Beta survey" in form.text
    token = csrf_from(form.text)
    refused = client.post(f"/questions/{question.id}/adopt", data={"csrf_token": token, "project": str(beta.id)})
    assert refused.status_code == 400 and "Write a short note" in refused.text
    response = client.post(
        f"/questions/{question.id}/adopt", data={"csrf_token": token, "project": str(beta.id), "note": NOTE}
    )
    assert response.status_code == 302
    page = client.get(response.location).text
    assert "Beta survey adopted this question." in page and "<strong>water samples</strong>" in page
    assert "Publish the answer" in page and "Release this question" in page
    # Only Alpha is left to choose.
    form = client.get(f"/questions/{question.id}/adopt").text
    assert f'<option value="{alpha.id}"' in form and f'<option value="{beta.id}"' not in form


def test_the_adopt_page_explains_a_claim_by_someone_else(client, db, clock, make_user, make_question):
    claimer, member = make_user("researcher", display_name="Dr. Anna Visser"), make_user("researcher")
    project, question = new_project(db, member), make_question()
    claims.claim(db, claimer, question)
    db.commit()
    login(client, member)
    form = client.get(f"/questions/{question.id}/adopt").text
    assert "Being looked at by a researcher until" in form and "Anna Visser" in form
    response = client.post(
        f"/questions/{question.id}/adopt",
        data={"csrf_token": csrf_from(form), "project": str(project.id), "note": NOTE},
    )
    assert response.status_code == 409 and "Someone else is looking at this question" in response.text


def test_releasing_through_the_page_needs_a_reason(client, db, make_user, make_question):
    member = make_user("researcher")
    project, question = new_project(db, member, title="Alpha study"), make_question()
    adopt(db, member, question, project)
    login(client, member)
    form = client.get(f"/questions/{question.id}/adopt").text
    assert f'id="release-{project.id}"' in form and f'name="release-{project.id}-reason"' in form
    url = f"/questions/{question.id}/adoptions/{project.id}/release"
    refused = client.post(url, data={"csrf_token": csrf_from(form), f"release-{project.id}-reason": ""})
    assert refused.status_code == 400 and "Give a reason for releasing this question." in refused.text
    response = client.post(url, data={"csrf_token": csrf_from(form), f"release-{project.id}-reason": "No funding."})
    assert response.status_code == 302
    page = client.get(response.location).text
    assert "Alpha study released this question." in page and "No funding." in page
    assert db.get(Question, question.id).status == "open"


@pytest.mark.parametrize("role", ["citizen", "outside researcher"])
def test_non_members_cannot_adopt_or_release_through_the_web(client, db, make_user, make_question, role):
    member = make_user("researcher")
    project, question = new_project(db, member), make_question()
    adopt(db, member, question, project)
    person = make_user("researcher" if role == "outside researcher" else "citizen")
    login(client, person)
    token = csrf_from(client.get(f"/questions/{question.id}").text)
    status = client.get(f"/questions/{question.id}/adopt").status_code
    assert status == (200 if role == "outside researcher" else 403)
    posted = client.post(
        f"/questions/{question.id}/adopt", data={"csrf_token": token, "project": str(project.id), "note": NOTE}
    )
    assert posted.status_code in (400, 403)  # not a project of theirs to choose
    released = client.post(
        f"/questions/{question.id}/adoptions/{project.id}/release",
        data={"csrf_token": token, f"release-{project.id}-reason": "Mine now."},
    )
    assert released.status_code == 403
    assert db.get(Adoption, (project.id, question.id)).released_at is None


@pytest.mark.parametrize("path", ["/adopt", "/adoptions/{project}/release"])
def test_adoption_posts_need_a_csrf_token(client, db, make_user, make_question, path):
    member = make_user("researcher")
    project, question = new_project(db, member), make_question()
    adopt(db, member, question, project)
    login(client, member)
    url = f"/questions/{question.id}" + path.format(project=project.id)
    data = {"project": str(project.id), "note": NOTE, f"release-{project.id}-reason": "Because."}
    assert client.post(url, data=data).status_code == 400
    assert db.get(Adoption, (project.id, question.id)).released_at is None


def test_unknown_projects_and_questions_are_not_found(client, make_user, make_question):
    member = make_user("researcher")
    login(client, member)
    question = make_question()
    token = csrf_from(client.get(f"/questions/{question.id}").text)
    assert client.get("/questions/999999/adopt").status_code == 404
    assert (
        client.post(f"/questions/{question.id}/adoptions/999999/release", data={"csrf_token": token}).status_code == 404
    )
