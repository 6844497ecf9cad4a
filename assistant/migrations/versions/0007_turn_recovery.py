"""turn recovery: a customer message's bot turn is pending, claimed with a lease, or done

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("turn", sa.String(10)))  # messages stored before this owe no turn (NULL)
        batch.add_column(sa.Column("turn_attempt", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("turn_lease_until", sa.DateTime(timezone=True)))
        batch.create_index("ix_messages_turn", ["turn"])


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_index("ix_messages_turn")
        batch.drop_column("turn_lease_until")
        batch.drop_column("turn_attempt")
        batch.drop_column("turn")
