"""topics managed by admins: order and archiving; a question's topic is optional

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

import crowdq.db

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("topics", schema=None) as batch_op:
        batch_op.add_column(sa.Column("position", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("archived_at", crowdq.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("updated_at", crowdq.db.UTCDateTime(), nullable=True))
    # Existing questions keep their topic; new ones may have none.
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.alter_column("topic_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    # Questions without a topic cannot go back to a schema that requires one.
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT count(*) FROM questions WHERE topic_id IS NULL")).scalar():
        raise RuntimeError("questions without a topic exist; give them a topic before downgrading")
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.alter_column("topic_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("topics", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
        batch_op.drop_column("archived_at")
        batch_op.drop_column("position")
