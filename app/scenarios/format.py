"""Reading model scenarios: YAML files checked against schema.json, each error naming the
file, the path inside it and its line."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator

from ..calendar import MOSCOW
from ..statuses import ProcessId

SCHEMA_PATH = Path(__file__).with_name("schema.json")
DEFAULT_START = {"at": "31.10.2025 10:00", "region": "77", "company_name": "ООО «Ромашка»",
                 "company_inn": "7707083893"}


class ScenarioFormatError(ValueError):
    """A scenario file that does not follow the format; ``errors`` are "file:line: path: problem"."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors))


@dataclass
class Scenario:
    file: str
    name: str
    process: str
    start: dict
    expect: dict
    steps: list[dict] = field(default_factory=list)
    lines: dict = field(default_factory=dict)  # step index -> line in the file


class _Loader(yaml.SafeLoader):
    """Safe YAML that keeps 2025-11-05 a string: the format reads dates itself."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def load_scenario(file: str, text: str | bytes) -> Scenario:
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise ScenarioFormatError([f"{file}{line}: не YAML: {getattr(exc, 'problem', exc)}"]) from None
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        raise ScenarioFormatError([f"{file}:{_line(node, e.absolute_path)}: {_path(e.absolute_path)}: {e.message}"
                                   for e in errors])
    steps_node = _child(node, "steps")
    lines = {i: item.start_mark.line + 1 for i, item in enumerate(getattr(steps_node, "value", []) or [])}
    return Scenario(file=file, name=data["name"], process=data.get("process", ProcessId.MARKETPLACE_SUPPORT.value),
                    start={**DEFAULT_START, **(data.get("start") or {})}, expect=data.get("expect") or {},
                    steps=data["steps"], lines=lines)


def read_scenarios(folder: Path | str) -> dict[str, bytes]:
    """{"scenarios/<name>.yaml": content} of a model folder (its scenarios/ subfolder)."""
    folder = Path(folder)
    where = folder / "scenarios" if (folder / "scenarios").is_dir() else folder
    return {f"scenarios/{p.name}": p.read_bytes() for p in sorted(where.iterdir())
            if p.is_file() and p.suffix in (".yaml", ".yml")}


def parse_moment(text: str) -> datetime:
    """ДД.ММ.ГГГГ [ЧЧ:ММ[:СС]] or ISO 8601; Moscow time unless an offset is given."""
    text = str(text).strip()
    for pattern in ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=MOSCOW)
        except ValueError:
            continue
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=MOSCOW)


def has_time(text: str) -> bool:
    return ":" in str(text)


def _child(node, key):
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == key:
                return v
    return None


def _line(node, path) -> int:
    """The line of the deepest node on ``path`` that exists (1-based)."""
    for key in path:
        if isinstance(node, yaml.MappingNode) and (child := _child(node, str(key))) is not None:
            node = child
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
    return node.start_mark.line + 1 if node is not None else 1


def _path(path) -> str:
    return ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in path).replace(".[", "[") or "(корень)"
