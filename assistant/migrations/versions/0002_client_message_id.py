"""client-side message ids make resending a message safe

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("client_id", sa.String(64)))
        batch.create_unique_constraint("uq_messages_conversation_client_id", ["conversation_id", "client_id"])


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_constraint("uq_messages_conversation_client_id", type_="unique")
        batch.drop_column("client_id")
