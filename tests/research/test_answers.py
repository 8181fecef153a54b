"""Answers: members of the adopting project only, summaries, DOIs (real valid and
invalid examples, through the form), data links, corrections kept as revisions,
the answered status, notifications, and the question page in fixed queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from crowdq.db import engine
from crowdq.errors import Conflict, Invalid, NotAllowed
from crowdq.events import Event
from crowdq.notifications.models import Notification
from crowdq.questions import services
from crowdq.research import adoption, answers
from crowdq.research.models import Answer, AnswerRevision, ProjectUpdate, QuestionClaim
from tests.conftest import csrf_from, login
from tests.research.test_adoption_helpers import T0, count_selects, frozen_clock, new_project

clock = pytest.fixture(frozen_clock, name="clock")

SUMMARY = "Mostly **blue-green algae**: they grow in warm, still water rich in nutrients."


@pytest.fixture
def adopted(db, make_user, make_question):
    """A question adopted by a project with one member; its asker and a voter."""
    asker, voter, member = make_user(display_name="Fenna"), make_user(), make_user("researcher")
    question = make_question(author=asker)
    services.vote(db, voter, question)
    project = new_project(db, member, title="Canal water study")
    adoption.adopt(db, member, question, project, "We sample the canals.")
    db.commit()
    return question, project, member, asker, voter


def publish(db, actor, question, project, **fields):
    values = {"summary_en": SUMMARY, "summary_nl": ""}
    values.update(fields)
    result = answers.publish(db, actor, question, project, **values)
    db.commit()
    return result


# --- who may answer -----------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["citizen", "moderator", "admin", "researcher"])
def test_only_members_of_the_adopting_project_post_its_answer(db, make_user, adopted, role):
    question, project = adopted[:2]
    with pytest.raises(NotAllowed):
        answers.publish(db, make_user(role), question, project, summary_en=SUMMARY, summary_nl="")
    assert db.scalar(select(Answer)) is None and question.status == "adopted"


def test_a_project_that_did_not_adopt_the_question_cannot_answer_it(db, make_user, adopted):
    question = adopted[0]
    other_member = make_user("researcher")
    other = new_project(db, other_member)
    with pytest.raises(Conflict, match="must adopt this question before it can answer it"):
        answers.publish(db, other_member, question, other, summary_en=SUMMARY, summary_nl="")


def test_a_released_adoption_no_longer_allows_publishing(db, adopted):
    question, project, member = adopted[:3]
    adoption.release(db, member, question, project, "Stopped.")
    with pytest.raises(Conflict):
        answers.publish(db, member, question, project, summary_en=SUMMARY, summary_nl="")


# --- publishing ----------------------------------------------------------------------------------------
def test_publishing_answers_the_question_and_tells_everyone(db, make_user, adopted):
    question, project, member, asker, voter = adopted
    follower = make_user()
    services.set_following(db, follower, question, True)
    answer, outcome = publish(
        db,
        member,
        question,
        project,
        summary_nl="Vooral *blauwalg*.",
        dois="https://doi.org/10.1038/nature12373\ndoi:10.1126/SCIENCE.1260352",
        data_links="https://zenodo.org/records/1234567",
    )
    assert outcome == "published" and question.status == "answered" and question.listed
    assert (
        "<strong>blue-green algae</strong>" in answer.summary_en_html and "<em>blauwalg</em>" in answer.summary_nl_html
    )
    assert answer.dois == ["10.1038/nature12373", "10.1126/science.1260352"]
    assert answer.data_links == ["https://zenodo.org/records/1234567"]
    event = db.scalar(select(Event).where(Event.kind == "question.answered"))
    assert event.data["answer_id"] == answer.id and event.data["project_id"] == project.id
    heard = {(n.user_id, n.reason) for n in db.scalars(select(Notification).where(Notification.event_id == event.id))}
    assert heard == {(asker.id, "asker"), (voter.id, "voter"), (follower.id, "follower")}


def test_both_summaries_may_be_given_but_one_is_required(db, adopted):
    question, project, member = adopted[:3]
    with pytest.raises(Invalid) as refused:
        answers.publish(db, member, question, project, summary_en=" \n\t", summary_nl="\x00")
    assert "summary_en" in refused.value.fields
    with pytest.raises(Invalid, match="at most 5000"):
        answers.publish(db, member, question, project, summary_en="x" * 5_001, summary_nl="")
    answer, _ = publish(db, member, question, project, summary_en="", summary_nl="Alleen in het Nederlands.")
    assert answer.summary_en == "" and answer.summary_nl == "Alleen in het Nederlands."


def test_every_problem_is_reported_at_once(db, adopted):
    question, project, member = adopted[:3]
    with pytest.raises(Invalid) as refused:
        answers.publish(
            db, member, question, project, summary_en="", summary_nl="", dois="10.1038", data_links="ftp://x"
        )
    assert set(refused.value.fields) == {"summary_en", "dois", "data_links"}


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("10.1038/nature12373", ["10.1038/nature12373"]),  # Kucsko et al. 2013, Nature
        # Eriksen et al. 2014, plastic in the world's oceans, PLOS ONE, pasted as a link
        ("https://doi.org/10.1371/journal.pone.0111913", ["10.1371/journal.pone.0111913"]),
        # Koelmans et al. 2019, microplastics in fresh and drinking water, Water Research, the old resolver
        ("http://dx.doi.org/10.1016/j.watres.2019.02.054", ["10.1016/j.watres.2019.02.054"]),
        ("doi: 10.1126/science.1260352", ["10.1126/science.1260352"]),  # Jambeck et al. 2015, Science, "doi: "
        # A SICI-style DOI (JASIS 1998) with brackets, colons and angle brackets, upper case
        (
            "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-O",
            ["10.1002/(sici)1097-4571(199806)49:8<693::aid-asi4>3.0.co;2-o"],
        ),
        (
            "10.1038/nature12373, 10.1038/NATURE12373;\n\n10.1126/science.1260352",
            ["10.1038/nature12373", "10.1126/science.1260352"],
        ),
    ],
)
def test_real_dois_are_accepted_through_the_form(client, db, adopted, typed, stored):
    question, project, member = adopted[:3]
    login(client, member)
    url = f"/questions/{question.id}/answer/{project.id}"
    form = client.get(url)
    assert form.status_code == 200
    response = client.post(url, data={"csrf_token": csrf_from(form.text), "summary_en": SUMMARY, "dois": typed})
    assert response.status_code == 302, response.text
    answer = db.scalar(select(Answer))
    assert answer.dois == stored
    page = client.get(f"/questions/{question.id}").text
    assert f'<a href="https://doi.org/{stored[0].replace("<", "%3C").replace(">", "%3E")}">' in page


@pytest.mark.parametrize(
    "typed",
    [
        "10.1038",  # no suffix
        "nature12373",  # a suffix alone
        "11.1038/nature12373",  # not the 10. directory
        "10.12/abc",  # registrant too short
        "https://example.org/10.1038/nature12373",  # another site
        "https://doi.org/",  # nothing after the resolver
        "ISBN 978-3-16-148410-0",
        "10.1038/nature12373\u200b",  # a zero-width space glued on
    ],
)
def test_invalid_dois_are_refused_through_the_form(client, db, adopted, typed):
    question, project, member = adopted[:3]
    login(client, member)
    url = f"/questions/{question.id}/answer/{project.id}"
    response = client.post(
        url, data={"csrf_token": csrf_from(client.get(url).text), "summary_en": SUMMARY, "dois": typed}
    )
    assert response.status_code == 400 and "is not a DOI" in response.text
    assert 'aria-invalid="true"' in response.text
    assert db.scalar(select(Answer)) is None


@pytest.mark.parametrize(
    "typed, ok",
    [
        ("https://zenodo.org/records/1234567", True),
        ("http://data.overheid.nl/dataset/waterkwaliteit", True),
        ("https://dataverse.nl/dataset.xhtml?persistentId=doi:10.34894/ABC", True),
        ("https://bücher.example/data", True),
        ("ftp://example.org/data.csv", False),
        ("javascript:alert(1)", False),
        ("www.example.org/data", False),
        ("https://localhost/data", False),
        ("https://user:pw@example.org/data", False),
        ("https://example.org:99999/data", False),
        ("https://" + "a" * 500 + ".org", False),
    ],
)
def test_data_links_are_http_addresses(db, adopted, typed, ok):
    question, project, member = adopted[:3]
    if ok:
        answer, _ = publish(db, member, question, project, data_links=typed)
        assert answer.data_links == [typed]
    else:
        with pytest.raises(Invalid, match="is not a web address"):
            answers.publish(db, member, question, project, summary_en=SUMMARY, summary_nl="", data_links=typed)


def test_at_most_twenty_dois_and_links(db, adopted):
    question, project, member = adopted[:3]
    many = "\n".join(f"10.5281/zenodo.{n}" for n in range(21))
    with pytest.raises(Invalid, match="at most 20 DOIs"):
        answers.publish(db, member, question, project, summary_en=SUMMARY, summary_nl="", dois=many)


# --- correcting -----------------------------------------------------------------------------------------
def test_a_correction_keeps_the_earlier_version(client, db, clock, adopted):
    question, project, member, asker, _voter = adopted
    answer, _ = publish(db, member, question, project, dois="10.1038/nature12373")
    clock.advance(days=2)
    same, outcome = publish(db, member, question, project, dois="https://doi.org/10.1038/NATURE12373")
    assert outcome == "unchanged" and db.scalar(select(AnswerRevision)) is None
    corrected, outcome = publish(db, member, question, project, summary_en="Cyanobacteria, in fact.", dois="")
    assert outcome == "corrected" and corrected.id == answer.id
    assert corrected.summary_en == "Cyanobacteria, in fact." and corrected.dois == [] and corrected.updated_at
    revision = db.scalar(select(AnswerRevision))
    assert (
        revision.summary_en == SUMMARY and revision.dois == ["10.1038/nature12373"] and revision.editor_id == member.id
    )
    event = db.scalar(select(Event).where(Event.kind == "answer.corrected"))
    assert {n.user_id for n in db.scalars(select(Notification).where(Notification.event_id == event.id))} >= {asker.id}
    page = client.get(f"/questions/{question.id}").text
    assert "corrected on" in page and "1 earlier version" in page
    history = client.get(f"/questions/{question.id}/answers/{answer.id}/revisions")
    assert history.status_code == 200
    assert "Cyanobacteria, in fact." in history.text and "<strong>blue-green algae</strong>" in history.text
    assert 'href="https://doi.org/10.1038/nature12373"' in history.text


def test_a_project_that_released_the_question_may_still_correct_its_answer(db, adopted):
    question, project, member = adopted[:3]
    publish(db, member, question, project)
    adoption.release(db, member, question, project, "Finished.")
    _, outcome = publish(db, member, question, project, summary_en="A small fix.")
    assert outcome == "corrected" and question.status == "answered"


def test_a_second_project_may_answer_too(db, make_user, adopted):
    question, project, member = adopted[:3]
    other_member = make_user("researcher")
    other = new_project(db, other_member, title="Second look")
    adoption.adopt(db, other_member, question, other, "A second look.")
    publish(db, member, question, project)
    answer, outcome = publish(db, other_member, question, other, summary_en="We agree.")
    assert outcome == "published" and len(db.scalars(select(Answer)).all()) == 2


# --- pages -----------------------------------------------------------------------------------------------
def test_the_answer_stands_at_the_top_of_the_question_page(client, db, adopted):
    question, project, member = adopted[:3]
    publish(db, member, question, project, summary_nl="Vooral blauwalg.", data_links="https://zenodo.org/records/1")
    page = client.get(f"/questions/{question.id}").text
    assert page.index("Answer from research") < page.index('class="question-layout"')
    assert "Canal water study" in page and 'href="https://zenodo.org/records/1" rel="nofollow ugc noopener"' in page
    assert "Also in Nederlands" in page and 'lang="nl"' in page
    assert "Answered" in page


def test_the_answer_form_and_its_links(client, db, make_user, adopted):
    question, project, member = adopted[:3]
    login(client, member)
    page = client.get(f"/questions/{question.id}").text
    assert f'href="/questions/{question.id}/answer/{project.id}"' in page and "Publish the answer" in page
    form = client.get(f"/questions/{question.id}/answer/{project.id}")
    assert form.status_code == 200 and "Summary in English" in form.text and "DOIs (optional)" in form.text
    empty = client.post(f"/questions/{question.id}/answer/{project.id}", data={"csrf_token": csrf_from(form.text)})
    assert empty.status_code == 400 and "Write a plain-language summary" in empty.text
    publish(db, member, question, project, dois="10.1038/nature12373")
    again = client.get(f"/questions/{question.id}/answer/{project.id}").text
    assert "Correct the answer" in again and "10.1038/nature12373" in again


def test_outsiders_get_no_answer_form(client, db, make_user, adopted):
    question, project = adopted[:2]
    login(client, make_user("researcher"))
    assert client.get(f"/questions/{question.id}/answer/{project.id}").status_code == 403
    login(client, make_user())
    assert client.get(f"/questions/{question.id}/answer/{project.id}").status_code == 403


def test_a_member_of_a_project_without_adoption_is_told_to_adopt_first(client, db, make_user, adopted):
    question = adopted[0]
    member = make_user("researcher")
    other = new_project(db, member)
    login(client, member)
    page = client.get(f"/questions/{question.id}/answer/{other.id}")
    assert page.status_code == 200 and "must adopt this question before it can answer it" in page.text
    posted = client.post(
        f"/questions/{question.id}/answer/{other.id}", data={"csrf_token": csrf_from(page.text), "summary_en": "Hi."}
    )
    assert posted.status_code == 409 and db.scalar(select(Answer)) is None


def test_answer_posts_need_a_csrf_token(client, db, adopted):
    question, project, member = adopted[:3]
    login(client, member)
    url = f"/questions/{question.id}/answer/{project.id}"
    assert client.post(url, data={"summary_en": SUMMARY}).status_code == 400
    assert db.scalar(select(Answer)) is None


def test_revisions_of_another_questions_answer_are_not_found(client, db, make_question, adopted):
    question, project, member = adopted[:3]
    answer, _ = publish(db, member, question, project)
    other = make_question()
    assert client.get(f"/questions/{other.id}/answers/{answer.id}/revisions").status_code == 404
    assert client.get(f"/questions/{question.id}/answers/{answer.id}/revisions").status_code == 200


def _busy(db, make_user, question, researchers: int):
    """Adoptions by `researchers` projects (and released ones), each with an answer
    (corrected) and updates. Adopting comes first: an answered question takes no new projects."""
    teams = []
    for n in range(researchers):
        member = make_user("researcher")
        project, other = new_project(db, member), new_project(db, member)
        adoption.adopt(db, member, question, project, f"Project {n} works on it.")
        adoption.adopt(db, member, question, other, "Released later.")
        teams.append((member, project, other))
    for n, (member, project, other) in enumerate(teams):
        adoption.release(db, member, question, other, "Done.")
        answers.publish(db, member, question, project, summary_en=f"Answer {n}.", summary_nl="", dois="10.1038/x1")
        answers.publish(db, member, question, project, summary_en=f"Answer {n}, corrected.", summary_nl="")
        for i in range(3):
            db.add(ProjectUpdate(project_id=project.id, author_id=member.id, body=f"U{i}", body_html=f"<p>U{i}</p>"))
    db.commit()


@pytest.mark.parametrize("reader", ["anonymous", "researcher", "member of a project"])
def test_the_question_page_loads_in_a_fixed_number_of_queries(client, db, clock, make_user, make_question, reader):
    """However many projects adopted, answered, corrected and posted updates, and with or without a claim."""
    empty, small, big = make_question(), make_question(), make_question()
    _busy(db, make_user, small, researchers=1)
    _busy(db, make_user, big, researchers=4)
    claimer = make_user("researcher")
    new_project(db, claimer)
    new_project(db, claimer)
    # A claim as it stands from before the answers (claiming an answered question is refused now).
    db.add(QuestionClaim(question_id=small.id, user_id=claimer.id, expires_at=T0 + timedelta(days=3)))
    db.commit()
    if reader == "researcher":
        login(client, make_user("researcher"))
    elif reader == "member of a project":
        login(client, claimer)
    client.get("/")

    def selects(question_id):
        return count_selects(engine(), lambda: client.get(f"/questions/{question_id}"))

    assert selects(small.id) == selects(big.id)
    assert selects(empty.id) <= selects(big.id)


@pytest.mark.parametrize("reader", ["anonymous", "member of a project"])
def test_a_busy_question_page_stays_under_the_weight_budget(client, db, make_user, make_question, reader):
    """The busy question of tests/core/test_page_weight.py (a 9 KB explanation, long comments) with research
    on it: two adopting projects, an answer in both languages with DOIs and a data link, a correction, and
    long updates (shown as excerpts): under 60 KB with CSS and JS. With 20 comments rather than 30: that
    page alone already weighs 58.6 KB for a member, which leaves no room for anything else."""
    from crowdq.questions import discussion
    from tests.core.test_page_weight import BUDGET

    author = make_user(display_name="A member with a fairly long display name")
    question = make_question(
        author=author,
        title=("Why do the canals in our neighbourhood turn green and smell every summer, and is it safe? " * 2)[:200],
        body="Long explanation. " * 500,
        tags="water, algae, summer, health, canals",
        place="Leiden Noord",
    )
    teams = []
    for n in range(2):
        member = make_user("researcher", display_name=f"A researcher with a fairly long display name {n}")
        project = new_project(db, member, title=f"A research project with a descriptive title, number {n}")
        adoption.adopt(db, member, question, project, "How we address it, in a few sentences. " * 4)
        teams.append((member, project))
    member, project = teams[0]
    for summary in ("A first version. ", "What we found, in plain language. "):
        answers.publish(
            db,
            member,
            question,
            project,
            summary_en=summary * 20,
            summary_nl="Wat we vonden, in gewone taal. " * 20,
            dois="10.1038/nature12373\n10.1126/science.1260352",
            data_links="https://data.example.org/datasets/canal-water-2026.csv",
        )
    for member, project in teams:
        for _ in range(3):
            db.add(
                ProjectUpdate(project_id=project.id, author_id=member.id, body="News. " * 1000, body_html="<p>x</p>")
            )
    for i in range(20):
        discussion.add_comment(db, make_user(), question, f"A thoughtful comment number {i}. " * 10)
    db.commit()
    if reader != "anonymous":
        login(client, member)
    assets = sum(len(client.get(path).data) for path in ("/static/crowdq.css", "/static/crowdq.js"))
    weight = len(client.get(f"/questions/{question.id}").data) + assets
    assert weight < BUDGET, f"the question page weighs {weight / 1024:.1f} KB with CSS and JS"
