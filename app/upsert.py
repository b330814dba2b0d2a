"""INSERT … ON CONFLICT DO NOTHING (or DO UPDATE) on both supported databases."""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy.dialects import postgresql, sqlite

from .extensions import db


def insert_ignoring_duplicates(model, unique_columns: list[str]):
    return _ignoring(model, tuple(unique_columns), db.engine.dialect.name)


@lru_cache(maxsize=None)
def _ignoring(model, unique_columns: tuple[str, ...], dialect: str):
    # One statement per table and database, built once: steps write their notices through it,
    # and a statement built anew (with its cache key) costs more than the insert.
    table = model.__table__
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=list(unique_columns))
    return sqlite.insert(table).on_conflict_do_nothing(index_elements=list(unique_columns))


def insert_or_update(model, unique_columns: list[str], values: dict, update_columns: list[str]):
    """INSERT … ON CONFLICT (unique_columns) DO UPDATE SET update_columns: two saves at once both win,
    the later one last, instead of the second failing on the key."""
    table = model.__table__
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(**values)
    return statement.on_conflict_do_update(index_elements=unique_columns,
                                           set_={name: statement.excluded[name] for name in update_columns})
