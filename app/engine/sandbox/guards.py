"""The run-time half of the sandbox: the guards the policy's rewritten code calls.

Attributes are an allow-list per exact type (plain data only: str, list, dict, set, tuple,
numbers, an exception's ``args``), so a function, a generator, a frame, a type or a module
offers nothing at all, whatever name is built at run time: there is no ``getattr`` builtin,
and ``a.b`` is the only way to an attribute. Methods that can build large values are wrapped
to spend the budget first; operators are checked in ``binop``; builtins that copy are
wrapped. ``str.format`` and ``format_map`` are not offered, so no format string walks
attributes.
"""
from __future__ import annotations

import operator
import re
from functools import partial

from RestrictedPython.Guards import guarded_iter_unpack_sequence, guarded_unpack_sequence

from .budget import Budget

_STR = frozenset("""capitalize casefold count endswith find index isalnum isalpha isdecimal isdigit
    islower isnumeric isspace istitle isupper join lower lstrip partition removeprefix removesuffix
    replace rfind rindex rpartition rsplit rstrip split splitlines startswith strip swapcase title
    upper""".split())
_LIST = frozenset("append clear copy count extend index insert pop remove reverse sort".split())
_DICT = frozenset("clear copy get items keys pop popitem setdefault update values".split())
_SET = frozenset("""add clear copy difference discard intersection isdisjoint issubset issuperset pop
    remove symmetric_difference union update""".split())
_FROZENSET = frozenset("copy difference intersection isdisjoint issubset issuperset symmetric_difference union".split())
ATTRIBUTES: dict[type, frozenset] = {
    str: _STR, list: _LIST, dict: _DICT, set: _SET, frozenset: _FROZENSET,
    tuple: frozenset({"count", "index"}), float: frozenset({"is_integer"}),
}
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-+ #0]*(\*|\d{4,})|%(?:\([^)]*\))?[-+ #0]*\d*\.(\*|\d{4,})")
_OPERATORS = {"**": operator.pow, "*": operator.mul, "<<": operator.lshift, "+": operator.add,
              "%": operator.mod}
_SEQUENCES = (str, list, tuple, bytes)


def estimate(value, limit: int) -> int:
    """About how many characters ``value`` takes as text; stops counting past ``limit`` (a
    structure sharing its parts — ``x = [x, x]`` — is counted as it would be printed)."""
    total, stack = 0, [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item) + 2
        elif isinstance(item, dict):
            total += 2 + 2 * len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            total += 2 + 2 * len(item)
            stack.extend(item)
        elif isinstance(item, int) and not isinstance(item, bool):
            total += item.bit_length() // 3 + 1
        else:
            total += 24
    return total


def _refused(obj, name: str) -> AttributeError:
    return AttributeError(f"атрибут «{name}» у значения типа {type(obj).__name__} недоступен в коде модели")


class Guards:
    """The guard functions of one evaluation, bound to its budget."""

    def __init__(self, budget: Budget):
        self.budget = budget

    def names(self) -> dict:
        return {
            "_tick_": self.budget.tick, "_getattr_": self.getattr, "_getitem_": self.getitem,
            "_getiter_": self.getiter, "_write_": self.write, "_binop_": self.binop,
            "_inplacevar_": self.inplace, "_fmt_": self.fmt,
            "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
            "_unpack_sequence_": guarded_unpack_sequence,
        }

    # -- access ---------------------------------------------------------------------------------
    def getattr(self, obj, name: str, default=None):
        allowed = ATTRIBUTES.get(type(obj))
        if allowed is None and isinstance(obj, BaseException):
            allowed = frozenset({"args"})
        if not isinstance(name, str) or name.startswith("_") or allowed is None or name not in allowed:
            raise _refused(obj, name)
        wrapper = _SIZED.get((type(obj), name))
        if wrapper is not None:
            return partial(wrapper, self.budget, obj)
        return getattr(obj, name)

    def getitem(self, obj, key):
        if type(key) is slice:
            if hasattr(obj, "__len__"):
                self.budget.allocate(len(range(*key.indices(len(obj)))))
        return obj[key]

    def getiter(self, obj):
        return self._counted(iter(obj))

    def _counted(self, iterator):
        tick = self.budget.tick
        for item in iterator:
            tick()
            yield item

    @staticmethod
    def write(obj):
        if type(obj) in (dict, list):
            return obj
        raise TypeError(f"значение типа {type(obj).__name__} нельзя изменять в коде модели")

    # -- values that grow -----------------------------------------------------------------------
    def binop(self, op: str, a, b):
        budget = self.budget
        if op == "**":
            if _integer(a) and _integer(b) and b > 1 and abs(a) > 1:
                budget.check_bits(a.bit_length() * b)
        elif op == "*":
            if _integer(a) and _integer(b):
                budget.check_bits(a.bit_length() + b.bit_length())
            elif isinstance(a, _SEQUENCES) and _integer(b):
                budget.allocate(len(a) * max(b, 0))
            elif _integer(a) and isinstance(b, _SEQUENCES):
                budget.allocate(len(b) * max(a, 0))
        elif op == "<<":
            if _integer(a) and _integer(b) and b > 0:
                budget.check_bits(a.bit_length() + b)
        elif op == "+":
            if isinstance(a, _SEQUENCES) and isinstance(b, _SEQUENCES):
                budget.allocate(len(a) + len(b))
        elif op == "%" and isinstance(a, str):
            if _PERCENT_SPEC.search(a):
                raise ValueError("слишком широкий или переменный формат в строке с %")
            budget.allocate(len(a) + estimate(b, budget.limits.size))
        return _OPERATORS[op](a, b)

    def inplace(self, op: str, a, b):
        symbol = op[:-1]
        if symbol in _OPERATORS:
            return self.binop(symbol, a, b)
        return _INPLACE[op](a, b)

    def fmt(self, value):
        if value is not None and not isinstance(value, (bool, float)):
            self.budget.allocate(estimate(value, self.budget.limits.size))
        return value


def _integer(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_INPLACE = {"-=": operator.sub, "/=": operator.truediv, "//=": operator.floordiv, ">>=": operator.rshift,
            "&=": operator.and_, "|=": operator.or_, "^=": operator.xor, "@=": operator.matmul}


# -- methods that build large values spend the budget first ----------------------------------------
def _join(budget: Budget, sep: str, items):
    items = list(items) if isinstance(items, (list, tuple)) else [i for i in _budgeted(budget, items)]
    budget.allocate(sum(len(i) for i in items if isinstance(i, str)) + len(sep) * max(len(items) - 1, 0))
    return sep.join(items)


def _replace(budget: Budget, text: str, old: str, new: str, count: int = -1):
    found = text.count(old) if old else len(text) + 1
    if count >= 0:
        found = min(found, count)
    budget.allocate(len(text) + found * max(len(new) - len(old), 0))
    return text.replace(old, new, count)


def _copying(method: str):
    def wrapper(budget: Budget, obj, *args, **kwargs):
        budget.allocate(len(obj) + sum(len(a) for a in args if hasattr(a, "__len__")))
        return getattr(obj, method)(*args, **kwargs)
    return wrapper


def _splitting(method: str):
    def wrapper(budget: Budget, text: str, *args, **kwargs):
        budget.allocate(len(text))
        return getattr(text, method)(*args, **kwargs)
    return wrapper


def _growing(method: str):
    def wrapper(budget: Budget, obj, other=(), **kwargs):
        if not hasattr(other, "__len__"):
            other = list(_budgeted(budget, other))
        budget.allocate(len(obj) + len(other) + len(kwargs))
        return getattr(obj, method)(other, **kwargs)
    return wrapper


def _budgeted(budget: Budget, iterable):
    for item in iterable:
        budget.tick()
        yield item


_SIZED = {(str, "join"): _join, (str, "replace"): _replace}
for _kind, _names in ((str, ("split", "rsplit", "splitlines")),):
    _SIZED.update({(_kind, n): _splitting(n) for n in _names})
for _kind in (list, dict, set, frozenset):
    _SIZED[(_kind, "copy")] = _copying("copy")
_SIZED.update({(list, "extend"): _growing("extend"), (dict, "update"): _growing("update"),
               (set, "update"): _growing("update")})
for _kind in (set, frozenset):
    _SIZED.update({(_kind, n): _copying(n) for n in ("union", "difference", "intersection",
                                                     "symmetric_difference")})
