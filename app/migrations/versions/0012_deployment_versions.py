"""deployment versions: the content hash no longer unique

Going back to an earlier version deploys its files again as a new version (a new row with its
own number, who and when), so two versions may share a content hash. The hash stays indexed:
it keys the parsed-model cache and tells whether a deploy changes anything.

Revision ID: 0012
Revises: 0005
Create Date: 2026-11-26 10:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('deployments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_deployments_key'), type_='unique')
        batch_op.create_index(batch_op.f('ix_deployments_key'), ['key'], unique=False)


def downgrade():
    with op.batch_alter_table('deployments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deployments_key'))
        batch_op.create_unique_constraint(batch_op.f('uq_deployments_key'), ['key'])
