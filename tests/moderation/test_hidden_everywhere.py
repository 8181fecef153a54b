"""Hidden means hidden everywhere (issue 11).

A small world holds one item of every kind that moderation acts on, each
with a secret word of its own: a question with tags, topic and place (and a
question merged into it), a question merged into another, a comment, an
organisation's endorsement statement, a project update, an answer and a
member's profile. Anonymous readers fetch every public page first, with the
page cache on, so those pages are cached with the secret in them.

Then the items are hidden (after flags from the community, by a moderator,
removed, or held for review where that applies: one test per state) and
every surface is walked again: anonymous readers (through the cache) and
another member (a researcher with a claim on the question, who also sees the
research dashboard, the merge log, the duplicates queue and the report and
reply pages) never see a secret, and the counts drop; the author and a
moderator still see the content, marked. Mails and notification records
queued before say nothing of it. A closed call's frozen ranking is checked
on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from crowdq import create_app
from crowdq.db import make_engine, utcnow
from crowdq.events import Event
from crowdq.merging import services as merging
from crowdq.moderation import decisions
from crowdq.moderation.targets import Key, load
from crowdq.notifications.models import Notification
from crowdq.organisations import endorsements
from crowdq.organisations.models import Organisation, OrganisationMembership
from crowdq.questions import discussion, queries
from crowdq.questions import services as questions
from crowdq.questions.models import Topic
from crowdq.research import adoption, answers, claims, projects, updates
from tests.conftest import _PER_APP_CACHES, IsolatedClient, login, outbox, post_form

# One secret word per kind: it is in the item's text and nowhere else.
SECRETS = {
    "question": "Quokkaplein",
    "merged_question": "Walrusdijk",
    "comment": "Wombatsteeg",
    "endorsement": "Kiwibrug",
    "project_update": "Dingokade",
    "answer": "Emoegracht",
    "profile": "Koalalaan",
}
# How each state shows to the author and moderators (templates/moderation/_content.html state_label;
# a held question says it waits for review).
MARKERS = {
    "held": "waiting for review",
    "flagged": "hidden after flags from the community",
    "hidden": "hidden by a moderator",
    "removed": "removed by a moderator",
}
# Held applies to what is screened for holding when written (crowdq.moderation.prevention): questions,
# comments and endorsement statements; research texts and profiles are never held.
HELD_KINDS = ("question", "comment", "endorsement")


@dataclass
class World:
    moderator: object
    reader: object  # another member: a verified researcher on no team
    asker: object
    mover: object
    neighbour: object
    commenter: object
    scientist: object
    org_owner: object
    question: object  # tagged, with a topic and a place; `source` was merged into it
    source: object
    merged: object  # merged into `merged_target`
    merged_target: object
    discussed: object  # has the comment
    comment: object
    studied: object  # endorsed, adopted and answered
    organisation: object
    project: object
    update: object
    answer: object

    def key(self, kind: str) -> Key:
        return {
            "question": Key("question", self.question.id),
            "merged_question": Key("question", self.merged.id),
            "comment": Key("comment", self.comment.id),
            "endorsement": Key("endorsement", self.studied.id, self.organisation.id),
            "project_update": Key("project_update", self.update.id),
            "answer": Key("answer", self.answer.id),
            "profile": Key("profile", self.neighbour.id),
        }[kind]

    def author(self, kind: str):
        return {
            "question": self.asker,
            "merged_question": self.mover,
            "comment": self.commenter,
            "endorsement": self.org_owner,
            "project_update": self.scientist,
            "answer": self.scientist,
            "profile": self.neighbour,
        }[kind]

    def own_page(self, kind: str) -> str:
        """Where the author and moderators see the item (marked)."""
        return {
            "question": f"/questions/{self.question.id}",
            "merged_question": f"/questions/{self.merged.id}",
            "comment": f"/questions/{self.discussed.id}",
            "endorsement": f"/questions/{self.studied.id}",
            "project_update": f"/projects/{self.project.id}",
            "answer": f"/questions/{self.studied.id}",
            "profile": f"/users/{self.neighbour.id}",
        }[kind]

    @property
    def all_questions(self) -> list:
        return [self.question, self.source, self.merged, self.merged_target, self.discussed, self.studied]

    def public_urls(self) -> list[str]:
        """Every page an anonymous reader can reach that could show any of the items."""
        people = (self.asker, self.mover, self.neighbour, self.commenter, self.scientist, self.org_owner)
        urls = ["/"]
        urls += [f"/questions?sort={sort}" for sort in queries.SORTS]
        urls += [
            "/questions?status=merged",
            "/questions?topic=water",
            "/questions?tag=reigers",
            "/questions?place=Zoeterwoude",
            "/questions?language=en&sort=votes",
            "/topics/water",
            "/tags/reigers",
            "/tags/brakwater",
            # The search box repeats the query, so the queries use other words of the texts.
            "/search?q=brakwatersluis",
            "/search?q=herons",
            "/search?q=canal",
            "/questions/similar?title=Why+do+herons+gather+at+the+sluice",
            "/questions/similar?title=How+deep+is+the+water+at+the+canal",
            "/api/v1/questions?per_page=100",
            "/api/v1/questions?sort=newest&per_page=100",
            "/api/v1/questions?tag=reigers",
            "/api/v1/questions/similar?text=herons+gather+at+the+sluice+brakwatersluis",
            "/api/v1/questions/similar?text=how+deep+is+the+water+at+the+canal",
            "/organisations",
            f"/organisations/{self.organisation.slug}",
            "/projects",
            f"/projects/{self.project.id}",
            "/impact",
            "/sessions",
            "/moderation/report",
            f"/questions/{self.studied.id}/answers/{self.answer.id}/revisions",
        ]
        urls += [f"/users/{u.id}" for u in people]
        for q in self.all_questions:
            urls += [f"/questions/{q.id}", f"/api/v1/questions/{q.id}", f"/questions/{q.id}/revisions"]
        return urls

    def member_urls(self) -> list[str]:
        """Pages only members (here: a researcher) reach."""
        return [
            "/research",
            "/moderation/merges",
            "/moderation/duplicates",
            f"/comments/{self.comment.id}/reply",
            f"/questions/{self.studied.id}/adopt",
            # The report page quotes what is reported.
            *(f"/report/{_route(self.key(kind))}" for kind in SECRETS),
        ]

    def gone(self, kind: str) -> set[str]:
        """Pages that stop existing for readers when the item is hidden."""
        report = f"/report/{_route(self.key(kind))}"
        if kind == "comment":  # a moderated comment takes no replies
            return {report, f"/comments/{self.comment.id}/reply"}
        if kind not in ("question", "merged_question"):
            return {report}
        q = self.key(kind).id
        return {report, f"/questions/{q}", f"/api/v1/questions/{q}", f"/questions/{q}/revisions"}

    def shown_before(self, kind: str) -> set[str]:
        """Pages that show the secret to anonymous readers before the hide (the walk reaches them)."""
        q, s, m, t = self.question.id, self.source.id, self.merged.id, self.merged_target.id
        a, p = self.studied.id, self.project.id
        return {
            "question": {
                "/",
                "/questions?sort=newest",
                "/questions?sort=votes",
                "/questions?topic=water",
                "/questions?tag=reigers",
                "/questions?place=Zoeterwoude",
                "/topics/water",
                "/tags/reigers",
                "/search?q=brakwatersluis",
                "/questions/similar?title=Why+do+herons+gather+at+the+sluice",
                "/api/v1/questions?per_page=100",
                "/api/v1/questions/similar?text=herons+gather+at+the+sluice+brakwatersluis",
                f"/questions/{q}",
                f"/api/v1/questions/{q}",
                f"/questions/{s}",  # "This question was merged into ..."
                f"/users/{self.asker.id}",
            },
            "merged_question": {
                "/questions?status=merged",
                f"/questions/{m}",
                f"/api/v1/questions/{m}",
                f"/questions/{t}",  # "Includes 1 merged question" and the timeline
            },
            "comment": {f"/questions/{self.discussed.id}"},
            "endorsement": {f"/questions/{a}"},
            "project_update": {f"/projects/{p}", f"/questions/{a}"},
            "answer": {
                f"/questions/{a}",
                f"/projects/{p}",
                f"/api/v1/questions/{a}",
                "/api/v1/questions?per_page=100",
                f"/questions/{a}/answers/{self.answer.id}/revisions",
            },
            "profile": {f"/users/{self.neighbour.id}"},
        }[kind]


def build_world(db, make_user, make_question) -> World:
    moderator = make_user("moderator", display_name="Moderator Merel")
    reader = make_user("researcher", display_name="Reader Ruben")
    asker = make_user(display_name="Asker Anna")
    mover = make_user(display_name="Asker Mo")
    neighbour = make_user(display_name="Neighbour Bas", bio="I live on the Koalalaan and count the herons.")
    commenter = make_user(display_name="Commenter Cas")
    scientist = make_user("researcher", display_name="Doctor Sanne")
    org_owner = make_user(display_name="Owner Otto")

    question = make_question(
        author=asker,
        title="Why do herons gather at the Quokkaplein sluice?",
        body="Every morning the Quokkaplein herons stand at the brakwatersluis.",
        tags="reigers, brakwater",
        place="Zoeterwoude",
    )
    source = make_question(author=neighbour, title="Do herons like sluices in the polder?", body="")
    merging.merge(db, moderator, [source], question, "The same question in other words.")
    merged_target = make_question(author=neighbour, title="How deep are the canals of Leiden?", body="")
    merged = make_question(
        author=mover, title="How deep is the water at the Walrusdijk canal?", body="At the Walrusdijk, I mean."
    )
    merging.merge(db, moderator, [merged], merged_target, "Both ask how deep the canals are.")
    questions.vote(db, reader, question)
    claims.claim(db, reader, question, note="Preparing a study.")  # on the reader's research dashboard
    questions.vote(db, commenter, question)

    discussed = make_question(author=neighbour, title="Where do the swans of the Singel sleep at night?", body="")
    comment = discussion.add_comment(db, commenter, discussed, "Under the bridge at the Wombatsteeg, I saw them.")

    studied = make_question(author=neighbour, title="What makes the canal water so green in August?", body="")
    organisation = Organisation(
        slug="groen-leiden",
        name="Groen Leiden",
        description="We plant trees.",
        kind="ngo",
        contact_email="info@groen-leiden.example.org",
        created_by_id=org_owner.id,
        verified_at=utcnow(),
    )
    db.add(organisation)
    db.flush()
    db.add(OrganisationMembership(organisation_id=organisation.id, user_id=org_owner.id, role="owner"))
    db.commit()
    db.refresh(organisation)
    endorsements.endorse(db, org_owner, organisation, studied, "We measure the green water at the Kiwibrug weekly.")
    project = projects.create(
        db, scientist, title="Green canals study", summary_en="We measure algae.", status="running"
    )
    adoption.adopt(db, scientist, studied, project, "We sample six canals.")
    update = updates.post(db, scientist, project, "The first samples were taken at the Dingokade today.")
    answer, _ = answers.publish(
        db, scientist, studied, project, summary_en="Blue-green algae, most of all near the Emoegracht.", summary_nl=""
    )
    db.commit()
    return World(
        moderator, reader, asker, mover, neighbour, commenter, scientist, org_owner,
        question, source, merged, merged_target, discussed, comment, studied, organisation, project, update, answer,
    )  # fmt: skip


_CACHED: dict = {}


@pytest.fixture
def cached_app(app, database_url, tmp_path_factory):
    """An app with the anonymous page cache on, on the test's database (as in tests/core/test_page_cache.py).

    One per test process, pointed at each test's database as tests/conftest.py does with the shared app:
    a new app would compile every template again (about a second per test)."""
    cached = _CACHED.get("app")
    if cached is None:
        cached = _CACHED["app"] = create_app(
            "testing",
            DATABASE_URL=database_url,
            PAGE_CACHE_SECONDS=30,
            RATELIMIT_ENABLED=False,
            PAGE_CACHE_GENERATION_FILE=str(tmp_path_factory.mktemp("page-cache") / "generation"),
        )
        cached.test_client_class = IsolatedClient
    else:
        cached.config["DATABASE_URL"] = database_url
        for name in _PER_APP_CACHES:
            cached.extensions.pop(name, None)
        cached.extensions["crowdq.engine"] = make_engine(database_url)
    cached.extensions["crowdq.page_cache"].clear()  # no page of another test's database
    yield cached
    cached.extensions["crowdq.engine"].dispose()


def _route(key: Key) -> str:
    return f"{key.type}/{key.id}" + (f"/{key.sub}" if key.sub else "")


def apply_state(db, make_user, cached_app, world: World, kinds: list[str], state: str) -> None:
    """Put the items in `state` the way it happens on the site."""
    keys = [world.key(kind) for kind in kinds]
    if state == "flagged":
        # Three ordinary members (trust level 1) reach the default threshold of three flags.
        for _ in range(3):
            flagger = cached_app.test_client()
            login(flagger, make_user(trust_level=1, trust_level_manual=True))
            for key in keys:
                url = f"/report/{_route(key)}"
                assert post_form(flagger, url, {"reason": "abusive", "note": ""}).status_code == 302, url
    elif state in ("hidden", "removed"):
        moderator = cached_app.test_client()
        login(moderator, world.moderator)
        data = {"action": "hide" if state == "hidden" else "remove", "reason": "abusive", "reason_text": "",
                "sanction": "", "days": ""}  # fmt: skip
        for key in keys:
            assert post_form(moderator, f"/moderation/item/{_route(key)}", data).status_code == 302, key
    else:
        for key in keys:
            decisions.hold(db, key, load(db, key), "held", "held for this test")
        db.commit()
        # Content is held by the write that creates or edits it (crowdq.moderation.prevention), and that
        # write request starts a new page cache generation.
        cached_app.extensions["crowdq.page_cache"].clear()
    db.expire_all()
    for kind, key in zip(kinds, keys, strict=True):
        row = load(db, key)
        assert (row.profile_state if kind == "profile" else row.moderation_state) == state, kind


def text_of(response) -> str:
    return response.get_data(as_text=True).lower()


def topic_count(html: str) -> int:
    found = re.search(r'href="/topics/water"><strong>water</strong><span>(\d+) questions?</span>', html)
    assert found, "no tile for the topic on the home page"
    return int(found.group(1))


@pytest.mark.parametrize("state", ["flagged", "hidden", "removed", "held"])
def test_hidden_content_is_gone_from_every_public_surface(cached_app, db, make_user, make_question, topic, state):
    """Every kind is put in `state` at once (held: where it applies), then every surface is walked once:
    a walk per kind and state would take a minute, and the items live on different pages, so hiding one
    cannot mask another's leak (each is looked for by its own secret)."""
    world = build_world(db, make_user, make_question)
    kinds = [kind for kind in SECRETS if state != "held" or kind in HELD_KINDS]
    untouched = [kind for kind in SECRETS if kind not in kinds]
    public, members = world.public_urls(), world.member_urls()
    anonymous = cached_app.test_client()
    reader = cached_app.test_client()
    login(reader, world.reader)

    # Before: every secret is on the pages it belongs to, and anonymous readers' copies are cached
    # (but for the few endpoints the cache leaves alone: crowdq.page_cache.CACHEABLE).
    before = {url: anonymous.get(url) for url in public}
    assert not [(url, r.status_code) for url, r in before.items() if r.status_code != 200]
    uncached = ("/users/", "/api/v1/questions/similar", f"/questions/{world.studied.id}/answers/")
    for kind, secret in SECRETS.items():
        seen = {url for url, response in before.items() if secret.lower() in text_of(response)}
        assert world.shown_before(kind) <= seen, (kind, sorted(world.shown_before(kind) - seen))
        not_cached = [
            url
            for url in world.shown_before(kind)
            if before[url].headers.get("X-Page-Cache") != "miss" and not url.startswith(uncached)
        ]
        assert not not_cached, (kind, not_cached)
    api_before = anonymous.get("/api/v1/questions?per_page=100").get_json()["items"]
    home_before = topic_count(text_of(before["/"]))

    apply_state(db, make_user, cached_app, world, kinds, state)

    # Anonymous readers (through the page cache) and another member never see it.
    gone = set().union(*(world.gone(kind) for kind in kinds))
    says_why = {f"/questions/{world.key(k).id}" for k in kinds if k in ("question", "merged_question")}
    leaks, statuses, missing = [], [], []
    for who, client, urls in (("anonymous", anonymous, public), ("member", reader, public + members)):
        for url in urls:
            response = client.get(url)
            expected = 200
            if url in gone:
                # Its page says why it is gone (410) when hidden; removed and held ones are simply not there.
                expected = 410 if state in ("flagged", "hidden") and url in says_why else 404
            if response.status_code != expected:
                statuses.append((who, url, response.status_code))
            page = text_of(response)
            leaks += [(kind, who, url) for kind in kinds if SECRETS[kind].lower() in page]
            # What was not held stays where it was.
            missing += [
                (k, who, url) for k in untouched if url in world.shown_before(k) and SECRETS[k].lower() not in page
            ]
    assert not leaks, leaks
    assert not statuses, statuses
    assert not missing, missing

    # The counts drop with it.
    api_after = anonymous.get("/api/v1/questions?per_page=100").get_json()["items"]
    assert world.question.id in {q["id"] for q in api_before}
    assert world.question.id not in {q["id"] for q in api_after} and len(api_after) == len(api_before) - 1
    assert topic_count(text_of(anonymous.get("/"))) == home_before - 1
    discussed = anonymous.get(f"/api/v1/questions/{world.discussed.id}").get_json()
    assert discussed["comment_count"] == 0
    assert "0 comments" in text_of(anonymous.get(f"/questions/{world.discussed.id}"))
    studied = anonymous.get(f"/api/v1/questions/{world.studied.id}").get_json()
    assert (studied["answer"] is None) == ("answer" in kinds)
    # Readers see the placeholder where each item was (a held item is simply not there yet).
    if state != "held":
        expected = {
            f"/questions/{world.discussed.id}": 1,  # the comment
            f"/questions/{world.studied.id}": 3,  # the endorsement's statement, the answer, the update's excerpt
            f"/projects/{world.project.id}": 1,  # the update
            f"/users/{world.neighbour.id}": 1,  # the profile's bio
        }
        found = {url: text_of(anonymous.get(url)).count('class="moderation-placeholder"') for url in expected}
        assert found == expected

    # The author and a moderator still see it, marked.
    moderator = cached_app.test_client()
    login(moderator, world.moderator)
    for kind in kinds:
        author = cached_app.test_client()
        login(author, world.author(kind))
        for who, client in (("author", author), ("moderator", moderator)):
            response = client.get(world.own_page(kind))
            page = text_of(response)
            assert response.status_code == 200, (kind, who)
            assert SECRETS[kind].lower() in page and MARKERS[state] in page, (kind, who, world.own_page(kind))

    # Nothing queued for later says it: mails, and notifications (rows pointing at events; the inbox and
    # digests of issue 12 do not exist yet, so they must check the item's state when they render).
    mails = outbox(db)
    assert not [(m.kind, k) for m in mails for k in kinds if SECRETS[k].lower() in (m.subject + m.body_text).lower()]
    notified = db.scalars(select(Event).join(Notification, Notification.event_id == Event.id)).all()
    assert notified  # the update and the answer notified the studied question's audience
    assert not [(e.kind, k) for e in notified for k in kinds if SECRETS[k].lower() in repr(e.data).lower()]


def test_a_closed_calls_final_ranking_leaves_out_a_question_hidden_after_closing(
    cached_app, db, make_user, make_question
):
    """The ranking is frozen at closing with the titles as they were; a question hidden afterwards must
    not stay on the call page or in the sponsor's downloads."""
    sponsor = make_user(display_name="Sponsor Sam")
    organisation = Organisation(slug="water-board", name="Water board", verified_at=utcnow())
    db.add(organisation)
    db.flush()
    db.add(OrganisationMembership(organisation_id=organisation.id, user_id=sponsor.id, role="owner"))
    now = utcnow()
    call = Topic(
        slug="clean-water", name_en="Clean water", name_nl="Schoon water", opens_at=now - timedelta(days=2),
        closes_at=now + timedelta(days=2), organisation_id=organisation.id,
    )  # fmt: skip
    db.add(call)
    db.commit()
    hidden = make_question(title="Is the Quokkaplein fountain water safe?", body="", topic_id=call.id)
    kept = make_question(title="Is the harbour water safe to swim in?", body="", topic_id=call.id)
    hidden.created_at = kept.created_at = now - timedelta(hours=2)
    call.closes_at = now - timedelta(hours=1)
    db.commit()
    anonymous = cached_app.test_client()
    assert "quokkaplein" in text_of(anonymous.get("/topics/clean-water"))  # the first read freezes it

    moderator = cached_app.test_client()
    login(moderator, make_user("moderator"))
    data = {"action": "hide", "reason": "abusive", "reason_text": "", "sanction": "", "days": ""}
    assert post_form(moderator, f"/moderation/item/question/{hidden.id}", data).status_code == 302

    page = text_of(anonymous.get("/topics/clean-water"))
    assert "quokkaplein" not in page and "harbour water" in page
    owner = cached_app.test_client()
    login(owner, sponsor)
    for url in ("/topics/clean-water", "/topics/clean-water/results.csv", "/topics/clean-water/results.json"):
        response = owner.get(url)
        assert response.status_code == 200 and "harbour water" in text_of(response)
        assert "quokkaplein" not in text_of(response), url
