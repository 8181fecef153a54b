"""Pages fit a phone and a desktop screen without sideways scrolling.

Full-page screenshots land in tests/browser/screenshots/ (git-ignored),
named <page>-<width>.png, for a person to look at.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import SCREENSHOTS, log_in, no_horizontal_scroll, wider_than_viewport

pytestmark = pytest.mark.browser

PAGES = {"home": "/", "questions": "/questions", "question": "/questions/{question}"}


def _shoot_and_measure(page, name: str, width: int) -> str | None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    fits, scroll_width, inner_width = no_horizontal_scroll(page)
    if fits:
        return None
    return (
        f"{name} at {width}px scrolls sideways: scrollWidth {scroll_width} > innerWidth {inner_width}; "
        f"sticking out: {wider_than_viewport(page)}"
    )


@pytest.mark.parametrize("width", [360, 1280])
def test_pages_fit_the_screen_without_horizontal_scrolling(page, seed, width):
    page.set_viewport_size({"width": width, "height": 800})
    problems = []
    for name, path in PAGES.items():
        response = page.goto(path.format(question=seed.question.id))
        assert response.status == 200, f"{path} answered {response.status}"
        problems.append(_shoot_and_measure(page, name, width))

    # The fullest header: account links, the log-out button, and longer Dutch words.
    log_in(page, seed.member.email)
    page.goto(f"/questions/{seed.question.id}")
    with page.expect_navigation():
        page.locator("header").get_by_role("button", name="Nederlands").click()
    assert page.locator("html").get_attribute("lang") == "nl"
    problems.append(_shoot_and_measure(page, "question-member-nl", width))

    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", [360, 1280])
def test_admin_pages_fit_the_screen_without_horizontal_scrolling(page, seed, make_user, width):
    admin = make_user("admin", email="admin@example.org", display_name="Anna Administrator-Verhoeven")
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, admin.email)
    problems = []
    for name, path in {
        "admin": "/admin",
        "admin-topics": "/admin/topics",
        "admin-topic": f"/admin/topics/{seed.topic.id}",
        "admin-members": "/admin/members",
        "admin-member": f"/admin/members/{seed.member.id}",
    }.items():
        response = page.goto(path)
        assert response.status == 200, f"{path} answered {response.status}"
        problems.append(_shoot_and_measure(page, name, width))
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems)
