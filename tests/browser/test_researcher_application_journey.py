"""Researcher verification in the browser, on a phone (360 px) and a desktop
(1280 px): a member applies from their account page (a mistyped ORCID iD is
explained next to its field), an admin approves from the queue, the badge
with the institution shows on the public profile, and the admin revokes the
role again. A Dutch member's rejected application, and the admin pages
with many entries, fit and pass axe too.

Every page is checked with axe and for sideways scrolling.
"""

from __future__ import annotations

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
def test_a_member_applies_is_approved_and_loses_the_role_again(page, db, make_user, width):
    from crowdq.accounts.models import User
    from crowdq.research.models import ResearcherApplication

    page.set_viewport_size({"width": width, "height": 800})
    member = make_user(email="ada@example.org", display_name="Ada de Wit-Vermeulen")
    admin = make_user("admin", email="admin@example.org", display_name="Anna Admin")

    # The member finds the application on their account page.
    log_in(page, member.email)
    page.goto("/account")
    check_page(page)
    page.get_by_role("link", name="Apply as a researcher").click()
    expect(page.locator("h1")).to_have_text("Researcher verification")
    check_page(page)
    page.get_by_label("Institution").fill("Rijksuniversiteit Groningen")
    page.get_by_label("Department (optional)").fill("Faculty of Science and Engineering, Energy and Sustainability")
    page.get_by_label("Position").fill("Assistant professor")
    page.get_by_label("Public profile page").fill("https://www.rug.nl/staff/a.de.wit-vermeulen/research-and-teaching")
    page.get_by_label("ORCID iD (optional)").fill("0000-0002-1825-0098")  # one digit off
    submit(page, "Send my application")
    orcid = page.get_by_label("ORCID iD (optional)")
    expect(orcid).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#orcid-error")).to_contain_text("its last character does not match")
    check_page(page)
    orcid.fill("https://orcid.org/0000-0002-1825-0097")
    submit(page, "Send my application")
    expect(page.locator(".flash-success")).to_contain_text("An admin will check your application")
    expect(page.locator("main")).to_contain_text("Your application is waiting for a decision")
    expect(page.locator("main")).to_contain_text("0000-0002-1825-0097")
    check_page(page)
    page.goto("/account")
    expect(page.locator("main")).to_contain_text("Your application is waiting for an admin's decision.")
    page.context.clear_cookies()

    # An admin approves it from the queue, with a reason.
    log_in(page, admin.email)
    page.goto("/admin")
    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Researchers").click()
    expect(page.locator("main")).to_contain_text("1 application is waiting for a decision.")
    check_page(page)
    page.get_by_role("link", name="Ada de Wit-Vermeulen").click()
    check_page(page)
    page.get_by_label("Decision").select_option(label="Approve")
    page.get_by_label("Reason").fill("Staff page at the RUG and the ORCID record both list her.")
    submit(page, "Save the decision")
    expect(page.locator(".flash-success")).to_contain_text("is a verified researcher now")
    page.get_by_label("Show").select_option(label="Verified researchers")
    submit(page, "Show the list")
    expect(page.locator("main")).to_contain_text("Rijksuniversiteit Groningen")
    check_page(page)

    # Anyone sees the badge with the institution on the public profile.
    page.goto(f"/users/{member.id}")
    expect(page.locator(".badge-researcher")).to_have_text("Verified researcher")
    expect(page.locator(".researcher-institution")).to_have_text("Rijksuniversiteit Groningen")
    check_page(page)

    # The admin revokes the role from the researcher's page, with a reason.
    page.goto("/admin/researchers?status=researchers")
    page.get_by_role("link", name="Ada de Wit-Vermeulen").click()
    check_page(page)
    page.get_by_label("Reason").fill("Moved to a job outside research.")
    submit(page, "Revoke the researcher role")
    expect(page.locator(".flash-success")).to_contain_text("is no longer a verified researcher")
    expect(page.locator("main")).to_contain_text("Moved to a job outside research.")
    check_page(page)
    page.goto(f"/users/{member.id}")
    expect(page.locator(".badge-researcher")).to_have_count(0)

    db.rollback()
    assert not db.get(User, member.id).is_researcher
    application = db.scalar(select(ResearcherApplication))
    assert (application.status, application.orcid) == ("approved", "0000-0002-1825-0097")


@pytest.mark.parametrize("width", [360, 1280])
def test_a_dutch_members_rejected_application_and_full_admin_pages_fit(page, db, make_user, width):
    """The applicant's page after a rejection, in Dutch; the queue, an
    application with its history and a researcher's page with long names."""
    from crowdq.db import utcnow
    from crowdq.research.models import ResearcherApplication

    page.set_viewport_size({"width": width, "height": 800})
    member = make_user(email="pieter@example.org", display_name="Pieter Bakker", locale="nl")
    admin = make_user("admin", email="admin@example.org", display_name="Anna Admin")
    long_url = "https://www.universiteitvanamsterdam.example.org/medewerkers/" + "zeer-lange-naam-" * 6
    db.add(
        ResearcherApplication(
            user_id=member.id,
            institution="Universiteit van Amsterdam, Amsterdam University Medical Centers",
            department="Afdeling Epidemiologie en Data Science",
            position="Promovendus",
            profile_url=long_url,
            status="rejected",
            decided_at=utcnow(),
            decided_by_id=admin.id,
            decision_reason="De profielpagina noemt je niet.\nVoeg je ORCID iD toe, dan kijken we opnieuw.",
        )
    )
    for n in range(3):
        person = make_user(display_name=f"Onderzoeker met een heel lange naam nummer {n}")
        db.add(
            ResearcherApplication(
                user_id=person.id,
                institution="Technische Universiteit Delft, Faculteit Civiele Techniek en Geowetenschappen",
                department="Waterbouwkunde",
                position="Universitair hoofddocent",
                profile_url=long_url,
                orcid="0000-0002-1694-233X",
            )
        )
    db.commit()

    log_in(page, member.email)
    page.goto("/account/researcher")
    assert page.locator("html").get_attribute("lang") == "nl"
    expect(page.locator(".decision-reason")).to_contain_text("Voeg je ORCID iD toe")
    check_page(page)
    page.goto("/account")
    check_page(page)
    page.context.clear_cookies()

    log_in(page, admin.email)
    for path in ("/admin/researchers", "/admin/researchers?status=all", "/admin/researchers?status=rejected"):
        assert page.goto(path).status == 200, path
        check_page(page)
    page.goto("/admin/researchers?status=all")
    page.get_by_role("link", name="Pieter Bakker").click()
    expect(page.locator("main")).to_contain_text("De profielpagina noemt je niet.")
    check_page(page)
    page.goto("/admin/researchers")
    page.get_by_role("link", name="Onderzoeker met een heel lange naam nummer 0").click()
    check_page(page)
