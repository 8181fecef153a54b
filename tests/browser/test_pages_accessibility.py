"""axe finds no serious or critical problem on the main pages; the keyboard works.

Pages are visited in groups within one test (one server, one login) to keep
the suite fast; every page is still checked and all failures are reported
together.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_report, check_axe, log_in

pytestmark = pytest.mark.browser

QUESTION = "/questions/{question}"
ANONYMOUS_PAGES = ["/", "/questions", QUESTION, "/search?q=water", "/register", "/login"]
MEMBER_PAGES = ["/", "/questions", QUESTION, "/questions/new", "/search?q=water", "/account"]


def _check_pages(page, seed, paths: list[str]) -> None:
    problems = []
    for template in paths:
        path = template.format(question=seed.question.id)
        response = page.goto(path)
        if response.status != 200:
            problems.append(f"{path} answered {response.status}")
            continue
        report = axe_report(page)
        if report:
            problems.append(report)
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


def test_pages_have_no_serious_accessibility_problem_for_anonymous_reader(page, seed):
    _check_pages(page, seed, ANONYMOUS_PAGES)


def test_pages_have_no_serious_accessibility_problem_for_logged_in_member(page, seed):
    log_in(page, seed.member.email)
    _check_pages(page, seed, MEMBER_PAGES)
    assert page.locator("header form[action='/logout']").count() == 1, "the member got logged out on the way"


def test_member_sees_vote_follow_and_comment_controls_on_a_question(page, seed):
    log_in(page, seed.member.email)
    page.goto(f"/questions/{seed.question.id}")
    assert page.get_by_role("button", name="I want to know this too").count() == 1
    assert page.get_by_role("button", name="Follow this question").count() == 1
    assert page.get_by_label("Add a comment").count() == 1
    # Search, as a member too: the seeded question is found.
    page.goto("/search?q=water")
    titles = page.locator(".question-card .card-title").all_inner_texts()
    assert seed.question.title in titles, f"search for 'water' found {titles}"


def test_form_with_validation_errors_is_accessible(page, seed):
    page.goto("/register")
    with page.expect_navigation():
        page.get_by_role("button", name="Create my account").click()
    assert page.locator(".form-errors[role=alert]").count() == 1
    for label in ("Email address", "Display name", "Password", "I accept the code of conduct"):
        field = page.get_by_label(label, exact=label != "I accept the code of conduct")
        assert field.get_attribute("aria-invalid") == "true", f"{label} is not marked invalid"
        described = (field.get_attribute("aria-describedby") or "").split()
        errors = [i for i in described if page.locator(f"[id='{i}'].field-error").count()]
        assert errors, f"{label}: its error message is not tied to it with aria-describedby ({described})"
    check_axe(page)


def test_first_tab_focuses_a_visible_skip_link_that_moves_focus_to_the_content(page, seed):
    for path in ("/", f"/questions/{seed.question.id}", "/register"):
        page.goto(path)
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const el = document.activeElement;"
            " return {tag: el.tagName, text: el.textContent.trim(), href: el.getAttribute('href')}; }"
        )
        assert focused == {"tag": "A", "text": "Skip to content", "href": "#main"}, (
            f"{path}: first Tab went to {focused}"
        )
        skip = page.locator("a.skip-link")
        assert skip.is_visible(), f"{path}: the focused skip link is not visible"
        box = skip.bounding_box()
        viewport = page.viewport_size
        assert box and box["width"] > 1 and box["height"] > 1, f"{path}: skip link has no size: {box}"
        assert 0 <= box["x"] and box["x"] + box["width"] <= viewport["width"], f"{path}: skip link off screen: {box}"
        assert 0 <= box["y"] and box["y"] + box["height"] <= viewport["height"], f"{path}: skip link off screen: {box}"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main", f"{path}: the skip link should focus <main>"


def test_moderation_and_admin_moderation_pages_are_accessible_at_both_widths(page, seed, db, make_user):
    """The pages the moderation journey does not open: one item, its edit form, a member's record, a bulk
    removal, and the admins' watched words and moderation settings."""
    from crowdq.moderation import flags
    from crowdq.moderation.targets import Key
    from crowdq.questions import discussion

    admin = make_user(role="admin", email="admin-a11y@example.org")
    comment = discussion.add_comment(db, seed.author, seed.question, "Buy cheap watches at our shop")
    flags.flag(db, seed.member, Key("comment", comment.id), "spam", "an advert")
    db.commit()
    from sqlalchemy import select

    from crowdq.moderation.models import ReviewItem

    item_id = db.scalar(select(ReviewItem.id))
    paths = [
        f"/moderation/item/comment/{comment.id}",
        f"/moderation/edit/comment/{comment.id}",
        f"/moderation/members/{seed.author.id}",
        f"/moderation/bulk/{item_id}",
        "/admin/watched-words",
        "/admin/moderation-settings",
        f"/report/question/{seed.question.id}",
    ]
    log_in(page, admin.email)
    problems = []
    for width, height in ((360, 740), (1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        for path in paths:
            response = page.goto(path)
            if response.status != 200:
                problems.append(f"{path} answered {response.status}")
                continue
            report = axe_report(page)
            if report:
                problems.append(f"{width}px {report}")
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if overflow > 0:
                problems.append(f"{width}px {path} scrolls sideways by {overflow}px")
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)
