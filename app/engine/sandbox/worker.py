"""Engine operations in worker processes with hard limits: the sandbox's outer wall.

The guards stop runaway Python inside an evaluation, but a single C-level operation (comparing
two huge nested lists, hashing a deep tuple) runs to its end between two guard calls, and a
thread cannot be stopped from outside. So every operation that runs model code (start,
complete, fire timers, migrate) runs in a worker process: its address space is capped with
``RLIMIT_AS``; the caller waits at most ``Limits.worker_seconds`` and then kills it. The worker
writes the id of the element whose code it is about to run into shared memory first, so even
a killed worker's stop names the element. A worker that was killed, died or ran out of memory
is replaced on the next call; the caller's thread is free again as soon as the limit passes.

Workers are started as ``python -m app.engine.sandbox.serve`` on first use (not forked, since
the web server has threads; not through multiprocessing, which would run the caller's main
script again in the child), shared by every app of the process with the same limits, and keep their own caches: parsed models by content
hash and live workflows by the digest of the state they were saved as, so a stale workflow is
never used and a cache miss costs one deserialisation.
"""
from __future__ import annotations

import atexit
import hashlib
import json
import logging
import mmap
import os
import socket
import subprocess
import sys
import tempfile
import threading
from dataclasses import asdict, dataclass
from multiprocessing.connection import Connection

from ..errors import (BudgetExceeded, EngineError, ModelInvalid, ProcessNotFound, ScriptFailed, StateCorrupt,
                      TaskNotFound, TaskNotReady)
from .budget import Limits, Resource

log = logging.getLogger(__name__)
_MARKER_BYTES = 256


@dataclass(frozen=True)
class Request:
    op: str                      # start | complete | advance | migrate
    config: tuple                # (client waits, lane roles) as sorted item tuples
    now: object                  # the caller's clock reading: the worker's clock for this operation
    overrides: tuple             # the production calendar's overrides, (date, working) pairs
    model: str                   # content hash of the model bundle
    args: dict
    files: dict | None = None    # bundles by key, sent when the worker lacks them


# Functions a worker may be asked to run as a whole, by name (model checks that evaluate
# expressions on sample data): nothing else can be called through the pipe.
SANDBOXED_CALLS = frozenset({"app.modelcheck:check_files"})

_running_hook = None


def mark_running(element_id: str | None) -> None:
    """Note the element whose code runs next (a no-op outside a worker): a worker stopped from
    outside is reported with it."""
    if _running_hook is not None and element_id:
        _running_hook(element_id)


def digest(state: bytes) -> str:
    return hashlib.blake2b(state, digest_size=16).hexdigest()


# -- errors cross the process boundary as plain tuples ---------------------------------------------
def error_to_wire(exc: BaseException) -> tuple:
    if isinstance(exc, BudgetExceeded):
        return ("budget", str(exc), exc.element_id, exc.resource)
    if isinstance(exc, ScriptFailed):
        return ("script", str(exc), exc.element_id, None)
    if isinstance(exc, ModelInvalid):
        return ("model", exc.problems, None, None)
    from ..migration import MigrationRefused
    if isinstance(exc, MigrationRefused):
        return ("migration", exc.reasons, None, None)
    for name, cls in _PLAIN_ERRORS.items():
        if isinstance(exc, cls):
            return (name, str(exc), None, None)
    return ("script", f"{type(exc).__name__}: {exc}", None, None)


def error_from_wire(wire: tuple) -> EngineError:
    kind, message, element, extra = wire
    if kind == "budget":
        return BudgetExceeded(message, element, extra)
    if kind == "script":
        return ScriptFailed(message, element)
    if kind == "model":
        return ModelInvalid(message)
    if kind == "migration":
        from ..migration import MigrationRefused
        return MigrationRefused(message)
    return _PLAIN_ERRORS[kind](message)


_PLAIN_ERRORS = {"task_not_found": TaskNotFound, "task_not_ready": TaskNotReady,
                 "process_not_found": ProcessNotFound, "state_corrupt": StateCorrupt}


class Marker:
    """The element a worker is about to run, in a small memory-mapped file both sides see: it
    survives the worker being killed."""

    def __init__(self, path: str):
        self.path = path
        with open(path, "r+b") as file:
            self._map = mmap.mmap(file.fileno(), _MARKER_BYTES)

    @classmethod
    def create(cls) -> "Marker":
        fd, path = tempfile.mkstemp(prefix="vitrina-marker-")
        os.ftruncate(fd, _MARKER_BYTES)
        os.close(fd)
        return cls(path)

    @property
    def value(self) -> bytes:
        return bytes(self._map[:]).rstrip(b"\0")

    @value.setter
    def value(self, data: bytes) -> None:
        self._map[:] = data[:_MARKER_BYTES].ljust(_MARKER_BYTES, b"\0")

    def remove(self) -> None:
        self._map.close()
        try:
            os.unlink(self.path)
        except OSError:
            pass


class _Worker:
    """One worker process, its socket and its marker; used by one caller at a time."""

    def __init__(self, limits: Limits):
        self.lock = threading.Lock()
        self.limits = limits
        self.process: subprocess.Popen | None = None
        self.models: set[str] = set()

    def _ensure(self) -> None:
        if self.process is not None and self.process.poll() is None:
            return
        self.kill()
        ours, theirs = socket.socketpair()
        self.marker = Marker.create()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app.engine.sandbox.serve", str(theirs.fileno()), self.marker.path,
             json.dumps(asdict(self.limits))],
            pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, close_fds=True)
        theirs.close()
        self.conn, self.models = Connection(ours.detach()), set()

    def call(self, request: Request, files_of) -> object:
        self._ensure()
        self.marker.value = b""
        if any(key not in self.models for key in _models_of(request)):
            request = _with_files(request, files_of)
        try:
            self.conn.send(request)
            if not self.conn.poll(self.limits.worker_seconds):
                element = self.marker.value.decode() or None
                self.kill()
                raise BudgetExceeded(f"вычисление модели длилось дольше {self.limits.worker_seconds:g} с и "
                                     "было остановлено", element, str(Resource.TIME))
            kind, payload = self.conn.recv()
        except (EOFError, OSError) as exc:
            element = self.marker.value.decode() or None
            self.kill()
            raise BudgetExceeded("процесс вычисления модели завершился аварийно (вероятно, превышен лимит "
                                 f"памяти {self.limits.worker_memory_mb} МБ)", element,
                                 str(Resource.MEMORY)) from exc
        if kind == "need_models":  # evicted from the worker's cache meanwhile
            self.models.difference_update(payload)
            return self.call(_with_files(request, files_of), files_of)
        self.models.update(_models_of(request))
        if kind == "error":
            error = error_from_wire(payload)
            if isinstance(error, BudgetExceeded) and error.resource == Resource.MEMORY:
                self.kill()  # after a MemoryError the worker's heap is not to be trusted
            raise error
        return payload

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(5)
            self.conn.close()
            self.marker.remove()
        self.process = None


def _models_of(request: Request) -> list[str]:
    if request.op == "call":
        return []
    return [request.model] + ([request.args["new_model"]] if request.op == "migrate" else [])


def _with_files(request: Request, files_of) -> Request:
    files = {key: files_of(key) for key in _models_of(request)}
    return Request(**{**request.__dict__, "files": files})


class WorkerPool:
    """A fixed number of workers; an instance's operations prefer the same worker (its cache)."""

    def __init__(self, size: int, limits: Limits):
        self.limits = limits
        self.workers = [_Worker(limits) for _ in range(max(1, size))]

    def call(self, request: Request, files_of, affinity: int | None = None) -> object:
        start = (affinity if affinity is not None else os.getpid()) % len(self.workers)
        order = self.workers[start:] + self.workers[:start]
        for worker in order:  # a free worker now, the preferred one first
            if worker.lock.acquire(blocking=False):
                break
        else:
            worker = order[0]
            worker.lock.acquire()
        try:
            return worker.call(request, files_of)
        finally:
            worker.lock.release()

    def close(self) -> None:
        for worker in self.workers:
            with worker.lock:
                if worker.process is not None:
                    try:
                        worker.conn.send(None)
                    except OSError:
                        pass
                    worker.kill()


_pools: dict[tuple, WorkerPool] = {}
_pools_lock = threading.Lock()


def shared_pool(size: int, limits: Limits) -> WorkerPool:
    """The process's pool for these limits, created on first use."""
    with _pools_lock:
        pool = _pools.get((size, limits))
        if pool is None:
            pool = _pools[(size, limits)] = WorkerPool(size, limits)
            if len(_pools) == 1:
                atexit.register(close_pools)
        return pool


def close_pools() -> None:
    with _pools_lock:
        for pool in _pools.values():
            pool.close()
        _pools.clear()
