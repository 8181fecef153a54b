"""document frequencies of question words, for ranking look-alikes (search_terms), counted from the
questions already there

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_terms",
        sa.Column("term", sa.String(length=100), nullable=False),
        sa.Column("docs", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("term", name=op.f("pk_search_terms")),
    )
    _count_existing_questions(op.get_bind())


def _count_existing_questions(bind) -> None:
    """As `crowdq refresh-search-terms` does, with the stems computed in Python like every write."""
    from collections import Counter

    from crowdq.search import terms

    totals: Counter = Counter()
    for title, body, language in bind.execute(
        sa.text("SELECT title, body, language FROM questions WHERE listed")
    ).yield_per(5000):
        counts, length = terms.weighted_counts(title, body, language)
        totals.update(counts.keys())
        totals[terms.TOTAL_DOCS] += 1
        totals[terms.TOTAL_LENGTH] += length
    table = sa.table("search_terms", sa.column("term", sa.String), sa.column("docs", sa.Integer))
    rows = [{"term": t, "docs": n} for t, n in sorted(totals.items())]
    for start in range(0, len(rows), 5000):
        bind.execute(table.insert(), rows[start : start + 5000])


def downgrade() -> None:
    op.drop_table("search_terms")
