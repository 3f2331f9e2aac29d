"""wfm: agent availability patterns and scheduling preferences

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 03:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wfm_agent_availability",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("hours", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_wfm_agent_availability_employee_id_employees"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wfm_agent_availability")),
    )
    with op.batch_alter_table("wfm_agent_availability", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wfm_agent_availability_employee_id"), ["employee_id"], unique=False
        )
    op.create_table(
        "wfm_agent_preferences",
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("days_off", sa.JSON(), nullable=False),
        sa.Column("start_times", sa.JSON(), nullable=False),
        sa.Column("earliest_start", sa.String(length=5), nullable=True),
        sa.Column("latest_start", sa.String(length=5), nullable=True),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "weight >= 0 AND weight <= 10", name=op.f("ck_wfm_agent_preferences_weight_range")
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_wfm_agent_preferences_employee_id_employees"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("employee_id", name=op.f("pk_wfm_agent_preferences")),
    )


def downgrade() -> None:
    with op.batch_alter_table("wfm_agent_availability", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wfm_agent_availability_employee_id"))
    op.drop_table("wfm_agent_preferences")
    op.drop_table("wfm_agent_availability")
