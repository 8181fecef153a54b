"""The merging pages: merge one question, several into a cluster, the log and
undo, the question pages after a merge, members' suggestions and the queue,
and the public similarity endpoint."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crowdq.merging import duplicates
from crowdq.merging import services as merging
from crowdq.merging.models import DuplicateCandidate, QuestionMerge
from crowdq.questions import services
from crowdq.questions.models import Question
from tests.conftest import csrf_from, login, post_form
from tests.merging.conftest import assert_integrity

REASON = "Both ask why the canals turn green."


@pytest.fixture
def researcher(make_user):
    return make_user("researcher")


@pytest.fixture
def moderator(make_user):
    return make_user("moderator")


def test_a_researcher_merges_a_question_and_both_pages_say_so(client, db, make_question, make_user, researcher):
    asker = make_user(display_name="Anna Asker")
    target = make_question(title="Why do the canals turn green in summer?")
    source = make_question(author=asker, title="What makes canal water so green when it is warm?")
    voter = make_user()
    services.vote(db, voter, source)
    db.commit()
    login(client, researcher)
    response = post_form(
        client, f"/questions/{source.id}/merge", {"target": f"http://localhost/questions/{target.id}", "reason": REASON}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/questions/{target.id}")
    page = client.get(f"/questions/{target.id}").get_data(as_text=True)
    assert "Includes 1 merged question" in page and "Anna Asker" in page
    assert 'class="vote-number" data-vote-count>1<' in page
    login(client, voter)
    old = client.get(f"/questions/{source.id}").get_data(as_text=True)
    assert "This question was merged into" in old and f'href="/questions/{target.id}"' in old
    assert "What makes canal water so green when it is warm?" in old
    assert "I want to know this too" not in old and "Withdraw my vote" not in old
    assert 'name="body"' not in old  # no comment form
    listing = client.get("/questions?sort=newest").get_data(as_text=True)
    assert f'href="/questions/{target.id}"' in listing and f'href="/questions/{source.id}"' not in listing
    assert client.get(f"/api/v1/questions/{source.id}").get_json()["merged_into"] == target.id
    assert_integrity(db)


@pytest.mark.parametrize(
    ("target", "status", "message"),
    [
        ("", 400, "Say which question this one duplicates."),
        ("not a number", 400, "There is no question with that number or link."),
        ("999999", 400, "There is no question with that number or link."),
        ("SELF", 409, "cannot be merged into itself"),
    ],
)
def test_merge_form_mistakes_are_shown_on_the_page(client, db, make_question, researcher, target, status, message):
    source = make_question()
    login(client, researcher)
    response = post_form(
        client,
        f"/questions/{source.id}/merge",
        {"target": str(source.id) if target == "SELF" else target, "reason": REASON},
    )
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert db.scalar(select(QuestionMerge)) is None


def test_citizens_cannot_open_the_merge_pages(client, db, make_question, make_user):
    question = make_question()
    login(client, make_user())
    assert client.get(f"/questions/{question.id}/merge").status_code == 403
    assert client.get("/moderation/duplicates").status_code == 403
    assert client.get("/moderation/merges").status_code == 403


def test_several_selected_questions_become_one_new_cluster_question(client, db, make_question, make_user, researcher):
    questions = [make_question() for _ in range(3)]
    for q in questions:
        services.vote(db, make_user(), q)
    db.commit()
    login(client, researcher)
    query = "&".join(f"ids={q.id}" for q in questions)
    page = client.get(f"/questions/merge?{query}")
    assert page.status_code == 200 and "A new cluster question" in page.get_data(as_text=True)
    response = client.post(
        "/questions/merge",
        data={
            "csrf_token": csrf_from(page.get_data(as_text=True)),
            "ids": [str(q.id) for q in questions],
            "target": "new",
            "title": "Why is the water in Leiden's canals green in summer?",
            "body": "Three questions about algae.",
            "language": "en",
            "reason": REASON,
        },
    )
    assert response.status_code == 302
    cluster_id = int(response.headers["Location"].rsplit("/", 1)[1])
    db.expire_all()
    cluster = db.get(Question, cluster_id)
    assert cluster.vote_count == 3 and cluster.author_id == researcher.id
    assert "Includes 3 merged questions" in client.get(f"/questions/{cluster_id}").get_data(as_text=True)


def test_selecting_fewer_than_two_questions_sends_the_researcher_back(client, make_question, researcher):
    login(client, researcher)
    q = make_question()
    response = client.get(f"/questions/merge?ids={q.id}&ids=x")
    assert response.status_code == 303


def test_a_moderator_undoes_a_merge_from_the_log(client, db, make_question, researcher, moderator):
    target, source = make_question(), make_question()
    record = merging.merge(db, researcher, [source], target, REASON)
    db.commit()
    login(client, researcher)
    assert client.get(f"/moderation/merges/{record.id}/undo").status_code == 403
    login(client, moderator)
    log = client.get("/moderation/merges").get_data(as_text=True)
    assert REASON in log and f"/moderation/merges/{record.id}/undo" in log
    response = post_form(client, f"/moderation/merges/{record.id}/undo", {"reason": ""})
    assert response.status_code == 400 and "Give a reason" in response.get_data(as_text=True)
    response = post_form(client, f"/moderation/merges/{record.id}/undo", {"reason": "Different places."})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Question, source.id).status == "open"
    assert "Different places." in client.get("/moderation/merges").get_data(as_text=True)
    timeline = client.get(f"/questions/{source.id}").get_data(as_text=True)
    assert "Merged into" in timeline and REASON in timeline
    assert "was undone by the moderators" in timeline and "Different places." in timeline
    assert_integrity(db)


def test_members_suggest_duplicates_and_the_queue_remembers_not_a_duplicate(
    client, db, make_question, make_user, researcher
):
    first = make_question(title="Why do herons stand still for so long?")
    second = make_question(title="How long can a heron stand without moving?")
    member = make_user()
    login(client, member)
    response = post_form(client, f"/questions/{second.id}/duplicate", {"other": f"#{first.id}"})
    assert response.status_code == 302
    response = post_form(client, f"/questions/{second.id}/duplicate", {"other": str(second.id)})
    assert response.status_code == 409 and "this question itself" in response.get_data(as_text=True)
    login(client, researcher)
    queue = client.get("/moderation/duplicates").get_data(as_text=True)
    assert "suggested by 1 member" in queue and first.title in queue and second.title in queue
    candidate = db.scalar(select(DuplicateCandidate))
    response = client.post(f"/moderation/duplicates/{candidate.id}/dismiss", data={"csrf_token": csrf_from(queue)})
    assert response.status_code == 303
    assert "No possible duplicates are waiting." in client.get("/moderation/duplicates").get_data(as_text=True)
    duplicates.suggest(db, make_user(), db.get(Question, first.id), db.get(Question, second.id))
    db.commit()
    assert "No possible duplicates are waiting." in client.get("/moderation/duplicates").get_data(as_text=True)


def test_merging_a_pair_from_the_queue(client, db, make_question, make_user, researcher):
    first, second = make_question(), make_question()
    duplicates.suggest(db, make_user(), first, second)
    db.commit()
    candidate = db.scalar(select(DuplicateCandidate))
    login(client, researcher)
    queue = client.get("/moderation/duplicates").get_data(as_text=True)
    response = client.post(
        f"/moderation/duplicates/{candidate.id}/merge",
        data={
            "csrf_token": csrf_from(queue),
            f"c{candidate.id}-keep": str(first.id),
            f"c{candidate.id}-reason": REASON,
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/questions/{first.id}")
    db.expire_all()
    assert db.get(Question, second.id).merged_into_id == first.id
    assert "No possible duplicates are waiting." in client.get("/moderation/duplicates").get_data(as_text=True)


def test_a_new_question_very_like_an_existing_one_joins_the_queue(db, make_question):
    first = make_question(title="Why do the canals in Leiden turn green in summer?", body="")
    second = make_question(title="Why do the canals in Leiden turn green in the summer?", body="")
    pair = db.scalar(select(DuplicateCandidate))
    assert pair is not None and {pair.first_id, pair.second_id} == {first.id, second.id}
    assert pair.source == "automatic" and pair.score >= duplicates.AUTOMATIC_THRESHOLD


def test_the_similarity_endpoint_finds_look_alikes_with_scores(client, db, make_question):
    heron = make_question(title="Why do herons stand still for so long?", language="en")
    make_question(title="How do bees find their way home?", language="en")
    body = client.get("/api/v1/questions/similar?text=herons+standing+still&lang=en&limit=5").get_json()
    assert body["items"][0]["id"] == heron.id
    assert body["items"][0]["url"] == f"http://localhost/questions/{heron.id}"
    assert 0 < body["items"][0]["score"] <= 1
    assert all(item["id"] != heron.id or item is body["items"][0] for item in body["items"])


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("", "text"),
        ("text=+", "text"),
        ("text=heron&lang=de", "lang"),
        ("text=heron&limit=0", "limit"),
        ("text=heron&limit=101", "limit"),
        ("text=heron&limit=ten", "limit"),
    ],
)
def test_the_similarity_endpoint_refuses_bad_parameters(client, query, field):
    response = client.get(f"/api/v1/questions/similar?{query}")
    assert response.status_code == 400
    assert field in response.get_data(as_text=True)


def test_researchers_tick_questions_in_lists_and_search_results_to_merge_them(
    client, make_question, make_user, researcher
):
    first = make_question(title="Why do herons stand still for so long?")
    make_question(title="How long can a heron stand still?")
    login(client, make_user())
    assert 'form="merge-select"' not in client.get("/questions").get_data(as_text=True)
    login(client, researcher)
    for page in (client.get("/questions").get_data(as_text=True), client.get("/search?q=heron").get_data(as_text=True)):
        assert f'name="ids" value="{first.id}"' in page and 'id="merge-select"' in page
        assert 'action="/questions/merge"' in page


@pytest.mark.ratelimit
@pytest.mark.parametrize("path", ["/api/v1/questions/similar?text=herons", "/questions/similar?title=herons+standing"])
def test_look_alike_look_ups_are_rate_limited(app, client, path):
    app.config["RATELIMIT_LOOKALIKE"] = "3 per minute"
    assert [client.get(path).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_a_project_page_lists_the_question_that_stays_not_the_merged_one(
    client, db, make_question, make_user, researcher
):
    from crowdq.research import adoption
    from tests.research.test_adoption_helpers import new_project

    lead = make_user("researcher")
    project = new_project(db, lead, title="Canal water study")
    target = make_question(title="Why do the canals turn green in summer?")
    source = make_question(title="What makes canal water so green when it is warm?")
    adoption.adopt(db, lead, source, project, "We sample the water.")
    db.commit()
    merging.merge(db, researcher, [source], target, REASON)
    db.commit()
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert target.title in page and source.title not in page
    listing = client.get("/projects").get_data(as_text=True)
    assert "1 question taken up" in listing
