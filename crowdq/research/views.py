"""The research blueprint: project pages, claiming and adopting questions, answers,
the researcher dashboard and applications live in their own modules on it."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("research", __name__)

# Routes register on `bp` when imported.
from crowdq.research import (  # noqa: E402,F401
    application_views,
    dashboard_views,
    impact_views,
    project_views,
    question_views,
)
