"""filing on behalf: the stand-ins of an open task (with a partial index), invitations of a client's representative

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-08 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models.types  # noqa: F401  (custom column types used by autogenerate)


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('open_tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stand_ins', sa.String(length=120), nullable=True))
        batch_op.create_index('ix_open_tasks_stand_ins', ['region', 'stand_ins'], unique=False,
                              sqlite_where=sa.text('stand_ins IS NOT NULL'),
                              postgresql_where=sa.text('stand_ins IS NOT NULL'))
    # Open step 1 tasks of applications КБ РЭЦ or a ЦПЭ filed get the stand-ins the model now gives them.
    op.execute("""
        UPDATE open_tasks SET stand_ins = ',kb_rec,cpe,'
        WHERE element_id = 'step_1_submit' AND instance_id IN (
            SELECT p.id FROM process_instances p JOIN users u ON u.email = p.started_by
            WHERE EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role IN ('kb_rec', 'cpe'))
              AND NOT EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = 'client'))
    """)
    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('invited_by', sa.String(length=254), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(), nullable=False),
    sa.Column('expires_at', app.models.types.UTCDateTime(), nullable=False),
    sa.Column('used_at', app.models.types.UTCDateTime(), nullable=True),
    sa.Column('revoked_at', app.models.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'], name=op.f('fk_invitations_instance_id_process_instances'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_invitations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitations_token_hash'))
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitations_instance_id'), ['instance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitations_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitations_user_id'))
        batch_op.drop_index(batch_op.f('ix_invitations_instance_id'))
    op.drop_table('invitations')
    with op.batch_alter_table('open_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_open_tasks_stand_ins')
        batch_op.drop_column('stand_ins')
