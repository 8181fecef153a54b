"""A fresh site run from the browser: an admin makes the first topic, members
ask with and without it, and a member made moderator opens the moderation page.

No demo data and no command line: the database starts empty but for three
accounts. Every admin page visited is checked with axe.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import check_axe, log_in

pytestmark = pytest.mark.browser


def ask(page, title: str, topic_label: str | None) -> None:
    page.goto("/questions/new")
    page.get_by_label("Your question", exact=True).fill(title)
    if topic_label is not None:
        page.get_by_label("Topic", exact=True).select_option(label=topic_label)
    with page.expect_navigation():
        page.get_by_role("button", name="Publish my question").click()
    if page.get_by_role("button", name="Yes, publish my question").count():
        with page.expect_navigation():
            page.get_by_role("button", name="Yes, publish my question").click()
    expect(page.locator("h1")).to_have_text(title)


def test_admin_sets_up_a_fresh_site_in_the_browser(page, db, make_user):
    from crowdq.questions.models import Question, Topic

    admin = make_user("admin", email="admin@example.org", display_name="Anna Admin")
    asker = make_user(email="asker@example.org", display_name="Fenna Asker")
    helper = make_user(email="helper@example.org", display_name="Sam Helper")
    assert db.scalar(select(Topic)) is None

    # The first member can ask at once, without a topic.
    log_in(page, asker.email)
    page.goto("/questions/new")
    assert page.get_by_label("Topic", exact=True).count() == 0
    ask(page, "Why do swifts never seem to land?", None)
    expect(page.locator(".question-head .meta").first).to_contain_text("No topic")
    page.context.clear_cookies()

    # The admin creates a topic from the dashboard.
    log_in(page, admin.email)
    page.goto("/admin")
    check_axe(page)
    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Topics").click()
    check_axe(page)
    page.get_by_role("link", name="New topic").click()
    check_axe(page)
    page.get_by_label("Name in English").fill("Water and soil")
    page.get_by_label("Name in Dutch").fill("Water en bodem")
    page.get_by_label("Short description in English").fill("Canals, rivers, peat and dikes.")
    with page.expect_navigation():
        page.get_by_role("button", name="Create topic").click()
    expect(page.locator(".flash-success")).to_contain_text("Water and soil")
    page.get_by_role("link", name="Water and soil").click()
    expect(page.get_by_label("Address")).to_have_value("water-and-soil")
    check_axe(page)

    # A mistake in the form is explained next to the field.
    page.goto("/admin/topics/new")
    page.get_by_label("Name in English").fill("Health")
    with page.expect_navigation():
        page.get_by_role("button", name="Create topic").click()
    name_nl = page.get_by_label("Name in Dutch")
    expect(name_nl).to_have_attribute("aria-invalid", "true")
    check_axe(page)

    # Make a member moderator, with a reason.
    page.goto("/admin/members")
    check_axe(page)
    page.get_by_label("Name or email address").fill("helper")
    with page.expect_navigation():
        page.get_by_role("button", name="Find members").click()
    page.get_by_role("link", name="Sam Helper").click()
    page.get_by_label("Change", exact=True).select_option(label="Make moderator")
    page.get_by_label("Reason").fill("Helps newcomers every week.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the change").click()
    expect(page.locator(".history")).to_contain_text("Helps newcomers every week.")
    check_axe(page)
    page.context.clear_cookies()

    # A member asks with the new topic.
    log_in(page, asker.email)
    ask(page, "Is the peat under Leiden still sinking?", "Water and soil")
    expect(page.locator(".question-head .meta").first).to_contain_text("Water and soil")
    page.context.clear_cookies()

    # The new moderator sees the moderation page.
    log_in(page, helper.email)
    page.get_by_role("link", name="Moderation", exact=True).click()
    expect(page.locator("h1")).to_have_text("Moderation")
    ask(page, "How clean is the rain on my roof?", "No topic")

    db.rollback()
    topics = {q.title: (q.topic.slug if q.topic else None) for q in db.scalars(select(Question))}
    assert topics == {
        "Why do swifts never seem to land?": None,
        "Is the peat under Leiden still sinking?": "water-and-soil",
        "How clean is the rain on my roof?": None,
    }
