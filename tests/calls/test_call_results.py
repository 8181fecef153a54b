"""The final ranking is frozen at the closing moment, exactly once; the sponsor
and admins download it (live before closing) as CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from crowdq.calls import export, results
from crowdq.calls.models import CallResult
from crowdq.cli import cli
from crowdq.events import Event
from crowdq.organisations.models import Endorsement
from crowdq.questions import editing, services
from crowdq.questions.models import Question, Vote
from tests.calls.conftest import T0
from tests.conftest import login


@pytest.fixture
def closed_call(db, clock, make_call, make_user, make_org, ask):
    """A call with five questions that got 0..4 votes, now one minute after closing."""
    owner, member = make_user(display_name="Olga Owner"), make_user(display_name="Mo Member")
    org = make_org(owners=[owner], members=[member])
    call = make_call(organisation=org, budget=5)
    questions = [ask(call, author=make_user(display_name=f"Asker {i}")) for i in range(5)]
    for i, q in enumerate(questions):
        for _ in range(i):
            services.vote(db, make_user(), q)
    db.commit()
    clock.set(call.closes_at + timedelta(minutes=1))
    return call, questions, owner, member


def frozen_rows(db, call) -> list[tuple]:
    db.expire_all()
    rows = db.scalars(select(CallResult).where(CallResult.topic_id == call.id).order_by(CallResult.rank))
    return [(r.rank, r.question_id, r.vote_count, r.title, r.status) for r in rows]


def downloads(client, call) -> tuple[str, dict]:
    csv_text = client.get(f"/topics/{call.slug}/results.csv").get_data(as_text=True)
    return csv_text, client.get(f"/topics/{call.slug}/results.json").get_json()


# --- freezing ----------------------------------------------------------------------------------
def test_the_first_read_after_closing_freezes_the_ranking(client, db, closed_call):
    call, questions, _owner, _member = closed_call
    assert call.results_frozen_at is None
    page = client.get(f"/topics/{call.slug}").get_data(as_text=True)
    assert "Final ranking" in page
    db.refresh(call)
    assert call.results_frozen_at == call.closes_at + timedelta(minutes=1)
    assert [(r[0], r[1], r[2]) for r in frozen_rows(db, call)] == [
        (rank, q.id, 5 - rank) for rank, q in enumerate(reversed(questions), start=1)
    ]
    events = db.scalars(select(Event).where(Event.kind == "call.results_frozen")).all()
    assert len(events) == 1 and events[0].data == {"questions": 5}


def test_nothing_later_changes_the_frozen_results(client, db, closed_call, make_user, make_question):
    call, questions, owner, _member = closed_call
    login(client, owner)
    main = lambda: client.get(f"/topics/{call.slug}").get_data(as_text=True).split("<main")[1]  # noqa: E731
    page_before = main()
    csv_before, json_before = downloads(client, call)
    top = questions[-1]
    # An admin retitles the winner, later votes and a merge-like move change the rows.
    editing.edit(
        db,
        make_user("admin"),
        top,
        title="A completely different question now?",
        body="",
        topic_id=call.id,
        language="en",
        tags=None,
        place=None,
    )
    db.execute(update(Question).where(Question.id == questions[0].id).values(vote_count=99))
    for _ in range(3):
        db.add(Vote(user_id=make_user().id, question_id=questions[0].id, created_at=T0 + timedelta(days=9)))
    services.vote(db, make_user(), make_question())  # a vote elsewhere
    db.commit()
    assert main() == page_before
    assert downloads(client, call) == (csv_before, json_before)
    assert "A completely different question now?" not in csv_before + json.dumps(json_before)


def test_an_edit_before_the_first_read_freezes_the_old_title_first(client, db, closed_call, make_user):
    call, questions, owner, _member = closed_call
    top = questions[-1]
    old_title = top.title
    editing.edit(
        db,
        make_user("admin"),
        top,
        title="Retitled after the call closed?",
        body="",
        topic_id=call.id,
        language="en",
        tags=None,
        place=None,
    )
    db.commit()
    assert frozen_rows(db, call)[0][:4] == (1, top.id, 4, old_title)
    login(client, owner)
    _csv, data = downloads(client, call)
    assert data["questions"][0]["title"] == old_title


def test_the_frozen_ranking_counts_votes_before_closing_and_breaks_ties_by_age(db, clock, make_call, make_user, ask):
    call = make_call()
    a, b, c = ask(call), ask(call), ask(call)
    held = ask(call)
    db.execute(update(Question).where(Question.id == held.id).values(held=True, listed=False))
    services.vote(db, make_user(), c)
    services.vote(db, make_user(), b)
    db.commit()
    # A vote row that arrived after closing (it could not through the services) does not count.
    db.add(Vote(user_id=make_user().id, question_id=a.id, created_at=call.closes_at))
    db.commit()
    clock.set(call.closes_at)
    assert results.ensure_frozen(db, call) is True
    assert results.ensure_frozen(db, call) is False
    db.commit()
    assert [(r[1], r[2]) for r in frozen_rows(db, call)] == [(b.id, 1), (c.id, 1), (a.id, 0)]


def test_endorsements_count_until_the_closing_moment(db, clock, make_call, make_org, ask):
    call = make_call()
    question = ask(call)
    early, late = make_org(), make_org()
    db.add(
        Endorsement(organisation_id=early.id, question_id=question.id, created_at=call.closes_at - timedelta(hours=1))
    )
    db.add(Endorsement(organisation_id=late.id, question_id=question.id, created_at=call.closes_at))
    db.commit()
    clock.set(call.closes_at)
    results.ensure_frozen(db, call)
    db.commit()
    assert db.scalar(select(CallResult.endorsement_count)) == 1


def test_the_command_freezes_every_closed_call_once(app, db, clock, make_call, ask, monkeypatch):
    done = make_call(opens_at=T0 - timedelta(days=9), closes_at=T0 - timedelta(days=2))
    running = make_call()
    monkeypatch.setattr("crowdq.calls.results.utcnow", lambda: T0)
    runner = app.test_cli_runner()
    result = runner.invoke(cli, ["freeze-calls"])
    assert result.exit_code == 0 and result.output == "froze the results of 1 call\n"
    assert runner.invoke(cli, ["freeze-calls"]).output == "froze the results of 0 calls\n"
    db.expire_all()
    assert db.get(type(done), done.id).results_frozen_at == T0 and running.results_frozen_at is None


# --- downloads -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "status"), [("owner", 200), ("member", 200), ("admin", 200), ("non-member", 403), ("anonymous", 403)]
)
def test_only_the_sponsor_and_admins_download_results(client, db, closed_call, make_user, who, status):
    call, _questions, owner, member = closed_call
    actor = {"owner": owner, "member": member, "admin": make_user("admin"), "non-member": make_user()}.get(who)
    if actor is not None:
        login(client, actor)
    for suffix in ("csv", "json"):
        response = client.get(f"/topics/{call.slug}/results.{suffix}")
        assert response.status_code == status, suffix
    page = client.get(f"/topics/{call.slug}").get_data(as_text=True)
    assert ("results.csv" in page) is (status == 200)


def test_downloads_stop_when_the_sponsor_loses_its_verification(client, db, closed_call):
    call, _questions, owner, _member = closed_call
    call.organisation.verified_at = None
    db.commit()
    login(client, owner)
    assert client.get(f"/topics/{call.slug}/results.csv").status_code == 403


def test_csv_and_json_hold_the_ranking_and_no_personal_data(client, db, closed_call):
    call, questions, owner, _member = closed_call
    login(client, owner)
    response = client.get(f"/topics/{call.slug}/results.csv")
    assert response.headers["Content-Disposition"] == f'attachment; filename="{call.slug}-results.csv"'
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert table[0] == list(export.CSV_HEADER)
    top = questions[-1]
    assert table[1] == ["1", str(top.id), top.title, f"http://localhost/questions/{top.id}", "4", "0", "open", ""]
    assert len(table) == 6
    data = client.get(f"/topics/{call.slug}/results.json").get_json()
    assert data["call"]["state"] == "closed" and data["call"]["final"] is True
    assert data["call"]["sponsor"] == {"name": call.organisation.name, "slug": call.organisation.slug}
    assert data["questions"][0] == {
        "rank": 1,
        "question_id": top.id,
        "title": top.title,
        "link": f"http://localhost/questions/{top.id}",
        "votes": 4,
        "endorsements": 0,
        "status": "open",
        "adopting_projects": [],
    }
    everything = text + json.dumps(data)
    for name in ("Olga Owner", "Mo Member", "Asker", "@example.org"):
        assert name not in everything


def test_before_closing_the_downloads_show_the_live_ranking(client, db, clock, make_call, make_org, make_user, ask):
    owner = make_user()
    call = make_call(organisation=make_org(owners=[owner]))
    first, second = ask(call), ask(call)
    services.vote(db, make_user(), second)
    db.commit()
    login(client, owner)
    data = client.get(f"/topics/{call.slug}/results.json").get_json()
    assert data["call"]["state"] == "open" and data["call"]["final"] is False
    assert [(q["question_id"], q["votes"]) for q in data["questions"]] == [(second.id, 1), (first.id, 0)]
    assert db.scalar(select(func.count()).select_from(CallResult)) == 0


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_csv_cells_cannot_run_as_formulas(client, db, clock, make_call, make_org, make_user, ask, start):
    owner = make_user()
    call = make_call(organisation=make_org(owners=[owner]))
    title = f'{start}HYPERLINK("http://evil.example","water") safe?'
    ask(call, title=title)
    login(client, owner)
    table = list(csv.reader(io.StringIO(client.get(f"/topics/{call.slug}/results.csv").get_data(as_text=True))))
    assert table[1][2] == "'" + title
    assert client.get(f"/topics/{call.slug}/results.json").get_json()["questions"][0]["title"] == title


@pytest.mark.parametrize("value", ["=1+1", "+31 6", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_safe_cell_prefixes_every_formula_start(value):
    assert export.safe_cell(value) == "'" + value
    assert export.safe_cell("Water =1") == "Water =1" and export.safe_cell(3) == 3


def test_a_read_that_cannot_freeze_still_shows_the_final_ranking(client, db, closed_call, monkeypatch):
    from sqlalchemy.exc import OperationalError

    call, questions, _owner, _member = closed_call

    def busy(*_args, **_kwargs):
        raise OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))

    monkeypatch.setattr(results, "freeze_in_own_transaction", busy)
    page = client.get(f"/topics/{call.slug}").get_data(as_text=True)
    assert "Final ranking" in page
    ranking = page.split('<ol class="ranking"')[1]
    assert ranking.index(f"/questions/{questions[-1].id}") < ranking.index(f"/questions/{questions[0].id}")
    db.refresh(call)
    assert call.results_frozen_at is None
