"""INSERT … ON CONFLICT DO NOTHING on both supported databases."""
from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from .extensions import db


def insert_ignoring_duplicates(model, unique_columns: list[str]):
    table = model.__table__
    if db.engine.dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=unique_columns)
    return sqlite.insert(table).on_conflict_do_nothing(index_elements=unique_columns)
