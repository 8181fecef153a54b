"""full-text search: FTS5 table on SQLite, tsvector column + GIN index on PostgreSQL

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None



def _vector(column: str) -> str:
    # A literal config keeps the expression immutable, as generated columns need.
    return (
        f"CASE WHEN language = 'nl' THEN to_tsvector('dutch', coalesce({column}, '')) "
        f"ELSE to_tsvector('english', coalesce({column}, '')) END"
    )



def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE questions ADD COLUMN IF NOT EXISTS question_search_vector tsvector GENERATED ALWAYS AS ("
            f"setweight({_vector('title')}, 'A') || "
            f"setweight({_vector('body')}, 'B')) STORED"
        )
        op.execute("CREATE INDEX IF NOT EXISTS question_search_gin ON questions USING gin (question_search_vector)")
    else:
        op.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS question_search USING fts5("
            "title, body, tokenize = 'unicode61 remove_diacritics 2')"
        )
        op.execute("CREATE VIRTUAL TABLE IF NOT EXISTS question_search_vocab USING fts5vocab(question_search, 'row')")
        _index_existing_questions(bind)


def _index_existing_questions(bind) -> None:
    """Questions made before this migration must be searchable too; the
    stems are computed in Python, as the application does on every write."""
    from crowdq.search import analysis

    rows = bind.execute(sa.text("SELECT id, title, body, language FROM questions")).all()
    if not rows:
        return
    bind.execute(
        sa.text("INSERT INTO question_search (rowid, title, body) VALUES (:id, :title, :body)"),
        [
            {"id": qid, "title": analysis.document(title, lang), "body": analysis.document(body or "", lang)}
            for qid, title, body, lang in rows
        ],
    )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS question_search_gin")
        op.execute("ALTER TABLE questions DROP COLUMN IF EXISTS question_search_vector")
    else:
        op.execute("DROP TABLE IF EXISTS question_search_vocab")
        op.execute("DROP TABLE IF EXISTS question_search")
