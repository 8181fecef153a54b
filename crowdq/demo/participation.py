"""Demo data for organisations, calls and sessions (called by `demo.seed`).

Rows are written directly, with dates in the past and future that a
service would refuse ("a call that opened six days ago"); the counts,
budgets and search index are made true afterwards by the seed itself
(`counts.recount`, `search.rebuild`) and below (budgets, frozen results).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crowdq.calls import results
from crowdq.calls.models import CallBudget
from crowdq.facilitation.models import CommunitySession
from crowdq.organisations.models import Endorsement, Organisation, OrganisationMembership
from crowdq.questions import trending
from crowdq.questions.models import Question, QuestionFollow, Topic, Vote
from crowdq.text import render

CALLS = [
    # (state, slug, name_en, name_nl, opens in days, closes in days, budget, questions)
    (
        "upcoming",
        "summer-in-the-city",
        "Summer in the city",
        "Zomer in de stad",
        3,
        24,
        5,
        [],
    ),
    (
        "open",
        "clean-canals",
        "Clean canals",
        "Schone grachten",
        -6,
        8,
        3,
        [
            ("en", "Why does the Singel turn green every July?"),
            ("nl", "Waar komt het schuim op de Oude Rijn vandaan?"),
            ("en", "How many bicycles lie at the bottom of the Leiden canals?"),
            ("nl", "Is het veilig om in de zomer in de Nieuwe Rijn te zwemmen?"),
            ("en", "Do the fish in the canals survive a hot summer?"),
            ("nl", "Helpen drijvende tuinen om het grachtwater schoner te maken?"),
            ("en", "Where does the rubbish in the canals come from?"),
            ("nl", "Hoeveel microplastic zit er in de bodem van de grachten?"),
        ],
    ),
    (
        "closed",
        "quiet-streets",
        "Quiet streets",
        "Stille straten",
        -30,
        -2,
        None,
        [
            ("nl", "Maakt een lagere maximumsnelheid onze straat echt stiller?"),
            ("en", "Does noise from the ring road reach the schools in Leiden Noord?"),
            ("nl", "Slapen mensen slechter aan een drukke fietsroute?"),
            ("en", "Do green walls make a street quieter?"),
            ("nl", "Hoe hard zijn bladblazers eigenlijk voor de mensen die ze gebruiken?"),
            ("en", "Are electric buses quieter for the people living along their route?"),
        ],
    ),
]

ENDORSEMENTS = [
    (
        "Wij meten elke maand het water in de singels en willen dit graag uitgezocht zien.",
        "We measure the water in the canals every month and would love to see this answered.",
    ),
    ("Onze vrijwilligers vragen hier vaak naar.", "Our volunteers often ask about this."),
    ("Belangrijk voor iedereen die langs het water woont.", "Important for everyone living by the water."),
    ("", ""),
]

SESSION_QUESTIONS = [
    ("nl", "Waarom staan er in onze buurt zo weinig bomen?", "Fatima"),
    ("nl", "Kan de buurtmoestuin de bodem schoner maken?", None),
    ("en", "Why do the street lights in our street stay on during the day?", None),
    ("nl", "Hoe komt het dat mijn kelder elk voorjaar nat wordt?", None),
]


def seed_participation(
    session: Session,
    rng: random.Random,
    now: datetime,
    staff: dict,
    members: list,
    organisations: list[Organisation],
) -> None:
    ngo = staff["ngo@example.org"]
    schone, buurt = organisations
    _organisation_details(session, now, ngo, members, schone, buurt, staff["admin@example.org"])
    for state, slug, name_en, name_nl, opens, closes, budget, questions in CALLS:
        _call(session, rng, now, members, schone, state, slug, name_en, name_nl, opens, closes, budget, questions)
    _endorsements(session, rng, ngo, schone)
    _sessions(session, rng, now, staff, buurt)


def _organisation_details(session, now, ngo, members, schone, buurt, admin) -> None:
    schone.kind, schone.website = "ngo", "https://schone-singels.example.org"
    schone.contact_email = "info@schone-singels.example.org"
    buurt.kind, buurt.contact_email = "community", "contact@leiden-noord.example.org"
    for org in (schone, buurt):
        org.decided_by_id, org.decision_reason = admin.id, "Checked with the organisation by phone."
    session.flush()
    owner = session.get(OrganisationMembership, (schone.id, ngo.id))
    owner.show_publicly = True
    session.add(OrganisationMembership(organisation=buurt, user=ngo, role="owner", show_publicly=True))
    session.add(OrganisationMembership(organisation=schone, user=members[0], role="member", show_publicly=True))
    pending = Organisation(
        slug="buurtvereniging-de-kooi",
        name="Buurtvereniging De Kooi",
        description="Bewoners van De Kooi die samen vragen over hun wijk verzamelen.",
        kind="community",
        contact_email="bestuur@dekooi.example.org",
        created_by_id=members[1].id,
        created_at=now - timedelta(days=2),
    )
    rejected = Organisation(
        slug="snel-rijk-bv",
        name="Snel Rijk BV",
        description="Wij verkopen zonnepanelen.",
        kind="other",
        contact_email="sales@snelrijk.example.org",
        created_by_id=members[2].id,
        created_at=now - timedelta(days=10),
        rejected_at=now - timedelta(days=9),
        decided_by_id=admin.id,
        decision_reason="A company selling products, not an organisation of or for citizens.",
    )
    session.add_all([pending, rejected])
    session.flush()
    session.add(OrganisationMembership(organisation=pending, user=members[1], role="owner"))
    session.add(OrganisationMembership(organisation=rejected, user=members[2], role="owner"))


def _call(session, rng, now, members, sponsor, state, slug, name_en, name_nl, opens, closes, budget, questions) -> None:
    opens_at, closes_at = now + timedelta(days=opens), now + timedelta(days=closes)
    topic = Topic(
        slug=slug,
        name_en=name_en,
        name_nl=name_nl,
        description_en="Which questions should researchers answer? Ask yours and vote for the ones that matter to you.",
        description_nl="Welke vragen moeten onderzoekers beantwoorden? Stel de jouwe en stem op wat jij belangrijk vindt.",
        position=100 + len(slug),
        organisation_id=sponsor.id,
        opens_at=opens_at,
        closes_at=closes_at,
        vote_budget=budget,
        created_at=opens_at - timedelta(days=3),
    )
    session.add(topic)
    session.flush()
    last = min(now, closes_at) - timedelta(minutes=5)
    for language, title in questions:
        author = rng.choice(members)
        created = opens_at + (last - opens_at) * rng.random() * 0.6
        question = Question(
            title=title,
            body="",
            body_html="",
            language=language,
            topic_id=topic.id,
            author_id=author.id,
            created_at=created,
            updated_at=created,
        )
        session.add(question)
        session.flush()
        session.add(QuestionFollow(user_id=author.id, question_id=question.id))
        score = trending.EMPTY
        cap = budget or len(questions)
        for voter in rng.sample(members, k=rng.randint(0, len(members) // 2)):
            used = session.scalar(
                select(func.count())
                .select_from(Vote)
                .join(Question, Question.id == Vote.question_id)
                .where(Vote.user_id == voter.id, Question.topic_id == topic.id)
            )
            if used >= cap:
                continue
            voted_at = created + (last - created) * rng.random()
            session.add(Vote(user_id=voter.id, question_id=question.id, created_at=voted_at))
            session.flush()
            score = trending.logaddexp2(score, trending.vote_term(voted_at))
        question.trending_score = score
    if budget:
        used = session.execute(
            select(Vote.user_id, func.count())
            .join(Question, Question.id == Vote.question_id)
            .where(Question.topic_id == topic.id)
            .group_by(Vote.user_id)
        )
        for user_id, n in used:
            session.add(CallBudget(topic_id=topic.id, user_id=user_id, votes_used=n))
    session.flush()
    if state == "closed":
        results.ensure_frozen(session, topic, now=now)


def _endorsements(session, rng, ngo, organisation) -> None:
    candidates = session.scalars(
        select(Question)
        .join(Topic, Topic.id == Question.topic_id)
        .where(Topic.slug.in_(("water-and-soil", "clean-canals")))
        .order_by(Question.id)
    ).all()
    for question, (nl, en) in zip(rng.sample(list(candidates), k=len(ENDORSEMENTS)), ENDORSEMENTS, strict=True):
        statement = nl if question.language == "nl" else en
        session.add(
            Endorsement(
                organisation_id=organisation.id,
                question_id=question.id,
                statement=statement,
                statement_html=render(statement),
                created_by_id=ngo.id,
            )
        )


def _sessions(session, rng, now, staff, organisation) -> None:
    ngo, researcher = staff["ngo@example.org"], staff["researcher@example.org"]
    past = CommunitySession(
        title="Vragenavond Buurthuis De Kooi",
        place="Buurthuis De Kooi, Kooilaan 1, Leiden",
        description="Een avond met koffie waarop buren hun vragen aan de wetenschap stellen.",
        starts_at=now - timedelta(days=21, hours=2),
        ends_at=now - timedelta(days=21),
        organisation_id=organisation.id,
        created_by_id=ngo.id,
        created_at=now - timedelta(days=35),
    )
    upcoming = CommunitySession(
        title="Vragenmarkt Merenwijk",
        place="Winkelcentrum Merenwijk, Leiden",
        description="Loop langs met je vraag: onderzoekers schrijven hem samen met je op.",
        starts_at=now + timedelta(days=10),
        ends_at=now + timedelta(days=10, hours=3),
        created_by_id=researcher.id,
        created_at=now - timedelta(days=3),
    )
    session.add_all([past, upcoming])
    session.flush()
    for index, (language, title, asker) in enumerate(SESSION_QUESTIONS):
        created = past.starts_at + timedelta(minutes=20 * (index + 1))
        question = Question(
            title=title,
            body="",
            body_html="",
            language=language,
            author_id=ngo.id,
            entered_by_id=ngo.id,
            source="session",
            session_id=past.id,
            asker_name=asker,
            organisation_id=organisation.id,
            created_at=created,
            updated_at=created,
        )
        session.add(question)
        session.flush()
        session.add(QuestionFollow(user_id=ngo.id, question_id=question.id))
