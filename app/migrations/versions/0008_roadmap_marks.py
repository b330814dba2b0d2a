"""roadmap marks: done marks of detailed roadmap steps (step 10)

Revision ID: 0008
Revises: 0005
Create Date: 2026-11-26 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models.types  # noqa: F401  (custom column types used by autogenerate)


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('roadmap_marks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=1000), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=False),
    sa.Column('marked_by', sa.String(length=120), nullable=False),
    sa.Column('marked_at', app.models.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'], name=op.f('fk_roadmap_marks_instance_id_process_instances'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roadmap_marks')),
    sa.UniqueConstraint('instance_id', 'version', 'position', name='uq_roadmap_marks_step')
    )
    with op.batch_alter_table('roadmap_marks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roadmap_marks_instance_id'), ['instance_id'], unique=False)


def downgrade():
    with op.batch_alter_table('roadmap_marks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roadmap_marks_instance_id'))

    op.drop_table('roadmap_marks')
