"""The restricted script engine that evaluates the model's expressions and scripts.

SpiffWorkflow's default engine is plain ``eval``/``exec`` with full builtins, so a model could
``import os``. Process owners edit the model, not the server: their scripts get a small set
of builtins, no imports, no names that start with an underscore (which closes the usual
``().__class__.__subclasses__()`` escapes) and the model functions of ``functions.py``.
"""
from __future__ import annotations

import ast
import builtins
from functools import lru_cache

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from .errors import ScriptNotAllowed

_SAFE_BUILTINS = {
    name: getattr(builtins, name)
    for name in (
        "abs", "all", "any", "bool", "dict", "divmod", "enumerate", "filter", "float", "int",
        "isinstance", "len", "list", "map", "max", "min", "range", "reversed", "round", "set",
        "sorted", "str", "sum", "tuple", "zip", "ValueError", "KeyError", "TypeError",
    )
}
_FORBIDDEN_NODES = (ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal, ast.AsyncFunctionDef,
                    ast.Await, ast.Yield, ast.YieldFrom, ast.ClassDef)


def check_source(source: str, mode: str = "eval") -> None:
    """Raise ScriptNotAllowed (or SyntaxError) when ``source`` steps outside the sandbox."""
    tree = ast.parse(source, mode=mode)
    for node in ast.walk(tree):
        if isinstance(node, _FORBIDDEN_NODES):
            raise ScriptNotAllowed(f"«{type(node).__name__}» is not allowed in model scripts")
        name = None
        if isinstance(node, ast.Name):
            name = node.id
        elif isinstance(node, ast.Attribute):
            name = node.attr
        elif isinstance(node, (ast.FunctionDef, ast.arg)):
            name = getattr(node, "name", None) or getattr(node, "arg", None)
        if name and name.startswith("_"):
            raise ScriptNotAllowed(f"the name «{name}» is not allowed in model scripts")


@lru_cache(maxsize=4096)
def _compiled(source: str, mode: str):
    check_source(source, mode)
    return compile(source, "<string>", mode)


class RestrictedEnvironment(TaskDataEnvironment):
    """Task-data environment with a sandbox and a cache of compiled code."""

    def __init__(self, functions: dict):
        super().__init__(dict(functions))
        self.globals["__builtins__"] = _SAFE_BUILTINS

    def evaluate(self, expression, context, external_context=None):
        scope = dict(self.globals)
        scope.update(external_context or {})
        scope.update(context)
        return eval(_compiled(expression.strip(), "eval"), scope)

    def execute(self, script, context, external_context=None):
        self.check_for_overwrite(context, external_context or {})
        context.update(self.globals)
        context.update(external_context or {})
        try:
            exec(_compiled(script, "exec"), context)
        finally:
            self._remove_globals_and_functions_from_context(context, external_context)
        return True


class RestrictedScriptEngine(PythonScriptEngine):
    """Script engine carrying the clock, so clock-aware timers can ask it for the time."""

    def __init__(self, clock, functions: dict):
        super().__init__(environment=RestrictedEnvironment(functions))
        self.clock = clock

    def validate(self, expression):
        check_source(expression, "eval")
