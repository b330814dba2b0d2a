"""The parameter file of a scenario: read YAML or JSON, check it against the JSON Schema, fill
defaults, and check the names it uses against the compiled model.

Every error names the path in the file (``staff.cpe.count``) and says what is wrong in Russian.
"""
from __future__ import annotations

import copy
import json
from datetime import date
from functools import cache
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator, FormatChecker

from ..config import DEFAULT_CLIENT_WAITS

SCHEMA_FILE = Path(__file__).with_name("params.schema.json")
# What one run may simulate in all (the maxima of single parameters are in the schema): a run is
# a thread of the web process, and a million cases take about a minute of one core.
MAX_EXPECTED_CASES = 1_000_000

DEFAULTS = {
    "process": "marketplace_support",
    "start": "2025-11-03",
    "horizon_days": 365,
    "warmup_days": 30,
    "replications": 5,
    "seed": 1,
    "wip_interval_days": 7,
    "calendars": {"office": {"opens": "09:00", "closes": "18:00", "days": "production"},
                  "always": {"opens": "00:00", "closes": "24:00", "days": "all"}},
    "durations": {"default": {"dist": "exponential", "mean": 2}},
    "branches": {},
    "client": {"default": {"respond": {"dist": "exponential", "mean": 1, "unit": "days"}}},
    "client_waits": DEFAULT_CLIENT_WAITS,
    "deadlines": {},
    "variables": {},
    "timers": {},
}


class ParamsInvalid(ValueError):
    """The parameter file is wrong; ``errors`` lists (path, message) pairs."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{path}: {message}" for path, message in errors))


@cache
def schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text("utf-8"))


def _path(error) -> str:
    return ".".join(str(p) for p in error.absolute_path) or "(корень)"


def _message(error) -> str:
    kind = error.validator
    if kind == "required":
        return f"не хватает поля {error.message.split(' ')[0]}"
    if kind == "additionalProperties":
        return f"неизвестное поле ({error.message})"
    if kind == "maximum":
        return f"значение {error.instance} больше допустимого: не больше {error.validator_value}"
    if kind == "minimum":
        return f"значение {error.instance} меньше допустимого: не меньше {error.validator_value}"
    if kind == "exclusiveMinimum":
        return f"значение {error.instance} должно быть больше {error.validator_value}"
    if kind == "exclusiveMaximum":
        return f"значение {error.instance} должно быть меньше {error.validator_value}"
    if kind in ("maxItems", "maxProperties"):
        return f"слишком много элементов: не больше {error.validator_value}"
    if kind == "maxLength":
        return f"не длиннее {error.validator_value} символов"
    if kind == "enum":
        return f"значение «{error.instance}» не из списка {error.validator_value}"
    if kind == "type":
        return f"ожидается {error.validator_value}, а не «{error.instance}»"
    if kind == "format":
        return f"«{error.instance}» — не дата ГГГГ-ММ-ДД"
    if kind == "pattern":
        return f"«{error.instance}» не соответствует формату {error.validator_value}"
    return error.message


def parse_text(text: str, name: str = "параметры") -> dict:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ParamsInvalid([(name, f"не читается как YAML/JSON: {exc}")]) from None
    if not isinstance(data, dict):
        raise ParamsInvalid([(name, "ожидается словарь параметров")])
    return data


def validate(data: dict) -> dict:
    """The parameters with defaults filled in; ParamsInvalid lists every problem."""
    # YAML reads bare dates as date objects; the schema speaks JSON, so dates become strings.
    data = json.loads(json.dumps(data, default=lambda v: v.isoformat() if isinstance(v, date) else str(v)))
    validator = Draft202012Validator(schema(), format_checker=FormatChecker())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        raise ParamsInvalid([(_path(e), _message(e)) for e in errors])
    params = copy.deepcopy(DEFAULTS)
    for key, value in data.items():
        if key == "calendars":
            params[key] = {**params[key], **value}
        elif key == "durations":
            params[key] = {**params[key], **value}
        elif key == "client":
            params[key] = {"default": {**params[key]["default"], **value.get("default", {})},
                           "tasks": value.get("tasks", {})}
        else:
            params[key] = value
    params["client"].setdefault("tasks", {})
    problems = []
    if params["warmup_days"] >= params["horizon_days"]:
        problems.append(("warmup_days", "разгон должен быть короче горизонта"))
    expected = sum(r["per_day"] for r in params["arrivals"]["regions"].values()) * params["horizon_days"] * \
        params["replications"]
    if expected > MAX_EXPECTED_CASES:
        problems.append(("arrivals.regions", f"ожидается около {expected:,.0f} заявок за все прогоны (per_day × "
                         f"horizon_days × replications), допустимо не больше {MAX_EXPECTED_CASES:,}: уменьшите "
                         "интенсивность, горизонт или число прогонов".replace(",", "\u00a0")))
    for name, staff in params["staff"].items():
        calendars = [staff.get("calendar")] + [p.get("calendar") for p in (staff.get("regions") or {}).values()
                                               if isinstance(p, dict)]
        for cal in calendars:
            if cal and cal not in params["calendars"]:
                problems.append((f"staff.{name}.calendar", f"календарь «{cal}» не описан в calendars"))
        if not staff.get("unlimited") and "count" not in staff and not staff.get("per_region"):
            problems.append((f"staff.{name}", "укажите count или unlimited: true"))
    for name, cal in params["calendars"].items():
        if _hours(cal["opens"]) >= _hours(cal["closes"]):
            problems.append((f"calendars.{name}", "opens должно быть раньше closes"))
    for path, window in _windows(params):
        if window["from"] > window["to"]:
            problems.append((path, "from позже to"))
    if problems:
        raise ParamsInvalid(problems)
    return params


def _windows(params):
    arrivals = params["arrivals"]
    for i, w in enumerate(arrivals.get("intake_windows") or []):
        yield f"arrivals.intake_windows.{i}", w
    for region, spec in arrivals["regions"].items():
        for i, w in enumerate(spec.get("intake_windows") or []):
            yield f"arrivals.regions.{region}.intake_windows.{i}", w


def _hours(text: str) -> float:
    h, m = text.split(":")
    return int(h) + int(m) / 60


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def resolve(data: dict, lookup, depth: int = 0) -> dict:
    """``data`` with its ``extends`` resolved: ``lookup(name)`` gives the parent's raw data (a file
    beside it, a saved scenario, a shipped one); the child's keys win, dicts merge."""
    data = dict(data)
    parent = data.pop("extends", None)
    if not parent:
        return data
    if depth > 5:
        raise ParamsInvalid([("extends", "слишком длинная цепочка extends")])
    base = lookup(str(parent))
    if base is None:
        raise ParamsInvalid([("extends", f"сценарий «{parent}» не найден ни среди сохранённых, ни среди поставляемых")])
    return _merge(resolve(base, lookup, depth + 1), data)


def read_raw(path: Path, fallback=None) -> dict:
    """The file's data with ``extends: other.yaml`` resolved against the files beside it, then
    ``fallback(name)`` (the saved scenarios, when there is an app)."""
    def lookup(name: str, folder: Path = path.parent) -> dict | None:
        candidate = folder / name
        if candidate.is_file():
            return _read_file(candidate)
        return fallback(name) if fallback else None
    return resolve(_read_file(path), lookup)


def _read_file(path: Path) -> dict:
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise ParamsInvalid([(str(path), f"файл не читается: {exc.strerror}")]) from None
    data = parse_text(text, path.name)
    if data.get("model") and not Path(str(data["model"])).is_absolute():
        data["model"] = str((path.parent / str(data["model"])).resolve())
    return data


def load(path: str | Path, fallback=None) -> dict:
    """Read and check a parameter file; a relative ``model`` folder is taken from the file's folder."""
    path = Path(path)
    params = validate(read_raw(path, fallback))
    params.setdefault("name", path.stem)
    return params


def check_against(params: dict, model) -> None:
    """Element ids and decision values the parameters name must exist in the compiled model."""
    problems = []
    nodes = model.nodes
    for key in params["durations"]:
        if key != "default" and (key not in nodes or nodes[key].kind != "task"):
            problems.append((f"durations.{key}", "в модели нет такой задачи"))
    for key in params["client"]["tasks"]:
        if key not in nodes or nodes[key].kind != "task":
            problems.append((f"client.tasks.{key}", "в модели нет такой задачи"))
    for gw, probs in params["branches"].items():
        node = nodes.get(gw)
        if node is None or node.kind != "xor":
            problems.append((f"branches.{gw}", "в модели нет такого исключающего шлюза"))
            continue
        known = {fid for fid, _t, _v in node.branches} | {v for _f, _t, v in node.branches if v}
        for key in probs:
            if key not in known:
                problems.append((f"branches.{gw}.{key}", f"нет такого потока или решения (есть: {', '.join(sorted(known))})"))
        if sum(probs.values()) > 1 + 1e-9:
            problems.append((f"branches.{gw}", "сумма вероятностей больше 1"))
    timers = {i for n in nodes.values() for i in n.timer_ids.values()}
    for key in params["deadlines"]:
        if key not in timers:
            problems.append((f"deadlines.{key}", "нет такого таймера срока"))
    for key in params["timers"]:
        if key not in nodes or nodes[key].kind != "timer":
            problems.append((f"timers.{key}", "в модели нет такого промежуточного таймера"))
    if problems:
        raise ParamsInvalid(problems)
