"""saved filters of the applications list as well: which list a filter reopens

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-10 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    # Every filter saved so far is the task list's.
    with op.batch_alter_table('saved_filters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('list_name', sa.String(length=16), server_default='tasks', nullable=False))
        batch_op.drop_constraint('uq_saved_filters_owner_name', type_='unique')
        batch_op.create_unique_constraint('uq_saved_filters_owner_list_name', ['owner_id', 'list_name', 'name'])


def downgrade():
    # The task list would not read an applications list's query: those filters go.
    op.execute("DELETE FROM saved_filters WHERE list_name <> 'tasks'")
    with op.batch_alter_table('saved_filters', schema=None) as batch_op:
        batch_op.drop_constraint('uq_saved_filters_owner_list_name', type_='unique')
        batch_op.create_unique_constraint('uq_saved_filters_owner_name', ['owner_id', 'name'])
        batch_op.drop_column('list_name')
