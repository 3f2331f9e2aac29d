"""wfm: published and draft schedules, their shifts (or days off) and activities, time-off requests

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 02:05:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wfm_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("interval_min", sa.Integer(), nullable=False),
        sa.Column("objective", sa.Float(), nullable=False),
        sa.Column("bound", sa.Float(), nullable=False),
        sa.Column("gap", sa.Float(), nullable=False),
        sa.Column("solver_status", sa.String(length=12), nullable=False),
        sa.Column("under_agent_hours", sa.Float(), nullable=False),
        sa.Column("over_agent_hours", sa.Float(), nullable=False),
        sa.Column("rule_violations", sa.Integer(), nullable=False),
        sa.Column("projected_sl", sa.Float(), nullable=True),
        sa.Column("intervals", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("published_by", sa.String(length=120), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_wfm_schedules_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wfm_schedules")),
    )
    with op.batch_alter_table("wfm_schedules", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wfm_schedules_site_id"), ["site_id"], unique=False)

    op.create_table(
        "wfm_schedule_shifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("agent_code", sa.String(length=80), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("template", sa.String(length=60), nullable=True),
        sa.Column("start_utc", sa.DateTime(), nullable=True),
        sa.Column("end_utc", sa.DateTime(), nullable=True),
        sa.Column("start_local", sa.DateTime(), nullable=True),
        sa.Column("end_local", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employees.id"], name=op.f("fk_wfm_schedule_shifts_employee_id_employees")
        ),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["wfm_schedules.id"],
            name=op.f("fk_wfm_schedule_shifts_schedule_id_wfm_schedules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wfm_schedule_shifts")),
    )
    with op.batch_alter_table("wfm_schedule_shifts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wfm_schedule_shifts_employee_id"), ["employee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_wfm_schedule_shifts_schedule_id"), ["schedule_id"], unique=False)

    op.create_table(
        "wfm_schedule_activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shift_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("paid", sa.Boolean(), nullable=False),
        sa.Column("start_utc", sa.DateTime(), nullable=False),
        sa.Column("end_utc", sa.DateTime(), nullable=False),
        sa.Column("start_local", sa.DateTime(), nullable=False),
        sa.Column("end_local", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shift_id"],
            ["wfm_schedule_shifts.id"],
            name=op.f("fk_wfm_schedule_activities_shift_id_wfm_schedule_shifts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wfm_schedule_activities")),
    )
    with op.batch_alter_table("wfm_schedule_activities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wfm_schedule_activities_shift_id"), ["shift_id"], unique=False)

    op.create_table(
        "wfm_time_off_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("start_utc", sa.DateTime(), nullable=False),
        sa.Column("end_utc", sa.DateTime(), nullable=False),
        sa.Column("start_local", sa.DateTime(), nullable=False),
        sa.Column("end_local", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.String(length=400), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by", sa.String(length=120), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("note", sa.String(length=400), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employees.id"], name=op.f("fk_wfm_time_off_requests_employee_id_employees")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wfm_time_off_requests")),
    )
    with op.batch_alter_table("wfm_time_off_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wfm_time_off_requests_employee_id"), ["employee_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("wfm_time_off_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wfm_time_off_requests_employee_id"))
    op.drop_table("wfm_time_off_requests")
    with op.batch_alter_table("wfm_schedule_activities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wfm_schedule_activities_shift_id"))
    op.drop_table("wfm_schedule_activities")
    with op.batch_alter_table("wfm_schedule_shifts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wfm_schedule_shifts_schedule_id"))
        batch_op.drop_index(batch_op.f("ix_wfm_schedule_shifts_employee_id"))
    op.drop_table("wfm_schedule_shifts")
    with op.batch_alter_table("wfm_schedules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wfm_schedules_site_id"))
    op.drop_table("wfm_schedules")
