"""The budget of one evaluation of model code: steps, CPU time and what it may build.

Every loop iteration, call and iterated item spends a step; every value a guarded operation
builds spends its size; the evaluation's thread CPU time is read every few steps. Running out
raises ``Exhausted``, which derives from BaseException: the policy refuses ``except:`` and
``except BaseException``, so model code cannot catch it, and the counters only grow, so a
``finally`` that keeps looping runs out again at once.

An engine operation (a completion, a timer firing) has a CPU deadline of its own, shared by all
its evaluations and the engine's own steps, so a BPMN loop of script tasks stops too. These are
cooperative limits inside the process; the worker process (``worker.py``) adds the hard ones.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum

_cpu = time.thread_time  # CPU time of this thread: a budget, not a reading of the calendar clock


class Resource(StrEnum):
    STEPS = "steps"
    TIME = "time"
    SIZE = "size"
    MEMORY = "memory"


@dataclass(frozen=True)
class Limits:
    steps: int = 200_000            # loop iterations, calls and iterated items per evaluation
    cpu_seconds: float = 1.0        # thread CPU time per evaluation
    size: int = 100_000             # elements or characters of one value model code builds
    int_bits: int = 20_000          # bits of one integer model code builds
    allocated: int = 2_000_000      # elements and characters all guarded operations build, per evaluation
    operation_cpu_seconds: float = 10.0  # one engine operation: all its evaluations and engine steps
    # The worker process: its address space, and the wall-clock time a request may take.
    worker_memory_mb: int = 1536
    worker_seconds: float = 20.0


class Exhausted(BaseException):
    """Model code ran out of its budget (kept out of model code's reach: see the module doc)."""

    def __init__(self, resource: Resource, detail: str):
        self.resource, self.detail = resource, detail
        self.element: str | None = None  # the model element that was running, when known
        super().__init__(detail)


_TEXT = {
    Resource.STEPS: "превышен лимит шагов ({limit}): вероятно, бесконечный цикл или рекурсия",
    Resource.TIME: "превышен лимит процессорного времени ({limit} с)",
    Resource.SIZE: "слишком большое значение: больше {limit} элементов или символов",
    Resource.MEMORY: "превышен лимит памяти ({limit} элементов и символов за одно вычисление)",
}


def exhausted(resource: Resource, limit) -> Exhausted:
    return Exhausted(resource, _TEXT[resource].format(limit=limit))


class Operation:
    """The CPU deadline of one engine operation, spent by the engine's own steps too."""

    __slots__ = ("limits", "deadline", "_steps")

    def __init__(self, limits: Limits):
        self.limits = limits
        self.deadline = _cpu() + limits.operation_cpu_seconds
        self._steps = 0

    def tick(self) -> None:
        self._steps += 1
        if not self._steps & 15 and _cpu() > self.deadline:
            raise exhausted(Resource.TIME, self.limits.operation_cpu_seconds)


_current = threading.local()


@contextmanager
def operation(limits: Limits):
    """Run an engine operation under one shared CPU deadline (nested calls share the outer one)."""
    outer = getattr(_current, "operation", None)
    if outer is not None:
        yield outer
        return
    _current.operation = Operation(limits)
    try:
        yield _current.operation
    finally:
        _current.operation = None


def current_operation() -> Operation | None:
    return getattr(_current, "operation", None)


class Budget:
    """What one evaluation may still spend; reset for each evaluation on its thread."""

    __slots__ = ("limits", "steps", "allocated", "deadline", "_time_limit")

    def __init__(self, limits: Limits):
        self.limits = limits
        self.reset()

    def reset(self) -> None:
        """Start a new evaluation: counters to zero, the deadline from now (or the operation's)."""
        self.steps = 0
        self.allocated = 0
        self.deadline = _cpu() + self.limits.cpu_seconds
        self._time_limit = self.limits.cpu_seconds
        op = current_operation()
        if op is not None and op.deadline < self.deadline:
            self.deadline, self._time_limit = op.deadline, self.limits.operation_cpu_seconds

    def tick(self) -> None:
        self.steps += 1
        if self.steps > self.limits.steps:
            raise exhausted(Resource.STEPS, self.limits.steps)
        if not self.steps & 127 and _cpu() > self.deadline:
            raise exhausted(Resource.TIME, self._time_limit)

    def check_time(self) -> None:
        if _cpu() > self.deadline:
            raise exhausted(Resource.TIME, self._time_limit)

    def allocate(self, n: int) -> None:
        """Spend ``n`` elements or characters of a value about to be built (refused if too big)."""
        if n > self.limits.size:
            raise exhausted(Resource.SIZE, self.limits.size)
        self.allocated += n
        if self.allocated > self.limits.allocated:
            raise exhausted(Resource.MEMORY, self.limits.allocated)

    def check_bits(self, bits: int) -> None:
        if bits > self.limits.int_bits:
            raise Exhausted(Resource.SIZE, f"слишком большое число: больше {self.limits.int_bits} бит")
