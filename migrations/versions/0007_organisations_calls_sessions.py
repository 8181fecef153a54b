"""organisations that register and get verified, invitations, endorsements; calls for questions with
budgets and frozen results; neighbourhood sessions and facilitated or imported questions

On SQLite the tables that gain constraints (organisations, questions, topics) are copied; `crowdq upgrade`
runs migrations with foreign keys off, so the copy cascades nowhere.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

import crowdq.db

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('organisation_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('nonce', sa.String(length=32), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', crowdq.db.UTCDateTime(), nullable=False),
    sa.Column('expires_at', crowdq.db.UTCDateTime(), nullable=False),
    sa.Column('accepted_at', crowdq.db.UTCDateTime(), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', crowdq.db.UTCDateTime(), nullable=True),
    sa.CheckConstraint("role IN ('owner', 'member')", name=op.f('ck_organisation_invitations_role')),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['users.id'], name=op.f('fk_organisation_invitations_accepted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_organisation_invitations_invited_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_organisation_invitations_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_invitations'))
    )
    with op.batch_alter_table('organisation_invitations', schema=None) as batch_op:
        batch_op.create_index('ix_organisation_invitations_org_email', ['organisation_id', 'email'], unique=False)

    op.create_table('call_budgets',
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('votes_used', sa.Integer(), nullable=False),
    sa.CheckConstraint('votes_used >= 0', name=op.f('ck_call_budgets_votes_used_nonnegative')),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_call_budgets_topic_id_topics'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_call_budgets_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('topic_id', 'user_id', name=op.f('pk_call_budgets'))
    )
    with op.batch_alter_table('call_budgets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_budgets_user_id'), ['user_id'], unique=False)

    op.create_table('community_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('starts_at', crowdq.db.UTCDateTime(), nullable=False),
    sa.Column('ends_at', crowdq.db.UTCDateTime(), nullable=True),
    sa.Column('topic_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', crowdq.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_community_sessions_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_community_sessions_organisation_id_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_community_sessions_topic_id_topics'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community_sessions'))
    )
    with op.batch_alter_table('community_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_community_sessions_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_community_sessions_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_community_sessions_topic_id'), ['topic_id'], unique=False)

    op.create_table('call_results',
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('vote_count', sa.Integer(), nullable=False),
    sa.Column('endorsement_count', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('frozen_at', crowdq.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_call_results_question_id_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_call_results_topic_id_topics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('topic_id', 'question_id', name=op.f('pk_call_results'))
    )
    op.create_table('endorsements',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('statement_html', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', crowdq.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_endorsements_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_endorsements_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_endorsements_question_id_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', 'question_id', name=op.f('pk_endorsements'))
    )
    with op.batch_alter_table('endorsements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_endorsements_question_id'), ['question_id'], unique=False)

    with op.batch_alter_table('organisation_memberships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('show_publicly', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), server_default='other', nullable=False))
        batch_op.add_column(sa.Column('contact_email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('rejected_at', crowdq.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('decided_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('decision_reason', sa.Text(), server_default='', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_organisations_decided_by_id_users'), 'users', ['decided_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_organisations_created_by_id_users'), 'users', ['created_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_check_constraint(
            "kind", "kind IN ('ngo', 'community', 'foundation', 'municipality', 'school', 'other')"
        )

    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('external_id', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('asker_name', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('endorsement_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index(batch_op.f('ix_questions_session_id'), ['session_id'], unique=False)
        batch_op.create_index('uq_questions_entered_by_external_id', ['entered_by_id', 'external_id'], unique=True)
        batch_op.create_foreign_key(batch_op.f('fk_questions_session_id_community_sessions'), 'community_sessions', ['session_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opens_at', crowdq.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('closes_at', crowdq.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('vote_budget', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('results_frozen_at', crowdq.db.UTCDateTime(), nullable=True))
        batch_op.create_check_constraint(
            "vote_budget", "vote_budget IS NULL OR (vote_budget >= 1 AND vote_budget <= 100)"
        )
        batch_op.create_check_constraint("call_dates", "closes_at IS NULL OR opens_at IS NULL OR closes_at > opens_at")



def downgrade() -> None:
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.drop_constraint("call_dates", type_="check")
        batch_op.drop_constraint("vote_budget", type_="check")
        batch_op.drop_column('results_frozen_at')
        batch_op.drop_column('vote_budget')
        batch_op.drop_column('closes_at')
        batch_op.drop_column('opens_at')

    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_questions_session_id_community_sessions'), type_='foreignkey')
        batch_op.drop_index('uq_questions_entered_by_external_id')
        batch_op.drop_index(batch_op.f('ix_questions_session_id'))
        batch_op.drop_column('endorsement_count')
        batch_op.drop_column('asker_name')
        batch_op.drop_column('external_id')
        batch_op.drop_column('session_id')

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_constraint("kind", type_="check")
        batch_op.drop_constraint(batch_op.f('fk_organisations_created_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_organisations_decided_by_id_users'), type_='foreignkey')
        batch_op.drop_column('decision_reason')
        batch_op.drop_column('decided_by_id')
        batch_op.drop_column('rejected_at')
        batch_op.drop_column('created_by_id')
        batch_op.drop_column('contact_email')
        batch_op.drop_column('kind')

    with op.batch_alter_table('organisation_memberships', schema=None) as batch_op:
        batch_op.drop_column('show_publicly')

    with op.batch_alter_table('endorsements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_endorsements_question_id'))

    op.drop_table('endorsements')
    op.drop_table('call_results')
    with op.batch_alter_table('community_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_community_sessions_topic_id'))
        batch_op.drop_index(batch_op.f('ix_community_sessions_starts_at'))
        batch_op.drop_index(batch_op.f('ix_community_sessions_organisation_id'))

    op.drop_table('community_sessions')
    with op.batch_alter_table('call_budgets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_call_budgets_user_id'))

    op.drop_table('call_budgets')
    with op.batch_alter_table('organisation_invitations', schema=None) as batch_op:
        batch_op.drop_index('ix_organisation_invitations_org_email')

    op.drop_table('organisation_invitations')
