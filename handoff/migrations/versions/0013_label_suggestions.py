"""agents label customer messages with the service they were about; the labels wait for an editor's review

Revision ID: 0013
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "label_suggestions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("label", sa.String(64), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("text_key", sa.String(64), nullable=False),
        sa.Column("language", sa.String(5), nullable=False),
        sa.Column("agent", sa.String(80), nullable=False),
        sa.Column("state", sa.String(10), nullable=False, index=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("reviewed_by", sa.String(80)),
        sa.Column("reviewed_at", TS),
        sa.UniqueConstraint("label", "text_key", name="uq_label_suggestions_label_text"),
    )
    op.create_table(
        "message_labels",
        sa.Column("conversation_id", sa.String(36), sa.ForeignKey("conversations.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("suggestion_id", sa.Integer, sa.ForeignKey("label_suggestions.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("agent", sa.String(80), nullable=False),
        sa.Column("at", TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("message_labels")
    op.drop_table("label_suggestions")
