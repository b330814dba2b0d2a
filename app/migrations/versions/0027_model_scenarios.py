"""model scenarios edited in the modeller, layered over the shipped files

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-08 02:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models.types  # noqa: F401  (custom column types used by autogenerate)


# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('model_scenarios',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('updated_by', sa.String(length=254), nullable=False),
    sa.Column('updated_at', app.models.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_model_scenarios')),
    sa.UniqueConstraint('name', name=op.f('uq_model_scenarios_name'))
    )


def downgrade():
    op.drop_table('model_scenarios')
