"""Demo data for the research loop (called by `demo.seed` once the questions exist):
researcher applications in every state, a claim, adoptions and an answer with a DOI,
made through the services so statuses, events and notification records are right."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from crowdq.questions.models import Question
from crowdq.research import adoption, answers, claims
from crowdq.research.models import Project, ResearcherApplication


def _question(session: Session, starts_with: str) -> Question:
    return session.scalar(select(Question).where(Question.title.startswith(starts_with)).order_by(Question.id))


def seed_research(session: Session, now: datetime, staff: dict, members: list, project: Project) -> None:
    admin, researcher, onderzoeker = (
        staff["admin@example.org"],
        staff["researcher@example.org"],
        staff["onderzoeker@example.org"],
    )
    session.add_all(
        [
            ResearcherApplication(
                user_id=researcher.id,
                institution="Universiteit Leiden",
                department="Institute of Environmental Sciences",
                position="Assistant professor",
                profile_url="https://www.universiteitleiden.example.org/staff/rachel-onderzoek",
                orcid="0000-0002-1825-0097",
                status="approved",
                created_at=now - timedelta(days=82),
                decided_at=now - timedelta(days=80),
                decided_by_id=admin.id,
                decision_reason="Staff page and ORCID record checked.",
            ),
            ResearcherApplication(
                user_id=onderzoeker.id,
                institution="Universiteit Utrecht",
                position="Hoogleraar",
                profile_url="https://www.uu.example.org/medewerkers/pieter-bakker",
                status="approved",
                created_at=now - timedelta(days=82),
                decided_at=now - timedelta(days=80),
                decided_by_id=admin.id,
                decision_reason="Profielpagina gecontroleerd.",
            ),
            ResearcherApplication(
                user_id=members[0].id,
                institution="Hogeschool Leiden",
                position="Lector",
                profile_url="https://www.hsleiden.example.org/lectoren",
                status="pending",
                created_at=now - timedelta(days=1),
            ),
            ResearcherApplication(
                user_id=members[3].id,
                institution="Stichting Natuurlijk Weten",
                position="Vrijwilliger",
                profile_url="https://natuurlijkweten.example.org",
                status="rejected",
                created_at=now - timedelta(days=12),
                decided_at=now - timedelta(days=10),
                decided_by_id=admin.id,
                decision_reason="De profielpagina noemt je niet. Voeg je ORCID iD toe of een pagina van je instelling.",
            ),
        ]
    )
    tap_water = _question(session, "Are there microplastics in Dutch tap water")
    canals = _question(session, "Waarom is het water in de Leidse grachten")
    peat = _question(session, "Waarom zakt de bodem in het Groene Hart")
    if canals is not None:
        adoption.adopt(session, researcher, canals, project, "We take monthly samples at ten spots along the Singels, with residents.")
    if tap_water is not None:
        adoption.adopt(session, researcher, tap_water, project, "Our tap-water samples cover this question.")
        answers.publish(
            session,
            researcher,
            tap_water,
            project,
            summary_en=(
                "Leiden's tap water contained far fewer microplastic particles than the canal water: the drinking-water "
                "company's sand filters remove most of them. What remains is comparable to bottled water."
            ),
            summary_nl=(
                "In het Leidse kraanwater zaten veel minder microplastic-deeltjes dan in het grachtwater: de zandfilters "
                "van het drinkwaterbedrijf halen er de meeste uit. Wat overblijft is vergelijkbaar met flessenwater."
            ),
            dois="10.1016/j.watres.2019.02.054",
            data_links="https://example.org/microplastics-leiden/data",
        )
    if peat is not None:
        claims.claim(session, onderzoeker, peat, note="Kijkt eerst naar de metingen van vorige zomer.")
