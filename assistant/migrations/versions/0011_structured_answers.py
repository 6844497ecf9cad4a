"""bot messages keep a catalogue answer's fields (title, short answer, sections, source, review date)

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("messages", sa.Column("answer", sa.JSON()))


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("answer")
