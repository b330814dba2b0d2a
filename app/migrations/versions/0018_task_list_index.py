"""a covering index for a region's task-list counts

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 16:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('open_tasks', schema=None) as batch_op:
        batch_op.create_index('ix_open_tasks_region_role_assignee_due',
                              ['region', 'role', 'assignee', 'normative_due'], unique=False)


def downgrade():
    with op.batch_alter_table('open_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_open_tasks_region_role_assignee_due')
