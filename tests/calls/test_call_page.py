"""The call page: progress per day (the chart's numbers are the table's and
the data's), the ranking in pages, and a light page."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from crowdq.questions import services
from tests.calls.conftest import T0
from tests.conftest import login

SERIES = ("questions", "votes", "participants")


def chart_values(page: str) -> dict[str, list[int]]:
    found = dict(re.findall(r'data-series="(\w+)" data-values="([\d ]+)"', page))
    return {key: [int(v) for v in found[key].split()] for key in SERIES}


def table_rows(page: str) -> list[tuple[str, list[int]]]:
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    return [
        (day, [int(n) for n in numbers])
        for day, *numbers in re.findall(
            r'<tr><th scope="row"><time datetime="([\d-]+)">[^<]*</time></th><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td></tr>',
            body,
        )
    ]


def test_the_chart_shows_the_numbers_of_the_table_and_of_the_data(client, db, clock, make_call, make_user, ask):
    # Opens Sunday 8 March 12:00 in Amsterdam; the page is read on Tuesday 10 March 12:00.
    call = make_call(opens_at=T0 - timedelta(days=2), closes_at=T0 + timedelta(days=5))
    ann, bob, cas = make_user(), make_user(), make_user()
    clock.set(datetime(2026, 3, 8, 11, 0, tzinfo=UTC))  # 12:00, 8 March
    q1 = ask(call, author=ann)
    services.vote(db, ann, q1)
    services.vote(db, bob, q1)
    clock.set(datetime(2026, 3, 8, 23, 30, tzinfo=UTC))  # 00:30 on 9 March in Amsterdam
    q2 = ask(call, author=cas)
    services.vote(db, ann, q2)
    clock.set(datetime(2026, 3, 9, 22, 59, tzinfo=UTC))  # 23:59, still 9 March
    services.vote(db, bob, q2)
    clock.set(T0)  # 10 March: nothing yet
    db.commit()
    expected = {
        "2026-03-08": [1, 2, 2],  # ann asked and voted, bob voted
        "2026-03-09": [1, 2, 3],  # cas asked, ann and bob voted
        "2026-03-10": [0, 0, 0],
    }
    page = client.get(f"/topics/{call.slug}").get_data(as_text=True)
    rows = table_rows(page)
    assert dict(rows) == expected and [day for day, _ in rows] == sorted(expected)
    chart = chart_values(page)
    for i, key in enumerate(SERIES):
        assert chart[key] == [numbers[i] for _day, numbers in rows]
    assert '<tfoot><tr><th scope="row">Whole call</th><td>2</td><td>4</td><td>3</td></tr></tfoot>' in page
    assert "Whole call: new questions 2, votes 4, participants 3." in page
    assert 'role="img" aria-labelledby="chart-title chart-desc"' in page and "style=" not in page.split("<main")[1]


def test_the_chart_stops_at_the_closing_moment_and_skips_hidden_questions(client, db, clock, make_call, make_user, ask):
    call = make_call(opens_at=T0 - timedelta(days=2), closes_at=T0 - timedelta(hours=1))
    clock.set(T0 - timedelta(days=1))
    ask(call)
    hidden = ask(call)
    hidden.status = "hidden"
    hidden.refresh_listed()
    db.commit()
    clock.set(T0 + timedelta(days=30))
    page = client.get(f"/topics/{call.slug}").get_data(as_text=True)
    rows = table_rows(page)
    assert [day for day, _ in rows] == ["2026-03-08", "2026-03-09", "2026-03-10"]
    assert sum(numbers[0] for _day, numbers in rows) == 1


def test_an_upcoming_call_has_no_chart_yet(client, db, clock, make_call):
    call = make_call(opens_at=T0 + timedelta(days=1), closes_at=T0 + timedelta(days=3))
    page = client.get(f"/topics/{call.slug}").get_data(as_text=True)
    assert "<svg viewBox" not in page and "Questions can be asked here once the call opens." in page


def test_the_ranking_comes_in_pages(client, db, clock, make_call, make_user, ask):
    call = make_call()
    questions = [ask(call) for _ in range(23)]
    services.vote(db, make_user(), questions[-1])
    db.commit()
    page = client.get(f"/topics/{call.slug}").get_data(as_text=True)
    assert page.count('class="ranked"') == 20 and f'href="/topics/{call.slug}?after=20"' in page
    first = page.split('<ol class="ranking" start="1">')[1]
    assert first.index(f"/questions/{questions[-1].id}") < first.index(f"/questions/{questions[0].id}")
    second = client.get(f"/topics/{call.slug}?after=20").get_data(as_text=True)
    assert '<ol class="ranking" start="21">' in second and second.count('class="ranked"') == 3
    assert "More questions" not in second and "First page" in second
    for bad in ("x", "-1", "1e3", "99999999999", "٣"):
        assert client.get(f"/topics/{call.slug}?after={bad}").status_code == 400, bad


def test_the_page_reads_in_dutch(client, db, clock, make_call, ask):
    call = make_call(budget=3)
    ask(call)
    page = client.get(f"/topics/{call.slug}", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert '<html lang="nl">' in page and "<h1>Schoon water in onze stad</h1>" in page
    assert "zondag 8 maart 2026, 12:00" in page


@pytest.mark.parametrize("member", [False, True])
def test_a_busy_call_page_stays_under_the_weight_budget(client, db, clock, make_call, make_user, ask, member):
    from tests.core.test_page_weight import BUDGET

    # The longest call (92 days, read on its last day) with long titles.
    call = make_call(opens_at=T0 - timedelta(days=91), closes_at=T0 + timedelta(days=1), budget=100)
    title = ("Why do the canals in our neighbourhood turn green and smell every summer, and is it safe? " * 3)[
        :199
    ] + "?"
    for _ in range(35):
        ask(call, title=title)
    if member:
        login(client, make_user(display_name="A member with a fairly long display name"))
    assets = sum(len(client.get(path).data) for path in ("/static/crowdq.css", "/static/crowdq.js"))
    page = client.get(f"/topics/{call.slug}").data
    assert page.count(b'<tr><th scope="row"><time') == 92
    weight = len(page) + assets
    assert weight < BUDGET, f"the call page weighs {weight / 1024:.1f} KB with CSS and JS"


def test_chart_geometry_matches_its_values(client, db, clock, make_call, make_user, ask):
    from crowdq.calls.activity import BOTTOM, HEIGHT, TOP, Activity, Day, chart

    days = [Day(date(2026, 3, d), q, v, p) for d, q, v, p in [(1, 0, 0, 0), (2, 3, 7, 5), (3, 1, 2, 2)]]
    drawn = chart(Activity(days, 4, 9, 6))
    top = drawn.y_ticks[-1][0]
    assert top == 8
    for line in drawn.lines:
        values = [int(v) for v in line.values.split()]
        ys = [float(p.split(",")[1]) for p in line.points.split()]
        inner = HEIGHT - TOP - BOTTOM
        assert [round((TOP + inner - y) * top / inner) for y in ys] == values
