"""The trending score in log space: safe for any date, exact after withdrawals, sorted through the index."""

from __future__ import annotations

import math
import random
import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from crowdq.cli import downgrade_database, upgrade_database
from crowdq.questions import counts, queries, services, trending
from crowdq.questions.models import Question, Vote
from tests.conftest import csrf_from, login, post_form

FAR_DATES = [
    datetime(2033, 6, 1, tzinfo=UTC),  # the old sum overflowed from May 2033
    datetime(2045, 1, 1, tzinfo=UTC),
    datetime(2100, 1, 1, tzinfo=UTC),
    datetime(9999, 6, 1, tzinfo=UTC),
]
FAR_IDS = [str(d.year) for d in FAR_DATES]
H = trending.HALF_LIFE


class Clock:
    """What services (and lists) take for 'now'; tests set it."""

    def __init__(self) -> None:
        self.now = trending.EPOCH

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr("crowdq.questions.services.utcnow", fake)
    monkeypatch.setattr("crowdq.questions.queries.utcnow", fake)
    return fake


def true_score(db, question_id: int) -> float:
    moments = db.scalars(select(Vote.created_at).where(Vote.question_id == question_id))
    return trending.score_of(trending.vote_term(m) for m in moments)


def stored_score(db, question_id: int) -> float:
    db.expire_all()
    return db.scalar(select(Question.trending_score).where(Question.id == question_id))


def assert_exact(db, question_id: int) -> float:
    stored, true = stored_score(db, question_id), true_score(db, question_id)
    assert trending.same_score(stored, true), (stored, true)
    return stored


def walk(db, per_page: int) -> list[int]:
    seen, after = [], None
    while True:
        page = queries.list_questions(db, sort="trending", after=after, per_page=per_page)
        seen += [q.id for q in page.items]
        if not page.next_cursor:
            return seen
        after = page.next_cursor


def vote_on_page(client, question_id: int, up: bool):
    url = f"/questions/{question_id}/vote"
    return post_form(client, url, {"vote": "1" if up else "0"}, page=f"/questions/{question_id}")


# --- the score itself ------------------------------------------------------------------
def test_terms_and_scores_are_finite_for_any_date():
    assert trending.vote_term(trending.EPOCH) == 0
    assert trending.vote_term(trending.EPOCH + H) == 1
    last = trending.vote_term(datetime.max.replace(tzinfo=UTC))
    assert 970_000 < last < 971_000
    assert trending.score_of([last] * 3) == pytest.approx(last + math.log2(3), rel=1e-15)
    assert trending.score_of([]) == trending.EMPTY
    assert trending.score_of([trending.vote_term(datetime.min.replace(tzinfo=UTC))]) > trending.EMPTY


def test_empty_adds_nothing_and_decays_to_zero():
    w = trending.vote_term(datetime(2100, 1, 1, tzinfo=UTC))
    assert trending.logaddexp2(trending.EMPTY, w) == w
    assert trending.logaddexp2(w, trending.EMPTY) == w
    assert trending.logaddexp2(trending.EMPTY, trending.EMPTY) == trending.EMPTY
    assert trending.logaddexp2(w, w) == w + 1
    assert trending.decayed(trending.EMPTY, datetime(2100, 1, 1, tzinfo=UTC)) == 0
    assert trending.decayed(w, datetime(2100, 1, 1, tzinfo=UTC) + H) == 0.5
    assert trending.after_withdrawal(w, w) is None  # the last vote: recompute (EMPTY)


def test_withdrawals_subtract_only_small_shares():
    score = trending.score_of([0.0, 10.0])
    assert trending.after_withdrawal(score, 10.0) is None  # nearly all of it
    assert trending.after_withdrawal(score, 0.0) == pytest.approx(10.0, abs=1e-12)
    many = trending.score_of([5.0] * 100)
    assert trending.after_withdrawal(many, 5.0) == pytest.approx(trending.score_of([5.0] * 99), abs=1e-12)


@pytest.mark.parametrize(
    ("score", "term"),
    [(trending.EMPTY, 970_000.5), (970_000.5, 970_000.5), (0.0, -1e6), (-1e6, 0.0), (12.25, 3.5), (3.5, 12.25)],
)
def test_the_sql_addition_matches_python_without_range_errors(db, score, term):
    """PostgreSQL raises on float underflow: the powers are clamped."""
    got = db.scalar(select(trending.with_vote(score, term)))
    assert got == pytest.approx(trending.logaddexp2(score, term), rel=1e-15, abs=1e-15)


# --- voting through the web at far dates ------------------------------------------------
@pytest.mark.parametrize("start", FAR_DATES, ids=FAR_IDS)
def test_vote_and_withdraw_through_the_web_at_far_dates(client, db, clock, make_user, make_question, start):
    clock.now = start
    question, quiet = make_question(), make_question()
    voters = [make_user() for _ in range(3)]
    for hours, voter in enumerate(voters):
        clock.now = start + timedelta(hours=hours)
        login(client, voter)
        assert vote_on_page(client, question.id, True).status_code == 302
    db.refresh(question)
    assert question.vote_count == 3
    score = assert_exact(db, question.id)
    now = start + timedelta(hours=2)
    assert trending.decayed(score, now) == pytest.approx(2 ** (-2 / 72) + 2 ** (-1 / 72) + 1, rel=1e-9)

    assert [q.id for q in queries.list_questions(db, sort="trending").items[:2]] == [question.id, quiet.id]
    html = client.get("/questions?sort=trending").get_data(as_text=True)
    assert html.index(question.title) < html.index(quiet.title)

    clock.now = start + timedelta(days=1)
    login(client, voters[2])  # the newest vote: more than 1/64 of the sum, so recomputed
    assert vote_on_page(client, question.id, False).status_code == 302
    score = assert_exact(db, question.id)
    assert trending.decayed(score, start + timedelta(hours=2)) == pytest.approx(2 ** (-2 / 72) + 2 ** (-1 / 72))
    for voter in voters[:2]:
        login(client, voter)
        vote_on_page(client, question.id, False)
    db.refresh(question)
    assert question.vote_count == 0 and question.trending_score == trending.EMPTY


@pytest.mark.parametrize("year", [2033, 2045, 2100])
def test_trending_pages_follow_the_score_across_pages(client, db, clock, make_user, make_question, year):
    base = datetime(year, 3, 1, tzinfo=UTC)
    clock.now = base
    rng = random.Random(year)
    voters = [make_user() for _ in range(4)]
    questions = [make_question() for _ in range(24)]
    for question in questions[:10]:  # fourteen keep no votes (EMPTY) and sort last, newest first
        for voter in rng.sample(voters, rng.randint(1, 4)):
            clock.now = base + timedelta(minutes=rng.randint(0, 60 * 24 * 20))
            services.vote(db, voter, question)
    db.commit()
    for question in questions:
        assert_exact(db, question.id)
    expected = [q.id for q in sorted(questions, key=lambda q: (stored_score(db, q.id), q.id), reverse=True)]
    assert expected[10:] == sorted((q.id for q in questions[10:]), reverse=True)
    assert walk(db, per_page=4) == expected  # page boundaries among scores and among EMPTY
    assert walk(db, per_page=7) == expected

    seen, url = [], "/questions?sort=trending"
    while url:
        html = client.get(url).get_data(as_text=True)
        seen += [int(i) for i in re.findall(r'class="card-title"><a href="/questions/(\d+)"', html)]
        more = re.search(r'<a rel="next"[^>]* href="([^"]+)"', html)
        url = more.group(1).replace("&amp;", "&") if more else None
    assert seen == expected


def test_an_old_question_with_many_votes_ranks_below_a_new_one_with_a_few(db, clock, make_user, make_question):
    voters = [make_user() for _ in range(30)]
    clock.now = datetime(2025, 3, 1, tzinfo=UTC)
    old, unvoted = make_question(), make_question()
    for i, voter in enumerate(voters):
        clock.now = datetime(2025, 3, 1, tzinfo=UTC) + timedelta(hours=i)
        services.vote(db, voter, old)
    clock.now = datetime(2100, 1, 1, tzinfo=UTC)
    new = make_question()
    for voter in voters[:2]:
        services.vote(db, voter, new)
    db.commit()
    assert [q.id for q in queries.list_questions(db, sort="trending").items] == [new.id, old.id, unvoted.id]
    assert trending.decayed(old.trending_score, clock.now) == 0  # below any float, still ordered
    assert trending.decayed(new.trending_score, clock.now) == pytest.approx(2)


def test_withdrawing_the_dominant_vote_leaves_the_exact_score_of_the_rest(db, clock, make_user, make_question):
    voters = [make_user() for _ in range(21)]
    clock.now = datetime(2025, 6, 1, tzinfo=UTC)
    question = make_question()
    moments = []
    for i, voter in enumerate(voters[:20]):
        clock.now = datetime(2025, 6, 1, tzinfo=UTC) + timedelta(days=i)
        moments.append(clock.now)
        services.vote(db, voter, question)
    clock.now = datetime(2100, 1, 1, tzinfo=UTC)
    services.vote(db, voters[20], question)  # 2 ** 9000 times all the others together
    services.unvote(db, voters[20], question)
    db.commit()
    # Subtracting in log space would leave rounding noise of 2100's magnitude.
    assert question.trending_score == trending.score_of(trending.vote_term(m) for m in moments)


@pytest.mark.parametrize("spacing", [timedelta(days=2.9), timedelta(days=1), timedelta(minutes=5)])
def test_newest_first_withdrawals_stay_exact(db, clock, make_user, make_question, spacing):
    """Each withdrawal may magnify the rounding error of the last; they must not add up."""
    voters = [make_user() for _ in range(90)]
    start = datetime(2100, 1, 1, tzinfo=UTC)
    question = make_question()
    for i, voter in enumerate(voters):
        clock.now = start + i * spacing
        services.vote(db, voter, question)
    for voter in reversed(voters[1:]):
        services.unvote(db, voter, question)
        assert_exact(db, question.id)


def test_racing_votes_and_a_withdrawal_all_count(app, db, clock, make_user, make_question):
    question = make_question()
    first, *others = [make_user() for _ in range(7)]
    clock.now = datetime(2100, 1, 1, tzinfo=UTC)
    services.vote(db, first, question)
    db.commit()
    clients = []
    for member, up in [(first, False)] + [(m, True) for m in others]:
        c = app.test_client()
        login(c, member)
        token = csrf_from(c.get(f"/questions/{question.id}").get_data(as_text=True))
        clients.append((c, token, "1" if up else "0"))
    clock.now = datetime(2100, 1, 2, tzinfo=UTC)
    url = f"/questions/{question.id}/vote"
    barrier = threading.Barrier(len(clients))
    statuses = []

    def click(c, token, value):
        barrier.wait()
        statuses.append(c.post(url, data={"csrf_token": token, "vote": value}).status_code)

    threads = [threading.Thread(target=click, args=args) for args in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [302] * len(clients)
    db.rollback()
    assert db.scalar(select(Question.vote_count)) == 6
    score = assert_exact(db, question.id)
    assert trending.decayed(score, clock.now) == pytest.approx(6)
    assert counts.wrong_counts(db) == []


# --- any sequence, any time ---------------------------------------------------------------
YEAR = 365 * 86400
SPAN = (datetime(2200, 1, 1, tzinfo=UTC) - trending.EPOCH).total_seconds()
gaps = st.one_of(st.just(0), st.integers(1, 3600), st.integers(1, 30 * 86400), st.integers(1, 20 * YEAR))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=st.integers(0, int(SPAN)),
    actions=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 3), st.booleans(), gaps), max_size=40),
)
def test_stored_scores_equal_the_votes_and_sort_like_the_decayed_sums(
    db, clock, make_user, make_question, start, actions
):
    """Votes and withdrawals by four members on three questions, 2025-2200."""
    clock.now = trending.EPOCH + timedelta(seconds=start)
    members = [make_user() for _ in range(4)]
    questions = [make_question() for _ in range(3)]
    end = trending.EPOCH + timedelta(seconds=SPAN)
    for which, who, up, gap in actions:
        clock.now = min(clock.now + timedelta(seconds=gap), end)
        (services.vote if up else services.unvote)(db, members[who], questions[which])
    db.commit()
    ids = {q.id for q in questions}
    true = {qid: true_score(db, qid) for qid in ids}
    for qid in ids:
        assert trending.same_score(stored_score(db, qid), true[qid]), (stored_score(db, qid), true[qid])
    listed = [qid for qid in walk(db, per_page=5) if qid in ids]
    assert sorted(listed) == sorted(ids)
    for higher, lower in zip(listed, listed[1:], strict=False):
        # Ordered by the decayed sum (its log: the sum itself may be below any float by now).
        assert true[higher] >= true[lower] or trending.same_score(true[higher], true[lower])
        assert trending.decayed(true[higher], clock.now) >= trending.decayed(true[lower], clock.now) * (1 - 1e-9)
    assert [q for q in counts.wrong_counts(db) if q[0] in ids] == []


# --- check-counts ---------------------------------------------------------------------------
def test_check_counts_finds_and_fixes_a_wrong_trending_score(app, db, clock, make_user, make_question):
    clock.now = datetime(2100, 1, 1, tzinfo=UTC)
    voted, unvoted = make_question(), make_question()
    for voter in [make_user(), make_user()]:
        services.vote(db, voter, voted)
    db.commit()
    right = voted.trending_score
    voted.trending_score = right + 1e-3
    unvoted.trending_score = 7.0
    db.commit()
    runner = app.test_cli_runner()
    found = runner.invoke(args=["crowdq", "check-counts"])
    assert found.exit_code == 1
    assert f"question {voted.id}: trending stored {right + 1e-3}, true" in found.output
    assert f"question {unvoted.id}: trending stored 7.0, true {trending.EMPTY}" in found.output
    fixed = runner.invoke(args=["crowdq", "check-counts", "--fix"])
    assert fixed.exit_code == 0, fixed.output
    assert trending.same_score(stored_score(db, voted.id), right)
    assert stored_score(db, unvoted.id) == trending.EMPTY
    again = runner.invoke(args=["crowdq", "check-counts"])
    assert again.exit_code == 0 and "all counts are right" in again.output


# --- the migration ----------------------------------------------------------------------
OLD_SCORES = {1: 2.0**100, 2: 3 * 2.0**50, 3: 0.0, 4: 2.0**-1060, 5: 1.5e308}


def test_migration_converts_old_sums_to_logs_and_back(empty_database):
    upgrade_database("0004")
    with empty_database.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (id, email, bio, session_version, is_admin, is_moderator, status, created_at) "
                "VALUES (1, 'old@example.org', '', 1, false, false, 'active', CURRENT_TIMESTAMP)"
            )
        )
        for qid, score in OLD_SCORES.items():
            conn.execute(
                text(
                    "INSERT INTO questions (id, title, body, body_html, language, author_id, source, status, held, "
                    "listed, comments_closed, vote_count, comment_count, follower_count, trending_score, created_at, "
                    "updated_at) VALUES (:id, 'An old question here', '', '', 'en', 1, 'online', 'open', false, "
                    "true, false, 0, 0, 0, :score, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                {"id": qid, "score": score},
            )
    upgrade_database()

    def scores():
        with empty_database.connect() as conn:
            return dict(conn.execute(text("SELECT id, trending_score FROM questions")).all())

    logs = scores()
    assert logs[1] == pytest.approx(100, abs=1e-12)
    assert logs[2] == pytest.approx(50 + math.log2(3), abs=1e-12)
    assert logs[3] == trending.EMPTY
    assert logs[4] == pytest.approx(-1060, abs=1e-9)
    assert logs[5] == pytest.approx(math.log2(1.5e308), abs=1e-12)
    with empty_database.begin() as conn:  # a score from 2100, beyond the old representation
        conn.execute(text("UPDATE questions SET trending_score = 9131.0 WHERE id = 5"))

    downgrade_database("0004")
    back = scores()
    assert back[1] == pytest.approx(2.0**100, rel=1e-12)
    assert back[2] == pytest.approx(3 * 2.0**50, rel=1e-12)
    assert back[3] == 0
    assert back[4] == pytest.approx(2.0**-1060, rel=1e-9)
    assert back[5] == pytest.approx(1.7976931348623157e308)
    upgrade_database()
    assert scores()[3] == trending.EMPTY


def test_new_questions_start_empty(db, make_question):
    question = make_question()
    assert question.trending_score == trending.EMPTY
    assert db.scalar(select(func.count()).select_from(Question).where(Question.trending_score == trending.EMPTY)) == 1
