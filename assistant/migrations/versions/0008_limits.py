"""limits counted across workers: attempt counters per time window, and leases of open sockets

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "limit_counters",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("expires", sa.Float, nullable=False, index=True),
    )
    op.create_table(
        "limit_leases",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("subject", sa.String(80), nullable=False, index=True),
        sa.Column("holder", sa.String(36), nullable=False, index=True),
        sa.Column("expires", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("limit_leases")
    op.drop_table("limit_counters")
