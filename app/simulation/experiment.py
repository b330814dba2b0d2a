"""A scenario ready to run: the compiled model joined with its parameters.

Everything that does not change between replications is worked out here once: each task's
performer pool and calendar, its deadlines in working days (the model's, or a what-if
override), the client's part, and each gateway's cumulative branch probabilities.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..engine.functions import ClientWaits
from .model import ModelNotSimulable, Node, SimModel, compile_files, read_folder
from .params import ParamsInvalid, _hours, check_against
from .worktime import DAY, SimulatedTime, WorkingHours
from ..statuses import TimerKind

DRAIN_DAYS = 3 * 365  # room after the horizon for the last cases to finish


@dataclass
class Pool:
    """Performers of one role (in one region, or central): a FIFO queue in front of them."""
    role: str
    region: str | None
    count: int
    hours: WorkingHours
    label: str
    free: int = 0
    busy: float = 0.0  # working hours spent on tasks inside the observed window
    queue: object = None


@dataclass
class TaskPlan:
    node: Node
    role: str
    label: str
    normative: int | None
    indicative: int | None
    wait_kind: str | None
    duration: dict | None  # work of the performer; None for the client's own tasks
    client: dict | None  # the client's part before the work: respond, late_share, late_by
    gateway: str | None  # an exclusive gateway right after the task: its branch is drawn at completion
    hours: WorkingHours | None = None  # the calendar of an unlimited performer
    client_hours: WorkingHours | None = None  # the client's calendar, for the client's part


@dataclass
class Scenario:
    params: dict
    model: SimModel
    time: SimulatedTime
    files: dict[str, bytes]
    plans: dict[str, TaskPlan]
    branches: dict[str, list[tuple[float, str, str]]]
    staff: dict[str, dict]
    calendars: dict[str, WorkingHours]
    client_waits: ClientWaits
    warmup: float
    horizon: float
    regions: dict[str, dict] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.params.get("name") or "scenario"

    def wait_days(self, kind: str, region: str) -> int:
        return self.client_waits.days(kind, region)

    def intake(self, region: str) -> list[tuple[float, float]]:
        """Intake windows of a region as [from, to) in simulated hours, clipped to the horizon."""
        spec = self.regions[region]
        windows = spec.get("intake_windows") or self.params["arrivals"].get("intake_windows")
        if not windows:
            return [(0.0, self.horizon)]
        out = []
        for w in windows:
            lo = max(0.0, self.time.day_of(date.fromisoformat(w["from"])))
            hi = min(self.horizon, self.time.day_of(date.fromisoformat(w["to"])) + DAY)
            if hi > lo:
                out.append((lo, hi))
        return sorted(out)

    def pools(self) -> dict[tuple, Pool]:
        """Fresh pools for one replication, keyed by (role, region or None)."""
        from collections import deque
        pools = {}
        for role, spec in self.staff.items():
            if spec.get("unlimited"):
                continue
            regional = spec.get("regions") or {}
            keys = [(r, regional.get(r, spec.get("count"))) for r in self.regions] if spec.get("per_region") \
                else [(None, spec.get("count"))]
            for region, entry in keys:
                count, cal = (entry.get("count", spec.get("count")), entry.get("calendar")) if isinstance(entry, dict) \
                    else (entry, None)
                if not count:
                    raise ParamsInvalid([(f"staff.{role}.regions.{region}", "не задано число исполнителей")])
                hours = self.calendars[cal or spec.get("calendar") or "office"]
                label = f"{role} {region}" if region else role
                pools[(role, region)] = Pool(role, region, int(count), hours, label, free=int(count), queue=deque())
        return pools


def _calendar(time: SimulatedTime, spec: dict) -> WorkingHours:
    return time.hours(_hours(spec["opens"]), _hours(spec["closes"]), spec.get("days", "production"))


def build(params: dict, files: dict[str, bytes] | None = None, calendar=None) -> Scenario:
    """Compile the model (files given, else the folder in ``model``) and join the parameters;
    ``calendar`` is the production calendar (with the app's overrides), by default the plain one."""
    if files is None:
        if not params.get("model"):
            raise ParamsInvalid([("model", "не указана папка модели")])
        try:
            files = read_folder(params["model"])
        except (OSError, ModelNotSimulable) as exc:
            raise ParamsInvalid([("model", str(exc))]) from None
    try:
        model = compile_files(files, params["process"])
    except ModelNotSimulable as exc:
        raise ParamsInvalid([("process", str(exc))]) from None
    check_against(params, model)
    start = date.fromisoformat(str(params["start"]))
    horizon = params["horizon_days"] * DAY
    time = SimulatedTime(start, int(params["horizon_days"]) + DRAIN_DAYS, calendar)
    calendars = {name: _calendar(time, spec) for name, spec in params["calendars"].items()}
    staff = params["staff"]
    plans = {}
    problems = []
    for node in model.tasks():
        if node.role not in staff:
            problems.append((f"staff.{node.role}", f"нет штата для роли задачи {node.id} «{node.name}»"))
            continue
        deadlines = {}
        for kind in (TimerKind.NORMATIVE, TimerKind.INDICATIVE):
            days = node.__dict__[kind]
            override = params["deadlines"].get(node.timer_ids.get(kind, ""))
            if override is not None:
                days = override
            elif isinstance(days, str):
                days = params["variables"].get(days)
            deadlines[kind] = days
        is_client = node.role == "client"
        client = None
        if is_client or node.wait:
            client = {**params["client"]["default"], **params["client"]["tasks"].get(node.id, {})}
        gateway = node.next[0] if len(node.next) == 1 and model.nodes[node.next[0]].kind == "xor" else None
        role_spec = staff[node.role]
        plans[node.id] = TaskPlan(
            node, node.role, node.name, deadlines[TimerKind.NORMATIVE], deadlines[TimerKind.INDICATIVE],
            node.wait.kind if node.wait else None,
            None if is_client else params["durations"].get(node.id, params["durations"]["default"]),
            client, gateway,
            hours=calendars[role_spec.get("calendar") or ("always" if is_client else "office")],
            client_hours=calendars[(staff.get("client") or {}).get("calendar") or "always"])
    if problems:
        raise ParamsInvalid(problems)
    branches = {n.id: _branches(n, params["branches"].get(n.id, {})) for n in model.nodes.values() if n.kind == "xor"}
    return Scenario(params, model, time, files, plans, branches, staff, calendars,
                    ClientWaits(params["client_waits"]), params["warmup_days"] * DAY, horizon,
                    regions=params["arrivals"]["regions"])


def _branches(node: Node, given: dict) -> list[tuple[float, str, str]]:
    """Cumulative (probability, flow id, target): named flows first, the default takes the rest."""
    probs = {}
    for fid, _target, value in node.branches:
        probs[fid] = given.get(fid, given.get(value, 0.0) if value else 0.0)
    rest = 1.0 - sum(probs.values())
    if node.default:
        probs[node.default] += max(rest, 0.0)
    elif not given:
        probs = {fid: 1 / len(node.branches) for fid, _t, _v in node.branches}
    cum, out = 0.0, []
    for fid, target, _value in node.branches:
        cum += probs[fid]
        out.append((cum, fid, target))
    if cum <= 0:
        raise ParamsInvalid([(f"branches.{node.id}", "все вероятности ветвей равны нулю")])
    return out
