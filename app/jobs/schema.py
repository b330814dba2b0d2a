"""procrastinate's tables, types and functions, installed in the schema of the search path.

Installed by migration 0019 on PostgreSQL (so by ``vitrina setup``), and by the tests into their
throw-away schema; a schema that has them already is left as it is, so installing is idempotent.
procrastinate's own later migrations (``procrastinate schema --migrate``) are SQL files shipped
with it: a raise of its version bound in pyproject.toml comes with a migration applying them.
"""
from __future__ import annotations

from procrastinate.schema import SchemaManager
from sqlalchemy import text


def include_name(name, type_, parent_names) -> bool:
    """For Alembic's autogenerate: procrastinate's tables are not Vitrina's models."""
    return not (type_ == "table" and name.startswith("procrastinate_"))


def installed(connection) -> bool:
    return connection.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar() is not None


def install(connection) -> bool:
    """``connection``: a SQLAlchemy connection to PostgreSQL. True when it installed the schema."""
    if installed(connection):
        return False
    # The driver's own execute: the script has many statements and '%' signs, and no parameters.
    connection.connection.driver_connection.execute(SchemaManager.get_schema())
    return True
