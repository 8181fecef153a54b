"""Public accountability in a real browser, on a phone and a desktop screen: a
member who voted gets the two-question survey once and answers it with the
keyboard and mouse; a question's timeline; the impact page with its chart and
tables. Every page is checked with axe, and none scrolls sideways."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from crowdq.db import utcnow
from crowdq.organisations import endorsements
from crowdq.organisations.models import Organisation, OrganisationMembership
from crowdq.questions import services
from crowdq.research import adoption, answers, projects, updates
from crowdq.research.models import SurveyResponse
from tests.browser.conftest import SCREENSHOTS, check_axe, log_in, no_horizontal_scroll, wider_than_viewport

pytestmark = pytest.mark.browser


def checked(page, what: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    name = "impact-" + what.replace(" ", "-") + f"-{page.viewport_size['width']}.png"
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
    ok, scroll_width, inner_width = no_horizontal_scroll(page)
    assert ok, f"{what} scrolls sideways ({scroll_width} > {inner_width}): {wider_than_viewport(page)}"
    check_axe(page)


@pytest.fixture
def history(app, db, make_user, make_question):
    """A question with a history: endorsed, adopted, an update, answered; a member who voted;
    enough survey answers for shares."""
    app.config["IMPACT_CACHE_SECONDS"] = 0
    owner = make_user(display_name="Olga Oranje")
    org = Organisation(
        slug="waterpeil", name="Stichting Waterpeil en Schone Grachten", kind="ngo", verified_at=utcnow()
    )
    db.add(org)
    db.flush()
    db.add(OrganisationMembership(organisation_id=org.id, user_id=owner.id, role="owner"))
    lead = make_user("researcher", display_name="Dr. Rianne de Onderzoeker")
    question = make_question(title="Why does the Singel turn green every July?")
    endorsements.endorse(db, owner, org, question, "Our members see it every summer.")
    project = projects.create(
        db, lead, title="Algae in the Leiden canals, 2026-2028", summary_en="We sample the canals.", status="running"
    )
    adoption.adopt(db, lead, question, project, "We sample six canals every week.")
    updates.post(db, lead, project, "The first samples are in.")
    answers.publish(db, lead, question, project, summary_en="It is algae, harmless to people.", summary_nl="")
    voter = make_user(email="member@example.org", display_name="Sam Jansen")
    services.vote(db, voter, question)
    for i in range(12):
        db.add(
            SurveyResponse(
                first_time=("yes", "no", "unsure")[i % 3], trust=("more", "same")[i % 2], answered_on=date(2026, 3, 1)
            )
        )
    db.commit()
    return question


@pytest.mark.parametrize("width", [360, 1280])
def test_survey_timeline_and_impact_page(page, db, history, width):
    page.set_viewport_size({"width": width, "height": 900})

    # The survey, offered after the member's first vote, on the page they land on.
    log_in(page, "member@example.org")
    prompt = page.get_by_role("region", name="Two short questions for our research")
    expect(prompt).to_be_visible()
    checked(page, "the survey prompt")
    first_time = prompt.get_by_role("group", name="Is this the first time you have taken part in research?")
    first_time.get_by_label("Yes").check()
    trust = prompt.get_by_role("group", name="Has taking part changed your trust in science?")
    trust.get_by_label("Not sure").focus()
    page.keyboard.press("Space")
    expect(trust.get_by_label("Not sure")).to_be_checked()
    with page.expect_navigation():
        prompt.get_by_role("button", name="Answer").click()
    expect(page.locator(".flash-success")).to_contain_text("Thank you for answering.")
    expect(page.get_by_role("region", name="Two short questions for our research")).to_have_count(0)
    checked(page, "after answering")
    db.rollback()
    assert [(r.first_time, r.trust) for r in db.query(SurveyResponse).filter(SurveyResponse.id > 12)] == [
        ("yes", "unsure")
    ]

    # The question's timeline.
    page.goto(f"/questions/{history.id}")
    timeline = page.get_by_role("region", name="Timeline")
    expect(timeline).to_contain_text("Endorsed by Stichting Waterpeil en Schone Grachten")
    expect(timeline).to_contain_text("Adopted by the project Algae in the Leiden canals, 2026-2028")
    expect(timeline).to_contain_text("posted an update")
    expect(timeline).to_contain_text("Answered by the project")
    checked(page, "a question with its timeline")

    # The impact page, for anyone.
    page.context.clear_cookies()
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="Impact").click()
    expect(page.locator("h1")).to_have_text("Impact")
    expect(page.get_by_role("img", name="Questions asked, adopted and answered per month")).to_be_visible()
    expect(page.get_by_role("region", name="Taking part in research")).to_contain_text("Based on 13 answers.")
    checked(page, "the impact page")
    page.get_by_text("Show the numbers per month as a table").click()
    expect(page.get_by_role("table", name="Questions asked, adopted and answered per month")).to_be_visible()
    checked(page, "the impact page with the table open")
    page.get_by_role("link", name="Per month: Water").click()
    expect(page.get_by_role("heading", name="Per month: Water")).to_be_visible()
    checked(page, "the impact page for one topic")
