"""Question journeys in a real browser: ask (with the similar-questions step),
vote, comment and reply, search and filter.

Journeys that must also work without JavaScript run a second time in a
context with scripts off: they override the `context_options` fixture by
direct parametrisation, so they keep the `page` fixture's error checks.
Every list, question and form page visited is checked with axe. axe
itself needs scripts (in a context with JavaScript off its promise never
settles and the test hangs), so a page seen without JavaScript is checked
as a snapshot: its DOM served at the same URL to a scripted context with
the app's own script blocked (see `check_axe_no_js`).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_axe, log_in

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1280, "height": 900}
NO_JS = pytest.mark.parametrize(
    "context_options", [{"viewport": VIEWPORT, "java_script_enabled": False}], ids=["no-js"]
)

EXISTING_TITLE = "Is there microplastic in Leiden tap water?"
NEW_TITLE = "How much microplastic is in our tap water"
NEW_BODY = "I drink tap water every day and read that plastic particles are everywhere."


# --- helpers -------------------------------------------------------------------------
def give_votes(db, question, voters) -> None:
    """Votes cast before the journey starts, through the service (commits for the live server)."""
    from crowdq.questions import services

    for voter in voters:
        services.vote(db, voter, question)
    db.commit()


def question_id_from(url: str) -> int:
    match = re.search(r"/questions/(\d+)(?:[?#]|$)", url)
    assert match, f"not on a question page: {url}"
    return int(match.group(1))


def card_titles(page) -> list[str]:
    return page.locator(".question-card .card-title").all_inner_texts()


def flashes(page) -> list[str]:
    return page.locator(".flashes .flash").all_inner_texts()


def check_axe_no_js(page) -> None:
    """check_axe for a page in a context with JavaScript off (where axe cannot run)."""
    html, url = page.content(), page.url.split("#")[0]
    context = page.context.browser.new_context(locale="en-GB", viewport=VIEWPORT)
    try:
        snapshot = context.new_page()
        snapshot.route("**/*.js", lambda route: route.abort())
        snapshot.route(url, lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html))
        snapshot.goto(url)
        check_axe(snapshot)
    finally:
        context.close()


@pytest.fixture
def microplastic(seed, make_question, make_user, db):
    """An existing question that a new one will look like, with two votes."""
    question = make_question(author=seed.author, title=EXISTING_TITLE, body="The tap water in Leiden, is it clean?")
    give_votes(db, question, [make_user(), make_user()])
    return question


# --- 1. ask a question, see look-alikes -----------------------------------------------
def _fill_and_confirm_new_question(page, live_server, existing, axe=check_axe) -> None:
    """Fill the rest of the form, meet the confirmation step, publish; end on the new page."""
    page.get_by_label("Why does it matter to you?").fill(NEW_BODY)
    page.get_by_label("Topic", exact=True).select_option(label="Water")
    page.get_by_label("Language of your question").select_option(label="English")
    with page.expect_navigation():
        page.get_by_role("button", name="Publish my question", exact=True).click()

    # The server's confirmation step (with or without JavaScript).
    assert page.url == live_server("/questions/new"), page.url
    step = page.locator("section.similar-step")
    expect(step.get_by_role("heading", name="Has someone asked this already?", level=2)).to_be_visible()
    item = step.locator(".similar-list li").filter(has=page.get_by_role("link", name=existing.title, exact=True))
    expect(item).to_have_count(1)
    expect(item.locator(".meta")).to_have_text("2 votes")
    expect(item.get_by_role("button", name="Vote for this one instead")).to_be_visible()
    # What was typed is kept.
    expect(page.get_by_label("Your question", exact=True)).to_have_value(NEW_TITLE)
    expect(page.get_by_label("Why does it matter to you?")).to_have_value(NEW_BODY)
    axe(page)

    with page.expect_navigation():
        page.get_by_role("button", name="Yes, publish my question").click()
    new_id = question_id_from(page.url)
    assert page.url == live_server(f"/questions/{new_id}"), page.url
    assert new_id != existing.id
    expect(page.get_by_role("heading", level=1)).to_have_text(NEW_TITLE)
    assert "Thank you! Your question is published." in flashes(page)
    axe(page)


def test_member_asks_a_question_and_sees_similar_ones_while_typing(page, live_server, seed, microplastic):
    log_in(page, seed.member.email)
    page.goto("/questions/new")
    live = page.locator(".similar-live")
    expect(live).to_be_hidden()
    assert live.get_attribute("aria-live") == "polite"
    check_axe(page)

    title = page.get_by_label("Your question", exact=True)
    with page.expect_request(re.compile(r"/questions/similar\?")) as looked_up:
        title.press_sequentially(NEW_TITLE)
    assert "title=" in looked_up.value.url
    expect(live).to_be_visible()
    expect(live).to_contain_text("Similar questions that already exist:")
    first = live.locator("li").first
    expect(first.get_by_role("link")).to_have_text(EXISTING_TITLE)
    expect(first.get_by_role("link")).to_have_attribute("href", f"/questions/{microplastic.id}")
    expect(first.locator(".meta")).to_have_text("(2 votes)")
    check_axe(page)

    # Shortening the title below 8 characters empties and hides the list again.
    title.fill("Plastic")
    expect(live).to_be_hidden()
    title.fill(NEW_TITLE)
    expect(live).to_be_visible()

    _fill_and_confirm_new_question(page, live_server, microplastic)


@NO_JS
def test_member_asks_a_question_without_javascript(page, live_server, seed, microplastic):
    log_in(page, seed.member.email)
    page.goto("/questions/new")
    check_axe_no_js(page)
    page.get_by_label("Your question", exact=True).fill(NEW_TITLE)
    page.wait_for_timeout(400)  # longer than the script's debounce: it must not run
    expect(page.locator(".similar-live")).to_be_hidden()
    _fill_and_confirm_new_question(page, live_server, microplastic, axe=check_axe_no_js)


# --- 2. vote ---------------------------------------------------------------------------
def test_member_votes_and_withdraws_in_place_with_javascript(page, live_server, seed, make_user, db):
    question = seed.question
    give_votes(db, question, [make_user()])
    log_in(page, seed.member.email)
    url = live_server(f"/questions/{question.id}")
    page.goto(url)
    check_axe(page)
    form = page.locator("form[data-vote-form]")
    button = form.get_by_role("button")
    count = page.locator("[data-vote-count]")
    status = page.locator("[data-vote-status]")
    expect(count).to_have_text("1")
    expect(button).to_have_text("I want to know this too")
    expect(button).to_have_attribute("aria-pressed", "false")

    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None)
    page.evaluate("window.__stillHere = 'yes'")

    button.click()
    expect(status).to_have_text("Your vote is counted.")
    expect(count).to_have_text("2")
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button).to_have_text("Withdraw my vote")
    expect(button).to_be_enabled()
    assert page.url == url
    assert page.evaluate("window.__stillHere") == "yes", "the page reloaded"
    assert navigations == [], f"voting navigated: {navigations}"
    check_axe(page)

    # Withdraw, still in place.
    button.click()
    expect(status).to_have_text("Your vote is withdrawn.")
    expect(count).to_have_text("1")
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(button).to_have_text("I want to know this too")
    # And vote again, so that a reload has something to show.
    button.click()
    expect(count).to_have_text("2")
    assert page.evaluate("window.__stillHere") == "yes", "the page reloaded"
    assert navigations == [], f"voting navigated: {navigations}"

    page.reload()
    expect(count).to_have_text("2")
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button).to_have_text("Withdraw my vote")
    db.expire_all()
    db.refresh(question)
    assert question.vote_count == 2


def test_vote_label_agrees_with_the_count_after_a_script_vote(page, live_server, seed, make_user, db):
    """The "vote"/"votes" word next to the number is updated along with it."""
    give_votes(db, seed.question, [make_user()])
    log_in(page, seed.member.email)
    page.goto(f"/questions/{seed.question.id}")
    box = page.locator(".vote-count")
    expect(box).to_have_text("1 vote")
    page.locator("form[data-vote-form] button").click()
    expect(page.locator("[data-vote-status]")).to_have_text("Your vote is counted.")
    # The script sets the number before the status, so there is nothing left to wait for.
    expect(box).to_have_text("2 votes", timeout=500)
    page.reload()
    expect(box).to_have_text("2 votes")  # as the server renders it


@NO_JS
def test_member_votes_without_javascript(page, live_server, seed, make_user, db):
    question = seed.question
    give_votes(db, question, [make_user()])
    log_in(page, seed.member.email)
    url = live_server(f"/questions/{question.id}")
    page.goto(url)
    count = page.locator("[data-vote-count]")
    expect(count).to_have_text("1")
    with page.expect_navigation():
        page.get_by_role("button", name="I want to know this too").click()
    assert page.url == url, page.url
    expect(count).to_have_text("2")
    assert "Your vote is counted." in flashes(page)
    button = page.locator("form[data-vote-form] button")
    expect(button).to_have_text("Withdraw my vote")
    expect(button).to_have_attribute("aria-pressed", "true")
    check_axe_no_js(page)

    with page.expect_navigation():
        button.click()
    assert page.url == url, page.url
    expect(count).to_have_text("1")
    assert "Your vote is withdrawn." in flashes(page)


# --- 3. comment and reply ------------------------------------------------------------
def test_member_comments_and_replies(page, live_server, seed):
    question = seed.question
    log_in(page, seed.member.email)
    page.goto(f"/questions/{question.id}")
    check_axe(page)

    page.get_by_label("Add a comment").fill("I saw the same near the **Westerkerk**.")
    with page.expect_navigation():
        page.get_by_role("button", name="Post comment").click()
    match = re.fullmatch(re.escape(live_server(f"/questions/{question.id}")) + r"#comment-(\d+)", page.url)
    assert match, f"after commenting: {page.url}"
    comment_id = int(match.group(1))
    assert "Your comment is posted." in flashes(page)
    comment = page.locator(f"ol.comment-list > li > #comment-{comment_id}")
    expect(comment).to_be_visible()
    expect(comment.locator(".prose strong")).to_have_text("Westerkerk")
    expect(comment).to_contain_text(seed.member.display_name)
    expect(page.get_by_role("heading", level=2, name="1 comment")).to_be_visible()

    # Follow the comment's "Reply" link to the reply form (works without JS).
    with page.expect_navigation():
        comment.get_by_role("link", name="Reply").click()
    assert page.url == live_server(f"/comments/{comment_id}/reply")
    expect(page.locator("blockquote")).to_contain_text("Westerkerk")
    check_axe(page)
    page.get_by_label("Your reply").fill("Good to know, thanks!")
    with page.expect_navigation():
        page.get_by_role("button", name="Post reply").click()
    match = re.fullmatch(re.escape(live_server(f"/questions/{question.id}")) + r"#comment-(\d+)", page.url)
    assert match, f"after replying: {page.url}"
    reply_id = int(match.group(1))
    assert reply_id != comment_id
    assert "Your comment is posted." in flashes(page)

    # The reply sits under its comment, not at the top level.
    thread = page.locator("ol.comment-list > li").filter(has=page.locator(f"#comment-{comment_id}"))
    reply = thread.locator(f"ol.reply-list > li > #comment-{reply_id}")
    expect(reply).to_be_visible()
    expect(reply).to_contain_text("Good to know, thanks!")
    expect(page.locator(f"ol.comment-list > li > #comment-{reply_id}")).to_have_count(0)
    expect(reply.get_by_role("link", name="Reply")).to_have_count(0)  # one level of replies only
    expect(page.get_by_role("heading", level=2, name="2 comments")).to_be_visible()
    check_axe(page)


# --- 4. search and filter ------------------------------------------------------------
def test_reader_searches_filters_by_language_and_sorts(page, live_server, seed):
    english = [q for q in seed.questions if q.language == "en"]
    dutch = [q for q in seed.questions if q.language == "nl"]
    assert english and dutch

    page.goto("/search")
    check_axe(page)
    page.locator("#q").fill("Singelgracht")
    with page.expect_navigation():
        page.get_by_role("button", name="Search", exact=True).click()
    assert page.url == live_server("/search?q=Singelgracht"), page.url
    expect(page.get_by_role("heading", level=2)).to_have_text("1 result")
    assert card_titles(page) == [seed.question.title]
    check_axe(page)

    page.goto("/questions")
    assert sorted(card_titles(page)) == sorted(q.title for q in seed.questions)
    check_axe(page)
    filters = page.locator("details.filters")
    language = page.locator("#f-language")
    expect(language).to_be_hidden()
    filters.locator("summary").click()
    expect(language).to_be_visible()
    filters.get_by_label("Language", exact=True).select_option("nl")
    with page.expect_navigation():
        filters.get_by_role("button", name="Show questions").click()
    assert "language=nl" in page.url, page.url
    assert card_titles(page) == [q.title for q in dutch]
    expect(page.locator(".question-card .card-title a:not([lang='nl'])")).to_have_count(0)
    expect(language).to_have_value("nl")  # the choice is kept; the disclosure is open
    check_axe(page)

    with page.expect_navigation():
        page.locator("nav.sort-tabs").get_by_role("link", name="Newest", exact=True).click()
    assert "language=nl" in page.url, f"sorting lost the filter: {page.url}"
    assert "sort=newest" in page.url, page.url
    expect(page.locator("nav.sort-tabs [aria-current]")).to_have_text("Newest")
    assert card_titles(page) == [q.title for q in dutch]
    expect(language).to_have_value("nl")
    check_axe(page)
