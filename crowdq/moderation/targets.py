"""What moderation acts on: one adapter per kind of content.

Each adapter loads an item by its key, says whose it is, where it lives and
what it says, edits its text, and changes its moderation state, keeping the
counts that the public sees true in the same transaction (a hidden comment
leaves its question's comment count; a hidden question leaves every list,
because `listed` is false, and keeps the status it returns to).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, tuple_, update
from sqlalchemy.orm import Session

from crowdq import text
from crowdq.accounts.models import User
from crowdq.db import MAX_ID, utcnow
from crowdq.organisations.models import Endorsement
from crowdq.questions.models import Comment, Question, QuestionRevision
from crowdq.research.models import Answer, ProjectUpdate

# States a reader outside the author and moderators does not see the content in.
INVISIBLE = ("held", "flagged", "hidden", "removed")

TYPE_LABELS = {
    "question": _l("Question"),
    "comment": _l("Comment"),
    "endorsement": _l("Endorsement statement"),
    "project_update": _l("Project update"),
    "answer": _l("Research answer"),
    "profile": _l("Profile"),
}


@dataclass(frozen=True)
class Key:
    type: str
    id: int
    sub: int = 0

    def columns(self) -> dict[str, Any]:
        return {"target_type": self.type, "target_id": self.id, "target_sub": self.sub}


class Adapter:
    type = ""
    model: Any = None
    # Text fields a moderator may edit: name -> label.
    fields: dict[str, Any] = {}

    def load(self, session: Session, key: Key):
        return session.get(self.model, key.id) if 0 < key.id <= MAX_ID else None

    def load_where(self, keys: list[Key]):
        """The WHERE clause that loads these keys' rows in one query."""
        return self.model.id.in_([k.id for k in keys])

    def key(self, row) -> Key:
        return Key(self.type, row.id)

    def author_id(self, row) -> int | None:
        return row.author_id

    def question_id(self, row) -> int | None:
        """The question the item belongs to, for context and for the author's question page."""
        return None

    def texts(self, row) -> dict[str, str]:
        return {name: getattr(row, name) or "" for name in self.fields}

    def set_texts(self, session: Session, row, values: dict[str, str], editor) -> None:
        for name, value in values.items():
            setattr(row, name, value)
            if hasattr(row, f"{name}_html"):
                setattr(row, f"{name}_html", text.render(value))

    def state(self, row) -> str | None:
        return row.moderation_state

    def reason(self, row) -> str | None:
        return row.moderation_reason

    def set_state(self, session: Session, row, state: str | None, reason: str | None) -> None:
        row.moderation_state = state
        row.moderation_reason = reason

    def is_gone(self, row) -> bool:
        """Deleted by its author: nothing left to moderate."""
        return False


class QuestionAdapter(Adapter):
    type = "question"
    model = Question
    fields = {"title": _l("Title"), "body": _l("Details")}

    def question_id(self, row):
        return row.id

    def set_texts(self, session, row, values, editor):
        session.add(
            QuestionRevision(question_id=row.id, editor_id=getattr(editor, "id", None), title=row.title, body=row.body)
        )
        row.title = values.get("title", row.title)[:200]
        row.body = values.get("body", row.body)
        row.body_html = text.render(row.body)
        row.updated_at = utcnow()
        from crowdq import search

        search.index_question(session, row)

    def set_state(self, session, row, state, reason):
        was_hidden = row.moderation_state in ("flagged", "hidden", "removed")
        hide = state in ("flagged", "hidden", "removed")
        if hide and not was_hidden:
            row.status_before_hidden = row.status if row.status != "hidden" else row.status_before_hidden
            row.status = "hidden"
        elif not hide and was_hidden:
            row.status = row.status_before_hidden or "open"
            row.status_before_hidden = None
        row.held = state == "held"
        row.moderation_state = state
        row.moderation_reason = reason
        row.refresh_listed()


class CommentAdapter(Adapter):
    type = "comment"
    model = Comment
    fields = {"body": _l("Comment")}

    def question_id(self, row):
        return row.question_id

    def is_gone(self, row):
        return row.deleted_at is not None

    def set_state(self, session, row, state, reason):
        counted_before = row.deleted_at is None and row.moderation_state not in INVISIBLE
        counted_after = row.deleted_at is None and state not in INVISIBLE
        row.moderation_state = state
        row.moderation_reason = reason
        if counted_before != counted_after:
            session.execute(
                update(Question)
                .where(Question.id == row.question_id)
                .values(comment_count=Question.comment_count + (1 if counted_after else -1))
                .execution_options(synchronize_session=False)
            )


class EndorsementAdapter(Adapter):
    type = "endorsement"
    model = Endorsement
    fields = {"statement": _l("Statement")}

    def load(self, session, key):
        if not (0 < key.id <= MAX_ID and 0 < key.sub <= MAX_ID):
            return None
        return session.get(Endorsement, (key.sub, key.id))

    def load_where(self, keys):
        return tuple_(Endorsement.question_id, Endorsement.organisation_id).in_([(k.id, k.sub) for k in keys])

    def key(self, row):
        return Key(self.type, row.question_id, row.organisation_id)

    def author_id(self, row):
        return row.created_by_id

    def question_id(self, row):
        return row.question_id

    def is_gone(self, row):
        return not row.statement


class ProjectUpdateAdapter(Adapter):
    type = "project_update"
    model = ProjectUpdate
    fields = {"body": _l("Update")}


class AnswerAdapter(Adapter):
    type = "answer"
    model = Answer
    fields = {"summary_en": _l("Summary in English"), "summary_nl": _l("Summary in Dutch")}

    def author_id(self, row):
        return row.created_by_id

    def question_id(self, row):
        return row.question_id


class ProfileAdapter(Adapter):
    type = "profile"
    model = User
    fields = {"display_name": _l("Name"), "bio": _l("About")}

    def author_id(self, row):
        return row.id

    def is_gone(self, row):
        return row.is_deleted

    def set_texts(self, session, row, values, editor):
        row.display_name = (values.get("display_name") or row.display_name or "")[:60] or None
        row.bio = values.get("bio", row.bio)

    def state(self, row):
        return row.profile_state

    def reason(self, row):
        return row.profile_reason

    def set_state(self, session, row, state, reason):
        row.profile_state = state
        row.profile_reason = reason


ADAPTERS: dict[str, Adapter] = {
    a.type: a
    for a in (
        QuestionAdapter(),
        CommentAdapter(),
        EndorsementAdapter(),
        ProjectUpdateAdapter(),
        AnswerAdapter(),
        ProfileAdapter(),
    )
}


def adapter(target_type: str) -> Adapter:
    return ADAPTERS[target_type]


def key_of(row) -> Key:
    for a in ADAPTERS.values():
        if isinstance(row, a.model):
            return a.key(row)
    raise TypeError(f"not a moderated item: {row!r}")


def load_many(session: Session, keys) -> dict[Key, Any]:
    """The items of many keys in one query per kind (the review queue's page)."""
    by_type: dict[str, list[Key]] = {}
    for key in keys:
        if key.type in ADAPTERS:
            by_type.setdefault(key.type, []).append(key)
    found: dict[Key, Any] = {}
    for kind, group in by_type.items():
        a = ADAPTERS[kind]
        for row in session.scalars(select(a.model).where(a.load_where(group))):
            found[a.key(row)] = row
    return found


def load(session: Session, key: Key):
    """The item, or None when the key names nothing."""
    a = ADAPTERS.get(key.type)
    return a.load(session, key) if a is not None else None
