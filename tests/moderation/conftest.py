"""Helpers for the moderation tests."""

from __future__ import annotations

import pytest

from crowdq.moderation.targets import Key
from crowdq.questions import discussion


@pytest.fixture
def make_comment(db, make_user, make_question):
    def make(question=None, author=None, body="A comment that someone may not like."):
        comment = discussion.add_comment(db, author or make_user(), question or make_question(), body)
        db.commit()
        return comment

    return make


def comment_key(comment) -> Key:
    return Key("comment", comment.id)
