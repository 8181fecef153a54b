"""A newcomer signs up, confirms, logs in, switches to Dutch and logs out."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import check_axe, link_in_mail

pytestmark = pytest.mark.browser

EMAIL = "ada.lovelace@example.org"
NEW_PASSWORD = "lantern orchard pebble violin"


def html_lang(page) -> str:
    return page.locator("html").get_attribute("lang")


def test_newcomer_signs_up_confirms_logs_in_switches_to_dutch_and_logs_out(page, live_server, db, seed):
    # Sign up.
    page.goto("/register")
    assert html_lang(page) == "en"
    check_axe(page)
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Display name").fill("Ada")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("I accept the code of conduct").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Create my account").click()
    assert page.url.startswith(live_server("/register/check-email")), page.url
    check_axe(page)

    # Confirm with the link from the mail.
    confirm_path = link_in_mail(db, EMAIL, "confirm", "/confirm/")
    assert confirm_path.startswith("/confirm/")
    page.goto(confirm_path)
    assert page.url == live_server("/login"), f"confirmation should lead to the login page, not {page.url}"
    assert page.locator(".flash-success").count() == 1
    check_axe(page)

    # Log in.
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    assert page.url == live_server("/"), page.url
    header = page.locator("header.site-header")
    assert header.locator("form[action='/logout']").count() == 1
    assert page.locator(".notice-bar").count() == 0, "a confirmed member should not be asked to confirm"
    check_axe(page)

    # Pages a member visits.
    page.goto("/account")
    assert page.get_by_role("heading", level=1).inner_text() == "My account"
    check_axe(page)
    page.goto("/questions")
    assert page.locator(".question-card").count() == len(seed.questions)
    check_axe(page)
    page.get_by_role("link", name=seed.question.title).click()
    page.wait_for_url(re.compile(rf"/questions/{seed.question.id}$"))
    assert page.get_by_role("heading", level=1).inner_text() == seed.question.title
    check_axe(page)

    # Switch to Dutch with the header control; stay on the same page.
    with page.expect_navigation():
        header.get_by_role("button", name="Nederlands").click()
    assert page.url == live_server(f"/questions/{seed.question.id}"), page.url
    assert html_lang(page) == "nl"
    assert header.locator(".lang-current").inner_text() == "Nederlands"
    assert header.get_by_role("button", name="English").count() == 1
    check_axe(page)
    # The choice sticks: it is kept in the member's profile.
    page.goto("/account")
    assert html_lang(page) == "nl"
    check_axe(page)

    # Log out with the header button (its text is Dutch now, so find it by its form).
    with page.expect_navigation():
        header.locator("form[action='/logout'] button[type=submit]").click()
    assert page.url == live_server("/"), page.url
    assert header.locator("form[action='/logout']").count() == 0
    assert header.locator("a[href='/login']").count() == 1
    assert html_lang(page) == "nl", "the language cookie keeps Dutch after logging out"
    check_axe(page)
    # Logged out for real: a member page asks to log in again.
    page.goto("/account")
    assert page.url.startswith(live_server("/login")), page.url
