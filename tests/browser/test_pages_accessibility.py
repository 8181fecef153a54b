"""axe finds no serious or critical problem on the main pages; the keyboard works."""

from __future__ import annotations

import pytest

from tests.browser.conftest import check_axe, log_in

pytestmark = pytest.mark.browser

QUESTION = "/questions/{question}"

ANONYMOUS_PAGES = ["/", "/questions", QUESTION, "/search?q=water", "/register", "/login"]
MEMBER_PAGES = ["/", QUESTION, "/questions/new", "/account"]


def _path(template: str, seed) -> str:
    return template.format(question=seed.question.id)


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_page_has_no_serious_accessibility_problem_for_anonymous_reader(page, seed, path):
    response = page.goto(_path(path, seed))
    assert response.status == 200, f"{path} answered {response.status}"
    check_axe(page)


@pytest.mark.parametrize("path", MEMBER_PAGES)
def test_page_has_no_serious_accessibility_problem_for_logged_in_member(page, seed, path):
    log_in(page, seed.member.email)
    response = page.goto(_path(path, seed))
    assert response.status == 200, f"{path} answered {response.status}"
    assert page.locator("header form[action='/logout']").count() == 1
    check_axe(page)


def test_member_question_page_shows_vote_follow_and_comment_controls(page, seed):
    log_in(page, seed.member.email)
    page.goto(_path(QUESTION, seed))
    assert page.get_by_role("button", name="I want to know this too").count() == 1
    assert page.get_by_role("button", name="Follow this question").count() == 1
    assert page.get_by_label("Add a comment").count() == 1


def test_search_finds_the_seeded_question(page, seed):
    page.goto("/search?q=water")
    titles = page.locator(".question-card .card-title").all_inner_texts()
    assert seed.question.title in titles, f"search for 'water' found {titles}"


def test_form_with_validation_errors_is_accessible(page, seed):
    page.goto("/register")
    with page.expect_navigation():
        page.get_by_role("button", name="Create my account").click()
    assert page.locator(".form-errors[role=alert]").count() == 1
    for label in ("Email address", "Display name", "Password"):
        field = page.get_by_label(label, exact=True)
        assert field.get_attribute("aria-invalid") == "true", f"{label} is not marked invalid"
        described = (field.get_attribute("aria-describedby") or "").split()
        errors = [i for i in described if page.locator(f"[id='{i}'].field-error").count()]
        assert errors, f"{label}: its error message is not tied to it with aria-describedby ({described})"
    accept = page.get_by_label("I accept the code of conduct")
    assert accept.get_attribute("aria-invalid") == "true"
    check_axe(page)


@pytest.mark.parametrize("path", ["/", QUESTION])
def test_first_tab_focuses_a_visible_skip_link_that_moves_focus_to_the_content(page, seed, path):
    page.goto(_path(path, seed))
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => { const el = document.activeElement; return {tag: el.tagName, text: el.textContent.trim(),"
        " href: el.getAttribute('href')}; }"
    )
    assert focused == {"tag": "A", "text": "Skip to content", "href": "#main"}, focused
    skip = page.locator("a.skip-link")
    box = skip.bounding_box()
    viewport = page.viewport_size
    assert box is not None and box["width"] > 1 and box["height"] > 1, f"skip link has no size: {box}"
    assert box["x"] >= 0 and box["y"] >= 0, f"skip link is off screen when focused: {box}"
    assert box["x"] + box["width"] <= viewport["width"] and box["y"] + box["height"] <= viewport["height"], box
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main", "the skip link should move focus to <main>"
