"""the origins of the websites that may embed the widget (`assistant sites allow`)

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "embedding_sites",
        sa.Column("origin", sa.String(300), primary_key=True),
        sa.Column("note", sa.String(200)),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("embedding_sites")
