"""A page weighs under 60 KB together with its CSS and JavaScript."""

import re

import pytest

from tests.conftest import login

BUDGET = 60 * 1024


@pytest.fixture
def full_pages(db, make_question, make_user):
    from crowdq.questions import discussion

    author = make_user(display_name="A member with a fairly long display name")
    questions = [
        make_question(
            author=author,
            title=("Why do the canals in our neighbourhood turn green and smell every summer, and is it safe? " * 2)[
                :200
            ],
            body="Long explanation. " * 500,
            tags="water, algae, summer, health, canals",
            place="Leiden Noord",
        )
        for _ in range(25)
    ]
    for i in range(30):
        discussion.add_comment(db, make_user(), questions[0], f"A thoughtful comment number {i}. " * 10)
    db.commit()
    return questions


def assets_of(client, html: str) -> int:
    """The bytes of every stylesheet and script the page links."""
    paths = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html) + re.findall(r'<script src="([^"]+)"', html)
    assert paths, "the page links no CSS or JS"
    return sum(len(client.get(path).data) for path in paths)


@pytest.mark.parametrize("member", [False, True])
def test_busy_pages_stay_under_the_weight_budget(client, full_pages, make_user, member):
    if member:
        login(client, make_user())
    for path in [
        "/",
        "/questions",
        f"/questions/{full_pages[0].id}",
        "/search?q=canals",
        "/questions/new",
        "/register",
    ]:
        response = client.get(path)
        if response.status_code == 302:  # /questions/new for anonymous readers
            continue
        weight = len(response.data) + assets_of(client, response.get_data(as_text=True))
        assert weight < BUDGET, f"{path} weighs {weight / 1024:.1f} KB with CSS and JS"
