"""quality: coaching sessions with evidence and actions, training programmes and
enrolments, onboarding checklists

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 02:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _index(table: str, column: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def _drop_index(table: str, column: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_index(batch_op.f(f"ix_{table}_{column}"))


def upgrade() -> None:
    op.create_table(
        "coaching_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("coach_user_id", sa.Integer(), nullable=True),
        sa.Column("coach_name", sa.String(length=120), nullable=False),
        sa.Column("session_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("follow_up_of_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["employees.id"], name=op.f("fk_coaching_sessions_agent_id_employees")
        ),
        sa.ForeignKeyConstraint(
            ["coach_user_id"], ["users.id"], name=op.f("fk_coaching_sessions_coach_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["follow_up_of_id"],
            ["coaching_sessions.id"],
            name=op.f("fk_coaching_sessions_follow_up_of_id_coaching_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coaching_sessions")),
    )
    _index("coaching_sessions", "agent_id")
    _index("coaching_sessions", "session_date")
    op.create_table(
        "coaching_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=True),
        sa.Column("kpi", sa.String(length=40), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("goal", sa.Float(), nullable=True),
        sa.Column("n", sa.Integer(), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("added_by", sa.String(length=120), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["qa_evaluations.id"],
            name=op.f("fk_coaching_evidence_evaluation_id_qa_evaluations"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["coaching_sessions.id"],
            name=op.f("fk_coaching_evidence_session_id_coaching_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coaching_evidence")),
    )
    _index("coaching_evidence", "session_id")
    op.create_table(
        "coaching_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("done_by", sa.String(length=120), nullable=True),
        sa.Column("follow_up", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["employees.id"], name=op.f("fk_coaching_actions_owner_id_employees")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["coaching_sessions.id"],
            name=op.f("fk_coaching_actions_session_id_coaching_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coaching_actions")),
    )
    _index("coaching_actions", "session_id")
    _index("coaching_actions", "owner_id")
    op.create_table(
        "training_programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_programmes")),
        sa.UniqueConstraint("name", name=op.f("uq_training_programmes_name")),
    )
    op.create_table(
        "training_enrolments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("enrolled_on", sa.Date(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employees.id"], name=op.f("fk_training_enrolments_employee_id_employees")
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["training_programmes.id"],
            name=op.f("fk_training_enrolments_programme_id_training_programmes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_enrolments")),
        sa.UniqueConstraint("programme_id", "employee_id", name="uq_training_enrolments_employee"),
    )
    _index("training_enrolments", "programme_id")
    _index("training_enrolments", "employee_id")
    op.create_table(
        "onboarding_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("done_by", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employees.id"], name=op.f("fk_onboarding_items_employee_id_employees")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onboarding_items")),
    )
    _index("onboarding_items", "employee_id")


def downgrade() -> None:
    _drop_index("onboarding_items", "employee_id")
    op.drop_table("onboarding_items")
    _drop_index("training_enrolments", "employee_id")
    _drop_index("training_enrolments", "programme_id")
    op.drop_table("training_enrolments")
    op.drop_table("training_programmes")
    _drop_index("coaching_actions", "owner_id")
    _drop_index("coaching_actions", "session_id")
    op.drop_table("coaching_actions")
    _drop_index("coaching_evidence", "session_id")
    op.drop_table("coaching_evidence")
    _drop_index("coaching_sessions", "session_date")
    _drop_index("coaching_sessions", "agent_id")
    op.drop_table("coaching_sessions")
