"""(filled in by the research loop work)."""

from __future__ import annotations

from crowdq.research.views import bp  # noqa: F401
