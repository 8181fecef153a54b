"""Language: preference, else header switch, else Accept-Language; catalogues complete."""

import re
import subprocess
import sys
from datetime import UTC
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.conftest import login, post_form

ROOT = Path(__file__).resolve().parents[2]


def lang_of(response) -> str:
    return re.search(rb'<html lang="([a-z]+)"', response.data).group(1).decode()


def test_browser_language_is_used_for_anonymous_visitors(client):
    assert lang_of(client.get("/", headers={"Accept-Language": "nl-NL,nl;q=0.9"})) == "nl"
    assert lang_of(client.get("/", headers={"Accept-Language": "de-DE,en;q=0.5"})) == "en"


def test_header_switch_sets_a_cookie_and_returns_to_the_page(client):
    response = client.get("/language/nl?next=/questions")
    assert response.status_code == 302 and response.headers["Location"] == "/questions"
    page = client.get("/questions", headers={"Accept-Language": "en"})
    assert lang_of(page) == "nl"
    assert b"Vragen" in page.data


def test_switch_refuses_unknown_language_and_foreign_redirects(client):
    assert client.get("/language/fr").status_code == 404
    assert client.get("/language/nl?next=https://evil.example").headers["Location"] == "/"


def test_member_preference_wins_and_switch_updates_it(client, db, make_user):
    user = make_user(locale="nl")
    login(client, user)
    assert lang_of(client.get("/", headers={"Accept-Language": "en"})) == "nl"
    response = post_form(client, "/language/en", {"next": "/questions"}, page="/")
    assert response.status_code == 302
    db.refresh(user)
    assert user.locale == "en"
    assert lang_of(client.get("/")) == "en"


def test_flash_messages_are_translated(client, make_user):
    login(client, make_user(locale="nl"))
    response = post_form(client, "/logout", page="/", follow_redirects=True)
    assert b"Je bent uitgelogd" in response.data


def test_dates_and_numbers_are_localised(app):
    from datetime import datetime

    from flask_babel import force_locale, format_date, format_decimal

    moment = datetime(2026, 3, 14, 12, 0, tzinfo=UTC)
    with app.test_request_context(), force_locale("nl"):
        assert format_date(moment) == "14 mrt 2026"
        assert format_decimal(12345) == "12.345"
    with app.test_request_context(), force_locale("en"):
        assert format_date(moment) == "Mar 14, 2026"
        assert format_decimal(12345) == "12,345"


@pytest.mark.database_independent
def test_dutch_catalogue_translates_every_message(tmp_path):
    """Fails when a template or module has a message the Dutch catalogue lacks."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "lazy_gettext",
            "-k",
            "_l",
            "--no-location",
            "-o",
            str(pot),
            ".",  # as `make update-translations` does: babel.cfg's patterns are relative to it
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with open(pot, "rb") as fh:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    # Templates and mails are read too (an extraction that misses them would pass with nothing to check).
    assert {"Skip to content", "Hello %(name)s,"} <= wanted
    with open(ROOT / "crowdq/translations/nl/LC_MESSAGES/messages.po", "rb") as fh:
        catalogue = read_po(fh)
    translated = set()
    for m in catalogue:
        if not m.id or m.fuzzy:
            continue
        strings = m.string if isinstance(m.string, (list, tuple)) else [m.string]
        if all(strings):
            translated.add(m.id if isinstance(m.id, str) else m.id[0])
    missing = sorted(wanted - translated)
    assert not missing, (
        f"{len(missing)} messages lack a Dutch translation (run `make update-translations`): {missing[:10]}"
    )


@pytest.mark.database_independent
def test_placeholders_survive_translation():
    with open(ROOT / "crowdq/translations/nl/LC_MESSAGES/messages.po", "rb") as fh:
        catalogue = read_po(fh)
    pattern = re.compile(r"%\(\w+\)[sd]")
    for m in catalogue:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, (list, tuple)) else [m.id]
        strings = m.string if isinstance(m.string, (list, tuple)) else [m.string]
        expected = set(pattern.findall(ids[-1])) | set(pattern.findall(ids[0]))
        for s in strings:
            assert set(pattern.findall(s)) <= expected, (m.id, s)
