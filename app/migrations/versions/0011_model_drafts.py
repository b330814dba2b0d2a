"""model drafts saved from the modeller

Revision ID: 0011
Revises: 0005
Create Date: 2026-11-26 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models.types  # noqa: F401  (custom column types used by autogenerate)


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('model_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('saved_at', app.models.types.UTCDateTime(), nullable=False),
    sa.Column('saved_by', sa.String(length=120), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('base_deployment_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['base_deployment_id'], ['deployments.id'],
                            name=op.f('fk_model_drafts_base_deployment_id_deployments'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_model_drafts'))
    )
    op.create_table('model_draft_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['draft_id'], ['model_drafts.id'],
                            name=op.f('fk_model_draft_files_draft_id_model_drafts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_model_draft_files'))
    )
    with op.batch_alter_table('model_draft_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_model_draft_files_draft_id'), ['draft_id'], unique=False)


def downgrade():
    with op.batch_alter_table('model_draft_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_model_draft_files_draft_id'))

    op.drop_table('model_draft_files')
    op.drop_table('model_drafts')
