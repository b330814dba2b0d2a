"""incidents: operations the model's code stopped, kept for a retry

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models.types  # noqa: F401  (custom column types used by autogenerate)


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('incidents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('process_id', sa.String(length=120), nullable=True),
    sa.Column('deployment_id', sa.Integer(), nullable=True),
    sa.Column('task_id', sa.String(length=36), nullable=True),
    sa.Column('element_id', sa.String(length=120), nullable=True),
    sa.Column('element_name', sa.String(length=500), nullable=True),
    sa.Column('resource', sa.String(length=16), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('actor', sa.String(length=254), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('opened_at', app.models.types.UTCDateTime(), nullable=False),
    sa.Column('last_failed_at', app.models.types.UTCDateTime(), nullable=False),
    sa.Column('closed_at', app.models.types.UTCDateTime(), nullable=True),
    sa.Column('closed_by', sa.String(length=254), nullable=True),
    sa.Column('closing_note', sa.String(length=1000), nullable=True),
    sa.ForeignKeyConstraint(['deployment_id'], ['deployments.id'], name=op.f('fk_incidents_deployment_id_deployments')),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'],
                            name=op.f('fk_incidents_instance_id_process_instances'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incidents'))
    )
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incidents_instance_id'), ['instance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_state'), ['state'], unique=False)


def downgrade():
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incidents_state'))
        batch_op.drop_index(batch_op.f('ix_incidents_instance_id'))
    op.drop_table('incidents')
