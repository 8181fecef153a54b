"""Site settings that question rules read (admins change them in crowdq.admin.settings)."""

from __future__ import annotations

from crowdq.admin.settings import hold_first_questions, set_hold_first_questions

__all__ = ["hold_first_questions", "set_hold_first_questions"]
