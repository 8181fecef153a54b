"""Calls among the topics: the ask form offers a call only while it is open, and
admins may keep a call's one-language title when editing it as a topic."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.calls.conftest import T0
from tests.conftest import login, post_form


@pytest.fixture
def topic_clock(clock, monkeypatch):
    monkeypatch.setattr("crowdq.questions.topics.utcnow", clock)
    return clock


def test_ask_form_offers_a_call_only_while_it_is_open(client, make_user, make_call, topic_clock):
    upcoming = make_call(opens_at=T0 + timedelta(days=1), closes_at=T0 + timedelta(days=3), name_en="Upcoming call")
    open_call = make_call(name_en="Open call")
    closed = make_call(opens_at=T0 - timedelta(days=9), closes_at=T0 - timedelta(days=1), name_en="Closed call")
    login(client, make_user())
    form = client.get("/questions/new").text
    assert f'value="{open_call.id}"' in form
    assert f'value="{upcoming.id}"' not in form and f'value="{closed.id}"' not in form
    topic_clock.set(upcoming.opens_at)
    form = client.get("/questions/new").text
    assert f'value="{upcoming.id}"' in form


def test_admin_saves_a_call_with_a_title_in_one_language(client, db, make_user, make_call, topic_clock):
    call = make_call(name_en="", name_nl="Alleen Nederlands")
    login(client, make_user("admin"))
    fields = {
        "name_en": "",
        "name_nl": "Alleen Nederlands, verbeterd",
        "slug": call.slug,
        "description_en": "",
        "description_nl": "",
        "position": str(call.position),
    }
    assert post_form(client, f"/admin/topics/{call.id}", fields).status_code == 302
    db.refresh(call)
    assert (call.name_en, call.name_nl) == ("", "Alleen Nederlands, verbeterd")
    # Neither name is still refused.
    response = post_form(client, f"/admin/topics/{call.id}", {**fields, "name_nl": ""})
    assert response.status_code == 400 and "Enter a name." in response.text


def test_an_ordinary_topic_still_needs_both_names(client, make_user, topic):
    login(client, make_user("admin"))
    response = post_form(
        client,
        f"/admin/topics/{topic.id}",
        {"name_en": "Water", "name_nl": "", "slug": topic.slug, "description_en": "", "description_nl": ""},
    )
    assert response.status_code == 400 and "Enter a name." in response.text
