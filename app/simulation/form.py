"""The what-if form over the deployed model: its fields in the analysts' words, and the
parameters they make.

The form starts from a scenario (shipped or saved) and shows what an analyst changes: the
period, the arrivals per region, the staff per role and region, each step's deadlines, each
gateway's branch shares and the clients' response times. ``build`` puts the answers over the
starting scenario's parameters, so the result is the same dict a YAML file gives and goes
through the same schema (``params.validate``); its errors come back on the field they concern.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import IntakeWindow
from ..regions import region_name
from ..roles import Role
from ..workflow.deployments import current_deployment
from ..workflow.forms import model_files
from .distributions import mean_of, scaled
from .model import Node, SimModel, compile_files
from .params import ParamsInvalid, validate
from .wording import DECISION_WORDS, KIND_WORDS, gateway_title, number_text, step_title

SIMULATED_ROLES = [r.value for r in (Role.CLIENT, Role.CPE, Role.MO_REC, Role.OPS_REC, Role.KB_REC, Role.OPERATOR)]
DATE_RE = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$")


@dataclass
class Field:
    name: str  # the form field, never shown
    label: str
    value: str
    path: str  # where it lands in the parameters: errors there are shown on this field
    kind: str = "number"  # number | text | date
    step: str = "any"
    error: str | None = None

    @property
    def id(self) -> str:
        return "f-" + re.sub(r"[^\w-]", "-", self.name)


@dataclass
class Group:
    title: str
    fields: list[Field] = field(default_factory=list)
    note: str | None = None


class FormInvalid(ValueError):
    """``errors``: (field name or "", label, message), in Russian."""

    def __init__(self, errors: list[tuple[str, str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{label}: {message}" for _n, label, message in errors))


def over_deployed(base: dict, answers=None) -> ScenarioForm:
    """The form over the deployed version of the base's process (NothingDeployed if none)."""
    files = model_files(current_deployment().file_map())
    windows = db.session.scalars(select(IntakeWindow.region).distinct().order_by(IntakeWindow.region)).all()
    return ScenarioForm(compile_files(files, str(base.get("process") or "marketplace_support")), base, answers,
                        extra_regions=windows)


class ScenarioForm:
    def __init__(self, model: SimModel, base: dict, answers=None, extra_regions=()):
        self.model, self.base = model, base
        known = list((base.get("arrivals") or {}).get("regions") or {})
        # Regions with intake windows in Vitrina that the base leaves out: offered at 0 a day.
        self.added = [code for code in dict.fromkeys(extra_regions) if code not in known]
        self.answers = answers  # the posted form, or None to show the base's values
        self.by_name: dict[str, Field] = {}
        self.groups = [self._period(), self._arrivals(), self._staff(), self._deadlines(), self._branches(),
                       self._clients()]

    # --- the fields, each with the base's value ---------------------------------------------

    def _field(self, group: Group, name: str, label: str, base_value: str, path: str, **kw) -> Field:
        value = base_value if self.answers is None else str(self.answers.get(name, ""))
        f = Field(name, label, value, path, **kw)
        group.fields.append(f)
        self.by_name[name] = f
        return f

    def _period(self) -> Group:
        g = Group("Сценарий и период")
        b = self.base
        self._field(g, "name", "Название сценария (по умолчанию «Что-если на основе …»)", "", "name", kind="text")
        start = date.fromisoformat(str(b.get("start", "2025-11-03")))
        end = start + timedelta(days=int(float(b.get("horizon_days", 365))) - 1)
        self._field(g, "start", "Начало периода (ДД.ММ.ГГГГ)", start.strftime("%d.%m.%Y"), "start", kind="date")
        self._field(g, "end", "Последний день приёма заявок (ДД.ММ.ГГГГ)", end.strftime("%d.%m.%Y"), "horizon_days",
                    kind="date")
        self._field(g, "warmup_days", "Разгон, календарных дней (не входит в статистику)",
                    number_text(b.get("warmup_days", 30)), "warmup_days")
        self._field(g, "replications", "Число прогонов (точность)", str(b.get("replications", 5)), "replications",
                    step="1")
        return g

    def regions(self) -> list[str]:
        return list((self.base.get("arrivals") or {}).get("regions") or {}) + self.added

    def _arrivals(self) -> Group:
        g = Group("Поступление заявок, в среднем за календарный день",
                  note="Пуассоновский поток; периоды приёма — как в исходном сценарии. Регионы с окнами приёма "
                       "в Витрине, которых нет в исходном сценарии, предложены с нулём.")
        given = (self.base.get("arrivals") or {}).get("regions") or {}
        for code in self.regions():
            self._field(g, f"arrivals:{code}", region_name(code), number_text((given.get(code) or {}).get("per_day", 0), 3),
                        f"arrivals.regions.{code}")
        return g

    def _staff(self) -> Group:
        g = Group("Штат: число исполнителей",
                  note="Клиент и роли «без очереди» работают без ожидания и здесь не указываются.")
        staff = self.base.get("staff") or {}
        for role in [r for r in SIMULATED_ROLES if r in staff]:
            spec = staff[role]
            label = Role(role).label
            if spec.get("unlimited"):
                continue
            if spec.get("per_region"):
                regional = spec.get("regions") or {}
                for code in self.regions():
                    entry = regional.get(code, spec.get("count"))
                    count = entry.get("count", spec.get("count")) if isinstance(entry, dict) else entry
                    self._field(g, f"staff:{role}:{code}", f"{label} — {region_name(code)}", str(count or ""),
                                f"staff.{role}.regions.{code}", step="1")
            else:
                self._field(g, f"staff:{role}", label, str(spec.get("count") or ""), f"staff.{role}", step="1")
        return g

    def _model_days(self, node: Node, kind: str) -> int | None:
        days = getattr(node, kind)
        if isinstance(days, str):
            days = (self.base.get("variables") or {}).get(days)
        return days

    def _deadlines(self) -> Group:
        g = Group("Сроки шагов, рабочих дней", note="По умолчанию — сроки развёрнутой модели.")
        overrides = self.base.get("deadlines") or {}
        for node in self.model.tasks():
            for kind, timer in node.timer_ids.items():
                days = overrides.get(timer, self._model_days(node, kind))
                self._field(g, f"deadline:{timer}", f"{step_title(node)} — {KIND_WORDS.get(kind, kind)}",
                            "" if days is None else str(days), f"deadlines.{timer}", step="1")
        return g

    def _branch_label(self, gateway: Node, fid: str, target: str, value: str | None) -> str:
        where = self.model.nodes.get(target)
        words = f"«{where.name}»" if where else ""
        if value in DECISION_WORDS:
            words = f"{DECISION_WORDS[value]}, далее {words}"
        return f"{gateway_title(self.model, gateway)} → {words}, %"

    def _branches(self) -> Group:
        g = Group("Доли ветвей решений, %", note="Остаток каждой развилки уходит по основной ветви.")
        given = self.base.get("branches") or {}
        for gw in [n for n in self.model.nodes.values() if n.kind == "xor" and n.default]:
            for fid, target, value in gw.branches:
                if fid == gw.default:
                    continue
                key = value or fid
                share = (given.get(gw.id) or {}).get(key, 0.0)
                self._field(g, f"branch:{gw.id}:{key}", self._branch_label(gw, fid, target, value),
                            number_text(share * 100, 1), f"branches.{gw.id}")
        return g

    def client_tasks(self) -> list[Node]:
        return [n for n in self.model.tasks() if n.role == Role.CLIENT.value or n.wait]

    def _client_spec(self, tid: str | None) -> dict:
        client = self.base.get("client") or {}
        default = {"respond": {"dist": "exponential", "mean": 1, "unit": "days"}, **(client.get("default") or {})}
        return default if tid is None else {**default, **((client.get("tasks") or {}).get(tid) or {})}

    def _clients(self) -> Group:
        g = Group("Клиенты: время ответа и опоздания",
                  note="Время ответа — в календарных днях; форма распределения — как в исходном сценарии.")
        for node in [None] + self.client_tasks():
            tid = node.id if node else "default"
            title = step_title(node) if node else "Все прочие задачи клиента"
            spec = self._client_spec(node.id if node else None)
            self._field(g, f"client:{tid}:respond", f"{title} — среднее время ответа, дн.",
                        number_text(mean_of(spec["respond"]) / 24), f"client.{'default' if not node else 'tasks.' + tid}")
            self._field(g, f"client:{tid}:late", f"{title} — отвечают позже срока, %",
                        number_text(spec.get("late_share", 0) * 100, 1),
                        f"client.{'default' if not node else 'tasks.' + tid}.late_share")
        return g

    # --- the answers as parameters ----------------------------------------------------------

    def build(self) -> dict:
        """The parameters the answers make over the base (FormInvalid naming the fields)."""
        errors: list[tuple[str, str, str]] = []
        numbers: dict[str, float] = {}
        for f in self.by_name.values():
            if f.kind != "number":
                continue
            text = f.value.strip().replace(",", ".").replace("\u00a0", "").replace(" ", "")
            if not text and f.name.startswith("deadline:"):
                continue  # a deadline the model leaves to a variable stays so
            if not text:
                errors.append((f.name, f.label, "укажите значение"))
                continue
            try:
                numbers[f.name] = float(text)
            except ValueError:
                errors.append((f.name, f.label, f"«{f.value}» — не число"))
        start = self._date("start", errors)
        end = self._date("end", errors)
        if start and end and end < start:
            errors.append(("end", self.by_name["end"].label, "раньше начала периода"))
        if errors:
            self._fail(errors)
        data = copy.deepcopy(self.base)
        data["name"] = self.by_name["name"].value.strip() or f"Что-если на основе «{self.base.get('name') or 'сценария'}»"
        data["start"] = start.isoformat()
        data["horizon_days"] = (end - start).days + 1
        data["warmup_days"] = numbers["warmup_days"]
        data["replications"] = _whole(numbers["replications"])
        for name, value in numbers.items():
            kind, _, rest = name.partition(":")
            if kind == "arrivals":
                if value or rest not in self.added:
                    data["arrivals"]["regions"].setdefault(rest, {})["per_day"] = value
            elif kind == "staff":
                code = rest.partition(":")[2]
                if code not in self.added or code in data["arrivals"]["regions"]:
                    self._set_staff(data["staff"], rest, _whole(value))
            elif kind == "deadline":
                self._set_deadline(data, rest, _whole(value))
            elif kind == "branch":
                gw, _, key = rest.partition(":")
                data.setdefault("branches", {}).setdefault(gw, {})[key] = value / 100
            elif kind == "client":
                self._set_client(data, *rest.split(":"), value)
        try:
            validate(data)
        except ParamsInvalid as exc:
            self._fail([self._where(path, message) for path, message in exc.errors])
        return data

    def _date(self, name: str, errors: list) -> date | None:
        f = self.by_name[name]
        match = DATE_RE.match(f.value)
        try:
            if not match:
                raise ValueError
            return datetime.strptime(".".join(match.groups()), "%d.%m.%Y").date()
        except ValueError:
            errors.append((name, f.label, f"«{f.value}» — не дата ДД.ММ.ГГГГ"))
            return None

    def _set_staff(self, staff: dict, key: str, count) -> None:
        role, _, code = key.partition(":")
        spec = staff[role]
        if not code:
            spec["count"] = count
            return
        regional = spec.setdefault("regions", {})
        if isinstance(regional.get(code), dict):
            regional[code]["count"] = count
        elif count != spec.get("count") or code in regional:
            regional[code] = count

    def _set_deadline(self, data: dict, timer: str, days) -> None:
        node, kind = next((n, k) for n in self.model.tasks() for k, t in n.timer_ids.items() if t == timer)
        if days != getattr(node, kind) or timer in (data.get("deadlines") or {}):
            data.setdefault("deadlines", {})[timer] = days

    def _set_client(self, data: dict, tid: str, what: str, value: float) -> None:
        client = data.setdefault("client", {})
        spec = client.setdefault("default", {}) if tid == "default" else \
            client.setdefault("tasks", {}).setdefault(tid, {})
        current = self._client_spec(None if tid == "default" else tid)
        if what == "late":
            if value / 100 != current.get("late_share", 0):
                spec["late_share"] = value / 100
                spec.setdefault("late_by", current.get("late_by") or {"dist": "exponential", "mean": 2, "unit": "days"})
            return
        before = mean_of(current["respond"]) / 24
        if number_text(value) != number_text(before):
            spec["respond"] = scaled(current["respond"], value * 24 / mean_of(current["respond"]) if before else 1.0,
                                     value)

    def mark(self, errors) -> list[tuple[str, str, str]]:
        """The errors of a failed start on the fields: the form's own check again, else the
        (path, message) pairs of the parameters check put on the fields they concern."""
        try:
            self.build()
        except FormInvalid as exc:
            return exc.errors
        out = [e if len(e) == 3 else self._where(*e) for e in errors]
        for name, _label, message in out:
            if name in self.by_name:
                self.by_name[name].error = message
        return out

    def _where(self, path: str, message: str) -> tuple[str, str, str]:
        best = None
        for f in self.by_name.values():
            if path == f.path or path.startswith(f.path + "."):
                if best is None or len(f.path) > len(best.path):
                    best = f
        if best is None:
            return "", "Сценарий", message
        return best.name, best.label, message

    def _fail(self, errors: list[tuple[str, str, str]]):
        for name, _label, message in errors:
            if name in self.by_name:
                self.by_name[name].error = message
        raise FormInvalid(errors)


def _whole(value: float):
    """An integer field keeps a fraction as given, so the schema names it («ожидается integer»)."""
    return int(value) if value == int(value) else value
