"""A neighbourhood session from announcement to published questions, in the browser.

A researcher announces a session, enters a question a neighbour asked there
(named, with consent), checks and imports a file of paper questions, and an
anonymous reader finds the session with its questions. Every new page is
checked with axe and for sideways scrolling, on a phone (360 px) and a
desktop (1280 px).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_report, log_in, no_horizontal_scroll, wider_than_viewport

pytestmark = pytest.mark.browser

PAPER = (
    "title,explanation,language,topic,tags,place,external_id\n"
    "Waarom zijn er zo weinig bankjes in de Merenwijk?,Voor ouderen is lopen zwaar.,nl,,buurt,Merenwijk,p1\n"
    "Why do the streetlights in De Kooi stay on all day?,,en,,,De Kooi,p2\n"
)
BROKEN = PAPER + "=1+1,,en,,,,p3\n"


@pytest.fixture
def checked(page):
    problems: list[str] = []

    def check(name: str) -> None:
        report = axe_report(page)
        if report:
            problems.append(f"{name}: {report}")
        fits, scroll_width, inner_width = no_horizontal_scroll(page)
        if not fits:
            problems.append(f"{name} scrolls sideways ({scroll_width} > {inner_width}): {wider_than_viewport(page)}")

    yield check
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


@pytest.mark.parametrize("width", [360, 1280])
def test_a_session_collects_questions_from_people_who_are_not_online(page, make_user, checked, width):
    page.set_viewport_size({"width": width, "height": 900})
    researcher = make_user("researcher", email="researcher@example.org", display_name="Dr. Rachel Onderzoek")
    log_in(page, researcher.email)

    page.goto("/sessions")
    checked("sessions, empty")
    with page.expect_navigation():
        page.get_by_role("link", name="Announce a session").click()
    checked("new session form")
    # A mistake is explained next to the field.
    page.get_by_label("Name of the session").fill("Vragenavond in de Merenwijk")
    page.get_by_label("Place", exact=True).fill("Buurthuis Merenwijk, Leiden")
    day = (date.today() + timedelta(days=10)).isoformat()
    page.get_by_label("Date").fill(day)
    page.get_by_label("Starts at").fill("19:30")
    page.get_by_label("Ends at").fill("18:00")
    with page.expect_navigation():
        page.get_by_role("button", name="Announce session").click()
    expect(page.get_by_label("Ends at")).to_have_attribute("aria-invalid", "true")
    checked("new session form with an error")
    page.get_by_label("Ends at").fill("21:30")
    page.get_by_label("What happens there?").fill("Koffie, thee en jullie vragen.\nNeem een buur mee.")
    with page.expect_navigation():
        page.get_by_role("button", name="Announce session").click()
    expect(page.locator("h1")).to_have_text("Vragenavond in de Merenwijk")
    expect(page.locator(".facts")).to_contain_text("7:30")
    checked("session page")
    with page.expect_navigation():
        page.get_by_role("link", name="Edit this session").click()
    expect(page.get_by_label("Starts at")).to_have_value("19:30")
    checked("edit session form")
    with page.expect_navigation():
        page.get_by_role("button", name="Save session").click()
    expect(page.locator(".flash-success")).to_contain_text("Nothing was changed.")

    # A neighbour's question, named with her consent.
    with page.expect_navigation():
        page.get_by_role("link", name="Enter a question from this session").click()
    expect(page.get_by_label("Collected at")).to_have_value(page.url.split("session=")[1])
    checked("entry form")
    page.get_by_label("The question", exact=True).fill("Why does the water in the Merenwijk canal smell so bad?")
    page.get_by_label("The asker agrees to be named with the question").check()
    page.get_by_label("Name to show").fill("Fatima")
    with page.expect_navigation():
        page.get_by_role("button", name="Publish the question").click()
    meta = page.locator(".question-head .meta").nth(1)
    expect(meta).to_contain_text("Asked by Fatima")
    expect(meta).to_contain_text("Asked at Vragenavond in de Merenwijk on")
    expect(meta).to_contain_text("entered by Dr. Rachel Onderzoek")
    checked("question page of an entered question")

    # Paper questions from a file: check first, then import.
    page.goto("/questions/import")
    checked("import page")
    page.get_by_label("File", exact=True).set_input_files(
        {"name": "papier.csv", "mimeType": "text/csv", "buffer": BROKEN.encode()}
    )
    page.get_by_label("Collected at").select_option(label=f"Vragenavond in de Merenwijk ({_medium(day)})")
    with page.expect_navigation():
        page.get_by_role("button", name="Check the file").click()
    expect(page.locator(".import-errors")).to_contain_text("'=1+1")
    expect(page.locator(".import-report")).to_contain_text("Ready to import")
    checked("import check with errors")
    page.get_by_label("File", exact=True).set_input_files(
        {"name": "papier.csv", "mimeType": "text/csv", "buffer": PAPER.encode()}
    )
    page.get_by_label("Collected at").select_option(label=f"Vragenavond in de Merenwijk ({_medium(day)})")
    with page.expect_navigation():
        page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text("Imported 2 questions")
    expect(page.locator("#collected-heading")).to_have_text("3 questions collected")

    # Anyone finds the session and its questions.
    page.context.clear_cookies()
    page.goto("/sessions")
    expect(page.locator(".session-card")).to_contain_text("3 questions collected")
    checked("sessions, anonymous")
    with page.expect_navigation():
        page.get_by_role("link", name="Vragenavond in de Merenwijk").click()
    expect(page.locator(".card-list")).to_contain_text("Why do the streetlights in De Kooi stay on all day?")
    expect(page.get_by_role("link", name="Edit this session")).to_have_count(0)
    checked("session page, anonymous")
    page.goto("/")
    with page.expect_navigation():
        page.locator("footer").get_by_role("link", name="Sessions").click()
    expect(page.locator("h1")).to_have_text("Neighbourhood sessions")


def _medium(day: str) -> str:
    from babel.dates import format_date

    return format_date(date.fromisoformat(day), "medium", locale="en")
