"""Map domain and HTTP errors to friendly pages, or JSON under /api."""

from __future__ import annotations

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from crowdq.errors import DomainError, Invalid

TITLES = {
    400: lambda: _("Something in the request was not right"),
    403: lambda: _("You cannot do this"),
    404: lambda: _("Page not found"),
    405: lambda: _("This action is not available here"),
    409: lambda: _("That did not work"),
    413: lambda: _("That was too much to send"),
    429: lambda: _("Slow down a little"),
    500: lambda: _("Something went wrong on our side"),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def respond(status: int, message: str = "", fields: dict | None = None):
    if _wants_json():
        body = {"error": {"status": status, "message": message or TITLES.get(status, TITLES[500])()}}
        if fields:
            body["error"]["fields"] = fields
        return jsonify(body), status
    title = TITLES.get(status, TITLES[500])()
    return render_template("errors/error.html", status=status, title=title, message=message), status


def _default_message(status: int) -> str:
    return {
        400: _("Please go back, check what you entered and try again."),
        403: _("You do not have permission for this. If you think you should, log in or contact a moderator."),
        404: _("We could not find this page. It may have moved or been removed."),
        405: _("Please go back and use the buttons on the page."),
        413: _("Please send less text or a smaller file."),
        429: _("You did this too often in a short time. Please wait a minute and try again."),
        500: _("Please try again in a moment. If it keeps happening, let us know."),
    }.get(status, "")


def init_app(app) -> None:
    @app.errorhandler(DomainError)
    def _domain(error: DomainError):
        if error.status == 403:
            return respond(403, _default_message(403))
        if error.status == 404:
            return respond(404, _default_message(404))
        fields = error.fields if isinstance(error, Invalid) else None
        return respond(error.status, str(error.message) or _default_message(error.status), fields)

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return respond(
            400, _("This form has expired or was sent from elsewhere. Go back, reload the page and try again.")
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        status = error.code or 500
        return respond(status, _default_message(status))

    if not app.testing:
        # In tests an unexpected exception should fail loudly with its traceback.
        @app.errorhandler(Exception)
        def _unexpected(error: Exception):
            app.logger.exception("unhandled error")
            return respond(500, _default_message(500))
