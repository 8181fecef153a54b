"""Research project pages."""

from __future__ import annotations

from flask import abort, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crowdq.db import session
from crowdq.research.models import Project, ProjectMember
from crowdq.research.views import bp


@bp.route("/projects")
def index():
    projects = session.scalars(select(Project).order_by(Project.created_at.desc()).limit(100)).all()
    return render_template("research/index.html", projects=projects)


@bp.route("/projects/<int(max=2147483647):project_id>")
def show(project_id: int):
    project = session.scalar(
        select(Project)
        .where(Project.id == project_id)
        .options(selectinload(Project.members).selectinload(ProjectMember.user))
    )
    if project is None:
        abort(404)
    return render_template("research/show.html", project=project)
