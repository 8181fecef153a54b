"""Every kind of content carries a Report link for members and a Moderate link for moderators, and the
report form flags it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crowdq.moderation.models import Flag
from tests.conftest import login, post_form
from tests.moderation.test_hidden_everywhere import build_world

KINDS = ["question", "comment", "endorsement", "project_update", "answer", "profile"]


def _report_url(key) -> str:
    return f"/report/{key.type}/{key.id}" + (f"/{key.sub}" if key.sub else "")


def test_every_kind_can_be_reported_from_its_page_and_moderated(client, db, make_user, make_question, topic):
    world = build_world(db, make_user, make_question)
    member = make_user(display_name="Reporter Rik")
    for kind in KINDS:
        key = world.key(kind)
        login(client, member)
        page = client.get(world.own_page(kind)).get_data(as_text=True)
        assert _report_url(key) in page, kind
        response = post_form(client, _report_url(key), {"reason": "spam", "note": "looks like an ad"})
        assert response.status_code == 302, kind
        login(client, world.moderator)
        assert f"/moderation/item/{key.type}/{key.id}" in client.get(world.own_page(kind)).get_data(as_text=True)
        assert (
            client.get(f"/moderation/item/{key.type}/{key.id}" + (f"/{key.sub}" if key.sub else "")).status_code == 200
        )
    reported = {(f.target_type, f.target_id, f.target_sub) for f in db.scalars(select(Flag))}
    assert reported == {(world.key(k).type, world.key(k).id, world.key(k).sub) for k in KINDS}


@pytest.mark.parametrize("kind", ["project_update", "answer", "endorsement", "profile"])
def test_authors_get_no_report_link_on_their_own_content(client, db, make_user, make_question, topic, kind):
    world = build_world(db, make_user, make_question)
    login(client, world.author(kind))
    assert _report_url(world.key(kind)) not in client.get(world.own_page(kind)).get_data(as_text=True)
