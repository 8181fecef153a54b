"""An organisation from registration to endorsement, in the browser, on a
phone (360 px) and a desktop (1280 px): a member registers it, an admin
verifies it from the queue, the owner invites a colleague by email, the
colleague joins through the mailed link, asks a question on the
organisation's behalf and endorses another one with a statement.

Every new page is checked with axe and for sideways scrolling.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import (
    check_axe,
    link_in_mail,
    log_in,
    no_horizontal_scroll,
    wider_than_viewport,
)

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
def test_an_organisation_from_registration_to_endorsement(page, live_server, db, make_user, make_question, width):
    from crowdq.organisations.models import Endorsement, Organisation
    from crowdq.questions.models import Question

    page.set_viewport_size({"width": width, "height": 800})
    owner = make_user(email="olga@example.org", display_name="Olga Eigenaar-Verhoeven")
    admin = make_user("admin", email="admin@example.org", display_name="Anna Admin")
    colleague = make_user(email="colleague@example.org", display_name="Cas Collega")
    other = make_question(title="Why do the lime trees along the Singel drip sticky sap in summer?")

    # A member registers the organisation; a mistake is explained next to its field.
    log_in(page, owner.email)
    page.goto("/organisations")
    check_page(page)
    page.get_by_role("link", name="Register an organisation").click()
    check_page(page)
    page.get_by_label("Name of the organisation").fill("Stichting Groen Leiden")
    page.get_by_label("Kind of organisation").select_option(label="Foundation")
    page.get_by_label("Short description").fill("We plant and count the trees of Leiden.")
    page.get_by_label("Website").fill("groen-leiden.example.org")
    submit(page, "Register the organisation")
    website = page.get_by_label("Website")
    expect(website).to_have_attribute("aria-invalid", "true")
    check_page(page)
    website.fill("https://groen-leiden.example.org")
    submit(page, "Register the organisation")
    expect(page.locator("h1")).to_have_text("Stichting Groen Leiden")
    expect(page.locator("main")).to_contain_text("waiting for verification")
    check_page(page)
    page.context.clear_cookies()

    # An admin verifies it from the queue, with a reason.
    log_in(page, admin.email)
    page.goto("/admin")
    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Organisations").click()
    expect(page.locator("main")).to_contain_text("1 organisation is waiting for verification.")
    check_page(page)
    page.get_by_role("link", name="Stichting Groen Leiden").click()
    check_page(page)
    page.get_by_label("Decision").select_option(label="Verify")
    page.get_by_label("Reason").fill("Website and registration checked by phone.")
    submit(page, "Save the decision")
    expect(page.locator(".flash-success")).to_contain_text("is verified")
    page.context.clear_cookies()

    # The owner invites a colleague by email.
    log_in(page, owner.email)
    page.goto("/organisations/stichting-groen-leiden")
    page.get_by_role("link", name="Members and invitations").click()
    check_page(page)
    page.get_by_label("Email address").fill("colleague@example.org")
    submit(page, "Send the invitation")
    expect(page.locator(".flash-success")).to_contain_text("colleague@example.org")
    check_page(page)
    page.context.clear_cookies()

    # The colleague opens the link, logs in from there and joins.
    path = link_in_mail(db, "colleague@example.org", "organisation_invitation", "/invitations/")
    page.goto(path)
    check_page(page)
    page.get_by_role("main").get_by_role("link", name="Log in").click()
    page.get_by_label("Email address").fill(colleague.email)
    page.get_by_label("Password", exact=True).fill("correct horse battery staple")
    submit(page, "Log in")
    submit(page, "Join Stichting Groen Leiden")
    expect(page.locator(".flash-success")).to_contain_text("Welcome to Stichting Groen Leiden")
    submit(page, "Show me on the public page")
    check_page(page)

    # The used link no longer works.
    page.goto(path)
    expect(page.locator("h1")).to_have_text("This invitation does not work")
    check_page(page)

    # The colleague asks on the organisation's behalf...
    page.goto("/questions/new")
    check_page(page)
    page.get_by_label("Your question", exact=True).fill("How many street trees did Leiden lose since 2020?")
    page.get_by_label("Ask on behalf of").select_option(label="Stichting Groen Leiden")
    submit(page, "Publish my question")
    if page.get_by_role("button", name="Yes, publish my question").count():
        submit(page, "Yes, publish my question")
    expect(page.locator(".asked-for")).to_contain_text("Stichting Groen Leiden")
    check_page(page)

    # ...and endorses another question with a statement.
    page.goto(f"/questions/{other.id}")
    page.get_by_label("Statement (optional)").fill("We measure this every summer in **twelve** streets.")
    submit(page, "Endorse this question")
    endorsements = page.locator("#endorsements")
    expect(endorsements).to_contain_text("Endorsed by 1 organisation")
    expect(endorsements.locator("strong", has_text="twelve")).to_have_count(1)
    check_page(page)
    page.goto(f"/questions/{other.id}/endorse")
    check_page(page)
    page.goto("/questions")
    expect(page.locator(".badge-endorsed").first).to_contain_text("Endorsed by 1 organisation")
    page.context.clear_cookies()

    # Anyone sees the public page: the endorsed and the asked question, and the member who chose to be shown.
    page.goto("/organisations/stichting-groen-leiden")
    main = page.locator("main")
    expect(main).to_contain_text("Verified organisation")
    expect(main).to_contain_text(other.title)
    expect(main).to_contain_text("How many street trees did Leiden lose since 2020?")
    expect(main).to_contain_text("Cas Collega")
    expect(main).not_to_contain_text("Olga Eigenaar-Verhoeven")
    check_page(page)
    page.goto("/organisations")
    check_page(page)

    db.rollback()
    organisation = db.scalar(select(Organisation))
    assert organisation.is_verified and {m.user_id for m in organisation.memberships} == {owner.id, colleague.id}
    assert db.scalar(select(Endorsement)).organisation_id == organisation.id
    assert db.scalar(select(Question).where(Question.organisation_id == organisation.id)).author_id == colleague.id


@pytest.mark.parametrize("width", [360, 1280])
def test_owner_pages_with_many_members_fit_and_pass_axe(page, db, make_user, width):
    """The members page of an owner, with long names, open invitations and a
    Dutch reader; and the edit page."""
    from crowdq.db import utcnow
    from crowdq.organisations import invitations
    from crowdq.organisations.models import Organisation, OrganisationMembership

    page.set_viewport_size({"width": width, "height": 800})
    owner = make_user(email="owner@example.org", display_name="Maximiliaan van Oldenbarnevelt-Hoogstraten", locale="nl")
    organisation = Organisation(
        slug="buurtvereniging",
        name="Buurtvereniging Oude Binnenstad en Omstreken",
        kind="community",
        contact_email="buurt@example.org",
        created_by_id=owner.id,
        verified_at=utcnow(),
    )
    db.add(organisation)
    db.flush()
    db.add(OrganisationMembership(organisation_id=organisation.id, user_id=owner.id, role="owner"))
    for n in range(4):
        person = make_user(display_name=f"Buurtbewoner nummer {n} met een lange naam")
        db.add(OrganisationMembership(organisation_id=organisation.id, user_id=person.id, role="member"))
    for n in range(3):
        invitations.invite(
            db, owner, organisation, f"a-very-long-address-number-{n}@voorbeeld-gemeente.example.org", "member"
        )
    db.commit()
    log_in(page, owner.email)
    for path in ("/organisations/buurtvereniging/members", "/organisations/buurtvereniging/edit", "/organisations"):
        response = page.goto(path)
        assert response.status == 200, path
        assert page.locator("html").get_attribute("lang") == "nl"
        check_page(page)
