"""What an ORM delete does to loaded objects, for the Core deletes of a step's save.

A step deletes index rows (open tasks, timers, drafts) with Core statements built once at import:
a statement built anew, with its cache key, costs more than running it. An ORM delete would also
take the loaded objects of the deleted rows out of the session ("evaluate" synchronisation), so
that nothing tries to refresh them from rows that are gone: a caller holding the completed task's
row may still read it after the commit. ``forget_deleted`` does that part.
"""
from __future__ import annotations

from typing import Iterable

from ..extensions import db


def forget_deleted(model, key: str, values: Iterable) -> None:
    """Take the loaded ``model`` objects whose ``key`` is one of ``values`` out of the session.

    As the ORM's own delete does, a wholly expired object is left alone (it is refreshed, or
    found gone, when next read) and one whose ``key`` alone is unloaded is expired.
    """
    values = set(values)
    session = db.session()
    doomed, unknown = [], []
    for state in list(session.identity_map.all_states()):
        if state.expired or not issubclass(state.class_, model):
            continue
        loaded = state.dict
        if key not in loaded:
            unknown.append(state)
        elif loaded[key] in values:
            doomed.append(state.obj())
    for obj in doomed:
        session.expunge(obj)
    for state in unknown:
        session.expire(state.obj())
