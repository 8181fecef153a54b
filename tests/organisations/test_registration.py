"""A confirmed member registers an organisation; it waits, unverified, for an
admin. Every field is checked with a clear message and nothing is half-written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from crowdq.errors import Conflict, Invalid, NotAllowed
from crowdq.events import Event
from crowdq.organisations import services
from crowdq.organisations.models import Organisation, OrganisationMembership
from tests.conftest import login, post_form
from tests.organisations.conftest import VALID


def register(db, actor, **changes):
    return services.register(db, actor, **{**VALID, **changes})


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def test_member_registers_an_organisation_and_becomes_its_owner(client, db, make_user):
    member = make_user(display_name="Olga Owner", email="olga@example.org")
    login(client, member)
    form = client.get("/organisations/new").text
    assert 'value="olga@example.org"' in form  # the contact address starts as the member's own
    response = post_form(client, "/organisations/new", VALID)
    assert response.status_code == 302 and response.headers["Location"] == "/organisations/groen-leiden"
    organisation = db.scalar(select(Organisation))
    assert (organisation.name, organisation.kind, organisation.status) == ("Groen Leiden", "ngo", "pending")
    assert organisation.contact_email == "info@groen-leiden.example.org"
    assert organisation.created_by_id == member.id
    [membership] = db.scalars(select(OrganisationMembership)).all()
    assert (membership.user_id, membership.role, membership.show_publicly) == (member.id, "owner", False)
    event = db.scalar(select(Event).where(Event.kind == "organisation.registered"))
    assert (event.actor_id, event.subject_id) == (member.id, organisation.id)
    page = client.get(response.headers["Location"]).text
    assert "Unverified: waiting for verification" in page and "cannot endorse questions" in page


def test_the_form_reports_every_problem_at_once_and_keeps_what_was_typed(client, db, make_user):
    login(client, make_user())
    response = post_form(
        client,
        "/organisations/new",
        {"name": "X", "slug": "Not A Slug!", "kind": "company", "website": "ftp://x.org", "contact_email": "nope"},
    )
    assert response.status_code == 400
    page = response.text
    for message in (
        "at least 2 characters",
        "lower-case letters, digits and single hyphens",
        "Choose one of the options in the list.",
        "starting with https:// or http://",
        "Enter a valid email address",
    ):
        assert message in page, message
    assert "Not A Slug!" in page and "ftp://x.org" in page
    assert count(db, Organisation) == 0 and count(db, OrganisationMembership) == 0


@pytest.mark.parametrize(
    "website",
    [
        "javascript:alert(1)",
        "data:text/html,x",
        "example.org",
        "https://",
        "https://user:pw@example.org",
        "https://localhost",
        "http://exa mple.org",
        "https://example.org:99999",
        "https://[::1]/",
        "https://-bad-.org",
        "https://" + "a" * 300 + ".org",
        "https://example.org/\x00",
    ],
)
def test_website_must_be_an_http_address_with_a_host(db, make_user, website):
    with pytest.raises(Invalid) as error:
        register(db, make_user(), website=website)
    assert "website" in error.value.fields


@pytest.mark.parametrize(
    "website",
    ["https://example.org", "http://www.example.org/about?x=1#y", "HTTPS://Example.ORG", "https://bücher.example/"],
)
def test_good_websites_are_kept(db, make_user, website):
    assert register(db, make_user(), website=website).website == website


def test_website_is_optional(db, make_user):
    assert register(db, make_user(), website="  ").website is None


@pytest.mark.parametrize("contact", ["", "   ", "no-at-sign", "a@", "x" * 250 + "@e.org"])
def test_contact_email_is_required_and_valid(db, make_user, contact):
    with pytest.raises(Invalid) as error:
        register(db, make_user(), contact_email=contact)
    assert "contact_email" in error.value.fields


@pytest.mark.parametrize("kind", ["", "company", "NGO", None])
def test_kind_must_be_one_of_the_list(db, make_user, kind):
    with pytest.raises(Invalid) as error:
        register(db, make_user(), kind=kind)
    assert error.value.fields["kind"] == "Choose one of the options in the list."


@pytest.mark.parametrize("name", ["", " ", "A", "x" * 121, "\x00\x01"])
def test_name_needs_two_to_120_characters(db, make_user, name):
    with pytest.raises(Invalid) as error:
        register(db, make_user(), name=name)
    assert "name" in error.value.fields


def test_description_has_a_limit(db, make_user):
    with pytest.raises(Invalid) as error:
        register(db, make_user(), description="x" * 501)
    assert "description" in error.value.fields


def test_address_is_made_from_the_name_and_kept_unique(db, make_user):
    first = register(db, make_user(), name="Groen Leiden!")
    second = register(db, make_user(), name="Groen  leiden")
    third = register(db, make_user(), name="Grœn Leiden", slug="")
    assert [first.slug, second.slug] == ["groen-leiden", "groen-leiden-2"]
    assert third.slug.startswith("gr")


def test_a_chosen_address_that_is_taken_is_refused(db, make_user):
    register(db, make_user(), slug="groen")
    with pytest.raises(Invalid) as error:
        register(db, make_user(), slug="groen")
    assert "already uses this address" in error.value.fields["slug"]


@pytest.mark.parametrize("slug", ["new", "a", "-a", "a--b", "Aa", "ü-x", "x" * 81])
def test_bad_or_reserved_addresses_are_refused(db, make_user, slug):
    with pytest.raises(Invalid) as error:
        register(db, make_user(), slug=slug)
    assert "slug" in error.value.fields


def test_a_name_without_latin_letters_needs_an_address(db, make_user):
    with pytest.raises(Invalid) as error:
        register(db, make_user(), name="日本語の会")
    assert "Choose an address" in error.value.fields["slug"]
    assert register(db, make_user(), name="日本語の会", slug="nihongo").slug == "nihongo"


@pytest.mark.parametrize("role", ["unconfirmed", "suspended", "banned"])
def test_only_confirmed_members_in_good_standing_register(client, db, make_user, role):
    member = make_user(role, confirmed=role != "unconfirmed")
    with pytest.raises(NotAllowed):
        register(db, member)
    login(client, member)
    assert client.get("/organisations/new").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/organisations/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_member_has_at_most_three_registrations_waiting(client, db, make_user):
    member = make_user()
    for n in range(3):
        register(db, member, slug=f"org-{n}")
    db.commit()
    with pytest.raises(Conflict):
        register(db, member, slug="org-4")
    login(client, member)
    response = post_form(client, "/organisations/new", {**VALID, "slug": "org-5"})
    assert response.status_code == 409 and "waiting for verification" in response.text


# --- editing --------------------------------------------------------------------------
def edit_fields(org, **changes) -> dict:
    o = org.organisation
    fields = {
        "name": o.name,
        "kind": o.kind,
        "description": o.description,
        "website": o.website or "",
        "contact_email": o.contact_email,
    }
    return {**fields, **changes}


def test_owner_edits_the_details_and_the_change_is_recorded(client, db, make_org):
    org = make_org()
    login(client, org.owner)
    response = post_form(client, f"/organisations/{org.slug}/edit", edit_fields(org, description="New text."))
    assert response.status_code == 302
    db.refresh(org.organisation)
    assert org.organisation.description == "New text."
    assert db.scalar(select(Event).where(Event.kind == "organisation.updated")).data == {"fields": ["description"]}


def test_the_verified_name_only_changes_through_an_admin(client, db, make_org, make_user):
    org = make_org()
    login(client, org.owner)
    response = post_form(client, f"/organisations/{org.slug}/edit", edit_fields(org, name="Someone Else"))
    assert response.status_code == 400 and "Ask an admin" in response.text
    db.refresh(org.organisation)
    assert org.organisation.name != "Someone Else"
    login(client, make_user("admin"))
    assert post_form(client, f"/organisations/{org.slug}/edit", edit_fields(org, name="Renamed")).status_code == 302
    db.refresh(org.organisation)
    assert org.organisation.name == "Renamed"


def test_members_and_outsiders_cannot_edit(client, make_org, make_user):
    org = make_org(members=1)
    for person in (org.members[0], make_user()):
        login(client, person)
        assert client.get(f"/organisations/{org.slug}/edit").status_code in (403, 404)


def test_editing_a_rejected_organisation_sends_it_back_to_the_queue(client, db, make_org, make_user):
    org = make_org(verified=False)
    services.decide(db, make_user("admin"), org.organisation, approve=False, reason="No website.")
    db.commit()
    login(client, org.owner)
    page = client.get(f"/organisations/{org.slug}").text
    assert "No website." in page
    response = post_form(client, f"/organisations/{org.slug}/edit", edit_fields(org, website="https://ok.example.org"))
    assert response.status_code == 302
    db.refresh(org.organisation)
    assert org.organisation.status == "pending"
    assert db.scalar(select(Event).where(Event.kind == "organisation.resubmitted")) is not None
