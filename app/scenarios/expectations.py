"""Rewriting one expectation of a scenario in its text: «Обновить сценарий» writes what the model
did in place of what the scenario expected, leaving the rest of the file (comments, layout) as
the owner wrote it."""
from __future__ import annotations

import yaml

from .format import ScenarioFormatError, _Loader, load_scenario


class ExpectationMoved(Exception):
    """The scenario no longer says what the divergence was measured against; message in Russian."""


def _node_at(root, path):
    node = root
    for key in path:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == str(key)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
            node = node.value[key]
        else:
            return None
        if node is None:
            return None
    return node


def _value_at(data, path):
    for key in path:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _written(value, node) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_written(v, None) for v in value) + "]"
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10_000)
    text = text.removesuffix("\n").removesuffix("\n...").strip()
    if isinstance(node, yaml.ScalarNode) and node.style in ('"', "'") and text == value:
        return f'{node.style}{value}{node.style}'  # keep the owner's quotes when they were not needed
    return text


def set_expectation(file: str, text: str, path: list, was, value) -> str:
    """``text`` with the value at ``path`` (keys and step indexes from the document's root)
    replaced by ``value``; ExpectationMoved when it no longer holds ``was``."""
    data = yaml.load(text, Loader=_Loader)
    if _value_at(data, path) != was:
        raise ExpectationMoved("Сценарий изменён после проверки: это ожидание в нём уже другое. "
                               "Разверните модель снова, чтобы сравнить с ним.")
    node = _node_at(yaml.compose(text, Loader=_Loader), path)
    if node is None:
        raise ExpectationMoved("В сценарии нет этого ожидания: обновите его вручную.")
    start, end = node.start_mark.index, node.end_mark.index
    updated = text[:start] + _written(value, node) + text[end:]
    try:
        changed = yaml.load(updated, Loader=_Loader)
        load_scenario(file, updated)
    except ScenarioFormatError as exc:
        raise ExpectationMoved("Обновлённый сценарий не по формату: " + "; ".join(exc.errors)) from None
    if _value_at(changed, path) != value:
        raise ExpectationMoved("Ожидание не удалось записать на своё место: обновите сценарий вручную.")
    return updated
