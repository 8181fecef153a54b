"""Watched words and blocked domains: folding and whole-word matching, the admins' list
(validation, duplicates, the audit log) and its admin pages (admins only)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from crowdq.errors import Invalid, NotAllowed, NotFound
from crowdq.moderation import settings, watched
from crowdq.moderation.models import ModerationAction, WatchedWord
from tests.conftest import csrf_from, login, post_form


@pytest.fixture
def admin(make_user):
    return make_user("admin")


def spans(value: str, *phrases: str) -> list[str]:
    return [value[m.start : m.end] for m in watched.find(value, [watched.fold(p) for p in phrases])]


# --- folding and matching ------------------------------------------------------------------
@pytest.mark.parametrize(
    "raw, folded",
    [
        ("CAFÉ", "cafe"),
        ("  Crème   Brûlée \n", "creme brulee"),
        ("Straße", "strasse"),
        ("ﬁne", "fine"),
        ("soft\u00adhyphen", "softhyphen"),  # invisible characters cannot hide a word
        ("İstanbul", "istanbul"),
    ],
)
def test_folding_drops_case_accents_and_extra_white_space(raw, folded):
    assert watched.fold(raw) == folded


def test_matching_takes_whole_words_only():
    assert spans("A class on grass and an assessment", "ass") == []
    assert spans("What an ass! Ass, really.", "ass") == ["ass", "Ass"]
    assert spans("bass_ass ass-hat", "ass") == ["ass"]  # a hyphen separates words, an underscore does not


def test_matching_ignores_case_and_accents_both_ways():
    assert spans("The CAFÉ and the cafe and the Cafe\u0301", "cafe") == ["CAFÉ", "cafe", "Cafe\u0301"]
    assert spans("the cafe", "Café") == ["cafe"]


def test_phrases_match_across_any_white_space_and_the_longest_wins():
    assert spans("a bad\n\n  word here", "bad word") == ["bad\n\n  word"]
    assert spans("a bad word", "bad", "bad word") == ["bad word"]


def test_asterisks_cover_exactly_the_word_and_keep_the_length():
    value = "Such a DARN shame, darnit. Cafe\u0301 darn!"
    matches = watched.find(value, ["darn", "cafe"])
    replaced = watched.asterisk(value, matches)
    assert replaced == "Such a **** shame, darnit. ***** ****!"
    assert len(replaced) == len(value)


def test_asterisks_keep_the_white_space_inside_a_phrase():
    value = "a bad\nword"
    assert watched.asterisk(value, watched.find(value, ["bad word"])) == "a ***\n****"


def test_links_are_counted_as_a_reader_sees_them():
    value = "See [the study](https://a.example/x), https://b.org and www.c.org; not javascript:alert(1)."
    assert watched.links(value) == ["https://a.example/x", "https://b.org", "http://www.c.org"]
    # An address the linker leaves as text is still an address a reader copies.
    assert watched.links("Buy at https://pills.shopping/now today") == ["https://pills.shopping/now"]
    assert watched.links("No links here, only words. Version 1.2.3.") == []


def test_domains_match_their_subdomains_but_not_look_alikes():
    assert watched.domain_matches("spam.example", "spam.example")
    assert watched.domain_matches("www.spam.example", "spam.example")
    assert not watched.domain_matches("notspam.example", "spam.example")
    assert {"spam.example", "mail.example"} <= watched.hosts("visit spam.example or write to me@mail.example")


# --- the admins' list --------------------------------------------------------------------------
def test_admins_add_words_stored_folded_with_an_audit_entry(db, admin):
    word = watched.add(db, admin, kind="word", phrase="  Crème  Brûlée ", language="nl", action="replace")
    db.commit()
    assert (word.phrase, word.language, word.action, word.created_by_id) == ("creme brulee", "nl", "replace", admin.id)
    entry = db.scalar(select(ModerationAction).where(ModerationAction.action == "watched.add"))
    assert entry.actor_id == admin.id
    assert entry.after == {"kind": "word", "language": "nl", "phrase": "creme brulee", "action": "replace"}


def test_removing_a_word_is_audited_with_what_it_was(db, admin):
    word = watched.add(db, admin, kind="word", phrase="casino", language="any", action="hold")
    db.commit()
    watched.remove(db, admin, word.id)
    db.commit()
    assert db.scalar(select(func.count()).select_from(WatchedWord)) == 0
    entry = db.scalar(select(ModerationAction).where(ModerationAction.action == "watched.remove"))
    assert entry.before == {"kind": "word", "language": "any", "phrase": "casino", "action": "hold"}
    with pytest.raises(NotFound):
        watched.remove(db, admin, word.id)


def test_the_same_word_twice_is_refused_clearly(db, admin):
    watched.add(db, admin, kind="word", phrase="Casino", language="en", action="block")
    with pytest.raises(Invalid) as error:
        watched.add(db, admin, kind="word", phrase="CASINO", language="en", action="hold")
    assert error.value.fields == {"phrase": "“casino” is on the list already."}
    # The same word for another language is another entry.
    watched.add(db, admin, kind="word", phrase="casino", language="nl", action="block")


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"phrase": "   "}, "phrase", "Enter a word or phrase."),
        ({"phrase": "x" * 101}, "phrase", "at most 100"),
        ({"phrase": "\u0301\u00ad"}, "phrase", "Enter a word or phrase."),  # nothing left after folding
        ({"language": "de"}, "language", "Choose one"),
        ({"action": "shout"}, "action", "Choose one"),
        ({"kind": "emoji"}, "kind", "Choose one"),
        ({"kind": "domain", "phrase": "not a domain"}, "phrase", "domain name"),
        ({"kind": "domain", "phrase": "localhost"}, "phrase", "domain name"),
        ({"kind": "domain", "phrase": "spam.example", "action": "replace"}, "action", "not replaced"),
    ],
)
def test_bad_entries_are_refused_with_the_reason(db, admin, fields, field, message):
    values = {"kind": "word", "phrase": "casino", "language": "any", "action": "block", **fields}
    with pytest.raises(Invalid) as error:
        watched.add(db, admin, **values)
    assert message in error.value.fields[field]
    assert db.scalar(select(func.count()).select_from(WatchedWord)) == 0


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("Spam.Example", "spam.example"),
        ("https://www.spam.example/buy?now=1", "www.spam.example"),
        ("*.spam.example", "spam.example"),
        (".spam.example.", "spam.example"),
        ("bücher.example", "xn--bcher-kva.example"),
    ],
)
def test_domains_are_stored_as_plain_host_names_for_every_language(db, admin, typed, stored):
    word = watched.add(db, admin, kind="domain", phrase=typed, language="nl", action="block")
    assert (word.phrase, word.language) == (stored, "any")


@pytest.mark.parametrize("role", ["citizen", "moderator", "researcher"])
def test_only_admins_manage_the_list(db, make_user, role):
    with pytest.raises(NotAllowed):
        watched.add(db, make_user(role), kind="word", phrase="casino", language="any", action="block")


# --- the admin pages -----------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/admin/watched-words", "/admin/moderation-settings"])
@pytest.mark.parametrize("role", ["citizen", "moderator"])
def test_the_pages_are_for_admins_only(client, make_user, path, role):
    assert client.get(path).status_code == 302  # to the log-in page
    login(client, make_user(role))
    assert client.get(path).status_code == 403


def test_non_admins_cannot_post_to_the_pages(client, db, admin, make_user):
    word = watched.add(db, admin, kind="word", phrase="casino", language="any", action="block")
    db.commit()
    login(client, make_user("moderator"))
    token = csrf_from(client.get("/account").text)
    form = {"csrf_token": token, "kind": "word", "phrase": "poker", "language": "any", "action": "block"}
    assert client.post("/admin/watched-words", data=form).status_code == 403
    assert client.post(f"/admin/watched-words/{word.id}/remove", data={"csrf_token": token}).status_code == 403
    settings_form = {"csrf_token": token, "flag_threshold": "9", "hold_first_posts": "9"}
    assert client.post("/admin/moderation-settings", data=settings_form).status_code == 403
    assert [w.phrase for w in watched.all_words(db)] == ["casino"]
    assert settings.current(db) == {"flag_threshold": 3, "hold_first_posts": 0}


def test_an_admin_adds_and_removes_words_through_the_page(client, db, admin):
    login(client, admin)
    assert "Watched words" in client.get("/admin").text  # linked from the dashboard
    form = {"kind": "word", "phrase": "Grof Woord", "language": "nl", "action": "replace"}
    response = post_form(client, "/admin/watched-words", form)
    assert response.status_code == 302
    post_form(client, "/admin/watched-words", {"kind": "domain", "phrase": "spam.example", "action": "block"})
    page = client.get("/admin/watched-words").text
    assert "grof woord" in page and "spam.example" in page
    assert "Words and phrases: Dutch" in page and "Link domains" in page
    assert '<th scope="col">' in page
    word = db.scalar(select(WatchedWord).where(WatchedWord.phrase == "grof woord"))
    response = post_form(client, f"/admin/watched-words/{word.id}/remove", page="/admin/watched-words")
    assert response.status_code == 302
    assert [w.phrase for w in watched.all_words(db)] == ["spam.example"]
    actions = db.scalars(select(ModerationAction.action).order_by(ModerationAction.id)).all()
    assert actions == ["watched.add", "watched.add", "watched.remove"]


def test_the_add_form_shows_the_services_message_next_to_the_field(client, db, admin):
    login(client, admin)
    post_form(
        client, "/admin/watched-words", {"kind": "word", "phrase": "casino", "language": "any", "action": "block"}
    )
    response = post_form(
        client, "/admin/watched-words", {"kind": "word", "phrase": "CASINO", "language": "any", "action": "hold"}
    )
    assert response.status_code == 400
    assert "is on the list already" in response.text
    assert 'aria-invalid="true"' in response.text


def test_removing_needs_a_csrf_token(client, db, admin):
    word = watched.add(db, admin, kind="word", phrase="casino", language="any", action="block")
    db.commit()
    login(client, admin)
    assert client.post(f"/admin/watched-words/{word.id}/remove").status_code == 400
    assert watched.all_words(db)


def test_an_admin_changes_the_moderation_settings_through_the_page(client, db, admin):
    login(client, admin)
    page = client.get("/admin/moderation-settings").text
    assert 'value="3"' in page and 'value="0"' in page  # the current values
    response = post_form(client, "/admin/moderation-settings", {"flag_threshold": "5", "hold_first_posts": "2"})
    assert response.status_code == 302
    assert settings.current(db) == {"flag_threshold": 5, "hold_first_posts": 2}
    entry = db.scalar(select(ModerationAction).where(ModerationAction.action == "settings.changed"))
    assert (entry.actor_id, entry.after) == (admin.id, {"flag_threshold": 5, "hold_first_posts": 2})


@pytest.mark.parametrize(
    "values",
    [
        {"flag_threshold": "0", "hold_first_posts": "2"},
        {"flag_threshold": "51", "hold_first_posts": "2"},
        {"flag_threshold": "3", "hold_first_posts": "21"},
        {"flag_threshold": "3", "hold_first_posts": "-1"},
        {"flag_threshold": "three", "hold_first_posts": "2"},
        {"flag_threshold": "", "hold_first_posts": "2"},
    ],
)
def test_settings_out_of_range_are_refused(client, db, admin, values):
    login(client, admin)
    response = post_form(client, "/admin/moderation-settings", values)
    assert response.status_code == 400
    assert settings.current(db) == {"flag_threshold": 3, "hold_first_posts": 0}
