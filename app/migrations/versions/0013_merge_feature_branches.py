"""merge the feature branches 0006-0012 into one head

Each feature of the appendices, the modeller, versions and the simulation added its tables as a
branch off 0005 so they could be built side by side; from here on there is one line again.

Revision ID: 0013
Revises: 0006, 0007, 0008, 0009, 0010, 0011, 0012
"""

revision = "0013"
down_revision = ("0006", "0007", "0008", "0009", "0010", "0011", "0012")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
