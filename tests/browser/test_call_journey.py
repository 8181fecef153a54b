"""A call for questions in a real browser, on a phone and a desktop screen:
an organisation's owner opens it (a mistake first), members vote within
their budget while it is open, and after closing everyone sees the final
ranking and the owner downloads the results.

The clock is frozen (the live server runs in this process), so the call
passes from upcoming to open to closed on cue. Every page is checked with
axe, and none scrolls sideways.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, check_axe, log_in, no_horizontal_scroll, wider_than_viewport

pytestmark = pytest.mark.browser

T0 = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)  # 12:00 in Amsterdam
CLOCK_TARGETS = (
    "crowdq.questions.services.utcnow",
    "crowdq.questions.queries.utcnow",
    "crowdq.questions.editing.utcnow",
    "crowdq.calls.services.utcnow",
    "crowdq.calls.results.utcnow",
    "crowdq.calls.views.utcnow",
)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    for target in CLOCK_TARGETS:
        monkeypatch.setattr(target, fake)
    return fake


def fits(page, what: str) -> None:
    ok, scroll_width, inner_width = no_horizontal_scroll(page)
    assert ok, f"{what} scrolls sideways ({scroll_width} > {inner_width}): {wider_than_viewport(page)}"


def checked(page, what: str) -> None:
    """axe on the page as shown, then with the progress table unfolded; a
    screenshot in tests/browser/screenshots/ (git-ignored) for people to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    name = "call-" + what.replace(" ", "-") + f"-{page.viewport_size['width']}.png"
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
    fits(page, what)
    check_axe(page)
    summary = page.locator("summary", has_text="Show the numbers per day as a table")
    if summary.count():
        summary.click()
        check_axe(page)
        fits(page, f"{what} with the table open")


@pytest.mark.parametrize("width", [360, 1280])
def test_a_call_from_opening_to_final_ranking(page, db, clock, make_user, width):
    from sqlalchemy import select

    from crowdq.organisations.models import Organisation, OrganisationMembership
    from crowdq.questions import services
    from crowdq.questions.models import Topic

    page.set_viewport_size({"width": width, "height": 900})
    owner = make_user(email="owner@example.org", display_name="Olga van Oranje-Nassau")
    voter = make_user(email="voter@example.org", display_name="Vera Stemmer")
    askers = [make_user() for _ in range(4)]
    org = Organisation(slug="waterpeil", name="Stichting Waterpeil en Schone Grachten", verified_at=T0)
    db.add(org)
    db.flush()
    db.add(OrganisationMembership(organisation_id=org.id, user_id=owner.id, role="owner"))
    db.commit()

    # The owner opens a call; a budget of 0 is explained next to the field.
    log_in(page, owner.email)
    page.goto("/calls/new")
    expect(page.get_by_label("Sponsor")).to_have_value(str(org.id))
    checked(page, "the new call form")
    page.get_by_label("Title in English").fill("Clean water in Leiden")
    page.get_by_label("Title in Dutch").fill("Schoon water in Leiden")
    page.get_by_label("Description in English").fill("Which questions about our canals should researchers answer?")
    page.get_by_label("Opens").fill("2026-03-11T09:00")
    page.get_by_label("Closes").fill("2026-03-25T18:00")
    page.get_by_label("Votes per member").fill("0")
    with page.expect_navigation():
        page.get_by_role("button", name="Create the call").click()
    budget = page.get_by_label("Votes per member")
    expect(budget).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#vote_budget-error")).to_have_text(
        "Use a whole number from 1 to 100, or leave it empty for no limit."
    )
    checked(page, "the new call form with an error")
    budget.fill("3")
    with page.expect_navigation():
        page.get_by_role("button", name="Create the call").click()
    expect(page.locator("h1")).to_have_text("Clean water in Leiden")
    expect(page.locator(".badge-call-upcoming")).to_have_text("Upcoming")
    expect(page.locator(".call-facts")).to_contain_text("Wednesday 11 March 2026, 09:00")
    checked(page, "an upcoming call")
    page.get_by_role("link", name="Change the call").click()
    expect(page.get_by_label("Closes")).to_have_value("2026-03-25T18:00")
    checked(page, "the change form of an upcoming call")
    page.context.clear_cookies()

    # It opens; questions come in; a member votes from the call page.
    db.rollback()
    call = db.scalar(select(Topic).where(Topic.slug == "clean-water-in-leiden"))
    clock.now = call.opens_at + timedelta(hours=2)
    titles = [
        "Why does the Singel turn green every July?",
        "Is it safe to swim in the Oude Rijn in summer?",
        "Waar komt het schuim op de Nieuwe Rijn vandaan?",
        "How much microplastic is in the Leiden canals?",
    ]
    questions = [
        services.submit(db, asker, title=t, body="", language="nl" if t.startswith("Waar") else "en", topic_id=call.id)
        for asker, t in zip(askers, titles, strict=True)
    ]
    services.vote(db, askers[0], questions[1])
    db.commit()
    clock.now += timedelta(days=1)
    log_in(page, voter.email)
    page.goto("/topics/clean-water-in-leiden")
    expect(page.locator(".call-budget")).to_contain_text("3 of 3 votes left")
    checked(page, "an open call")
    for title in titles[:2]:
        item = page.locator("li.ranked", has_text=title)
        with page.expect_navigation():
            item.get_by_role("button", name="Vote").click()
    expect(page.locator(".call-budget")).to_contain_text("1 of 3 votes left")
    expect(page.locator("li.ranked").first).to_contain_text(titles[1])
    expect(page.locator("li.ranked", has_text=titles[0]).get_by_role("button")).to_have_text("Withdraw my vote")
    checked(page, "an open call after voting")
    page.context.clear_cookies()

    # After closing: the final ranking for everyone, the results for the owner.
    clock.now = call.closes_at + timedelta(minutes=5)
    page.goto("/topics/clean-water-in-leiden")
    expect(page.locator(".badge-call-closed")).to_have_text("Closed")
    expect(page.get_by_role("heading", name="Final ranking")).to_be_visible()
    expect(page.locator("li.ranked").first).to_contain_text(titles[1])
    assert page.get_by_role("button", name="Vote").count() == 0
    expect(page.get_by_role("img", name="Progress per day")).to_be_visible()
    checked(page, "a closed call")
    log_in(page, owner.email)
    page.goto("/topics/clean-water-in-leiden")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the results (CSV)").click()
    assert download.value.suggested_filename == "clean-water-in-leiden-results.csv"
    content = open(download.value.path(), encoding="utf-8-sig").read()
    assert content.splitlines()[1].startswith(f"1,{questions[1].id},{titles[1]},")
    page.goto("/topics/clean-water-in-leiden/call")
    expect(page.locator("main .notice")).to_have_text("This call is closed; it can no longer change.")
    checked(page, "the change page of a closed call")
