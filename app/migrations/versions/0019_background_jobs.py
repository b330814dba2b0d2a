"""background jobs: the admins' view of the job queue, and procrastinate's schema on PostgreSQL

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models.types  # noqa: F401  (custom column types used by autogenerate)


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('background_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('args', sa.JSON(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('completions', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('requested_by', sa.String(length=254), nullable=True),
    sa.Column('queued_at', app.models.types.UTCDateTime(), nullable=False),
    sa.Column('started_at', app.models.types.UTCDateTime(), nullable=True),
    sa.Column('finished_at', app.models.types.UTCDateTime(), nullable=True),
    sa.Column('queue_id', sa.BigInteger(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_background_jobs')),
    sa.UniqueConstraint('key', name=op.f('uq_background_jobs_key'))
    )
    with op.batch_alter_table('background_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_background_jobs_state'), ['state'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        # The job queue's own tables, in the schema of the search path like Vitrina's; a
        # database where they exist already (a test schema, an earlier install) is left as it is.
        from app.jobs.schema import install
        install(op.get_bind())


def downgrade():
    # procrastinate's tables stay: jobs waiting in them are not Vitrina's to drop.
    with op.batch_alter_table('background_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_background_jobs_state'))
    op.drop_table('background_jobs')
