"""sales reports (Appendix 6, steps 14-15)

Revision ID: 0009
Revises: 0005
Create Date: 2026-11-26 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models.types  # noqa: F401  (custom column types used by autogenerate)


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sales_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=False),
    sa.Column('step', sa.String(length=16), nullable=True),
    sa.Column('region', sa.String(length=8), nullable=True),
    sa.Column('company_name', sa.String(length=500), nullable=True),
    sa.Column('company_inn', sa.String(length=12), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('responsible_name', sa.String(length=300), nullable=True),
    sa.Column('responsible_phone', sa.String(length=40), nullable=True),
    sa.Column('responsible_email', sa.String(length=254), nullable=True),
    sa.Column('scan_document_id', sa.Integer(), nullable=True),
    sa.Column('submitted_by', sa.String(length=254), nullable=False),
    sa.Column('submitted_at', app.models.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'], name=op.f('fk_sales_reports_instance_id_process_instances'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_reports')),
    sa.UniqueConstraint('task_id', name=op.f('uq_sales_reports_task_id'))
    )
    with op.batch_alter_table('sales_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sales_reports_instance_id'), ['instance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_reports_region'), ['region'], unique=False)

    op.create_table('sales_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('product', sa.String(length=500), nullable=False),
    sa.Column('tnved', sa.String(length=10), nullable=False),
    sa.Column('marketplace', sa.String(length=200), nullable=False),
    sa.Column('link', sa.String(length=2000), nullable=False),
    sa.Column('transactions_total', sa.Integer(), nullable=False),
    sa.Column('value_last_month', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('value_total', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['sales_reports.id'], name=op.f('fk_sales_lines_report_id_sales_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_lines'))
    )
    with op.batch_alter_table('sales_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sales_lines_marketplace'), ['marketplace'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_lines_report_id'), ['report_id'], unique=False)


def downgrade():
    with op.batch_alter_table('sales_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sales_lines_report_id'))
        batch_op.drop_index(batch_op.f('ix_sales_lines_marketplace'))
    op.drop_table('sales_lines')
    with op.batch_alter_table('sales_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sales_reports_region'))
        batch_op.drop_index(batch_op.f('ix_sales_reports_instance_id'))
    op.drop_table('sales_reports')
