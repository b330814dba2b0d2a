"""The builtins model code may call, and the check of what it hands back.

No ``getattr``, ``type``, ``vars``, ``dir``, ``globals``, ``open``, ``__import__``, ``eval``,
``format`` or ``repr`` of arbitrary objects: what is not listed here does not exist for model
code. The ones that copy their argument spend the evaluation's budget first; ``range`` is
capped at the size limit because ``sum(range(10**12))`` would iterate in C, out of the step
counter's sight.
"""
from __future__ import annotations

import builtins

from .budget import Budget, Exhausted, Resource
from .guards import estimate

_PLAIN = ("abs", "all", "any", "bool", "divmod", "enumerate", "filter", "float", "int", "len", "map",
          "max", "min", "reversed", "round", "zip", "ArithmeticError", "Exception", "IndexError",
          "KeyError", "LookupError", "TypeError", "ValueError", "ZeroDivisionError")
_NOTHING = object()
_TYPES = {"str": str, "list": list, "tuple": tuple, "set": set, "frozenset": frozenset, "dict": dict}


def builtins_for(budget: Budget) -> dict:
    """The builtins of one evaluation, bound to its budget."""
    limit = budget.limits.size
    names = {name: getattr(builtins, name) for name in _PLAIN}
    names.update({"None": None, "True": True, "False": False})

    def materialised(value):
        if hasattr(value, "__len__"):
            budget.allocate(len(value))
            return value
        items = []
        for item in value:
            budget.tick()
            items.append(item)
        budget.allocate(len(items))
        return items

    def make(kind):
        def build(value=_NOTHING, **kwargs):
            if value is _NOTHING:
                value = "" if kind is str else ()
            if kind is str:
                if isinstance(value, str):
                    return value
                budget.allocate(estimate(value, limit))
                return str(value)
            if kind is dict and kwargs:
                budget.allocate(len(kwargs))
            return kind(materialised(value), **kwargs)
        build.__name__ = kind.__name__
        return build

    def range_(*args):
        span = range(*args)
        if len(span) > limit:
            raise Exhausted(Resource.SIZE, f"слишком большое значение: range() длиной {len(span)}, больше {limit} элементов")
        return span

    def sorted_(iterable, *, key=None, reverse=False):
        return sorted(materialised(iterable), key=key, reverse=reverse)

    def sum_(iterable, start=0):
        if not isinstance(start, (int, float)):
            raise TypeError("sum() складывает только числа")
        return sum(iterable, start)

    wrappers = {name: make(kind) for name, kind in _TYPES.items()}
    real = {id(w): _TYPES[name] for name, w in wrappers.items()}

    def isinstance_(value, kinds):
        if isinstance(kinds, tuple):
            kinds = tuple(real.get(id(k), k) for k in kinds)
        else:
            kinds = real.get(id(kinds), kinds)
        return isinstance(value, kinds)

    names.update(wrappers)
    names.update({"range": range_, "sorted": sorted_, "sum": sum_, "isinstance": isinstance_})
    return names


_PLAIN_TYPES = (str, int, float, bool, type(None))


def check_result(value, budget: Budget, where: str) -> None:
    """Refuse a value model code hands back that is not plain data of a bounded size: it is
    stored in the instance's state and shown on pages."""
    if isinstance(value, _PLAIN_TYPES):
        if isinstance(value, str) and len(value) > budget.limits.size:
            raise Exhausted(Resource.SIZE, f"{where}: строка длиннее {budget.limits.size} символов")
        if isinstance(value, int) and value.bit_length() > budget.limits.int_bits:
            raise Exhausted(Resource.SIZE, f"{where}: слишком большое число")
        return
    if estimate(value, budget.limits.size * 10) > budget.limits.size * 10:
        raise Exhausted(Resource.SIZE, f"{where}: значение больше {budget.limits.size * 10} символов")
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, inner in item.items():
                if not isinstance(key, str):
                    raise TypeError(f"{where}: ключ {key!r} не строка: в данных процесса ключи — строки")
                stack.append(inner)
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif not isinstance(item, _PLAIN_TYPES):
            raise TypeError(f"{where}: значение типа {type(item).__name__} нельзя сохранить в данных процесса")
