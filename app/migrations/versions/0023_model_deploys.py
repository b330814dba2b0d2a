"""model deploys: the modeller's deploy requests, whose scenarios run as a background job

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-09 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models.types  # noqa: F401  (custom column types used by autogenerate)


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('model_deploys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requested_by', sa.String(length=254), nullable=False),
    sa.Column('requested_at', app.models.types.UTCDateTime(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('divergences', sa.JSON(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('deployment_id', sa.Integer(), nullable=True),
    sa.Column('created', sa.Boolean(), nullable=True),
    sa.Column('forced_by', sa.String(length=254), nullable=True),
    sa.Column('forced_at', app.models.types.UTCDateTime(), nullable=True),
    sa.Column('finished_at', app.models.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['deployment_id'], ['deployments.id'],
                            name=op.f('fk_model_deploys_deployment_id_deployments'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_model_deploys'))
    )
    with op.batch_alter_table('model_deploys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_model_deploys_state'), ['state'], unique=False)
    op.create_table('model_deploy_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deploy_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['deploy_id'], ['model_deploys.id'],
                            name=op.f('fk_model_deploy_files_deploy_id_model_deploys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_model_deploy_files'))
    )
    with op.batch_alter_table('model_deploy_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_model_deploy_files_deploy_id'), ['deploy_id'], unique=False)


def downgrade():
    with op.batch_alter_table('model_deploy_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_model_deploy_files_deploy_id'))
    op.drop_table('model_deploy_files')
    with op.batch_alter_table('model_deploys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_model_deploys_state'))
    op.drop_table('model_deploys')
