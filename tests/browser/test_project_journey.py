"""A research project in the browser, on a phone (360 px) and a desktop
(1280 px): a researcher starts it (a mistake is explained beside its field),
finds a colleague on the team page and invites them; the colleague accepts on
the project page and posts an update in Markdown; the lead makes the colleague
a second lead; anyone reads the project with its adopted question, and the
list of projects by status.

Every new page is checked with axe and for sideways scrolling.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import check_axe, log_in, no_horizontal_scroll, wider_than_viewport

pytestmark = pytest.mark.browser


def check_page(page) -> None:
    """axe clean, and nothing sticks out sideways."""
    check_axe(page)
    fits, scroll_width, inner_width = no_horizontal_scroll(page)
    assert fits, f"{page.url} scrolls sideways: {scroll_width} > {inner_width}: {wider_than_viewport(page)}"


def submit(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


@pytest.mark.parametrize("width", [360, 1280])
def test_a_project_from_start_to_first_update(page, db, make_user, make_question, width):
    from crowdq.db import utcnow
    from crowdq.notifications.models import Notification
    from crowdq.research.models import Adoption, Project, ProjectMember, ProjectUpdate

    page.set_viewport_size({"width": width, "height": 800})
    lead = make_user("researcher", email="rachel@example.org", display_name="Dr. Rachel Onderzoek-Vermeulen")
    colleague = make_user("researcher", email="pieter@example.org", display_name="Dr. Pieter Bakker")
    asker = make_user(display_name="Fenna de Vries")
    question = make_question(author=asker, title="How much microplastic is there in the water of the Leiden canals?")

    # The researcher starts a project from the list; a wrong date is explained beside its field.
    log_in(page, lead.email)
    page.goto("/projects")
    check_page(page)
    page.get_by_role("link", name="Start a project").click()
    check_page(page)
    page.get_by_label("Title of the project").fill("Microplastics in Leiden's canals and tap water")
    page.get_by_label("Summary in English").fill("We **measure** microplastics in canal water, with residents.")
    page.get_by_label("Summary in Dutch").fill("Wij meten microplastic in het grachtwater, samen met bewoners.")
    page.get_by_label("Institution").fill("Universiteit Leiden, Instituut voor Milieuwetenschappen")
    page.get_by_label("Status").select_option(label="Running")
    page.get_by_label("Start date").fill("2026-03-01")
    page.get_by_label("End date").fill("2026-02-01")
    page.get_by_label("Data").fill("osf.io/data")
    submit(page, "Start the project")
    expect(page.get_by_label("End date")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Data")).to_have_attribute("aria-invalid", "true")
    check_page(page)
    page.get_by_label("End date").fill("2026-12-31")
    page.get_by_label("Data").fill("https://osf.io/data")
    submit(page, "Start the project")
    expect(page.locator("h1")).to_have_text("Microplastics in Leiden's canals and tap water")
    expect(page.locator(".project-summary strong")).to_have_text("measure")
    check_page(page)

    db.rollback()
    project = db.scalar(select(Project))
    db.add(
        Adoption(
            project_id=project.id, question_id=question.id, note="We sample **twelve** canals.", created_at=utcnow()
        )
    )
    db.commit()

    # The lead finds the colleague on the team page and invites them.
    page.get_by_role("link", name="Invite researchers and manage the team").click()
    check_page(page)
    page.get_by_label("Name or email address").fill("bakker")
    submit(page, "Find researchers")
    check_page(page)
    submit(page, "Invite Dr. Pieter Bakker")
    expect(page.locator(".flash-success")).to_contain_text("Dr. Pieter Bakker is invited.")
    check_page(page)
    page.context.clear_cookies()

    # The colleague accepts on the project page and posts an update.
    log_in(page, colleague.email)
    page.goto(f"/projects/{project.id}")
    expect(page.locator(".project-invitation")).to_contain_text("You are invited to join the team")
    check_page(page)
    submit(page, "Join the team")
    expect(page.locator(".flash-success")).to_contain_text("Welcome to the team")
    check_page(page)
    page.get_by_label("Your update").fill("We took the first **twelve samples**. Results in six weeks.")
    submit(page, "Post the update")
    expect(page.locator(".update strong")).to_have_text("twelve samples")
    check_page(page)
    page.locator(".update").get_by_role("link", name="Edit").click()
    check_page(page)
    page.get_by_label("Your update").fill("We took the first **twelve samples**. Results in five weeks.")
    submit(page, "Save the update")
    expect(page.locator(".update")).to_contain_text("five weeks")
    page.context.clear_cookies()

    # The lead makes the colleague a second lead.
    log_in(page, lead.email)
    page.goto(f"/projects/{project.id}/team")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"^Make lead\s*:\s*Dr\. Pieter Bakker$")).click()
    expect(page.locator(".flash-success")).to_contain_text("The role is changed.")
    check_page(page)
    page.context.clear_cookies()

    # Anyone reads the project with its adopted question, the team and the update; and the list by status.
    page.goto(f"/projects/{project.id}")
    main = page.locator("main")
    expect(main).to_contain_text(question.title)
    expect(main.locator(".card strong")).to_have_text("twelve")
    expect(main).to_contain_text("Dr. Pieter Bakker")
    expect(main).to_contain_text("five weeks")
    expect(main).not_to_contain_text("Post the update")
    check_page(page)
    page.goto("/projects")
    page.get_by_role("link", name="Running").click()
    expect(main).to_contain_text("1 question taken up")
    check_page(page)

    db.rollback()
    team = {m.user_id: m.role for m in db.scalars(select(ProjectMember))}
    assert team == {lead.id: "lead", colleague.id: "lead"}
    assert db.scalar(select(ProjectUpdate)).author_id == colleague.id
    told = {(n.user_id, n.kind) for n in db.scalars(select(Notification))}
    assert (colleague.id, "project.invited") in told and (asker.id, "project.update_posted") in told
