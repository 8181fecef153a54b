"""Pages fit a phone and a desktop screen without sideways scrolling.

Full-page screenshots land in tests/browser/screenshots/ (git-ignored),
named <page>-<width>.png, for a person to look at.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import SCREENSHOTS, log_in, no_horizontal_scroll, wider_than_viewport

pytestmark = pytest.mark.browser

WIDTHS = [360, 1280]
PAGES = {"home": "/", "questions": "/questions", "question": "/questions/{question}"}


def _shoot(page, name: str, width: int) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)


def _assert_fits(page, name: str, width: int) -> None:
    fits, scroll_width, inner_width = no_horizontal_scroll(page)
    assert fits, (
        f"{name} at {width}px scrolls sideways: scrollWidth {scroll_width} > innerWidth {inner_width}; "
        f"sticking out: {wider_than_viewport(page)}"
    )


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(PAGES))
def test_page_fits_the_screen_without_horizontal_scrolling(page, seed, name, width):
    page.set_viewport_size({"width": width, "height": 800})
    response = page.goto(PAGES[name].format(question=seed.question.id))
    assert response.status == 200
    _shoot(page, name, width)
    _assert_fits(page, name, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_question_page_for_a_member_in_dutch_fits_the_screen(page, seed, width):
    """The fullest header: account links, log-out button, and longer Dutch words."""
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, seed.member.email)
    page.goto(f"/questions/{seed.question.id}")
    with page.expect_navigation():
        page.locator("header").get_by_role("button", name="Nederlands").click()
    assert page.locator("html").get_attribute("lang") == "nl"
    _shoot(page, "question-member-nl", width)
    _assert_fits(page, "question page (member, Dutch)", width)
