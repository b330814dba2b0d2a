"""operators: registry, accreditation checklist and evidence, history, users, agreements

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-25 07:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models.types  # noqa: F401  (custom column types used by autogenerate)


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('operators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('inn', sa.String(length=12), nullable=False),
    sa.Column('ogrn', sa.String(length=15), nullable=False),
    sa.Column('contact_person', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('marketplaces', sa.Text(), nullable=True),
    sa.Column('countries', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=True),
    sa.Column('status_at', app.models.types.UTCDateTime(), nullable=False),
    sa.Column('status_by', sa.String(length=254), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_operators')),
    sa.UniqueConstraint('inn', name=op.f('uq_operators_inn'))
    )
    with op.batch_alter_table('operators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_operators_status'), ['status'], unique=False)

    op.create_table('operator_users',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['operator_id'], ['operators.id'], name=op.f('fk_operator_users_operator_id_operators'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_operator_users_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_operator_users'))
    )
    with op.batch_alter_table('operator_users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_operator_users_operator_id'), ['operator_id'], unique=False)

    op.create_table('operator_requirements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('met', sa.Boolean(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('checked_by', sa.String(length=254), nullable=False),
    sa.Column('checked_at', app.models.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['operator_id'], ['operators.id'], name=op.f('fk_operator_requirements_operator_id_operators'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_operator_requirements')),
    sa.UniqueConstraint('operator_id', 'number', name=op.f('uq_operator_requirements_operator_id'))
    )
    with op.batch_alter_table('operator_requirements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_operator_requirements_operator_id'), ['operator_id'], unique=False)

    op.create_table('operator_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('path', sa.String(length=300), nullable=False),
    sa.Column('uploaded_by', sa.String(length=254), nullable=False),
    sa.Column('uploaded_at', app.models.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['operator_id'], ['operators.id'], name=op.f('fk_operator_evidence_operator_id_operators'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_operator_evidence'))
    )
    with op.batch_alter_table('operator_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_operator_evidence_operator_id'), ['operator_id'], unique=False)

    op.create_table('operator_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=False),
    sa.Column('at', app.models.types.UTCDateTime(), nullable=False),
    sa.Column('actor', sa.String(length=254), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('status_from', sa.String(length=40), nullable=True),
    sa.Column('status_to', sa.String(length=40), nullable=True),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['operator_id'], ['operators.id'], name=op.f('fk_operator_events_operator_id_operators'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_operator_events'))
    )
    with op.batch_alter_table('operator_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_operator_events_operator_id'), ['operator_id'], unique=False)

    op.create_table('application_operators',
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=True),
    sa.Column('assigned_at', app.models.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'], name=op.f('fk_application_operators_instance_id_process_instances'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['operator_id'], ['operators.id'], name=op.f('fk_application_operators_operator_id_operators')),
    sa.PrimaryKeyConstraint('instance_id', name=op.f('pk_application_operators'))
    )
    with op.batch_alter_table('application_operators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_operators_operator_id'), ['operator_id'], unique=False)


def downgrade():
    for table in ('application_operators', 'operator_events', 'operator_evidence', 'operator_requirements',
                  'operator_users'):
        op.drop_table(table)
    with op.batch_alter_table('operators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_operators_status'))
    op.drop_table('operators')
