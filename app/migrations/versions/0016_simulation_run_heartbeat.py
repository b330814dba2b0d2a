"""simulation runs record the process that runs them and its heartbeat

A run is a thread of the web process; when the process stops (a restart) the run stays
«running» for ever unless someone can tell it is gone: the runner and its last heartbeat say so.

Revision ID: 0016
Revises: 0015
"""
from alembic import op
import sqlalchemy as sa

import app.models.types  # noqa: F401  (custom column types used by autogenerate)


# revision identifiers, used by Alembic.
revision = "0016"
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("simulation_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("runner", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("heartbeat_at", app.models.types.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("simulation_runs", schema=None) as batch_op:
        batch_op.drop_column("heartbeat_at")
        batch_op.drop_column("runner")
