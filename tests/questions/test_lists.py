"""Question lists: sorts, filters, keyset pages, bookmarkable URLs."""

from datetime import timedelta

import pytest

from crowdq.db import utcnow
from crowdq.errors import Invalid
from crowdq.questions import queries
from crowdq.questions.models import Topic


@pytest.fixture
def many(db, make_question, make_user):
    now = utcnow()
    made = []
    for i in range(45):
        q = make_question(
            title=f"Numbered question {i:02d} about rivers?",
            language="nl" if i % 3 == 0 else "en",
            tags="rivier" if i % 5 == 0 else None,
            place="Leiden" if i % 4 == 0 else None,
        )
        q.vote_count = i % 7
        q.comment_count = i % 4
        q.created_at = now - timedelta(hours=i)
        made.append(q)
    db.commit()
    return made


def walk(db, sort, filters=None, per_page=10):
    seen, after = [], None
    while True:
        page = queries.list_questions(db, sort=sort, filters=filters, after=after, per_page=per_page)
        seen.extend(page.items)
        if not page.next_cursor:
            return seen
        after = page.next_cursor


@pytest.mark.parametrize("sort", ["votes", "newest", "discussed", "trending"])
def test_paging_visits_every_question_once_in_order(db, many, sort):
    seen = walk(db, sort)
    assert len(seen) == len({q.id for q in seen}) == 45
    key = {"votes": "vote_count", "newest": "created_at", "discussed": "comment_count", "trending": "trending_score"}[
        sort
    ]
    values = [(getattr(q, key), q.id) for q in seen]
    assert values == sorted(values, reverse=True)


def test_needs_votes_lists_new_open_questions_with_few_votes_fewest_first(db, many):
    seen = walk(db, "needs_votes")
    assert seen and all(q.vote_count < queries.NEEDS_VOTES_MAX for q in seen)
    assert [q.vote_count for q in seen] == sorted(q.vote_count for q in seen)


def test_filters_combine(db, many):
    filters = queries.Filters(language="nl", tag="rivier")
    seen = walk(db, "newest", filters)
    assert seen and all(q.language == "nl" and "rivier" in [t.name for t in q.tags] for q in seen)
    assert len(seen) == len([i for i in range(45) if i % 3 == 0 and i % 5 == 0])


def test_place_and_topic_filters(db, many, topic):
    assert len(walk(db, "votes", queries.Filters(place="Leiden"))) == 12
    assert len(walk(db, "votes", queries.Filters(topic=topic.slug))) == 45
    db.add(Topic(slug="empty", name_en="Empty", name_nl="Leeg"))
    db.commit()
    assert walk(db, "votes", queries.Filters(topic="empty")) == []


def test_status_filter_and_merged_questions(db, many):
    many[0].status = "answered"
    many[1].status = "merged"
    many[1].refresh_listed()
    db.commit()
    assert [q.id for q in walk(db, "newest", queries.Filters(status="answered"))] == [many[0].id]
    assert [q.id for q in walk(db, "newest", queries.Filters(status="merged"))] == [many[1].id]
    assert many[1].id not in {q.id for q in walk(db, "newest")}


@pytest.mark.parametrize(
    "cursor", ["abc", "1~", "~1", "1~2~3", "x~1", "9" * 100, "nan~1", "inf~5", "-1~-1", "1~99999999999999999999"]
)
@pytest.mark.parametrize("sort", ["votes", "newest", "trending"])
def test_broken_cursors_are_refused(db, cursor, sort):
    with pytest.raises(Invalid):
        queries.list_questions(db, sort=sort, after=cursor)


def test_list_urls_are_bookmarkable(client, many):
    response = client.get("/questions?sort=votes&language=nl&place=Leiden")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'aria-current="true">Most votes' in html
    first = client.get("/questions?sort=newest").get_data(as_text=True)
    assert 'rel="next"' in first
    import re

    next_url = (
        re.search(r'rel="next" class="button button-secondary" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    )
    second = client.get(next_url)
    assert second.status_code == 200 and b"First page" in second.data


@pytest.mark.parametrize("query", ["sort=best", "status=hidden", "language=de", "after=garbage", "tag=" + "x" * 50])
def test_bad_list_parameters_get_a_400_page(client, query):
    assert client.get(f"/questions?{query}").status_code == 400


def test_topic_and_tag_pages(client, many, topic):
    assert client.get(f"/topics/{topic.slug}").status_code == 200
    assert client.get("/topics/no-such-topic").status_code == 404
    tag_page = client.get("/tags/rivier").get_data(as_text=True)
    assert tag_page.count('class="card question-card"') == 9


def test_api_lists_with_next_link(client, many):
    data = client.get("/api/v1/questions?sort=votes&per_page=20").get_json()
    assert len(data["items"]) == 20 and data["next"]
    assert client.get(data["next"].replace("http://localhost", "")).get_json()["items"][0]["id"] not in {
        i["id"] for i in data["items"]
    }
