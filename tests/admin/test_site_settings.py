"""Admins name the site and write a welcome text in Dutch and English."""

from __future__ import annotations

from sqlalchemy import select

from crowdq.admin import settings
from crowdq.events import Event
from tests.conftest import login, outbox, post_form

SETTINGS = {
    "site_name": "Vraag het Leiden",
    "welcome_en": "Ask what **Leiden** wonders about.",
    "welcome_nl": "Vraag wat **Leiden** zich afvraagt.",
    "hold_first_questions": "",
}


def save(client, **changes):
    return post_form(client, "/admin", {**SETTINGS, **changes})


def test_site_name_and_welcome_text_show_on_the_home_page_in_each_language(client, db, make_user):
    login(client, make_user("admin"))
    assert save(client).status_code == 302
    reader = client.application.test_client()
    english = reader.get("/", headers={"Accept-Language": "en"}).text
    assert "<title>" in english and "· Vraag het Leiden</title>" in english
    assert "Ask what <strong>Leiden</strong> wonders about." in english
    dutch = reader.get("/", headers={"Accept-Language": "nl"}).text
    assert "Vraag wat <strong>Leiden</strong> zich afvraagt." in dutch
    # Every page carries the name, and so do the mails.
    assert "Vraag het Leiden" in reader.get("/questions").text
    event = db.scalar(select(Event).where(Event.kind == "settings.changed"))
    assert set(event.data["changed"]) == {"site_name", "welcome_en", "welcome_nl"}


def test_mails_carry_the_site_name(client, db, make_user):
    login(client, make_user("admin"))
    save(client)
    reader = client.application.test_client()
    post_form(reader, "/password/forgot", {"email": make_user(email="who@example.org").email})
    mail = outbox(db, "who@example.org")[-1]
    assert "Vraag het Leiden" in mail.subject


def test_a_welcome_text_in_one_language_is_shown_to_readers_of_the_other(client, make_user):
    login(client, make_user("admin"))
    save(client, welcome_en="")
    page = client.application.test_client().get("/", headers={"Accept-Language": "en"}).text
    assert '<div class="lead prose welcome" lang="nl">' in page


def test_without_a_welcome_text_the_home_page_keeps_its_own_introduction(client):
    assert "Ask your question, vote for the questions of others" in client.get("/").text
    assert "· crowdq</title>" in client.get("/").text


def test_welcome_text_is_sanitised(client, make_user):
    login(client, make_user("admin"))
    save(client, welcome_en='<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>')
    page = client.application.test_client().get("/", headers={"Accept-Language": "en"}).text
    welcome = page.split('class="lead prose welcome"')[1].split("</div>")[0]
    assert "<script" not in welcome and "<img" not in welcome and "href" not in welcome
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in welcome  # shown as the text it is


def test_settings_are_validated_and_nothing_is_half_saved(client, db, make_user):
    login(client, make_user("admin"))
    response = save(client, site_name="   ", welcome_nl="x" * 2001)
    assert response.status_code == 400
    assert "Enter a name." in response.text
    assert db.scalar(select(Event).where(Event.kind == "settings.changed")) is None
    assert settings.current(db)["site_name"] == "crowdq"


def test_site_name_in_the_header_is_escaped(client, make_user):
    login(client, make_user("admin"))
    save(client, site_name="<b>Bold</b> & co")
    page = client.application.test_client().get("/").text
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in page and "<b>Bold</b>" not in page


def test_holding_first_questions_is_still_a_setting(client, db, make_user):
    login(client, make_user("admin"))
    save(client, hold_first_questions="y")
    assert settings.hold_first_questions(db)
    save(client, hold_first_questions="")
    assert not settings.hold_first_questions(db)


def test_only_admins_change_settings(client, make_user):
    login(client, make_user("moderator"))
    assert client.get("/admin").status_code == 403
    assert post_form(client, "/admin", SETTINGS, page="/account").status_code == 403
