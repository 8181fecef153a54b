"""A busy question page with a long timeline stays light: the timeline is capped
(LIMIT entries, short names), so however long the history it adds a few KB, and
the page stays under 60 KB with its CSS and JavaScript, for anonymous readers and
members alike (what only other areas' pages need is in areas.css, not loaded here).
"""

from __future__ import annotations

import pytest

from crowdq.questions import discussion
from crowdq.questions.timeline import LIMIT
from crowdq.research import adoption, projects, updates
from tests.conftest import login
from tests.core.test_page_weight import BUDGET, assets_of, full_pages  # noqa: F401 - the busy pages fixture

TIMELINE_BUDGET = 4 * 1024


@pytest.mark.parametrize(
    "member",
    [
        False,
        True,
    ],
)
def test_a_busy_question_with_a_long_timeline_stays_under_the_budget(
    client,
    db,
    full_pages,  # noqa: F811 - the fixture imported above
    make_user,
    member,
):
    question = full_pages[0]
    lead = make_user("researcher", display_name="Dr. Researcher With A Long Name")
    project = projects.create(
        db,
        lead,
        title=("Green canals: algae, bacteria and the health of people and dogs in Dutch cities " * 2)[:150],
        summary_en="We study the canals.",
        status="running",
    )
    adoption.adopt(db, lead, question, project, "We sample six canals every week during the summer.")
    moderator = make_user("moderator")
    for i in range(3 * LIMIT):
        if i % 2:
            updates.post(db, lead, project, f"Update {i}.")
        else:
            discussion.set_comments_closed(db, moderator, question, i % 4 == 0)
    db.commit()
    if member:
        login(client, make_user())
    page = client.get(f"/questions/{question.id}")
    html = page.get_data(as_text=True)
    assert html.count("<li><time datetime=") == LIMIT + 1
    timeline = html.split('<section class="timeline"')[1].split("</section>")[0]
    assert len(timeline.encode()) < TIMELINE_BUDGET, len(timeline.encode())
    weight = len(page.data) + assets_of(client, html)
    assert weight < BUDGET, f"the question page weighs {weight / 1024:.1f} KB with CSS and JS"
