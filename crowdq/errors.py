"""Domain errors raised by services; one handler maps them to HTTP."""

from __future__ import annotations


class DomainError(Exception):
    status = 400

    def __init__(self, message: str = "", **kwargs):
        super().__init__(message)
        self.message = message


class NotAllowed(DomainError):
    """The actor may not do this (403)."""

    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    """The action clashes with the current state (409)."""

    status = 409


class Invalid(DomainError):
    """Input failed a rule; `fields` maps field name -> translated message."""

    status = 400

    def __init__(self, fields: dict[str, str] | str):
        if isinstance(fields, str):
            fields = {"": fields}
        self.fields = {name: str(message) for name, message in fields.items()}
        super().__init__("; ".join(self.fields.values()))
