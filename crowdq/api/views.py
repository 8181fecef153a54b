"""/api/v1: read endpoints (JSON). Write endpoints come with API tokens.

Links (`url`, `next`, `endpoints`) are absolute and built from BASE_URL, never from the request's Host.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from crowdq.db import session
from crowdq.errors import Invalid
from crowdq.extensions import csrf, limiter
from crowdq.merging import similarity
from crowdq.questions import queries, services
from crowdq.questions.models import LANGUAGES, Question
from crowdq.research.question_context import api_research
from crowdq.urls import external_url
from crowdq.web import lookalike_limit, small_int

bp = Blueprint("api", __name__)
csrf.exempt(bp)


def topic_json(topic) -> dict | None:
    """A topic as the API gives it: its slug and its name in every language."""
    if topic is None:
        return None
    return {
        "slug": topic.slug,
        "name": {"en": topic.name_en, "nl": topic.name_nl},
        "archived": topic.is_archived,
    }


def question_json(q: Question, research: dict | None = None) -> dict:
    """`research`: the question's `adopted_by` and `answer` (crowdq.research.question_context.api_research)."""
    return {
        "id": q.id,
        "url": external_url("questions.show", question_id=q.id),
        "title": q.title,
        "body": q.body,
        "body_html": q.body_html,
        "language": q.language,
        "topic": topic_json(q.topic),
        "tags": [t.name for t in q.tags],
        "place": q.place,
        "status": q.status,
        "merged_into": q.merged_into_id,
        "vote_count": q.vote_count,
        "comment_count": q.comment_count,
        "follower_count": q.follower_count,
        "created_at": q.created_at.isoformat(),
        "adopted_by": (research or {}).get("adopted_by", []),
        "answer": (research or {}).get("answer"),
    }


@bp.route("/")
def index():
    return jsonify(
        name="crowdq",
        version=1,
        endpoints={"questions": external_url("api.questions"), "similar": external_url("api.similar")},
    )


@bp.route("/questions")
def questions():
    sort = queries.parse_sort(request.args.get("sort"))
    filters = queries.parse_filters(request.args)
    per_page = small_int(request.args.get("per_page"), queries.MAX_PER_PAGE) or 20
    page = queries.list_questions(
        session, sort=sort, filters=filters, after=request.args.get("after") or None, per_page=per_page
    )
    next_url = None
    if page.next_cursor:
        next_url = external_url(
            "api.questions", sort=sort, after=page.next_cursor, per_page=per_page, **filters.as_args()
        )
    research = api_research(session, [q.id for q in page.items])  # one query each, not one per question
    return jsonify(items=[question_json(q, research[q.id]) for q in page.items], next=next_url)


@bp.route("/questions/similar")
@limiter.limit(lookalike_limit)
def similar():
    """Listed questions like `text` (the similarity service of the look-alikes and the duplicates queue)."""
    text = request.args.get("text", "")
    problems = {}
    if not text.strip():
        problems["text"] = _("Give the text to compare, for example a question's title.")
    elif len(text) > similarity.TEXT_MAX or "\x00" in text:
        problems["text"] = _("Use at most %(max)d characters.", max=similarity.TEXT_MAX)
    language = request.args.get("lang") or None
    if language is not None and language not in LANGUAGES:
        problems["lang"] = _("Use nl or en.")
    limit = 10
    if request.args.get("limit") is not None:
        limit = small_int(request.args.get("limit"), similarity.LIMIT_MAX)
        if limit is None:
            problems["limit"] = _("Use a whole number from 1 to %(max)d.", max=similarity.LIMIT_MAX)
    if problems:
        raise Invalid(problems)
    matches = similarity.similar(session, text, language, limit=limit)
    return jsonify(
        items=[
            {
                "id": m.question.id,
                "title": m.question.title,
                "score": m.score,
                "url": external_url("questions.show", question_id=m.question.id),
            }
            for m in matches
        ]
    )


@bp.route("/questions/<int(max=2147483647):question_id>")
def question(question_id: int):
    found = services.get_question(session, question_id, current_user)
    return jsonify(question_json(found, api_research(session, [found.id])[found.id]))
