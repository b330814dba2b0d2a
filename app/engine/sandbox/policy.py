"""What model code may say: RestrictedPython's transformer, narrowed to what a process needs.

RestrictedPython (Zope's, maintained since 2002) rewrites the syntax tree so that every
attribute read, subscript, iteration and augmented assignment goes through a guard supplied at
run time (``guards.py``), and refuses underscore names and the frame/code/generator
attributes (``gi_frame``, ``f_back``, ``f_globals``…) at compile time. On top of it this policy

- refuses what a condition, timer or small script never needs and what would let code hide
  from the guards: imports, classes, ``global``, ``with``, ``*``/``**`` unpacking (it copies
  containers without passing ``_getiter_``), bare ``except:`` and ``except BaseException``
  (the budget's stop derives from BaseException so model code cannot swallow it), and
  non-constant or wide f-string format specs;
- routes the operators that can build huge values (``**``, ``*``, ``<<``, ``+``, ``%``)
  through ``_binop_`` and every f-string field through ``_fmt_``, so their size is checked
  before the value exists;
- puts a ``_tick_()`` at the top of every ``while`` body, function and lambda, so loops and
  recursion spend the evaluation's step budget (``for`` loops and comprehensions spend it in
  ``_getiter_``).
"""
from __future__ import annotations

import ast
import re
from functools import lru_cache

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.transformer import RestrictingNodeTransformer, copy_locations

from ..errors import ScriptNotAllowed

# Operators whose result can be far larger than their operands.
GROWING_OPERATORS = {ast.Pow: "**", ast.Mult: "*", ast.LShift: "<<", ast.Add: "+", ast.Mod: "%"}
_WIDE_SPEC = re.compile(r"\d{4,}")
# Source longer than this is not a condition or a step script but something smuggled in.
MAX_SOURCE = 20_000


def _call(name: str, args: list, node: ast.AST) -> ast.Call:
    call = ast.Call(func=ast.Name(name, ast.Load()), args=args, keywords=[])
    copy_locations(call, node)
    ast.fix_missing_locations(call)
    return call


def _tick_statement(node: ast.AST) -> ast.Expr:
    statement = ast.Expr(_call("_tick_", [], node))
    copy_locations(statement, node)
    return statement


class ModelCodePolicy(RestrictingNodeTransformer):
    """RestrictedPython's policy with Vitrina's additions (see the module docstring)."""

    def _refuse(self, node: ast.AST, reason: str) -> None:
        self.error(node, reason)

    # -- refused outright --------------------------------------------------------------------
    def visit_Import(self, node):
        self._refuse(node, "импорт модулей недоступен в коде модели")

    visit_ImportFrom = visit_Import

    def visit_ClassDef(self, node):
        self._refuse(node, "объявление классов недоступно в коде модели")

    def visit_Global(self, node):
        self._refuse(node, "global недоступен в коде модели")

    def visit_With(self, node):
        self._refuse(node, "with недоступен в коде модели")

    def visit_Starred(self, node):
        self._refuse(node, "распаковка *… недоступна в коде модели")

    def visit_Dict(self, node):
        if any(key is None for key in node.keys):
            self._refuse(node, "распаковка **… недоступна в коде модели")
        return self.node_contents_visit(node)

    def visit_Call(self, node):
        if any(k.arg is None for k in node.keywords):
            self._refuse(node, "распаковка **… недоступна в коде модели")
        return super().visit_Call(node)

    def visit_ExceptHandler(self, node):
        if node.type is None:
            self._refuse(node, "голый except: укажите класс ошибки, например except ValueError:")
        elif isinstance(node.type, ast.Name) and node.type.id == "BaseException":
            self._refuse(node, "except BaseException недоступен: укажите класс ошибки")
        return super().visit_ExceptHandler(node)

    # -- routed through the guards ----------------------------------------------------------------
    def visit_BinOp(self, node):
        node = self.node_contents_visit(node)
        symbol = GROWING_OPERATORS.get(type(node.op))
        if symbol is None:
            return node
        return _call("_binop_", [ast.Constant(symbol), node.left, node.right], node)

    def visit_FormattedValue(self, node):
        spec = node.format_spec
        if spec is not None:
            parts = spec.values if isinstance(spec, ast.JoinedStr) else [spec]
            if not all(isinstance(p, ast.Constant) for p in parts):
                self._refuse(node, "формат поля f-строки должен быть постоянным")
            elif any(_WIDE_SPEC.search(str(p.value)) for p in parts):
                self._refuse(node, "слишком широкий формат поля f-строки")
        node = self.node_contents_visit(node)
        node.value = _call("_fmt_", [node.value], node.value)
        return node

    def visit_While(self, node):
        node = self.node_contents_visit(node)
        node.body.insert(0, _tick_statement(node))
        return node

    def visit_FunctionDef(self, node):
        if node.decorator_list:
            self._refuse(node, "декораторы недоступны в коде модели")
        node = super().visit_FunctionDef(node)
        node.body.insert(0, _tick_statement(node))
        return node

    def visit_Lambda(self, node):
        node = super().visit_Lambda(node)
        # `_tick_() or body`: the tick runs first and returns None, so the body's value is the result.
        node.body = ast.BoolOp(op=ast.Or(), values=[_call("_tick_", [], node.body), node.body])
        copy_locations(node.body, node.body.values[1])
        return node


@lru_cache(maxsize=8192)
def compile_model_code(source: str, mode: str = "eval"):
    """The code object of a model expression (``eval``) or script (``exec``), compiled under
    the policy: SyntaxError for a typo, ScriptNotAllowed naming each refused construct."""
    if len(source) > MAX_SOURCE:
        raise ScriptNotAllowed(f"код модели длиннее {MAX_SOURCE} символов")
    ast.parse(source, mode=mode)  # a plain syntax error is reported as Python reports it
    compile_ = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    result = compile_(source, filename="<model>", policy=ModelCodePolicy)
    if result.errors:
        raise ScriptNotAllowed("; ".join(_russian(e) for e in result.errors))
    return result.code


def check_source(source: str, mode: str = "eval") -> None:
    """Raise ScriptNotAllowed (or SyntaxError) when ``source`` steps outside the sandbox."""
    compile_model_code(source, mode)


_ENGLISH = (
    (re.compile(r'"(\w+)" is an invalid variable name because it starts with "_"'),
     r"имя «\1» недоступно: имена с подчёркивания закрыты"),
    (re.compile(r'"(\w+)" is an invalid attribute name because it starts with "_"'),
     r"атрибут «\1» недоступен: имена с подчёркивания закрыты"),
    (re.compile(r'"(\w+)" is a restricted name, that is forbidden to access in RestrictedPython\.'),
     r"атрибут «\1» недоступен в коде модели"),
    (re.compile(r'"(\w+)" is a reserved name\.'), r"имя «\1» зарезервировано"),
    (re.compile(r"(\w+) statements are not allowed\."), r"конструкция \1 недоступна в коде модели"),
    (re.compile(r"Line (\d+): "), r"строка \1: "),
)


def _russian(message: str) -> str:
    for pattern, replacement in _ENGLISH:
        message = pattern.sub(replacement, message)
    return message.replace("\n", "; ").rstrip(".")
