"""The whole sponsor journey in one browser session, as issue 8 describes it:
a member registers an organisation, an admin verifies it, its owner opens a
call with a vote budget, two members ask questions and vote until the budget
runs out, the call closes, and the sponsor downloads the results.

The live server runs in this process, so a frozen clock moves the call from
upcoming to open to closed. axe checks every page on the way.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import check_axe, log_in

pytestmark = pytest.mark.browser

T0 = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)  # a Tuesday, 12:00 in Amsterdam
CLOCK_TARGETS = (
    "crowdq.questions.services.utcnow",
    "crowdq.questions.queries.utcnow",
    "crowdq.questions.editing.utcnow",
    "crowdq.questions.topics.utcnow",
    "crowdq.calls.services.utcnow",
    "crowdq.calls.results.utcnow",
    "crowdq.calls.views.utcnow",
)


class Clock:
    now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    for target in CLOCK_TARGETS:
        monkeypatch.setattr(target, fake)
    return fake


def submit(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def ask(page, title: str, call_name: str) -> None:
    page.goto("/questions/new")
    page.get_by_label("Your question", exact=True).fill(title)
    page.get_by_label("Topic", exact=True).select_option(label=call_name)
    submit(page, "Publish my question")
    if page.get_by_role("button", name="Yes, publish my question").count():
        submit(page, "Yes, publish my question")
    expect(page.locator("h1")).to_have_text(title)


def test_organisation_to_call_to_downloaded_results(page, db, clock, make_user):
    from crowdq.questions.models import Topic

    owner = make_user(email="olga@example.org", display_name="Olga Eigenaar")
    admin = make_user("admin", email="admin@example.org")
    fenna = make_user(email="fenna@example.org", display_name="Fenna")
    sam = make_user(email="sam@example.org", display_name="Sam")

    # Registration, then verification by an admin.
    log_in(page, owner.email)
    page.goto("/organisations/new")
    page.get_by_label("Name of the organisation").fill("Stichting Schone Singels")
    page.get_by_label("Kind of organisation").select_option(label="NGO")
    page.get_by_label("Short description").fill("Volunteers who keep the canals of Leiden clean.")
    submit(page, "Register the organisation")
    expect(page.locator("main")).to_contain_text("waiting for verification")
    page.context.clear_cookies()
    log_in(page, admin.email)
    page.goto("/admin/organisations")
    page.get_by_role("link", name="Stichting Schone Singels").click()
    page.get_by_label("Decision").select_option(label="Verify")
    page.get_by_label("Reason").fill("Known to us; checked by phone.")
    submit(page, "Save the decision")
    page.context.clear_cookies()

    # The owner opens a call with two votes per member.
    log_in(page, owner.email)
    page.goto("/calls/new")
    page.get_by_label("Title in English").fill("Clean canals")
    page.get_by_label("Title in Dutch").fill("Schone grachten")
    page.get_by_label("Opens").fill("2026-03-11T09:00")
    page.get_by_label("Closes").fill("2026-03-18T18:00")
    page.get_by_label("Votes per member").fill("2")
    submit(page, "Create the call")
    expect(page.locator(".badge-call-upcoming")).to_have_text("Upcoming")
    check_axe(page)
    page.context.clear_cookies()

    # Open: two members ask, then vote until the budget runs out.
    clock.now = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)  # 10:00 in Amsterdam
    titles = [
        "Why does the Singel turn green every July?",
        "Where does the foam on the Oude Rijn come from?",
        "How many bicycles lie at the bottom of the canals?",
    ]
    log_in(page, fenna.email)
    ask(page, titles[0], "Clean canals")
    ask(page, titles[1], "Clean canals")
    page.context.clear_cookies()
    log_in(page, sam.email)
    ask(page, titles[2], "Clean canals")
    page.goto("/topics/clean-canals")
    expect(page.locator(".call-budget")).to_contain_text("2 of 2 votes left")
    for title in titles[:2]:
        with page.expect_navigation():
            page.locator("li.ranked", has_text=title).get_by_role("button", name="Vote", exact=True).click()
    expect(page.locator(".call-budget")).to_contain_text("0 of 2 votes left")
    assert page.locator("li.ranked").get_by_role("button", name="Vote", exact=True).count() == 0
    check_axe(page)
    db.rollback()
    call = db.scalar(select(Topic).where(Topic.slug == "clean-canals"))
    page.context.clear_cookies()
    log_in(page, fenna.email)
    page.goto("/topics/clean-canals")
    with page.expect_navigation():
        page.locator("li.ranked", has_text=titles[1]).get_by_role("button", name="Vote", exact=True).click()
    page.context.clear_cookies()

    # Closed: the final ranking, and the sponsor's download.
    clock.now = call.closes_at + timedelta(minutes=1)
    log_in(page, owner.email)
    page.goto("/topics/clean-canals")
    expect(page.get_by_role("heading", name="Final ranking")).to_be_visible()
    check_axe(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the results (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8-sig").read())))
    ranked = [(row["title"], row["votes"]) for row in rows]
    assert ranked == [(titles[1], "2"), (titles[0], "1"), (titles[2], "0")], ranked
