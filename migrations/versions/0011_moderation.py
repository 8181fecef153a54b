"""moderation: the review queue, the append-only audit log, appeals, watched words, trust levels,
sanctions, and a moderation state on every kind of content; open flags and held questions move into
the queue

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

import crowdq.db
from crowdq.moderation.models import PG_APPEND_ONLY, SQLITE_APPEND_ONLY

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "moderation_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("target_type", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("target_sub", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("reason_code", sa.String(length=30), nullable=False),
        sa.Column("reason_text", sa.Text(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("ends_at", crowdq.db.UTCDateTime(), nullable=True),
        sa.Column("created_at", crowdq.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_moderation_log_actor_id_users")),
        sa.ForeignKeyConstraint(["member_id"], ["users.id"], name=op.f("fk_moderation_log_member_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_log")),
    )
    with op.batch_alter_table("moderation_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_moderation_log_action"), ["action"], unique=False)
        batch_op.create_index("ix_moderation_log_actor", ["actor_id", "id"], unique=False)
        batch_op.create_index("ix_moderation_log_created", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_moderation_log_member", ["member_id", "id"], unique=False)
        batch_op.create_index("ix_moderation_log_target", ["target_type", "target_id", "target_sub"], unique=False)

    op.create_table(
        "watched_words",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=6), nullable=False),
        sa.Column("language", sa.String(length=3), nullable=False),
        sa.Column("phrase", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", crowdq.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint("action IN ('block', 'hold', 'replace')", name=op.f("ck_watched_words_action")),
        sa.CheckConstraint("kind IN ('word', 'domain')", name=op.f("ck_watched_words_kind")),
        sa.CheckConstraint("language IN ('any', 'en', 'nl')", name=op.f("ck_watched_words_language")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_watched_words_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watched_words")),
        sa.UniqueConstraint("kind", "language", "phrase", name=op.f("uq_watched_words_kind_language_phrase")),
    )
    op.create_table(
        "appeals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("appellant_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", crowdq.db.UTCDateTime(), nullable=False),
        sa.Column("decided_at", crowdq.db.UTCDateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decision_text", sa.Text(), nullable=False),
        sa.CheckConstraint("status IN ('open', 'upheld', 'overturned')", name=op.f("ck_appeals_status")),
        sa.ForeignKeyConstraint(["action_id"], ["moderation_log.id"], name=op.f("fk_appeals_action_id_moderation_log")),
        sa.ForeignKeyConstraint(["appellant_id"], ["users.id"], name=op.f("fk_appeals_appellant_id_users")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"], name=op.f("fk_appeals_decided_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeals")),
        sa.UniqueConstraint("action_id", name=op.f("uq_appeals_action_id")),
    )
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appeals_appellant_id"), ["appellant_id"], unique=False)

    op.create_table(
        "review_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("target_type", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("target_sub", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("personal_data", sa.Boolean(), nullable=False),
        sa.Column("flag_weight", sa.Integer(), nullable=False),
        sa.Column("flag_count", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("appeal_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", crowdq.db.UTCDateTime(), nullable=False),
        sa.Column("decided_at", crowdq.db.UTCDateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decision", sa.String(length=20), nullable=True),
        sa.CheckConstraint("kind IN ('flags', 'held', 'watched', 'spam', 'appeal')", name=op.f("ck_review_items_kind")),
        sa.CheckConstraint("status IN ('open', 'decided')", name=op.f("ck_review_items_status")),
        sa.ForeignKeyConstraint(["appeal_id"], ["appeals.id"], name=op.f("fk_review_items_appeal_id_appeals")),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_review_items_author_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_review_items_decided_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_items")),
    )
    with op.batch_alter_table("review_items", schema=None) as batch_op:
        batch_op.create_index("ix_review_items_author", ["author_id", "status"], unique=False)
        batch_op.create_index("ix_review_items_queue", ["status", "rank", "opened_at", "id"], unique=False)
        batch_op.create_index("ix_review_items_kind_queue", ["status", "kind", "rank", "opened_at", "id"], unique=False)
        batch_op.create_index("ix_review_items_target", ["target_type", "target_id", "target_sub"], unique=False)
        batch_op.create_index(
            "uq_review_items_open",
            ["kind", "target_type", "target_id", "target_sub"],
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )

    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("moderation_state", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("moderation_reason", sa.String(length=300), nullable=True))

    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("moderation_state", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("moderation_reason", sa.String(length=300), nullable=True))

    with op.batch_alter_table("endorsements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("moderation_state", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("moderation_reason", sa.String(length=300), nullable=True))

    with op.batch_alter_table("flags", schema=None) as batch_op:
        batch_op.add_column(sa.Column("target_sub", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("duplicate_of_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("weight", sa.Integer(), server_default="10", nullable=False))
        batch_op.add_column(sa.Column("review_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("outcome", sa.String(length=10), nullable=True))
        batch_op.drop_constraint(batch_op.f("uq_flags_target_type_target_id_reporter_id"), type_="unique")
        batch_op.drop_constraint(batch_op.f("ck_flags_reason"), type_="check")
        batch_op.create_index("ix_flags_review", ["review_id"], unique=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_flags_target_type_target_id_target_sub_reporter_id"),
            ["target_type", "target_id", "target_sub", "reporter_id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_flags_review_id_review_items"), "review_items", ["review_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_flags_duplicate_of_id_questions"),
            "questions",
            ["duplicate_of_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.execute("UPDATE flags SET reason = 'abusive' WHERE reason = 'offensive'")
    with op.batch_alter_table("flags", schema=None) as batch_op:
        batch_op.create_check_constraint(
            "reason", "reason IN ('spam', 'abusive', 'personal_data', 'off_topic', 'duplicate', 'other')"
        )
        batch_op.create_check_constraint("outcome", "outcome IS NULL OR outcome IN ('helpful', 'unhelpful')")

    with op.batch_alter_table("project_updates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("moderation_state", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("moderation_reason", sa.String(length=300), nullable=True))

    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("moderation_state", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("moderation_reason", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("status_before_hidden", sa.String(length=12), nullable=True))

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("trust_level", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("trust_level_manual", sa.Boolean(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("silenced_until", crowdq.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("flags_helpful", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("flags_unhelpful", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("profile_state", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("profile_reason", sa.String(length=300), nullable=True))

    bind = op.get_bind()
    for statement in PG_APPEND_ONLY if bind.dialect.name == "postgresql" else SQLITE_APPEND_ONLY:
        op.execute(statement)
    _into_the_queue()


def _into_the_queue() -> None:
    """Held and hidden questions get their moderation state; open flags and held questions wait in the queue."""
    op.execute("UPDATE questions SET moderation_state = 'held' WHERE held")
    op.execute(
        "UPDATE questions SET moderation_state = 'hidden', status_before_hidden = 'open' WHERE status = 'hidden'"
    )
    op.execute(
        "INSERT INTO review_items (kind, target_type, target_id, target_sub, author_id, status, personal_data,"
        " flag_weight, flag_count, rank, detail, opened_at)"
        " SELECT 'held', 'question', id, 0, author_id, 'open', false, 0, 0, 1000000, '', created_at"
        " FROM questions WHERE held"
    )
    op.execute(
        "INSERT INTO review_items (kind, target_type, target_id, target_sub, author_id, status, personal_data,"
        " flag_weight, flag_count, rank, detail, opened_at)"
        " SELECT 'flags', f.target_type, f.target_id, 0,"
        " CASE WHEN f.target_type = 'comment' THEN (SELECT c.author_id FROM comments c WHERE c.id = f.target_id)"
        " ELSE (SELECT q.author_id FROM questions q WHERE q.id = f.target_id) END,"
        " 'open', max(CASE WHEN f.reason = 'personal_data' THEN 1 ELSE 0 END) = 1, 10 * count(*), count(*),"
        " CASE WHEN max(CASE WHEN f.reason = 'personal_data' THEN 1 ELSE 0 END) = 1 THEN 0 ELSE 1000000 END"
        " - 10 * count(*), '', min(f.created_at)"
        " FROM flags f WHERE f.resolved_at IS NULL GROUP BY f.target_type, f.target_id"
    )
    op.execute(
        "UPDATE flags SET review_id = (SELECT r.id FROM review_items r WHERE r.kind = 'flags'"
        " AND r.target_type = flags.target_type AND r.target_id = flags.target_id AND r.status = 'open')"
        " WHERE resolved_at IS NULL"
    )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS moderation_log_append_only ON moderation_log")
        op.execute("DROP FUNCTION IF EXISTS crowdq_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS moderation_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS moderation_log_no_delete")
    op.execute(
        "UPDATE questions SET status = coalesce(status_before_hidden, 'open') WHERE status = 'hidden' AND moderation_state <> 'hidden'"
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("profile_reason")
        batch_op.drop_column("profile_state")
        batch_op.drop_column("flags_unhelpful")
        batch_op.drop_column("flags_helpful")
        batch_op.drop_column("silenced_until")
        batch_op.drop_column("trust_level_manual")
        batch_op.drop_column("trust_level")

    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_column("status_before_hidden")
        batch_op.drop_column("moderation_reason")
        batch_op.drop_column("moderation_state")

    with op.batch_alter_table("project_updates", schema=None) as batch_op:
        batch_op.drop_column("moderation_reason")
        batch_op.drop_column("moderation_state")

    with op.batch_alter_table("flags", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_flags_duplicate_of_id_questions"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_flags_review_id_review_items"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_flags_target_type_target_id_target_sub_reporter_id"), type_="unique")
        batch_op.drop_constraint(batch_op.f("ck_flags_reason"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_flags_outcome"), type_="check")
        batch_op.drop_index("ix_flags_review")
        batch_op.create_unique_constraint(
            batch_op.f("uq_flags_target_type_target_id_reporter_id"), ["target_type", "target_id", "reporter_id"]
        )
        batch_op.drop_column("outcome")
        batch_op.drop_column("review_id")
        batch_op.drop_column("weight")
        batch_op.drop_column("duplicate_of_id")
        batch_op.drop_column("target_sub")
    op.execute("DELETE FROM flags WHERE reason = 'duplicate'")
    op.execute("UPDATE flags SET reason = 'offensive' WHERE reason = 'abusive'")
    with op.batch_alter_table("flags", schema=None) as batch_op:
        batch_op.create_check_constraint(
            "reason", "reason IN ('spam', 'offensive', 'personal_data', 'off_topic', 'other')"
        )

    with op.batch_alter_table("endorsements", schema=None) as batch_op:
        batch_op.drop_column("moderation_reason")
        batch_op.drop_column("moderation_state")

    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_column("moderation_reason")
        batch_op.drop_column("moderation_state")

    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_column("moderation_reason")
        batch_op.drop_column("moderation_state")

    with op.batch_alter_table("review_items", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_review_items_open", sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'")
        )
        batch_op.drop_index("ix_review_items_target")
        batch_op.drop_index("ix_review_items_queue")
        batch_op.drop_index("ix_review_items_kind_queue")
        batch_op.drop_index("ix_review_items_author")

    op.drop_table("review_items")
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appeals_appellant_id"))

    op.drop_table("appeals")
    op.drop_table("watched_words")
    with op.batch_alter_table("moderation_log", schema=None) as batch_op:
        batch_op.drop_index("ix_moderation_log_target")
        batch_op.drop_index("ix_moderation_log_member")
        batch_op.drop_index("ix_moderation_log_created")
        batch_op.drop_index("ix_moderation_log_actor")
        batch_op.drop_index(batch_op.f("ix_moderation_log_action"))

    op.drop_table("moderation_log")
