"""session versions on users; failed logins for throttling

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa

import app.models.types  # noqa: F401  (custom column types)


revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    # Sessions made before this revision carry a bare user id and so end: everyone logs in once.
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_version", sa.Integer(), server_default="1", nullable=False))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("session_version")
