"""Moderation in the browser, end to end: three members report a comment and
it is hidden at once; a moderator hides it with a reason and silences its
author from the review queue; the author finds the notice (through the link
in the notice mail), sees the marker on the comment and the comment form
gone, and appeals the silence; the moderator who acted cannot decide the
appeal, another moderator undoes it; the audit log and the public report
show it all, and the author can comment again.

Every moderation page on the way (the report form, the queue, the notices,
the appeal form, the appeal decision page, the audit log, the public
report) is checked with axe at 360 and 1280 px: any violation of a WCAG 2.0
or 2.1 A/AA rule fails, as does any other serious or critical one; and for
sideways scrolling, duplicate ids and form fields whose label points at another
field (which axe 4.12 does not report).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import link_in, log_in, mails_to, no_horizontal_scroll, wider_than_viewport

pytestmark = pytest.mark.browser

WCAG_TAGS = {"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}
WIDTHS = (360, 1280)
RUDE = "Only an idiot would ask this; go read a book, you clown."
HARMLESS = "Buy cheap pond pumps at example dot com!"
PLACEHOLDER_FLAGGED = "Hidden after flags from the community, awaiting review."


# --- checks ------------------------------------------------------------------------
_axe = None


def _format(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        tags = ",".join(t for t in v.get("tags", []) if t.startswith("wcag"))
        lines.append(f"- {v['id']} ({v.get('impact')}; {tags or 'best practice'}): {v['help']}")
        for node in v["nodes"]:
            lines.append(f"    at {' '.join(str(t) for t in node['target'])}: {node['html'][:200]}")
    return "\n".join(lines)


def check_page(page, problems: list[str]) -> None:
    """axe (WCAG 2.1 A/AA: any impact; other rules: serious and critical), sideways
    scrolling and duplicate ids, at 360 and 1280 px. Findings are collected, so one
    run reports every page's problems; the journey itself stops at the first failure."""
    global _axe
    if _axe is None:
        from axe_playwright_python.sync_playwright import Axe

        _axe = Axe()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        where = f"{page.url} at {width} px"
        violations = _axe.run(page).response["violations"]
        failing = [
            v for v in violations if WCAG_TAGS & set(v.get("tags", [])) or v.get("impact") in ("serious", "critical")
        ]
        others = [v for v in violations if v not in failing]
        if failing:
            problems.append(f"axe on {where}:\n{_format(failing)}")
        if others:
            print(f"\naxe (not failing) on {where}:\n{_format(others)}")
        fits, scroll_width, inner_width = no_horizontal_scroll(page)
        if not fits:
            problems.append(f"{where} scrolls sideways: {scroll_width} > {inner_width}: {wider_than_viewport(page)}")
    duplicates = page.evaluate(
        """() => { const seen = {}, dup = new Set();
          for (const el of document.querySelectorAll('[id]')) { if (seen[el.id]) dup.add(el.id); seen[el.id] = 1; }
          return [...dup]; }"""
    )
    if duplicates:
        problems.append(f"{page.url}: duplicate ids (labels point at the first of each): {duplicates}")
    # A label[for] names the first element with that id only: the fields it misses have no name.
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll('main input:not([type=hidden]), main select, main textarea')]
          .filter(el => !el.labels.length && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
          .map(el => `${el.tagName.toLowerCase()}#${el.id} in ${el.closest('[id]:not(input,select,textarea)')?.id || 'main'}`)"""
    )
    if unnamed:
        problems.append(f"{page.url}: form fields without a label of their own: {unnamed}")
    page.set_viewport_size({"width": 1280, "height": 800})


def submit(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def switch_to(page, email: str) -> None:
    page.context.clear_cookies()
    log_in(page, email)


# --- the journey -------------------------------------------------------------------
def test_flags_hide_a_comment_a_moderator_silences_the_author_who_appeals(page, db, make_user, make_question):
    from crowdq.questions import discussion

    problems: list[str] = []
    asker = make_user(display_name="Fenna de Vries")
    author = make_user(email="kees@example.org", display_name="Kees Kwast")
    other = make_user(email="pomp@example.org", display_name="Pomp Verkoper")
    flaggers = [
        make_user(email=f"flagger{n}@example.org", display_name=f"Flagger {n}", trust_level=1, trust_level_manual=True)
        for n in (1, 2, 3)
    ]
    make_user("moderator", email="mo@example.org", display_name="Mo Moderator")
    make_user("moderator", email="noor@example.org", display_name="Noor Moderator")
    question = make_question(
        author=asker, title="Why do herons stand completely still for such a long time?", body="At the Singel."
    )
    rude = discussion.add_comment(db, author, question, RUDE)
    spam = discussion.add_comment(db, other, question, HARMLESS)
    db.commit()
    question_url = f"/questions/{question.id}"

    # Three members report the rude comment through its "Report" link. The first also
    # reports another comment, so the queue holds more than one item.
    for n, flagger in enumerate(flaggers, start=1):
        switch_to(page, flagger.email)
        page.goto(question_url)
        page.locator(f"#comment-{rude.id}").get_by_role("link", name="Report", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Report to the moderators")
        expect(page.locator("blockquote")).to_contain_text("go read a book")
        if n == 1:
            check_page(page, problems)
        page.get_by_label("What is wrong with it?").select_option("abusive")
        page.get_by_label("Anything the moderators should know?").fill("Name-calling.")
        submit(page, "Send the report")
        expect(page.locator(".flash")).to_contain_text("A moderator will look at it")
        if n == 1:
            page.locator(f"#comment-{spam.id}").get_by_role("link", name="Report", exact=True).click()
            page.get_by_label("What is wrong with it?").select_option("spam")
            submit(page, "Send the report")
            expect(page.locator(".flash")).to_contain_text("A moderator will look at it")
        if n == 2:
            # Two flags (20 of 30 points): still public.
            page.context.clear_cookies()
            page.goto(question_url)
            expect(page.locator(f"#comment-{rude.id}")).to_contain_text(RUDE)

    # After the third flag an anonymous reader sees the placeholder, not the words.
    page.context.clear_cookies()
    page.goto(question_url)
    rude_comment = page.locator(f"#comment-{rude.id}")
    expect(rude_comment.locator(".moderation-placeholder")).to_have_text(PLACEHOLDER_FLAGGED)
    expect(rude_comment).not_to_contain_text("go read a book")
    expect(page.locator(f"#comment-{spam.id}")).to_contain_text(HARMLESS)  # one flag hides nothing

    # Mo, a moderator, finds it first in the queue and hides it, silencing Kees for a week.
    log_in(page, "mo@example.org")
    page.get_by_role("link", name="Moderation", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Moderation")
    items = page.locator(".review-item")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text(RUDE)
    item = items.filter(has_text=RUDE)
    expect(item).to_contain_text("3 flags")
    expect(item).to_contain_text("hidden after flags from the community, awaiting review")
    check_page(page, problems)
    item.get_by_label("Decision").select_option("hide")
    item.get_by_label("Reason", exact=True).select_option("abusive")
    item.get_by_label("Explanation for the member").fill("Calling other members names is not allowed here.")
    item.get_by_label("And the author").select_option("silence")
    item.get_by_label("For how many days").fill("7")
    with page.expect_navigation():
        item.get_by_role("button", name="Decide").click()
    expect(page.locator(".flash")).to_contain_text("Decided. The author has been told.")
    expect(page.locator(".review-item")).to_have_count(1)
    expect(page.locator(".review-item")).not_to_contain_text(RUDE)

    # The public now sees the moderator's reason (not the note meant for the author).
    page.context.clear_cookies()
    page.goto(question_url)
    expect(rude_comment.locator(".moderation-placeholder")).to_have_text(
        "Hidden by a moderator: Abusive or disrespectful."
    )
    expect(rude_comment).not_to_contain_text("go read a book")
    expect(rude_comment).not_to_contain_text("Calling other members names")

    # Kees sees his comment marked, and no comment form while silenced.
    log_in(page, author.email)
    page.goto(question_url)
    expect(rude_comment.locator(".moderation-marker")).to_contain_text(
        "hidden by a moderator (Abusive or disrespectful)"
    )
    expect(rude_comment).to_contain_text(RUDE)
    expect(page.locator("form.comment-form")).to_have_count(0)
    expect(page.get_by_label("Add a comment")).to_have_count(0)
    # And the server refuses a comment sent anyway (say from a form opened before the silence).
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    refused = page.request.post(
        f"/questions/{question.id}/comments", form={"csrf_token": token, "body": "You are all wrong anyway."}
    )
    assert refused.status == 403, refused.status

    # The notice mail tells him why and links to his notices, where he appeals the silence.
    notice_mails = [m.body_text for m in mails_to(db, author.email, "moderation_notice")]
    for decision in ("Hidden", "Silenced"):
        assert any(
            re.search(rf"^Decision: {decision}\b(?! after).*\nReason: Abusive or disrespectful$", body, re.M)
            for body in notice_mails
        ), f"no notice mail says {decision!r} with the reason:\n" + "\n---\n".join(notice_mails)
    notices_path = link_in(notice_mails[-1], "/moderation/notice")
    assert notices_path == "/moderation/notices"
    page.goto(notices_path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Moderation notices")
    silence_notice = page.locator(".notice-item").filter(has=page.get_by_role("heading", name="Silenced", exact=True))
    expect(silence_notice).to_contain_text("Reason: Abusive or disrespectful: Calling other members names")
    expect(silence_notice).to_contain_text("until")
    hide_notice = page.locator(".notice-item").filter(
        has=page.get_by_role("heading", name="Hidden · Comment", exact=True)
    )
    expect(hide_notice).to_contain_text("Reason: Abusive or disrespectful")
    check_page(page, problems)
    silence_notice.get_by_role("link", name="Appeal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Appeal a decision")
    expect(page.locator("dl.facts")).to_contain_text("Silenced")
    check_page(page, problems)
    page.get_by_label("Why should the decision change?").fill(
        "I lost my temper once and I am sorry; I would like to keep helping with answers."
    )
    submit(page, "Send the appeal")
    expect(page.locator(".flash")).to_contain_text("Your appeal is sent")
    expect(silence_notice).to_contain_text("Your appeal waits for another moderator.")
    expect(silence_notice.get_by_role("link", name="Appeal")).to_have_count(0)

    # Mo took the decision, so Mo may not decide the appeal.
    switch_to(page, "mo@example.org")
    page.goto("/moderation")
    page.get_by_role("link", name="Appeals", exact=True).click()
    expect(page.locator(".review-item")).to_contain_text("I lost my temper once")
    page.get_by_role("link", name="Decide the appeal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Decide an appeal")
    expect(page.locator("main")).to_contain_text("another moderator decides the appeal")
    expect(page.get_by_label("Explanation for the member")).to_have_count(0)
    check_page(page, problems)
    appeal_path = page.url.removeprefix(page.url.split("/moderation")[0])

    # Noor, another moderator, undoes the silence.
    switch_to(page, "noor@example.org")
    page.goto("/moderation")
    page.get_by_role("link", name="Appeals", exact=True).click()
    page.get_by_role("link", name="Decide the appeal").click()
    assert page.url.endswith(appeal_path)
    expect(page.locator("dl.facts")).to_contain_text("Silenced · Mo Moderator")
    expect(page.locator("dl.facts")).to_contain_text("Kees Kwast")
    check_page(page, problems)
    page.get_by_label("Decision").select_option("overturned")
    page.get_by_label("Explanation for the member").fill("A first slip; the hidden comment is enough.")
    submit(page, "Decide")
    expect(page.locator(".flash")).to_contain_text("Decided. The member has been told.")
    expect(page.locator("main")).to_contain_text("Nothing is waiting.")

    # The audit log shows it all, newest first, with who did it.
    page.get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(4)
    expected = [
        ("Noor Moderator", "Appeal decided: the action was undone"),
        ("Mo Moderator", "Silenced"),
        ("Mo Moderator", "Hidden"),
        ("the community or the system", "Hidden after flags from the community"),
    ]
    for n, (who, action) in enumerate(expected):
        expect(rows.nth(n).locator("td").nth(1)).to_have_text(who)
        expect(rows.nth(n).locator("td").nth(2)).to_have_text(action)
        expect(rows.nth(n).locator("td").nth(4)).to_have_text("Kees Kwast")
    expect(rows.nth(1).locator("td").nth(5)).to_contain_text("Abusive or disrespectful")
    check_page(page, problems)

    # The public report counts this month's actions, without names.
    page.context.clear_cookies()
    page.goto("/moderation/report")
    expect(page.get_by_role("heading", level=1)).to_have_text("Moderation report")
    for label in (
        "Hidden after flags from the community",
        "Hidden",
        "Silenced",
        "Appeal decided: the action was undone",
    ):
        row = page.locator("table tbody tr").filter(has=page.get_by_role("rowheader", name=label, exact=True))
        expect(row.locator("td").first).to_have_text("1")
    expect(page.locator("main")).not_to_contain_text("Kees")
    check_page(page, problems)

    # Kees reads the outcome and may comment again; the hidden comment stays hidden.
    log_in(page, author.email)
    page.goto("/moderation/notices")
    expect(silence_notice).to_contain_text("Your appeal was decided: the action was undone.")
    expect(silence_notice).to_contain_text("A first slip")
    page.goto(question_url)
    expect(rude_comment.locator(".moderation-marker")).to_contain_text("hidden by a moderator")
    page.get_by_label("Add a comment").fill("Herons save energy by not moving; they wait for fish to come close.")
    submit(page, "Post comment")
    expect(page.locator(".flash")).to_contain_text("Your comment is posted.")

    if problems:
        pytest.fail("accessibility problems on the moderation pages:\n" + "\n".join(problems), pytrace=False)
