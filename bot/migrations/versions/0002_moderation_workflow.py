"""moderation workflow: users, approvals, case notes and links, executor and retention columns

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=True),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=True),
    sa.Column('password_hash', sa.Text(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', bot.models.UTCDateTime(), nullable=False),
    sa.Column('disabled_at', bot.models.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_users_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('case_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('related_case_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('created_at', bot.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_links_case_id_cases')),
    sa.ForeignKeyConstraint(['related_case_id'], ['cases.id'], name=op.f('fk_case_links_related_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_links')),
    sa.UniqueConstraint('case_id', 'related_case_id', name=op.f('uq_case_links_case_id_related_case_id'))
    )
    with op.batch_alter_table('case_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_links_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_links_related_case_id'), ['related_case_id'], unique=False)

    op.create_table('case_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('author', sa.String(length=100), nullable=False),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('created_at', bot.models.UTCDateTime(), nullable=False),
    sa.Column('erased_at', bot.models.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_notes_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_notes'))
    )
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_notes_case_id'), ['case_id'], unique=False)

    op.create_table('approvals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_request_id', sa.Integer(), nullable=False),
    sa.Column('approver', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('approved_at', bot.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['action_request_id'], ['action_requests.id'],
                            name=op.f('fk_approvals_action_request_id_action_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approvals')),
    sa.UniqueConstraint('action_request_id', 'approver', name=op.f('uq_approvals_action_request_id_approver'))
    )
    with op.batch_alter_table('approvals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_approvals_action_request_id'), ['action_request_id'], unique=False)

    # Plain ADD COLUMNs (no foreign keys), so SQLite alters in place instead of copying tables that others
    # reference, which would fail with foreign keys enforced.
    with op.batch_alter_table('action_requests', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('started_at', bot.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('result_external_id', sa.String(length=255), nullable=True))

    with op.batch_alter_table('cases', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('resolution', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('erased_at', bot.models.UTCDateTime(), nullable=True))

    with op.batch_alter_table('items', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('erased_at', bot.models.UTCDateTime(), nullable=True))


def downgrade() -> None:
    # ``recreate='never'``: SQLite (3.35+) drops columns in place; copying ``cases`` would trip foreign keys.
    with op.batch_alter_table('items', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('erased_at')

    with op.batch_alter_table('cases', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('erased_at')
        batch_op.drop_column('resolution')

    with op.batch_alter_table('action_requests', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('result_external_id')
        batch_op.drop_column('started_at')
        batch_op.drop_column('attempts')

    with op.batch_alter_table('approvals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_approvals_action_request_id'))

    op.drop_table('approvals')
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_notes_case_id'))

    op.drop_table('case_notes')
    with op.batch_alter_table('case_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_links_related_case_id'))
        batch_op.drop_index(batch_op.f('ix_case_links_case_id'))

    op.drop_table('case_links')
    op.drop_table('users')
