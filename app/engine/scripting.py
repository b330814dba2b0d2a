"""The script engine that evaluates the model's expressions and scripts, inside the sandbox.

SpiffWorkflow's default engine is plain ``eval``/``exec`` with full builtins. Here every
condition, timer expression, script, pre-/post-script, message payload and DMN cell is compiled
by the sandbox policy (``sandbox/policy.py``: RestrictedPython) and run with its guards,
its builtins and a fresh budget (``sandbox/budget.py``). What model code leaves in the task
data must be plain data of a bounded size.
"""
from __future__ import annotations

import threading
from typing import Callable

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from .sandbox import Budget, Exhausted, Guards, Limits, Resource, builtins_for, check_result, compile_model_code
from .sandbox.policy import check_source

__all__ = ["RestrictedEnvironment", "RestrictedScriptEngine", "check_source"]


class RestrictedEnvironment(TaskDataEnvironment):
    """Task-data environment running compiled model code with the guards of its thread."""

    def __init__(self, functions: dict, limits: Limits | None = None):
        super().__init__(dict(functions))
        self.limits = limits or Limits()
        self._local = threading.local()

    def _sandbox(self) -> tuple[Budget, dict]:
        # One budget and one set of guards per thread, reset for each evaluation: building the
        # guard functions anew would cost more than a DMN cell's evaluation itself.
        box = getattr(self._local, "box", None)
        if box is None:
            budget = Budget(self.limits)
            names = Guards(budget).names()
            names["__builtins__"] = builtins_for(budget)
            box = self._local.box = (budget, names)
        return box

    def evaluate(self, expression, context, external_context=None):
        code = compile_model_code(expression.strip(), "eval")
        budget, names = self._sandbox()
        budget.reset()
        scope = dict(self.globals)
        scope.update(external_context or {})
        scope.update(context)
        scope.update(names)  # last: task data never replaces a guard
        try:
            result = eval(code, scope)
        except MemoryError:
            raise _out_of_memory() from None
        check_result(result, budget, "результат выражения")
        return result

    def execute(self, script, context, external_context=None):
        code = compile_model_code(script, "exec")
        self.check_for_overwrite(context, external_context or {})
        budget, names = self._sandbox()
        budget.reset()
        context.update(self.globals)
        context.update(external_context or {})
        context.update(names)
        try:
            exec(code, context)
        except MemoryError:
            raise _out_of_memory() from None
        finally:
            for name in names:
                context.pop(name, None)
            self._remove_globals_and_functions_from_context(context, external_context)
        for key, value in context.items():
            check_result(value, budget, f"переменная «{key}»")
        return True


def _out_of_memory() -> Exhausted:
    # The process's address space is capped (worker.py): a MemoryError is the budget's, not the model's.
    return Exhausted(Resource.MEMORY, "превышен лимит памяти процесса вычислений модели")


class RestrictedScriptEngine(PythonScriptEngine):
    """Script engine carrying the clock, so clock-aware timers can ask it for the time.

    A budget that runs out is marked with the element that was running, and ``on_evaluate``
    (set in a worker process) is told each element before its code runs, so a hard stop from
    outside can still name it.
    """

    def __init__(self, clock, functions: dict, limits: Limits | None = None,
                 on_evaluate: Callable[[str], None] | None = None):
        super().__init__(environment=RestrictedEnvironment(functions, limits))
        self.clock = clock
        self.on_evaluate = on_evaluate

    def validate(self, expression):
        check_source(expression, "eval")

    def evaluate(self, task, expression, external_context=None):
        with _marked(self, task):
            return super().evaluate(task, expression, external_context)

    def execute(self, task, script, external_context=None):
        with _marked(self, task):
            return super().execute(task, script, external_context)


class _marked:
    __slots__ = ("engine", "element")

    def __init__(self, engine: RestrictedScriptEngine, task):
        self.engine = engine
        self.element = getattr(getattr(task, "task_spec", None), "bpmn_id", None)

    def __enter__(self):
        if self.engine.on_evaluate is not None and self.element:
            self.engine.on_evaluate(self.element)

    def __exit__(self, kind, exc, tb):
        if isinstance(exc, Exhausted) and getattr(exc, "element", None) is None:
            exc.element = self.element
        return False
