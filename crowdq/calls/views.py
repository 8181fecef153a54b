"""Call pages: opening a call, its results and downloads (the call page itself is the topic page)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("calls", __name__)
