"""Fuzzing prevention: no input to the watched-words and moderation-settings forms makes
the app answer 500, and screening any text never fails or changes its length.

The house pattern of tests/core/test_fuzz_forms.py: valid payloads with none, some or
all fields replaced by fuzz, posted with a valid CSRF token; a redirect (accepted) or
400 (refused) is the only answer allowed.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from crowdq.errors import Invalid
from crowdq.moderation import prevention, settings, watched
from tests.conftest import login
from tests.core.test_fuzz_forms import FUZZ, assert_answer, blank, payloads, token_for
from tests.core.test_fuzz_urls import CHARS, NASTY, numbers, texts

good_phrases = st.one_of(
    st.sampled_from(["casino", "Crème brûlée", "DARN", "bad  word", "spam.example", "https://www.spam.example/x"]),
    st.text(CHARS, min_size=1, max_size=60),
)
choices = {
    "kind": st.sampled_from(watched.KINDS),
    "language": st.sampled_from(watched.LANGUAGES),
    "action": st.sampled_from(("block", "hold", "replace")),
}
odd_choices = st.one_of(st.sampled_from(["", "WORD", "domains", "de", "replace ", "block\x00", "😀"]), texts)


@pytest.fixture
def admin_client(client, make_user):
    login(client, make_user("admin"))
    return client


@FUZZ
@given(
    data=payloads(
        {"phrase": good_phrases, **choices},
        {"phrase": st.one_of(texts, st.sampled_from(NASTY), st.text(CHARS, min_size=150, max_size=400))}
        | {name: odd_choices for name in choices},
    )
)
@example(data={"kind": "domain", "phrase": "bücher.example", "language": "nl", "action": "replace"})
@example(data={"kind": "word", "phrase": "\u0301\u00ad", "language": "any", "action": "block"})
def test_the_watched_words_form_survives_any_input(admin_client, data):
    client = admin_client
    response = client.post("/admin/watched-words", data={"csrf_token": token_for(client, "/admin"), **data})
    assert_answer(response)
    # A choice left out takes its default (a word, any language, blocked); a wrong one is refused.
    if blank(data, "phrase") or data.get("kind", "word") not in watched.KINDS:
        assert response.status_code == 400
    assert client.get("/admin/watched-words").status_code == 200


@FUZZ
@given(word_id=st.one_of(st.integers(min_value=1, max_value=2**31 - 1).map(str), numbers, texts))
def test_removing_any_word_id_answers_without_an_error(admin_client, db, make_user, word_id):
    client = admin_client
    if not watched.all_words(db):  # one word to find (an example may have removed it)
        watched.add(db, make_user("admin"), kind="word", phrase="casino", language="any", action="block")
        db.commit()
    url = f"/admin/watched-words/{quote(word_id, safe='')}/remove"
    response = client.post(url, data={"csrf_token": token_for(client, "/admin")})
    assert response.status_code in (302, 400, 404), (url, response.status_code)  # 400: NUL and the like


@FUZZ
@given(
    data=payloads(
        {"flag_threshold": st.integers(1, 50).map(str), "hold_first_posts": st.integers(0, 20).map(str)},
        {
            "flag_threshold": st.one_of(st.sampled_from(["0", "51", "-1", "٣", "1.5", "1e3", "²"]), numbers, texts),
            "hold_first_posts": st.one_of(st.sampled_from(["21", "-0", " 4 ", "٣"]), numbers, texts),
        },
    )
)
def test_the_moderation_settings_form_survives_any_input(admin_client, db, data):
    client = admin_client
    response = client.post("/admin/moderation-settings", data={"csrf_token": token_for(client, "/admin"), **data})
    assert_answer(response)
    if any(blank(data, name) for name in ("flag_threshold", "hold_first_posts")):
        assert response.status_code == 400
    for key, (low, high) in settings.LIMITS.items():
        assert low <= settings.current(db)[key] <= high


@FUZZ
@given(value=st.one_of(st.text(CHARS, max_size=300), st.sampled_from(NASTY)), language=st.sampled_from(["en", "nl"]))
@example(value="Straße Cafe\u0301 ASS class darn\u00ad! bad\n\n word https://www.spam.example/x", language="en")
def test_screening_any_text_keeps_its_length_or_refuses_saying_why(db, make_user, value, language):
    admin = make_user("admin")
    for phrase, action, kind in [
        ("darn", "replace", "word"),
        ("bad word", "replace", "word"),
        ("strasse", "replace", "word"),
        ("casino", "block", "word"),
        ("spam.example", "hold", "domain"),
    ]:
        try:
            watched.add(db, admin, kind=kind, phrase=phrase, language="any", action=action)
        except Invalid:
            pass  # added by an earlier example (the database is shared between examples)
    try:
        screening = prevention.screen(db, make_user(trust_level=1), language, {"body": value}, checks=prevention.EDIT)
    except Invalid as error:
        assert set(error.fields) == {"body"}
        return
    result = screening.texts["body"]
    assert len(result) == len(value)
    # Only asterisks are new; everything else is as typed.
    assert all(new == old or new == "*" for new, old in zip(result, value, strict=True))
