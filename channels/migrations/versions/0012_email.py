"""the email channel: threads (reply token, the customer's address) and every mail in and out

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mail_threads",
        sa.Column("conversation_id", sa.String(36), sa.ForeignKey("conversations.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("token", sa.String(40), nullable=False, unique=True),
        sa.Column("address", sa.String(320), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "mail_messages",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("conversation_id", sa.String(36), sa.ForeignKey("conversations.id", ondelete="CASCADE"),
                  nullable=True, index=True),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("message_id", sa.String(300)),
        sa.Column("content_hash", sa.String(64)),
        sa.Column("sender", sa.String(320)),
        sa.Column("references", sa.Text),
        sa.Column("first_seq", sa.Integer),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_mail_messages_message_id", "mail_messages", ["message_id"])
    op.create_index("uq_mail_messages_sender_hash", "mail_messages", ["sender", "content_hash"], unique=True)


def downgrade() -> None:
    op.drop_table("mail_messages")
    op.drop_table("mail_threads")
