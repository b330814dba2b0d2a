"""the case file: one typed, versioned entry per completed step and decision table run,
filled for existing applications from their audit trail

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 16:00:00.000000

"""
from pathlib import Path

from alembic import op
import sqlalchemy as sa

import app.models.types  # noqa: F401  (custom column types used by autogenerate)


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    entries = op.create_table('case_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('deployment_id', sa.Integer(), nullable=True),
    sa.Column('task_id', sa.String(length=36), nullable=True),
    sa.Column('element_id', sa.String(length=120), nullable=True),
    sa.Column('name', sa.String(length=500), nullable=True),
    sa.Column('step', sa.String(length=16), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=True),
    sa.Column('form', sa.String(length=120), nullable=True),
    sa.Column('form_version', sa.String(length=64), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('actor', sa.String(length=254), nullable=False),
    sa.Column('on_behalf_of', sa.String(length=32), nullable=True),
    sa.Column('role', sa.String(length=32), nullable=True),
    sa.Column('region', sa.String(length=8), nullable=True),
    sa.Column('ready_at', app.models.types.UTCDateTime(), nullable=True),
    sa.Column('normative_due', app.models.types.UTCDateTime(), nullable=True),
    sa.Column('indicative_due', app.models.types.UTCDateTime(), nullable=True),
    sa.Column('at', app.models.types.UTCDateTime(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('documents', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['deployment_id'], ['deployments.id'], name=op.f('fk_case_entries_deployment_id_deployments')),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'],
                            name=op.f('fk_case_entries_instance_id_process_instances'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_entries'))
    )
    with op.batch_alter_table('case_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_entries_task_id'), ['task_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_entries_at'), ['at'], unique=False)
        batch_op.create_index('ix_case_entries_instance_kind', ['instance_id', 'kind', 'version'], unique=False)
        batch_op.create_index('ix_case_entries_instance_form', ['instance_id', 'form'], unique=False)

    from app.applications.casefile_backfill import backfill, iso_moment
    # The forms as they were when this ran first: application_rework was the client's free-text
    # answer then (kind rework); it later became the questionnaire's next version.
    backfill(op.get_bind(), entries, _forms_dir(), iso_moment, kinds_then={"application_rework": "rework"})


def _forms_dir() -> Path:
    try:
        from flask import current_app
        return Path(current_app.config["VITRINA_FORMS_DIR"])
    except (ImportError, RuntimeError, KeyError):
        return Path(__file__).resolve().parents[3] / "forms"


def downgrade():
    with op.batch_alter_table('case_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_case_entries_instance_form')
        batch_op.drop_index('ix_case_entries_instance_kind')
        batch_op.drop_index(batch_op.f('ix_case_entries_at'))
        batch_op.drop_index(batch_op.f('ix_case_entries_task_id'))
    op.drop_table('case_entries')
