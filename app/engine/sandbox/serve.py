"""The worker process's side: caps its own memory, then serves engine operations one by one.

Run as ``python -m app.engine.sandbox.serve FD MARKER LIMITS`` by ``worker.py``.
"""
from __future__ import annotations

import importlib
import json
import resource
import sys
from datetime import date
from multiprocessing.connection import Connection

from . import worker
from .budget import Limits, Resource, operation
from .worker import SANDBOXED_CALLS, Marker, Request, _models_of, digest, error_to_wire


class _RequestClock:
    """The caller's clock reading for the operation at hand: the worker has no clock of its own."""

    moment = None

    def now(self):
        return self.moment


class _RequestCalendar:
    """The caller's production calendar (its overrides), rebuilt only when they change."""

    def __init__(self):
        self._key, self._calendar = None, None

    def use(self, overrides: tuple) -> None:
        if overrides != self._key or self._calendar is None:
            from ...calendar import WorkingCalendar
            self._calendar = WorkingCalendar({date.fromisoformat(d) if isinstance(d, str) else d: w
                                              for d, w in overrides})
            self._key = overrides

    def __getattr__(self, name):
        return getattr(self._calendar, name)


class _RequestWaits:
    """The caller's client waits for the operation at hand (JSON), parsed only when they change."""

    def __init__(self):
        self._key, self._waits = None, None

    def use(self, settings: str) -> None:
        if settings != self._key or self._waits is None:
            from ..functions import ClientWaits
            self._waits, self._key = ClientWaits(json.loads(settings)), settings

    def days(self, kind, region=None, at=None):
        return self._waits.days(kind, region, at)


class _Server:
    def __init__(self, marker, limits: Limits):
        self.marker, self.limits = marker, limits
        self.clock, self.calendar, self.waits = _RequestClock(), _RequestCalendar(), _RequestWaits()
        self.engines: dict[tuple, object] = {}

    def _mark(self, element: str) -> None:
        self.marker.value = element.encode()[:255]

    def engine(self, config: tuple):
        waits, roles = config
        self.waits.use(waits)
        engine = self.engines.get(roles)  # one engine per lane roles: the waits change per request
        if engine is None:
            from ..core import Engine
            # A quarter of the worker's address space for live workflows, the rest for the work.
            engine = self.engines[roles] = Engine(
                self.clock, self.calendar, self.waits, dict(roles), cache_size=512,
                cache_bytes=self.limits.worker_memory_mb * 1024 * 1024 // 4, limits=self.limits,
                on_evaluate=self._mark)
        return engine

    def handle(self, request: Request):
        if request.op == "call":
            return "ok", self.call(request.args["target"], request.args["args"])
        engine = self.engine(request.config)
        for key, files in (request.files or {}).items():
            engine.load(files, key)
        missing = [key for key in _models_of(request) if engine.cached(key) is None]
        if missing:
            return "need_models", missing
        self.clock.moment = request.now
        self.calendar.use(request.overrides)
        model, args = engine.cached(request.model), request.args
        if request.op == "start":
            step = engine.start(model, args["process_id"], args["data"], message=args.get("message"))
        elif request.op in ("complete", "advance"):
            key = (model.key, digest(args["state"]))
            if request.op == "complete":
                step = engine.complete(model, args["state"], args["task_id"], args["data"], cache_key=key)
            else:
                step = engine.advance(model, args["state"], cache_key=key)
        elif request.op == "migrate":
            step, notes = engine.migrate(model, engine.cached(args["new_model"]), args["state"])
            step._live = None
            return "ok", (step, notes)
        else:
            raise ValueError(f"unknown engine operation {request.op!r}")
        engine.keep((model.key, digest(step.state)), step)
        step._live = None
        return "ok", step


    def call(self, target: str, args: tuple):
        if target not in SANDBOXED_CALLS:
            raise ValueError(f"{target} is not a sandboxed call")
        module, _, name = target.partition(":")
        function = getattr(importlib.import_module(module), name)
        with operation(self.limits):
            return function(*args)


def serve(conn, marker, limits: Limits) -> None:
    memory = limits.worker_memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    server = _Server(marker, limits)
    worker._running_hook = server._mark
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        try:
            reply = server.handle(request)
        except MemoryError:
            from ..errors import BudgetExceeded
            reply = "error", error_to_wire(BudgetExceeded(
                f"превышен лимит памяти процесса вычислений ({limits.worker_memory_mb} МБ)",
                marker.value.decode() or None, str(Resource.MEMORY)))
        except Exception as exc:  # every engine error goes back to the caller, the worker lives on
            reply = "error", error_to_wire(exc)
        try:
            conn.send(reply)
        except MemoryError:
            return
        marker.value = b""


if __name__ == "__main__":
    serve(Connection(int(sys.argv[1])), Marker(sys.argv[2]), Limits(**json.loads(sys.argv[3])))
