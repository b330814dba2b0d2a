"""regional settings: the export_centres row carries the region's requisites, client waits and
intake rule, with a version for concurrent edits; every change is kept in regional_setting_changes

Revision ID: 0030
Revises: 0028
Create Date: 2026-12-08 03:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models.types  # noqa: F401  (custom column types used by autogenerate)


# revision identifiers, used by Alembic.
revision = '0030'
down_revision = '0028'
branch_labels = None
depends_on = None

COLUMNS = [
    ('inn', sa.String(length=12)), ('kpp', sa.String(length=9)), ('ogrn', sa.String(length=15)),
    ('bank_name', sa.String(length=300)), ('bank_bik', sa.String(length=9)),
    ('bank_account', sa.String(length=20)), ('bank_corr_account', sa.String(length=20)),
    ('wait_remarks', sa.Integer()), ('wait_originals', sa.Integer()), ('wait_consultation_offer', sa.Integer()),
    ('waits_act', sa.String(length=500)), ('intake_windows_required', sa.Boolean()),
]


def upgrade():
    with op.batch_alter_table('export_centres') as batch:
        for name, type_ in COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
        batch.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    op.create_table('regional_setting_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region', sa.String(length=3), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.Column('changed_at', app.models.types.UTCDateTime(), nullable=False),
    sa.Column('changed_by', sa.String(length=254), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_regional_setting_changes'))
    )
    op.create_index('ix_regional_setting_changes_region_changed_at', 'regional_setting_changes',
                    ['region', 'changed_at'], unique=False)


def downgrade():
    op.drop_index('ix_regional_setting_changes_region_changed_at', table_name='regional_setting_changes')
    op.drop_table('regional_setting_changes')
    with op.batch_alter_table('export_centres') as batch:
        batch.drop_column('version')
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
