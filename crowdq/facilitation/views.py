"""Neighbourhood sessions and entering or importing questions for people who do not use the site."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("facilitation", __name__)
