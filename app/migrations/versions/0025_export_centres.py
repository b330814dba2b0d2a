"""export centres: the regions' ЦПЭ as the documents name them, seeded for the demo regions

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-10 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models.types  # noqa: F401  (custom column types used by autogenerate)


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

# Starting values for the demo regions; admins correct them on «Справочник ЦПЭ».
DEFAULTS = [
    {"region": "77", "full_name": "Автономная некоммерческая организация «Московский экспортный центр»",
     "short_name": "АНО «Московский экспортный центр»", "address": None,
     "head_position": "директор", "head_name": "Соколова Анна Викторовна", "basis": "устава"},
    {"region": "66", "full_name": "Автономная некоммерческая организация «Центр поддержки экспорта Свердловской области»",
     "short_name": "ЦПЭ Свердловской области", "address": None,
     "head_position": "директор", "head_name": None, "basis": "устава"},
]


def upgrade():
    table = op.create_table('export_centres',
    sa.Column('region', sa.String(length=3), nullable=False),
    sa.Column('full_name', sa.String(length=500), nullable=False),
    sa.Column('short_name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('head_position', sa.String(length=200), nullable=True),
    sa.Column('head_name', sa.String(length=200), nullable=True),
    sa.Column('basis', sa.String(length=200), nullable=True),
    sa.Column('updated_at', app.models.types.UTCDateTime(), nullable=True),
    sa.Column('updated_by', sa.String(length=254), nullable=True),
    sa.PrimaryKeyConstraint('region', name=op.f('pk_export_centres'))
    )
    op.bulk_insert(table, DEFAULTS)


def downgrade():
    op.drop_table('export_centres')
