"""Organisation forms (web only). Field limits give inline messages; the
rules themselves live in the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from crowdq.forms_common import CHOICE_MESSAGES, TOO_LONG, optional_int
from crowdq.organisations import endorsements, services
from crowdq.organisations.invitations import ROLE_LABELS
from crowdq.organisations.models import ORGANISATION_KINDS

__all__ = ["ROLE_LABELS", "DecisionForm", "EndorseForm", "InviteForm", "OrganisationForm", "RegisterOrganisationForm"]


def kind_choices() -> list[tuple[str, str]]:
    return [(kind, services.KIND_LABELS[kind]) for kind in ORGANISATION_KINDS]


def role_choices() -> list[tuple[str, str]]:
    return [("member", ROLE_LABELS["member"]), ("owner", ROLE_LABELS["owner"])]


class OrganisationForm(FlaskForm):
    """Editing; registration adds the address (RegisterOrganisationForm).

    The service checks every field (required ones, the kind, the website...)
    and reports all problems at once, so the form only limits lengths.
    """

    name = StringField(
        _l("Name of the organisation"),
        validators=[Length(max=services.NAME_MAX, message=TOO_LONG)],
        render_kw={"maxlength": services.NAME_MAX, "autocomplete": "organization", "aria-required": "true"},
    )
    kind = SelectField(_l("Kind of organisation"), choices=kind_choices, validate_choice=False)
    description = TextAreaField(
        _l("Short description"),
        description=_l("What the organisation does, in one or two sentences. Shown on its public page."),
        validators=[Length(max=services.DESCRIPTION_MAX, message=TOO_LONG)],
        render_kw={"rows": 3, "maxlength": services.DESCRIPTION_MAX},
    )
    website = StringField(
        _l("Website"),
        description=_l("Optional. The full address, like https://example.org."),
        validators=[Optional(), Length(max=services.WEBSITE_MAX, message=TOO_LONG)],
        render_kw={"maxlength": services.WEBSITE_MAX, "inputmode": "url", "autocomplete": "url"},
    )
    contact_email = EmailField(
        _l("Contact email address"),
        description=_l("Where admins can reach the organisation. Not shown publicly."),
        validators=[Length(max=254, message=TOO_LONG)],
        render_kw={"maxlength": 254, "autocomplete": "email", "aria-required": "true"},
    )

    def service_fields(self) -> dict:
        return {
            "name": self.name.data,
            "description": self.description.data,
            "website": self.website.data,
            "contact_email": self.contact_email.data,
            "kind": self.kind.data,
        }


class RegisterOrganisationForm(OrganisationForm):
    slug = StringField(
        _l("Address of its page"),
        description=_l(
            "Lower-case letters, digits and hyphens; the page will be /organisations/ followed by the address. "
            "Leave it empty to make it from the name. It cannot be changed later."
        ),
        validators=[Optional(), Length(max=services.SLUG_MAX, message=TOO_LONG)],
        render_kw={"maxlength": services.SLUG_MAX, "autocomplete": "off", "spellcheck": "false"},
    )

    def service_fields(self) -> dict:
        return {**super().service_fields(), "slug": self.slug.data}


class InviteForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        description=_l("We mail an invitation link to this address. The link works once."),
        validators=[DataRequired(_l("Enter an email address.")), Length(max=254, message=TOO_LONG)],
        render_kw={"maxlength": 254, "autocomplete": "off"},
    )
    role = SelectField(_l("Role"), choices=role_choices, validate_choice=True, **CHOICE_MESSAGES)


class EndorseForm(FlaskForm):
    organisation = SelectField(_l("Endorse on behalf of"), coerce=optional_int, validate_choice=True, **CHOICE_MESSAGES)
    statement = TextAreaField(
        _l("Statement (optional)"),
        description=_l("A short public statement: why your organisation supports this question. Markdown works."),
        validators=[Length(max=endorsements.STATEMENT_MAX, message=TOO_LONG)],
        render_kw={"rows": 3, "maxlength": endorsements.STATEMENT_MAX},
    )


class DecisionForm(FlaskForm):
    """An admin's verification decision."""

    decision = SelectField(
        _l("Decision"),
        choices=[("", _l("Choose a decision")), ("approve", _l("Verify")), ("reject", _l("Reject"))],
        validate_choice=True,
        validators=[DataRequired(_l("Choose a decision."))],
        **CHOICE_MESSAGES,
    )
    reason = TextAreaField(
        _l("Reason"),
        description=_l("Required. Recorded with the decision and mailed to the member who registered it."),
        validators=[
            DataRequired(_l("Give a reason for this decision.")),
            Length(max=services.REASON_MAX, message=TOO_LONG),
        ],
        render_kw={"rows": 3, "maxlength": services.REASON_MAX},
    )
