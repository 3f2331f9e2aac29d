"""wfm: shift swaps and trades between agents, with their approval states

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 03:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

INDEXED = ("schedule_id", "status", "proposer_id", "colleague_id")


def upgrade() -> None:
    op.create_table(
        "wfm_shift_swaps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("proposer_id", sa.Integer(), nullable=False),
        sa.Column("colleague_id", sa.Integer(), nullable=False),
        sa.Column("offered_shift_id", sa.Integer(), nullable=False),
        sa.Column("wanted_shift_id", sa.Integer(), nullable=True),
        sa.Column("offered_label", sa.String(length=120), nullable=False),
        sa.Column("wanted_label", sa.String(length=120), nullable=False),
        sa.Column("fingerprint", sa.Text(), nullable=False),
        sa.Column("message", sa.String(length=400), nullable=False),
        sa.Column("note", sa.String(length=400), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("responded_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by", sa.String(length=120), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["wfm_schedules.id"],
            name=op.f("fk_wfm_shift_swaps_schedule_id_wfm_schedules"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposer_id"], ["employees.id"], name=op.f("fk_wfm_shift_swaps_proposer_id_employees")
        ),
        sa.ForeignKeyConstraint(
            ["colleague_id"], ["employees.id"], name=op.f("fk_wfm_shift_swaps_colleague_id_employees")
        ),
        sa.ForeignKeyConstraint(
            ["offered_shift_id"],
            ["wfm_schedule_shifts.id"],
            name=op.f("fk_wfm_shift_swaps_offered_shift_id_wfm_schedule_shifts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["wanted_shift_id"],
            ["wfm_schedule_shifts.id"],
            name=op.f("fk_wfm_shift_swaps_wanted_shift_id_wfm_schedule_shifts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wfm_shift_swaps")),
    )
    with op.batch_alter_table("wfm_shift_swaps", schema=None) as batch_op:
        for column in INDEXED:
            batch_op.create_index(batch_op.f(f"ix_wfm_shift_swaps_{column}"), [column], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("wfm_shift_swaps", schema=None) as batch_op:
        for column in INDEXED:
            batch_op.drop_index(batch_op.f(f"ix_wfm_shift_swaps_{column}"))
    op.drop_table("wfm_shift_swaps")
