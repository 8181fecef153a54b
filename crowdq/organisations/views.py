"""Organisation pages."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crowdq.db import session
from crowdq.organisations.models import Organisation, OrganisationMembership
from crowdq.questions import queries

bp = Blueprint("organisations", __name__)


@bp.route("/organisations")
def index():
    organisations = session.scalars(
        select(Organisation).where(Organisation.verified_at.is_not(None)).order_by(Organisation.name)
    ).all()
    return render_template("organisations/index.html", organisations=organisations)


@bp.route("/organisations/<slug>")
def show(slug: str):
    organisation = session.scalar(
        select(Organisation)
        .where(Organisation.slug == slug[:80])
        .options(selectinload(Organisation.memberships).selectinload(OrganisationMembership.user))
    )
    if organisation is None:
        abort(404)
    page = queries.list_questions(session, sort="votes", filters=queries.Filters(organisation=organisation.slug))
    return render_template("organisations/show.html", organisation=organisation, page=page)
