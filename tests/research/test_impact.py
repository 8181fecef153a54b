"""The impact page's figures on a small known dataset: counts, medians overall,
per topic and per organisation, months in Amsterdam time, the chart's numbers
equal to the table's, the survey's shares, scopes and caching."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from crowdq.page_cache import CACHEABLE
from crowdq.questions import services
from crowdq.questions.models import Question, Topic
from crowdq.research import impact
from crowdq.research.models import Adoption, Answer, Project, SurveyResponse
from tests.conftest import login
from tests.research.test_timeline import make_org

NOW = datetime(2026, 3, 15, 11, 0, tzinfo=UTC)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def fresh(app):
    app.config["IMPACT_CACHE_SECONDS"] = 0  # figures computed on every request


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr("crowdq.research.impact_views.utcnow", lambda: NOW)


@pytest.fixture
def data(db, topic, make_user, make_question):
    """Five listed questions (and two that are not), adopted and answered at known moments."""
    air = Topic(slug="air", name_en="Air", name_nl="Lucht")
    db.add(air)
    db.commit()
    org_a = make_org(db, make_user(), "Groen Leiden")
    org_b = make_org(db, make_user(), "Not Yet Verified", verified=False)
    lab, other = Project(title="Canal study", status="running"), Project(title="Air study", status="running")
    db.add_all([lab, other])
    db.commit()
    voters = [make_user() for _ in range(3)]

    def ask(created, topic_id=topic.id, organisation=None, **fields):
        q = make_question(topic_id=topic_id, **fields)
        q.created_at = at(created)
        q.organisation_id = organisation.id if organisation else None
        db.commit()
        return q

    q1 = ask("2026-01-10T09:00", organisation=org_a)
    q2 = ask("2026-01-31T23:30")  # 00:30 on 1 February in Amsterdam
    q3 = ask("2025-11-01T09:00")
    q4 = ask("2026-03-01T09:00", topic_id=air.id, organisation=org_a)
    q5 = ask("2026-03-10T09:00", topic_id=None, organisation=org_b)
    q6 = ask("2026-02-01T09:00", status="hidden")
    q7 = ask("2026-02-01T09:00", topic_id=air.id, held=True)
    for voter in voters:
        services.vote(db, voter, q1)
    services.vote(db, voters[0], q2)
    services.vote(db, voters[0], q5)
    services.vote(db, voters[1], q5)
    db.add_all(
        [
            Adoption(project_id=lab.id, question_id=q1.id, created_at=at("2026-01-20T09:00")),  # 10 days
            Adoption(project_id=other.id, question_id=q1.id, created_at=at("2026-02-20T09:00")),  # a later one
            Adoption(project_id=lab.id, question_id=q2.id, created_at=at("2026-02-04T23:30")),  # 4 days
            Adoption(
                project_id=lab.id,
                question_id=q3.id,
                created_at=at("2025-11-21T09:00"),
                released_at=at("2025-12-01T09:00"),
            ),
            Adoption(project_id=other.id, question_id=q4.id, created_at=at("2026-03-03T09:00")),  # 2 days
            Adoption(project_id=lab.id, question_id=q6.id, created_at=at("2026-02-02T09:00")),
            Answer(project_id=lab.id, question_id=q1.id, summary_en="Algae.", created_at=at("2026-02-09T09:00")),  # 30
            Answer(project_id=other.id, question_id=q4.id, summary_en="Dust.", created_at=at("2026-03-09T09:00")),  # 8
            Answer(project_id=lab.id, question_id=q6.id, summary_en="Hidden.", created_at=at("2026-02-09T09:00")),
        ]
    )
    db.commit()
    return {"air": air, "org_a": org_a, "org_b": org_b, "questions": [q1, q2, q3, q4, q5, q6, q7]}


# --- the figures -----------------------------------------------------------------------------
def test_counts_and_medians_overall_per_topic_and_per_organisation(db, data):
    figures = impact.compute(db)
    o = figures.overall
    assert (o.asked, o.voted, o.votes, o.adopted, o.answered) == (5, 3, 6, 3, 2)
    assert (o.days_to_adoption, o.days_to_answer) == (4, 19)  # medians of [10, 4, 2] and [30, 8]
    topics = {g.key: g.measures for g in figures.topics}
    assert list(topics) == ["water", "air", "none"]  # most questions first
    water, air, none = topics["water"], topics["air"], topics["none"]
    assert (water.asked, water.votes, water.adopted, water.answered) == (3, 4, 2, 1)
    assert (water.days_to_adoption, water.days_to_answer) == (7, 30)
    assert (air.asked, air.adopted, air.answered, air.days_to_adoption, air.days_to_answer) == (1, 1, 1, 2, 8)
    assert (none.asked, none.votes, none.adopted, none.days_to_adoption) == (1, 2, 0, None)
    organisations = {g.names[0]: g.measures for g in figures.organisations}
    assert list(organisations) == ["Groen Leiden"]  # an unverified organisation is not public
    org = organisations["Groen Leiden"]
    assert (org.asked, org.adopted, org.answered, org.days_to_adoption, org.days_to_answer) == (2, 2, 2, 6, 19)


def test_months_follow_amsterdam_time_and_count_first_adoptions_and_answers(app, db, data):
    figures = impact.compute(db)
    months = impact.months(db, figures.adopted, impact.Scope(), NOW)
    assert [m.start for m in months][0] == date(2025, 4, 1) and months[-1].start == date(2026, 3, 1)
    table = {m.start.strftime("%Y-%m"): (m.asked, m.adopted, m.answered) for m in months if m.asked or m.adopted}
    assert table == {
        "2025-11": (1, 0, 0),  # q3, whose adoption was released
        "2026-01": (1, 1, 0),  # q1 asked and adopted
        "2026-02": (1, 1, 1),  # q2 (asked at 00:30 Amsterdam time), adopted; q1 answered
        "2026-03": (2, 1, 1),  # q4 and q5; q4 adopted and answered
    }
    water = impact.months(db, figures.adopted, impact.Scope("topic", data["questions"][0].topic_id), NOW)
    assert sum(m.asked for m in water) == 3 and sum(m.answered for m in water) == 1
    no_topic = impact.months(db, figures.adopted, impact.Scope("topic", None), NOW)
    assert sum(m.asked for m in no_topic) == 1
    org = impact.months(db, figures.adopted, impact.Scope("organisation", data["org_a"].id), NOW)
    assert [sum(getattr(m, k) for m in org) for k in ("asked", "adopted", "answered")] == [2, 2, 2]


def test_month_boundaries_cross_summer_time_and_the_year():
    starts = impact.month_starts(datetime(2026, 1, 5, tzinfo=UTC))
    assert len(starts) == impact.MONTHS + 1
    assert starts[0] == datetime(2025, 1, 31, 23, 0, tzinfo=UTC)  # 1 February 2025, 00:00 in Amsterdam
    assert starts[2] == datetime(2025, 3, 31, 22, 0, tzinfo=UTC)  # 1 April, summer time
    assert starts[-1] == datetime(2026, 1, 31, 23, 0, tzinfo=UTC)


# --- the page ----------------------------------------------------------------------------------
def chart_values(page: str) -> dict[str, list[int]]:
    found = dict(re.findall(r'data-series="(\w+)" data-values="([\d ]+)"', page))
    return {key: [int(v) for v in values.split()] for key, values in found.items()}


def table_rows(page: str) -> list[tuple[str, list[int]]]:
    body = page.split('id="months-caption"')[1].split("<tbody>")[1].split("</tbody>")[0]
    return [
        (month, [int(n) for n in numbers])
        for month, *numbers in re.findall(
            r'<tr><th scope="row"><time datetime="([\d-]+)">[^<]*</time></th><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td></tr>',
            body,
        )
    ]


def test_the_page_shows_the_figures_and_the_chart_shows_the_table(client, db, data, fresh, clock):
    page = client.get("/impact").get_data(as_text=True)
    stats = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", page))
    assert stats == {
        "Questions asked": "5",
        "Questions with votes": "3",
        "Votes": "6",
        "Adopted by research": "3",
        "Answered": "2",
        "Median days to adoption": "4",
        "Median days to answer": "19",
    }
    rows = table_rows(page)
    assert len(rows) == 12 and rows[0][0] == "2025-04" and rows[-1][0] == "2026-03"
    chart = chart_values(page)
    for i, key in enumerate(("asked", "adopted", "answered")):
        assert chart[key] == [numbers[i] for _month, numbers in rows]
    assert dict(rows)["2026-02"] == [1, 1, 1]
    assert '<tfoot><tr><th scope="row">12 months</th><td>5</td><td>3</td><td>2</td></tr></tfoot>' in page
    assert "questions asked 5, adopted 3, answered 2" in page
    assert '<tr><th scope="row">Water</th><td>3</td><td>4</td><td>2</td><td>1</td><td>7</td><td>30</td>' in page
    assert '<tr><th scope="row">Groen Leiden</th><td>2</td><td>3</td><td>2</td><td>2</td><td>6</td><td>19</td>' in page
    assert "Not Yet Verified" not in page and "Hidden." not in page
    assert 'role="img" aria-labelledby="chart-title chart-desc"' in page and "style=" not in page.split("<main")[1]


def test_the_page_speaks_dutch(client, db, data, fresh, clock):
    page = client.get("/impact", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert '<html lang="nl"' in page
    assert '<tr><th scope="row">Lucht</th>' in page


def test_a_scope_narrows_the_chart_and_unknown_ones_are_404(client, db, data, fresh, clock):
    water = client.get("/impact?topic=water").get_data(as_text=True)
    assert "Per month: Water" in water and sum(chart_values(water)["asked"]) == 3
    assert sum(chart_values(client.get("/impact?topic=none").get_data(as_text=True))["asked"]) == 1
    org = client.get(f"/impact?organisation={data['org_a'].id}").get_data(as_text=True)
    assert "Per month: Groen Leiden" in org and sum(chart_values(org)["answered"]) == 2
    for query in (
        "topic=nope",
        f"organisation={data['org_b'].id}",  # not verified
        "organisation=0",
        "organisation=abc",
        f"topic=water&organisation={data['org_a'].id}",
    ):
        assert client.get(f"/impact?{query}").status_code == 404, query
    assert client.get("/impact?topic=").status_code == 200


def test_an_empty_site_has_a_page_too(client, fresh):
    page = client.get("/impact").get_data(as_text=True)
    assert "No questions yet." in page and "Not enough answers yet." in page


def test_the_page_is_public_and_cacheable_for_anonymous_readers(client, data):
    assert CACHEABLE["research.impact"] == frozenset({"topic", "organisation"})
    response = client.get("/impact")
    assert response.status_code == 200 and "Set-Cookie" not in response.headers


def test_figures_are_kept_for_a_few_minutes_per_process(client, db, data, make_question, clock):
    assert "<dt>Questions asked</dt><dd>5</dd>" in client.get("/impact").get_data(as_text=True)
    make_question()
    assert "<dt>Questions asked</dt><dd>5</dd>" in client.get("/impact").get_data(as_text=True)
    client.application.extensions["crowdq.impact_cache"].clear()
    assert "<dt>Questions asked</dt><dd>6</dd>" in client.get("/impact").get_data(as_text=True)


# --- the survey's results ------------------------------------------------------------------------
def add_responses(db, first_time: list, trust: list) -> None:
    for a, b in zip(first_time, trust, strict=True):
        db.add(SurveyResponse(first_time=a, trust=b, answered_on=date(2026, 3, 1)))
    db.commit()


def test_survey_shares_show_from_ten_answers_with_their_number(client, db, fresh):
    add_responses(db, ["yes"] * 6 + ["no"] * 3 + ["unsure"], ["more"] * 3 + ["same"] * 5 + [None, None])
    first, trust = impact.survey_results(db)
    assert first.answers == 10 and [(s.value, s.share) for s in first.shares] == [
        ("yes", 0.6),
        ("no", 0.3),
        ("unsure", 0.1),
    ]
    assert trust.answers == 8 and trust.shares is None
    page = client.get("/impact").get_data(as_text=True)
    results = page.split('id="survey-results-heading"')[1]
    assert "<span>Yes</span> <strong>60%</strong>" in results and "Based on 10 answers." in results
    assert "Not enough answers yet." in results and "8 answers so far." in results
    assert "More trust" not in results  # no shares below ten answers


def test_login_is_not_needed_and_members_see_the_same_figures(client, data, make_user, fresh, clock):
    anonymous = client.get("/impact").get_data(as_text=True)
    login(client, make_user())
    member = client.get("/impact").get_data(as_text=True)
    assert anonymous.split("<dl")[1].split("</dl>")[0] == member.split("<dl")[1].split("</dl>")[0]


def test_only_listed_questions_count(db, data):
    q1 = data["questions"][0]
    q1.status = "merged"
    q1.refresh_listed()
    db.commit()
    o = impact.compute(db).overall
    assert (o.asked, o.adopted, o.answered) == (4, 2, 1)
    assert db.get(Question, q1.id).listed is False
