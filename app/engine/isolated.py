"""The engine door with model code kept out of the caller's process.

``IsolatedEngine`` has the methods of ``Engine``; every operation that runs model code (start,
complete, advance, migrate) goes to a worker process (``sandbox/worker.py``) with the caller's
clock reading and calendar, and comes back as the same plain ``Step``. Parsing a bundle and
reading a stored state run no model code and stay here, on a local engine that also answers
``inspect`` for the pages.
"""
from __future__ import annotations

import json
from typing import Mapping

from .core import Engine
from .functions import ClientWaits, LiveClientWaits
from .sandbox import Limits
from .sandbox.worker import Request, shared_pool
from .values import Step, ThrownMessage


def _freeze(value):
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _freeze(v)) for k, v in value.items()))
    return value


class IsolatedEngine:
    def __init__(self, clock, calendar, client_waits: Mapping | ClientWaits | None = None,
                 lane_roles: Mapping[str, str] | None = None, limits: Limits | None = None,
                 workers: int = 2):
        self.clock, self.calendar = clock, calendar
        self.limits = limits or Limits()
        self.local = Engine(clock, calendar, client_waits, lane_roles, cache_size=0, limits=self.limits)
        self.lane_roles = self.local.lane_roles
        self.client_waits = self.local.client_waits
        self._waits = client_waits if isinstance(client_waits, LiveClientWaits) else None
        self._static_waits = _waits_key(client_waits if self._waits is None else {})
        self._roles = _freeze(lane_roles or {})
        self._workers = workers

    @property
    def pool(self):
        return shared_pool(self._workers, self.limits)

    # -- models and reading: local, no model code runs ---------------------------------------------
    def load(self, files: dict[str, bytes], key: str | None = None):
        return self.local.load(files, key)

    def cached(self, key: str):
        return self.local.cached(key)

    def inspect(self, model, state: bytes) -> Step:
        return self.local.inspect(model, state)

    def keep(self, cache_key: tuple, step: Step) -> None:
        """Nothing to keep here: the worker caches the workflow under its state's digest."""

    def forget(self, instance_id) -> None:
        """Nothing to forget: a digest-keyed cache never serves a state that was not stored."""

    # -- operations: in a worker -----------------------------------------------------------------
    def start(self, model, process_id: str, data: dict | None = None,
              message: ThrownMessage | None = None) -> Step:
        return self._call("start", [model], {"process_id": process_id, "data": data or {}, "message": message},
                          affinity=None)

    def complete(self, model, state: bytes, task_id: str, data: dict | None = None,
                 cache_key: tuple | None = None) -> Step:
        return self._call("complete", [model], {"state": state, "task_id": str(task_id), "data": data or {}},
                          affinity=_affinity(cache_key))

    def advance(self, model, state: bytes, cache_key: tuple | None = None) -> Step:
        return self._call("advance", [model], {"state": state}, affinity=_affinity(cache_key))

    def migrate(self, old, new, state: bytes):
        return self._call("migrate", [old, new], {"state": state, "new_model": new.key}, affinity=None)

    def sandboxed(self, target: str, *args):
        """Run a whole function of ``SANDBOXED_CALLS`` (model checks) in a worker, under its limits."""
        request = Request(op="call", config=self._config(), now=self.clock.now(), overrides=(), model="",
                          args={"target": target, "args": args})
        return self.pool.call(request, {}.__getitem__, None)

    def _call(self, op: str, models: list, args: dict, affinity: int | None):
        request = Request(op=op, config=self._config(), now=self.clock.now(), overrides=self._overrides(),
                          model=models[0].key, args=args)
        files = {m.key: m.files for m in models}
        return self.pool.call(request, files.__getitem__, affinity)

    def _config(self) -> tuple:
        """(client waits as JSON, lane roles): the waits read now, since a region's change must
        count for the next wait that starts, whichever process made it."""
        waits = self._static_waits if self._waits is None else _waits_key(self._waits.settings())
        return waits, self._roles

    def _overrides(self) -> tuple:
        overrides = getattr(self.calendar, "overrides", None) or {}
        return tuple(sorted((d.isoformat(), bool(w)) for d, w in overrides.items()))


def _waits_key(settings) -> str:
    if isinstance(settings, ClientWaits) and not isinstance(settings, LiveClientWaits):
        raise TypeError("pass the client waits' settings, not a ClientWaits, to an isolated engine")
    return json.dumps(settings or {}, sort_keys=True, default=str)


def _affinity(cache_key: tuple | None) -> int | None:
    if cache_key and isinstance(cache_key[0], int):
        return cache_key[0]
    return None
