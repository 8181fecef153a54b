"""Load the demo data: members of every role, organisations (verified,
waiting and rejected), a project, topics, 64 questions in Dutch and English
with votes and comments, endorsements, calls for questions in each state and
neighbourhood sessions (crowdq.demo.participation).

Idempotent: a site setting marks the data as loaded. Randomness is seeded,
so every fresh database gets the same demo.
"""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from crowdq import search
from crowdq.accounts.models import User
from crowdq.accounts.passwords import hash_password
from crowdq.admin.models import SiteSetting
from crowdq.db import utcnow
from crowdq.demo import content, participation, research
from crowdq.demo import merging as demo_merging
from crowdq.demo import moderation as demo_moderation
from crowdq.organisations.models import Organisation, OrganisationMembership
from crowdq.questions import counts, trending
from crowdq.questions.models import Comment, Question, QuestionFollow, Tag, Topic, Vote
from crowdq.research.models import Project, ProjectMember, ProjectUpdate
from crowdq.search import terms
from crowdq.text import render, slugify

MARKER = "demo_seeded"
# Documented in the README; demo databases only.
DEMO_PASSWORD = "crowdq-demo-2026"

STAFF = [
    ("admin@example.org", "Anna Admin", "admin", "nl"),
    ("moderator@example.org", "Mo Moderator", "moderator", "en"),
    ("researcher@example.org", "Dr. Rachel Onderzoek", "researcher", "en"),
    ("onderzoeker@example.org", "Dr. Pieter Bakker", "researcher", "nl"),
    ("ngo@example.org", "Noor Organisatie", "citizen", "nl"),
]
ORGANISATIONS = [
    (
        "stichting-schone-singels",
        "Stichting Schone Singels",
        "Vrijwilligers die de Leidse singels schoon en levend houden.",
    ),
    (
        "buurtnetwerk-leiden-noord",
        "Buurtnetwerk Leiden Noord",
        "Bewoners van Leiden Noord die samen vragen verzamelen.",
    ),
]


def seed(session: Session) -> bool:
    if session.get(SiteSetting, MARKER) is not None:
        return False
    rng = random.Random(2026)
    now = utcnow()
    password_hash = hash_password(DEMO_PASSWORD)

    staff = {}
    for email, name, role, locale in STAFF:
        user = session.scalar(select(User).where(User.email == email)) or User(email=email)
        user.display_name, user.locale, user.password_hash = name, locale, password_hash
        user.confirmed_at = user.confirmed_at or now - timedelta(days=90)
        user.is_admin = user.is_admin or role == "admin"
        user.is_moderator = user.is_moderator or role == "moderator"
        if role == "researcher" and user.researcher_verified_at is None:
            user.researcher_verified_at = now - timedelta(days=80)
        session.add(user)
        staff[email] = user

    members = []
    for i, member in enumerate(content.MEMBERS):
        email = f"{slugify(member['name'])}@example.org"
        user = session.scalar(select(User).where(User.email == email)) or User(email=email)
        user.display_name, user.locale, user.password_hash = member["name"], member["locale"], password_hash
        user.bio = member.get("bio_nl") or member.get("bio_en") or ""
        user.confirmed_at = user.confirmed_at or now - timedelta(days=60 - i)
        session.add(user)
        members.append(user)
    session.flush()
    everyone = members + list(staff.values())

    organisations = []
    for slug, name, description in ORGANISATIONS:
        org = session.scalar(select(Organisation).where(Organisation.slug == slug))
        if org is None:
            org = Organisation(slug=slug, name=name, description=description, verified_at=now - timedelta(days=70))
            session.add(org)
        organisations.append(org)
    session.flush()
    if session.get(OrganisationMembership, (organisations[0].id, staff["ngo@example.org"].id)) is None:
        session.add(OrganisationMembership(organisation=organisations[0], user=staff["ngo@example.org"], role="owner"))

    project = Project(
        title="Microplastics in Leiden's water",
        summary_en="A citizen-science project measuring microplastics in canals and tap water, with residents taking samples.",
        summary_nl="Een burgerwetenschapsproject dat microplastic meet in grachten en kraanwater; bewoners nemen de monsters.",
        institution="Universiteit Leiden",
        status="running",
        created_by_id=staff["researcher@example.org"].id,
    )
    session.add(project)
    session.flush()
    session.add(
        ProjectMember(project_id=project.id, user_id=staff["researcher@example.org"].id, role="lead", accepted_at=now)
    )
    session.add(
        ProjectMember(
            project_id=project.id,
            user_id=staff["onderzoeker@example.org"].id,
            role="member",
            invited_by_id=staff["researcher@example.org"].id,
            accepted_at=now - timedelta(days=20),
        )
    )
    project.starts_on = (now - timedelta(days=40)).date()
    project.website_url = "https://example.org/microplastics-leiden"
    first_update = (
        "We took the first **twelve samples** from the Singels, with help from residents of Leiden Noord. "
        "The lab expects results in about six weeks."
    )
    session.add(
        ProjectUpdate(
            project_id=project.id,
            author_id=staff["researcher@example.org"].id,
            body=first_update,
            body_html=render(first_update),
            created_at=now - timedelta(days=6),
        )
    )

    topics = {}
    for position, t in enumerate(content.TOPICS, start=1):
        topic = session.scalar(select(Topic).where(Topic.slug == t["slug"])) or Topic(slug=t["slug"])
        for key in ("name_en", "name_nl", "description_en", "description_nl"):
            setattr(topic, key, t[key])
        topic.position = position
        session.add(topic)
        topics[t["slug"]] = topic
    topics["water-and-soil"].organisation_id = organisations[0].id
    session.flush()

    tags: dict[str, Tag] = {t.name: t for t in session.scalars(select(Tag))}
    for index, item in enumerate(content.QUESTIONS):
        created = now - timedelta(days=rng.uniform(0.2, 60), minutes=index)
        author = rng.choice(members)
        question_tags = []
        for name in item.get("tags", []):
            if name not in tags:
                tags[name] = Tag(name=name)
            question_tags.append(tags[name])
        question = Question(
            title=item["title"],
            body=item["body"],
            body_html=render(item["body"]),
            language=item["language"],
            topic=topics[item["topic"]],
            place=item.get("place"),
            author_id=author.id,
            created_at=created,
            updated_at=created,
            tags=question_tags,
            organisation_id=organisations[0].id if item["topic"] == "water-and-soil" and index % 2 == 0 else None,
        )
        session.add(question)
        session.flush()
        session.add(QuestionFollow(user_id=author.id, question_id=question.id))
        voters = rng.sample(everyone, k=rng.choice([0, 1, 2, 3, 5, 8, 12, 16, 20]))
        score = trending.EMPTY
        last_vote = None
        for voter in voters:
            voted_at = created + (now - created) * rng.random()
            session.add(Vote(user_id=voter.id, question_id=question.id, created_at=voted_at))
            score = trending.logaddexp2(score, trending.vote_term(voted_at))
            last_vote = max(last_vote or voted_at, voted_at)
            if voter.id != author.id:
                session.add(QuestionFollow(user_id=voter.id, question_id=question.id))
        question.trending_score = score
        question.last_vote_at = last_vote
        _comments(session, rng, question, everyone, created, now)
    session.flush()
    participation.seed_participation(session, rng, now, staff, members, organisations)
    research.seed_research(session, now, staff, members, project)
    session.flush()
    search.rebuild(session)
    terms.refresh(session)
    demo_merging.seed_merging(session, staff, members)
    demo_moderation.seed_moderation(session, staff, members)
    counts.recount(session)
    session.add(SiteSetting(key=MARKER, value=now.isoformat()))
    return True


def _comments(session, rng, question, people, created, now) -> None:
    lang = question.language
    for _ in range(rng.choice([0, 0, 1, 2, 3, 4])):
        author = rng.choice(people)
        when = created + (now - created) * rng.random()
        body = rng.choice(content.COMMENTS[lang])
        comment = Comment(
            question_id=question.id, author_id=author.id, body=body, body_html=render(body), created_at=when
        )
        session.add(comment)
        session.flush()
        if rng.random() < 0.4:
            reply_body = rng.choice(content.REPLIES[lang])
            session.add(
                Comment(
                    question_id=question.id,
                    author_id=question.author_id,
                    parent_id=comment.id,
                    body=reply_body,
                    body_html=render(reply_body),
                    created_at=min(now, when + timedelta(hours=rng.uniform(1, 48))),
                )
            )
