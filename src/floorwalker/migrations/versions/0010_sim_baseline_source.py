"""sim: saved what-if scenarios record their baseline source

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 03:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Scenarios saved before this column existed were all built on history.
    with op.batch_alter_table("sim_scenarios", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("baseline", sa.String(length=24), server_default="history", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("sim_scenarios", schema=None) as batch_op:
        batch_op.drop_column("baseline")
