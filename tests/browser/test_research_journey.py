"""A question from asked to answered, in the browser, on a phone (360 px) and a
desktop (1280 px): a member applies to be a researcher, an admin approves,
the researcher starts a project, claims a question and then adopts it,
posts an update, publishes an answer (a mistyped DOI is explained first) and
corrects it; the asker and a voter see the answer on the question page and
have notification records. Every new page is checked with axe and for
sideways scrolling.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import check_axe, log_in, no_horizontal_scroll, wider_than_viewport

pytestmark = pytest.mark.browser


def check_page(page) -> None:
    check_axe(page)
    fits, scroll_width, inner_width = no_horizontal_scroll(page)
    assert fits, f"{page.url} scrolls sideways: {scroll_width} > {inner_width}: {wider_than_viewport(page)}"


def submit(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


@pytest.mark.parametrize("width", [360, 1280])
def test_a_question_from_claim_to_answer(page, db, make_user, make_question, width):
    from crowdq.notifications.models import Notification
    from crowdq.questions import services

    page.set_viewport_size({"width": width, "height": 800})
    asker = make_user(email="fenna@example.org", display_name="Fenna de Vries")
    voter = make_user(email="sam@example.org", display_name="Sam Jansen")
    rosa = make_user(email="rosa@example.org", display_name="Rosa Onderzoeker-van den Berg")
    admin = make_user("admin", email="admin@example.org", display_name="Anna Admin")
    question = make_question(
        author=asker,
        title="Why does the water in the Singelgracht turn bright green every summer?",
        body="It smells, and my dog wants to swim in it.",
    )
    services.vote(db, voter, question)
    db.commit()

    # Rosa applies to be a verified researcher...
    log_in(page, rosa.email)
    page.goto("/account/researcher")
    page.get_by_label("Institution").fill("Universiteit Leiden")
    page.get_by_label("Position").fill("Postdoc")
    page.get_by_label("Public profile page").fill("https://www.universiteitleiden.nl/en/staffmembers/rosa")
    submit(page, "Send my application")
    page.context.clear_cookies()

    # ...and an admin approves.
    log_in(page, admin.email)
    page.goto("/admin/researchers")
    page.get_by_role("link", name=rosa.display_name).first.click()
    page.get_by_label("Decision").select_option(label="Approve")
    page.get_by_label("Reason").fill("Staff page checked.")
    submit(page, "Save the decision")
    page.context.clear_cookies()

    # The researcher starts a project.
    log_in(page, rosa.email)
    page.goto("/projects/new")
    page.get_by_label("Title of the project").fill("Algae in Leiden's canals")
    page.get_by_label("Summary in English").fill("We sample the canals every week in summer.")
    submit(page, "Start the project")
    project_url = page.url
    assert "/projects/" in project_url

    # She claims the question while she prepares.
    page.goto(f"/questions/{question.id}")
    check_page(page)
    page.get_by_label("For project (optional)").select_option(label="Algae in Leiden's canals")
    page.get_by_label("Note (optional)").fill("Checking last summer's samples first.")
    submit(page, "Claim for 14 days")
    research = page.locator("#research")
    expect(research).to_contain_text("Being looked at by a researcher until")
    expect(research).to_contain_text("Checking last summer's samples first.")
    check_page(page)

    # She adopts it: a missing note is explained first.
    page.get_by_role("link", name="Adopt into one of my projects").click()
    check_page(page)
    submit(page, "Adopt this question")
    expect(page.get_by_label("How your project will address this question")).to_have_attribute("aria-invalid", "true")
    check_page(page)
    page.get_by_label("How your project will address this question").fill(
        "We measure **cyanobacteria** at ten spots along the Singel from June to September."
    )
    submit(page, "Adopt this question")
    expect(page.locator(".flash-success")).to_contain_text("adopted this question")
    expect(research).not_to_contain_text("Being looked at by a researcher")  # the claim became the adoption
    expect(research.locator("strong", has_text="cyanobacteria")).to_have_count(1)
    expect(page.locator(".question-head .badge")).to_have_text("Adopted by research")
    check_page(page)

    # Her dashboard lists it as adopted and still without an answer; the adopt page offers to release it.
    page.goto("/research")
    expect(page.locator("#d-unanswered").locator("xpath=..")).to_contain_text("Singelgracht")
    check_page(page)
    page.goto(f"/questions/{question.id}/adopt")
    expect(page.get_by_role("button", name="Release this question")).to_have_count(1)
    check_page(page)

    # She posts an update on the project page; it shows on the question.
    page.goto(project_url)
    page.get_by_label("Your update").fill("First samples are in: lots of *Microcystis*.")
    submit(page, "Post the update")
    page.goto(f"/questions/{question.id}")
    expect(page.locator("#research")).to_contain_text("First samples are in")

    # She publishes the answer; a mistyped DOI is explained next to its field.
    page.get_by_role("link", name="Publish the answer").click()
    check_page(page)
    page.get_by_label("Summary in English").fill("The green is **blue-green algae** that thrive in warm, still water.")
    page.get_by_label("Summary in Dutch").fill("Het groen is **blauwalg**, die groeit in warm, stilstaand water.")
    page.get_by_label("DOIs (optional)").fill("10.1038/nature12373\nnature12373")
    page.get_by_label("Data links (optional)").fill("https://zenodo.org/records/1234567")
    submit(page, "Publish the answer")
    dois = page.get_by_label("DOIs (optional)")
    expect(dois).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".field-error")).to_contain_text("is not a DOI")
    check_page(page)
    dois.fill("10.1038/nature12373\nhttps://doi.org/10.1371/journal.pone.0111913")
    submit(page, "Publish the answer")
    answer = page.locator(".answer")
    expect(answer).to_contain_text("blue-green algae")
    expect(answer.get_by_role("link", name="10.1371/journal.pone.0111913")).to_have_attribute(
        "href", "https://doi.org/10.1371/journal.pone.0111913"
    )
    expect(page.locator(".question-head .badge")).to_have_text("Answered")
    check_page(page)

    # A correction keeps the earlier version.
    page.get_by_role("link", name="Correct the answer").click()
    page.get_by_label("Summary in English").fill("The green is mostly *Microcystis*, a blue-green alga.")
    submit(page, "Save the correction")
    page.get_by_role("link", name="1 earlier version").click()
    expect(page.locator("main")).to_contain_text("blue-green algae that thrive")
    check_page(page)

    # Her dashboard lists her project; nothing adopted is left without an answer.
    page.goto("/research")
    expect(page.locator("main")).to_contain_text("Every question your projects adopted has its answer.")
    expect(page.get_by_role("link", name="Algae in Leiden's canals")).to_have_count(1)
    check_page(page)
    page.context.clear_cookies()

    # The asker and the voter see the answer at the top of the question page...
    for person in (asker, voter):
        log_in(page, person.email)
        page.goto(f"/questions/{question.id}")
        expect(page.locator(".answer")).to_contain_text("mostly Microcystis")
        expect(page.locator(".answer")).to_contain_text("Algae in Leiden's canals")
        check_page(page)
        page.context.clear_cookies()

    # ...and have notification records of the adoption and the answer.
    db.rollback()
    for person, reason in ((asker, "asker"), (voter, "voter")):
        kinds = {n.kind for n in db.scalars(select(Notification).where(Notification.user_id == person.id))}
        assert {"question.claimed", "question.adopted", "question.answered", "answer.corrected"} <= kinds
        reasons = {n.reason for n in db.scalars(select(Notification).where(Notification.user_id == person.id))}
        assert reason in reasons
