"""researchers and the research loop: applications, projects with teams, claims, adoptions, updates,
answers with revisions, notification records, the anonymous survey

Projects gain bilingual summaries and the statuses planned/running/completed/stopped (active becomes
running, cancelled becomes stopped); existing team members count as accepted.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

import crowdq.db


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('survey_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_time', sa.String(length=6), nullable=True),
    sa.Column('trust', sa.String(length=6), nullable=True),
    sa.Column('answered_on', sa.Date(), nullable=False),
    sa.CheckConstraint("first_time IS NULL OR first_time IN ('yes', 'no', 'unsure')", name=op.f('ck_survey_responses_first_time')),
    sa.CheckConstraint("trust IS NULL OR trust IN ('more', 'same', 'less', 'unsure')", name=op.f('ck_survey_responses_trust')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_responses'))
    )
    op.create_table('researcher_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('institution', sa.String(length=200), nullable=False),
    sa.Column('department', sa.String(length=200), nullable=False),
    sa.Column('position', sa.String(length=120), nullable=False),
    sa.Column('profile_url', sa.String(length=300), nullable=False),
    sa.Column('orcid', sa.String(length=19), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', crowdq.db.UTCDateTime(), nullable=False),
    sa.Column('decided_at', crowdq.db.UTCDateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'approved', 'rejected', 'withdrawn')", name=op.f('ck_researcher_applications_status')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_researcher_applications_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_researcher_applications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_researcher_applications'))
    )
    with op.batch_alter_table('researcher_applications', schema=None) as batch_op:
        batch_op.create_index('ix_researcher_applications_status_created', ['status', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_researcher_applications_user_id'), ['user_id'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('created_at', crowdq.db.UTCDateTime(), nullable=False),
    sa.Column('read_at', crowdq.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_notifications_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('user_id', 'event_id', name=op.f('uq_notifications_user_id_event_id'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_event_id'), ['event_id'], unique=False)
        batch_op.create_index('ix_notifications_user_read', ['user_id', 'read_at', 'id'], unique=False)

    op.create_table('project_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('created_at', crowdq.db.UTCDateTime(), nullable=False),
    sa.Column('edited_at', crowdq.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_project_updates_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_updates_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_updates'))
    )
    with op.batch_alter_table('project_updates', schema=None) as batch_op:
        batch_op.create_index('ix_project_updates_project_created', ['project_id', 'created_at'], unique=False)

    op.create_table('adoptions',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('note_html', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', crowdq.db.UTCDateTime(), nullable=False),
    sa.Column('released_at', crowdq.db.UTCDateTime(), nullable=True),
    sa.Column('released_by_id', sa.Integer(), nullable=True),
    sa.Column('release_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_adoptions_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_adoptions_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_adoptions_question_id_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['released_by_id'], ['users.id'], name=op.f('fk_adoptions_released_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('project_id', 'question_id', name=op.f('pk_adoptions'))
    )
    with op.batch_alter_table('adoptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_adoptions_question_id'), ['question_id'], unique=False)

    op.create_table('answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('summary_en', sa.Text(), nullable=False),
    sa.Column('summary_nl', sa.Text(), nullable=False),
    sa.Column('summary_en_html', sa.Text(), nullable=False),
    sa.Column('summary_nl_html', sa.Text(), nullable=False),
    sa.Column('dois', sa.JSON(), nullable=False),
    sa.Column('data_links', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', crowdq.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', crowdq.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_answers_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_answers_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_answers_question_id_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answers')),
    sa.UniqueConstraint('project_id', 'question_id', name=op.f('uq_answers_project_id_question_id'))
    )
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answers_question_id'), ['question_id'], unique=False)

    op.create_table('question_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', crowdq.db.UTCDateTime(), nullable=False),
    sa.Column('expires_at', crowdq.db.UTCDateTime(), nullable=False),
    sa.Column('ended_at', crowdq.db.UTCDateTime(), nullable=True),
    sa.Column('outcome', sa.String(length=10), nullable=True),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('adopted', 'released', 'expired')", name=op.f('ck_question_claims_outcome')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_question_claims_project_id_projects'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_question_claims_question_id_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_question_claims_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_claims'))
    )
    with op.batch_alter_table('question_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_claims_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_claims_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_question_claims_live', ['question_id'], unique=True, sqlite_where=sa.text('ended_at IS NULL'), postgresql_where=sa.text('ended_at IS NULL'))

    op.create_table('answer_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('summary_en', sa.Text(), nullable=False),
    sa.Column('summary_nl', sa.Text(), nullable=False),
    sa.Column('dois', sa.JSON(), nullable=False),
    sa.Column('data_links', sa.JSON(), nullable=False),
    sa.Column('editor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', crowdq.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], name=op.f('fk_answer_revisions_answer_id_answers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['editor_id'], ['users.id'], name=op.f('fk_answer_revisions_editor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_revisions'))
    )
    with op.batch_alter_table('answer_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_revisions_answer_id'), ['answer_id'], unique=False)

    with op.batch_alter_table('project_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sa.String(length=10), server_default='member', nullable=False))
        batch_op.add_column(sa.Column('invited_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('accepted_at', crowdq.db.UTCDateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_project_members_invited_by_id_users'), 'users', ['invited_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_check_constraint("role", "role IN ('lead', 'member')")
    # Members from before invitations existed were on the team already.
    op.execute("UPDATE project_members SET accepted_at = created_at")

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('summary_en', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('summary_nl', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('institution', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('starts_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('ends_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('website_url', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('data_url', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('preregistration_url', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('updated_at', crowdq.db.UTCDateTime(), nullable=True))
        batch_op.drop_constraint(op.f('ck_projects_status'), type_='check')
    op.execute(
        "UPDATE projects SET summary_en = summary, status = CASE status "
        "WHEN 'active' THEN 'running' WHEN 'cancelled' THEN 'stopped' ELSE status END"
    )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_column('summary')
        batch_op.create_check_constraint("status", "status IN ('planned', 'running', 'completed', 'stopped')")

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('survey_seen_at', crowdq.db.UTCDateTime(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('survey_seen_at')

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('summary', sa.TEXT(), server_default='', nullable=False))
        batch_op.drop_constraint("status", type_="check")
    op.execute(
        "UPDATE projects SET summary = CASE WHEN summary_en <> '' THEN summary_en ELSE summary_nl END, status = CASE "
        "WHEN status IN ('planned', 'running') THEN 'active' WHEN status = 'stopped' THEN 'cancelled' ELSE status END"
    )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_projects_status'), "status IN ('active', 'completed', 'cancelled')")
        batch_op.drop_column('updated_at')
        batch_op.drop_column('preregistration_url')
        batch_op.drop_column('data_url')
        batch_op.drop_column('website_url')
        batch_op.drop_column('ends_on')
        batch_op.drop_column('starts_on')
        batch_op.drop_column('institution')
        batch_op.drop_column('summary_nl')
        batch_op.drop_column('summary_en')

    with op.batch_alter_table('project_members', schema=None) as batch_op:
        batch_op.drop_constraint("role", type_="check")
        batch_op.drop_constraint(batch_op.f('fk_project_members_invited_by_id_users'), type_='foreignkey')
        batch_op.drop_column('accepted_at')
        batch_op.drop_column('invited_by_id')
        batch_op.drop_column('role')

    with op.batch_alter_table('answer_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_revisions_answer_id'))

    op.drop_table('answer_revisions')
    with op.batch_alter_table('question_claims', schema=None) as batch_op:
        batch_op.drop_index('uq_question_claims_live', sqlite_where=sa.text('ended_at IS NULL'), postgresql_where=sa.text('ended_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_question_claims_user_id'))
        batch_op.drop_index(batch_op.f('ix_question_claims_question_id'))

    op.drop_table('question_claims')
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answers_question_id'))

    op.drop_table('answers')
    with op.batch_alter_table('adoptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_adoptions_question_id'))

    op.drop_table('adoptions')
    with op.batch_alter_table('project_updates', schema=None) as batch_op:
        batch_op.drop_index('ix_project_updates_project_created')

    op.drop_table('project_updates')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_read')
        batch_op.drop_index(batch_op.f('ix_notifications_event_id'))

    op.drop_table('notifications')
    with op.batch_alter_table('researcher_applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_researcher_applications_user_id'))
        batch_op.drop_index('ix_researcher_applications_status_created')

    op.drop_table('researcher_applications')
    op.drop_table('survey_responses')
