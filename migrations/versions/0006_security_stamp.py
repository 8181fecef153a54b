"""security stamp on users: mailed links die on password change, email change and "log out of all devices"

A plain ADD COLUMN with a server default: SQLite adds it in place, with no
table copy (which, with foreign keys on, would cascade to every row pointing
at users). Existing members get an empty stamp; links mailed before the
upgrade carry no stamp and stop working (they last two days at most).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("security_stamp", sa.String(length=64), server_default="", nullable=False))


def downgrade() -> None:
    # SQLite copies the table to drop a column: run it with foreign keys off,
    # as `crowdq upgrade` does for its migrations.
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("security_stamp")
