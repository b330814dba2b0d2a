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
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=254), nullable=False),
        sa.Column("failed_at", app.models.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.create_index("ix_login_failures_scope_key_failed_at", ["scope", "key", "failed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_login_failures_failed_at"), ["failed_at"], unique=False)


def downgrade():
    op.drop_table("login_failures")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("session_version")
