"""list indexes for "needs votes" and topic pages

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TOPIC_SORTS = {
    "ix_questions_topic_votes": "vote_count",
    "ix_questions_topic_created": "created_at",
    "ix_questions_topic_comments": "comment_count",
    "ix_questions_topic_trending": "trending_score",
}


def upgrade() -> None:
    op.drop_index("ix_questions_topic_id", table_name="questions")
    for name, column in TOPIC_SORTS.items():
        op.create_index(name, "questions", ["topic_id", "listed", column, "id"])
    op.create_index("ix_questions_needs_votes", "questions", ["listed", "vote_count", sa.text("id DESC")])


def downgrade() -> None:
    op.drop_index("ix_questions_needs_votes", table_name="questions")
    for name in TOPIC_SORTS:
        op.drop_index(name, table_name="questions")
    op.create_index("ix_questions_topic_id", "questions", ["topic_id"])
