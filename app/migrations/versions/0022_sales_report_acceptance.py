"""sales reports: the ЦПЭ's acceptance (3.8(13)) on each filed report

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-08 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models.types  # noqa: F401  (custom column types used by autogenerate)


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    # Reports recorded before the acceptance step counted on filing: they stay counted.
    with op.batch_alter_table('sales_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.String(length=16), nullable=False, server_default='accepted'))
        batch_op.add_column(sa.Column('reviewed_by', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', app.models.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('review_comment', sa.Text(), nullable=True))
        batch_op.create_index('ix_sales_reports_state', ['state'], unique=False)


def downgrade():
    with op.batch_alter_table('sales_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_sales_reports_state')
        batch_op.drop_column('review_comment')
        batch_op.drop_column('reviewed_at')
        batch_op.drop_column('reviewed_by')
        batch_op.drop_column('state')
