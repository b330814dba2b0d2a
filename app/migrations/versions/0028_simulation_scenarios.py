"""simulation scenarios: what-ifs saved under a name; a run remembers the form that started it

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-08 03:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models.types  # noqa: F401  (custom column types used by autogenerate)


# revision identifiers, used by Alembic.
revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('simulation_scenarios',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=140), nullable=False),
    sa.Column('params_text', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('updated_at', app.models.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_simulation_scenarios')),
    sa.UniqueConstraint('name', name=op.f('uq_simulation_scenarios_name'))
    )
    with op.batch_alter_table('simulation_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_key', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_simulation_runs_request_key'), ['request_key'])


def downgrade():
    with op.batch_alter_table('simulation_runs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_simulation_runs_request_key'), type_='unique')
        batch_op.drop_column('request_key')
    op.drop_table('simulation_scenarios')
