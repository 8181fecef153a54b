"""A call's results as CSV and JSON for its sponsor and admins.

One row per ranked question: rank, id, title, link, votes, endorsements,
status and adopting projects. No personal data: no authors, no voters.
Adoption by research projects does not exist yet, so that column is an
empty list (JSON) or an empty cell (CSV) until it does.

CSV cells that a spreadsheet would read as a formula (starting with = + - @,
or a tab or carriage return that some programs skip before one) get a leading
apostrophe, as OWASP advises against CSV injection. The file starts with a
byte-order mark so spreadsheet programs read it as UTF-8 (Dutch titles).
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from crowdq.calls.results import Ranked
from crowdq.questions.models import Topic
from crowdq.urls import external_url

CSV_HEADER = ("rank", "question_id", "title", "link", "votes", "endorsements", "status", "adopting_projects")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A value a spreadsheet shows as text, never runs as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def rows(ranking: list[Ranked]) -> list[dict]:
    return [
        {
            "rank": r.rank,
            "question_id": r.question_id,
            "title": r.title,
            "link": external_url("questions.show", question_id=r.question_id),
            "votes": r.vote_count,
            "endorsements": r.endorsement_count,
            "status": r.status,
            "adopting_projects": [],
        }
        for r in ranking
    ]


def as_json(topic: Topic, state: str, ranking: list[Ranked]) -> dict:
    sponsor = topic.organisation
    return {
        "call": {
            "slug": topic.slug,
            "title": {"en": topic.name_en, "nl": topic.name_nl},
            "link": external_url("questions.topic", slug=topic.slug),
            "sponsor": {"name": sponsor.name, "slug": sponsor.slug} if sponsor is not None else None,
            "opens_at": _iso(topic.opens_at),
            "closes_at": _iso(topic.closes_at),
            "vote_budget": topic.vote_budget,
            "state": state,
            "results_frozen_at": _iso(topic.results_frozen_at),
            "final": topic.results_frozen_at is not None,
        },
        "questions": rows(ranking),
    }


def as_csv(ranking: list[Ranked]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in rows(ranking):
        row["adopting_projects"] = "; ".join(row["adopting_projects"])
        writer.writerow([safe_cell(row[name]) for name in CSV_HEADER])
    return out.getvalue()
