"""handoff: queues, agents and their console sessions, the audit trail, system and agent messages

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(80), nullable=False, unique=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("region", sa.String(20)),
        sa.Column("languages", sa.JSON, nullable=False),
        sa.Column("topics", sa.JSON),
        sa.Column("max_chats", sa.Integer, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("ui_language", sa.String(5), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "console_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_seen", TS, nullable=False),
    )
    op.create_table(
        "handoff_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("conversation_id", sa.String(36), sa.ForeignKey("conversations.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("from_queue", sa.String(40)),
        sa.Column("to_queue", sa.String(40)),
        sa.Column("note", sa.Text),
        sa.Column("outcome", sa.String(30)),
        sa.Column("at", TS, nullable=False),
    )
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("queue", sa.String(40)))
        batch.add_column(sa.Column("queued_at", TS))
        batch.add_column(sa.Column("agent_id", sa.Integer, sa.ForeignKey("users.id", name="fk_conversations_agent")))
        batch.add_column(sa.Column("contact", sa.JSON))
        batch.add_column(sa.Column("business_id", sa.String(12)))
        batch.add_column(sa.Column("agent_typing_until", TS))
        batch.add_column(sa.Column("customer_typing_until", TS))
        batch.create_index("ix_conversations_queue", ["queue"])
        batch.create_index("ix_conversations_state", ["state"])
        batch.create_index("ix_conversations_updated_at", ["updated_at"])
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("event", sa.String(30)))
        batch.add_column(sa.Column("details", sa.JSON))
        batch.add_column(sa.Column("author", sa.String(80)))
        batch.add_column(sa.Column("internal", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        for column in ("internal", "author", "details", "event"):
            batch.drop_column(column)
    with op.batch_alter_table("conversations") as batch:
        for index in ("ix_conversations_updated_at", "ix_conversations_state", "ix_conversations_queue"):
            batch.drop_index(index)
        batch.drop_constraint("fk_conversations_agent", type_="foreignkey")
        for column in ("customer_typing_until", "agent_typing_until", "business_id", "contact", "agent_id",
                       "queued_at", "queue"):
            batch.drop_column(column)
    op.drop_table("handoff_events")
    op.drop_table("console_sessions")
    op.drop_table("users")
