"""The public page of an organisation, the list of organisations, and who
sees unverified ones (only their members and admins; a 404 for others)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event

from crowdq.db import engine, utcnow
from crowdq.organisations import endorsements
from crowdq.questions import services
from crowdq.questions.models import Topic
from tests.conftest import login
from tests.organisations.conftest import add_member


def test_public_page_shows_what_the_organisation_does(client, db, make_org, make_user, make_question):
    org = make_org(name="Groen Leiden", description="We plant trees.", website="https://groen.example.org")
    shown, hidden = make_user(display_name="Sanne Shown"), make_user(display_name="Harm Hidden")
    add_member(db, org, shown, shown=True)
    add_member(db, org, hidden)
    endorsed = make_question(title="Why do the lime trees along the Singel drip in summer?")
    endorsements.endorse(db, org.owner, org.organisation, endorsed, "We see it in **every** street.")
    asked = services.submit(
        db,
        shown,
        title="How many trees did Leiden lose in 2025?",
        body="",
        language="en",
        organisation=org.organisation,
    )
    call = Topic(
        slug="bomen-call",
        name_en="Trees in the city",
        name_nl="Bomen in de stad",
        organisation_id=org.id,
        opens_at=utcnow() - timedelta(days=1),
        closes_at=utcnow() + timedelta(days=30),
    )
    db.add(call)
    db.commit()

    page = client.get(f"/organisations/{org.slug}").text
    assert "Groen Leiden" in page and "We plant trees." in page and "Verified organisation" in page
    assert 'href="https://groen.example.org" rel="nofollow ugc noopener"' in page
    assert endorsed.title in page and asked.title in page
    assert "Trees in the city" in page and 'href="/topics/bomen-call"' in page
    assert "Sanne Shown" in page and "Harm Hidden" not in page
    assert org.owner.public_name not in page  # owners are not shown unless they choose to be
    assert org.organisation.contact_email not in page  # the contact address is not public
    dutch = client.get(f"/organisations/{org.slug}", headers={"Accept-Language": "nl"}).text
    assert "Bomen in de stad" in dutch


def test_public_page_loads_in_a_fixed_number_of_queries(client, db, make_org, make_user, make_question):
    def queries_for(slug: str) -> int:
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine(), "before_cursor_execute", listener)
        try:
            assert client.get(f"/organisations/{slug}").status_code == 200
        finally:
            event.remove(engine(), "before_cursor_execute", listener)
        return sum(1 for s in statements if s.lstrip().upper().startswith("SELECT"))

    small, big = make_org(), make_org()
    for org, n in ((small, 1), (big, 6)):
        for i in range(n):
            question = make_question(tags="trees, water")
            endorsements.endorse(db, org.owner, org.organisation, question, f"Statement {i}.")
            add_member(db, org, make_user(), shown=True)
    db.commit()
    slugs = small.slug, big.slug
    client.get("/")  # site settings are cached per process after the first page
    assert queries_for(slugs[1]) == queries_for(slugs[0])


def test_deleted_members_are_not_shown(client, db, make_org, make_user):
    org = make_org()
    person = make_user(display_name="Gone Person")
    add_member(db, org, person, shown=True)
    person.status, person.display_name = "deleted", None
    db.commit()
    assert "deleted user" not in client.get(f"/organisations/{org.slug}").text


@pytest.mark.parametrize("verified", [False, True])
def test_unverified_organisations_are_visible_to_members_and_admins_only(client, db, make_org, make_user, verified):
    org = make_org(verified=verified, members=1, name="Quiet Club")
    if not verified:
        # A rejected one stays private too.
        rejected = make_org(verified=False, name="Rejected Club")
        rejected.organisation.rejected_at = utcnow()
        db.commit()
        assert client.get(f"/organisations/{rejected.slug}").status_code == 404
    expected = 200 if verified else 404
    assert client.get(f"/organisations/{org.slug}").status_code == expected
    login(client, make_user())
    assert client.get(f"/organisations/{org.slug}").status_code == expected
    for person in (org.owner, org.members[0], make_user("admin")):
        login(client, person)
        page = client.get(f"/organisations/{org.slug}")
        assert page.status_code == 200
        assert ("Unverified" in page.text) is not verified


def test_the_list_shows_verified_organisations_and_a_member_sees_their_own(client, db, make_org, make_user):
    make_org(name="Verified Village", kind="municipality")
    pending = make_org(verified=False, name="Pending Place")
    reader = client.application.test_client()
    page = reader.get("/organisations").text
    assert "Verified Village" in page and "Municipality" in page and "Pending Place" not in page
    assert "Register an organisation" not in page
    login(client, pending.owner)
    page = client.get("/organisations").text
    assert "Your organisations" in page and "Pending Place" in page and "Unverified" in page
    assert "Register an organisation" in page


def test_unknown_organisation_is_404(client):
    assert client.get("/organisations/nobody-here").status_code == 404
    assert client.get("/organisations/" + "x" * 81).status_code == 404
