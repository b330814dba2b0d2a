"""intake windows

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 06:10:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models.types  # noqa: F401  (custom column types used by autogenerate)


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('intake_windows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region', sa.String(length=2), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.Column('updated_by', sa.String(length=254), nullable=False),
    sa.Column('updated_at', app.models.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intake_windows'))
    )
    with op.batch_alter_table('intake_windows', schema=None) as batch_op:
        batch_op.create_index('ix_intake_windows_region_opens_on', ['region', 'opens_on'], unique=False)


def downgrade():
    with op.batch_alter_table('intake_windows', schema=None) as batch_op:
        batch_op.drop_index('ix_intake_windows_region_opens_on')

    op.drop_table('intake_windows')
