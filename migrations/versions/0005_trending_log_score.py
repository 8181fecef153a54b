"""trending scores in log space: log2 of the decayed vote sum, -1e300 without votes

The old score was the sum of 2 ** (half-lives since 2025-01-01) over a
question's votes, which leaves the float range in May 2033; the new one is
its base-2 logarithm (see crowdq.questions.trending). Only data changes: the
column stays a float and keeps its indexes. It has no server default, before
or after: on SQLite changing one would copy the table, and with foreign keys
on, dropping the old copy deletes every vote, follow and comment through
their ON DELETE CASCADE. New rows get the model's default.

SQLite has no guaranteed math functions, so the conversion registers its own
Python functions on the migration's connection.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

import math
import sys

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# A frozen copy of crowdq.questions.trending.EMPTY, so this file never changes meaning.
EMPTY = -1e300


def _log2_or_empty(score):
    return math.log2(score) if score is not None and score > 0 else EMPTY


def _pow2_clamped(log_score):
    if log_score is None or log_score < -1074:  # EMPTY, or below the smallest float
        return 0.0
    if log_score >= 1024:
        return sys.float_info.max
    return 2.0**log_score


def _sqlite_functions(bind) -> None:
    raw = bind.connection.driver_connection
    raw.create_function("crowdq_0005_log2_or_empty", 1, _log2_or_empty, deterministic=True)
    raw.create_function("crowdq_0005_pow2_clamped", 1, _pow2_clamped, deterministic=True)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _sqlite_functions(bind)
        op.execute("UPDATE questions SET trending_score = crowdq_0005_log2_or_empty(trending_score)")
    else:
        op.execute(
            sa.text(
                "UPDATE questions SET trending_score = CASE WHEN trending_score > 0 "
                "THEN LN(trending_score) / LN(CAST(2 AS DOUBLE PRECISION)) "
                "ELSE CAST(:empty AS DOUBLE PRECISION) END"
            ).bindparams(empty=EMPTY)
        )


def downgrade() -> None:
    # Scores from after May 2033 do not fit the old representation: they
    # become the largest float (and voting there overflows, as it did).
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _sqlite_functions(bind)
        op.execute("UPDATE questions SET trending_score = crowdq_0005_pow2_clamped(trending_score)")
    else:
        op.execute(
            sa.text(
                "UPDATE questions SET trending_score = CASE "
                "WHEN trending_score < -1074 THEN CAST(0 AS DOUBLE PRECISION) "
                "WHEN trending_score >= 1024 THEN CAST(:largest AS DOUBLE PRECISION) "
                "ELSE POWER(CAST(2 AS DOUBLE PRECISION), trending_score) END"
            ).bindparams(largest=sys.float_info.max)
        )
