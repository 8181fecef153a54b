"""Merging in the browser, on a phone (360 px) and a desktop (1280 px): a
member says two questions look alike; a researcher opens the candidates
queue, sees both side by side and merges them; the old page shows the
banner and its voter finds their vote counted on the question that stays;
a moderator undoes the merge from the log and both questions are back.
Every page is checked with axe and for sideways scrolling."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_axe, log_in, no_horizontal_scroll, wider_than_viewport

pytestmark = pytest.mark.browser


def check_page(page) -> None:
    check_axe(page)
    fits, scroll_width, inner_width = no_horizontal_scroll(page)
    assert fits, f"{page.url} scrolls sideways: {scroll_width} > {inner_width}: {wider_than_viewport(page)}"


def submit(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).first.click()


@pytest.mark.parametrize("width", [360, 1280])
def test_a_duplicate_is_merged_from_the_queue_and_undone(page, db, make_user, make_question, width):
    from crowdq.questions import services
    from crowdq.questions.models import Question

    page.set_viewport_size({"width": width, "height": 800})
    asker = make_user(display_name="Fenna de Vries")
    voter = make_user(email="sam@example.org", display_name="Sam Jansen")
    make_user("researcher", email="rosa@example.org", display_name="Rosa Onderzoeker")
    make_user("moderator", email="mo@example.org", display_name="Mo Moderator")
    stays = make_question(
        author=asker,
        title="Why do herons stand completely still for such a long time?",
        body="At the Singel, every morning.",
    )
    goes = make_question(title="How can a grey heron keep standing without moving for an hour?", body="I timed one.")
    services.vote(db, voter, goes)
    db.commit()

    # Sam thinks the two questions are the same.
    log_in(page, voter.email)
    page.goto(f"/questions/{goes.id}")
    page.get_by_role("link", name="Looks like a duplicate?").click()
    check_page(page)
    page.get_by_label("It looks like a duplicate of").fill(f"{stays.id}")
    submit(page, "Suggest")
    expect(page.locator(".flash")).to_contain_text("Researchers and moderators will look at both questions")
    page.context.clear_cookies()

    # Rosa, a researcher, merges the pair from the queue.
    log_in(page, "rosa@example.org")
    page.goto("/research")
    page.get_by_role("link", name="Possible duplicates").first.click()
    expect(page.get_by_role("heading", name="Possible duplicates")).to_be_visible()
    expect(page.locator(".candidate")).to_contain_text("suggested by 1 member")
    check_page(page)
    page.get_by_label("Keep").select_option(str(stays.id))
    page.get_by_label("Why they are the same question").fill("Both ask why herons stand still so long.")
    submit(page, "Merge")
    expect(page.locator(".flash")).to_contain_text("Merged")
    expect(page.locator(".merged-sources summary")).to_have_text("Includes 1 merged question")
    expect(page.locator("[data-vote-count]")).to_have_text("1")
    check_page(page)
    page.context.clear_cookies()

    # The old page keeps Sam's words and points to the question that stays.
    page.goto(f"/questions/{goes.id}")
    expect(page.locator(".merged-banner")).to_contain_text("This question was merged into")
    expect(page.get_by_role("heading", level=1)).to_have_text(goes.title)
    check_page(page)
    page.locator(".merged-banner a").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(stays.title)

    # Mo, a moderator, undoes it from the merge log.
    log_in(page, "mo@example.org")
    page.goto("/moderation")
    page.get_by_role("link", name="Merge log").click()
    check_page(page)
    page.get_by_role("link", name="Undo this merge").click()
    check_page(page)
    page.get_by_label("Why the merge is undone").fill("Different birds after all.")
    submit(page, "Undo this merge")
    expect(page.locator(".flash")).to_contain_text("back as they were")
    db.expire_all()
    assert db.get(Question, goes.id).status == "open" and db.get(Question, goes.id).vote_count == 1
    assert db.get(Question, stays.id).vote_count == 0
    page.goto(f"/questions/{goes.id}")
    expect(page.locator(".merged-banner")).to_have_count(0)
    expect(page.locator("[data-vote-count]")).to_have_text("1")


@pytest.mark.parametrize("width", [360, 1280])
def test_a_researcher_merges_ticked_questions_into_a_new_cluster_question(page, db, make_user, make_question, width):
    page.set_viewport_size({"width": width, "height": 800})
    make_user("researcher", email="rosa@example.org", display_name="Rosa Onderzoeker")
    first = make_question(title="Why do the canals in Leiden turn green every summer?")
    second = make_question(title="What makes the water in the Singel so green in July?")
    log_in(page, "rosa@example.org")
    page.goto(f"/questions/{first.id}/merge")
    check_page(page)
    page.goto("/questions?sort=newest")
    page.get_by_label(f"Select for merging: {first.title}").check()
    page.get_by_label(f"Select for merging: {second.title}").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Merge the selected questions").click()
    check_page(page)
    page.get_by_label("A new cluster question").check()
    page.get_by_label("Title of the new cluster question").fill("Why is the canal water in Leiden green in summer?")
    page.get_by_label("Why they are the same question").fill("Both ask about green canal water in summer.")
    submit(page, "Merge")
    expect(page.get_by_role("heading", level=1)).to_have_text("Why is the canal water in Leiden green in summer?")
    expect(page.locator(".merged-sources summary")).to_have_text("Includes 2 merged questions")
    check_page(page)
