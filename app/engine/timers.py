"""Timer event definitions that ask the injected clock instead of the wall clock.

SpiffWorkflow 3.2 compares timers with ``datetime.now(timezone.utc)`` and offers no hook. After
parsing, every timer definition is replaced by one of these subclasses, which read the clock
carried by the workflow's script engine; the due time is still computed once, when the timer
starts waiting, and kept in the task's internal data (so it survives save and restore).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)

from ..calendar import MOSCOW


def _now(my_task) -> datetime:
    return my_task.workflow.script_engine.clock.now()


def parse_moment(value) -> datetime:
    """An ISO date-time; a naive one is read in Moscow time, never in the server's zone."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=MOSCOW)
    return moment.astimezone(timezone.utc)


def _parse_time_or_duration(expression):
    if expression.upper().startswith("P"):
        return TimerEventDefinition.parse_iso_duration(expression)
    return parse_moment(expression)


class ClockedTimeDate(TimeDateEventDefinition):
    def has_fired(self, my_task):
        value = my_task._get_internal_data("event_value")
        if value is None:
            value = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            if isinstance(value, datetime):
                value = value.isoformat()
            my_task._set_internal_data(event_value=value)
        if parse_moment(value) < _now(my_task):
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


class ClockedDuration(DurationTimerEventDefinition):
    def has_fired(self, my_task):
        value = my_task._get_internal_data("event_value")
        if value is None:
            expression = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            parsed = TimerEventDefinition.parse_iso_duration(expression)
            start = _now(my_task)
            value = (start + TimerEventDefinition.get_timedelta_from_start(parsed, start)).isoformat()
            my_task._set_internal_data(event_value=value)
        if parse_moment(value) < _now(my_task):
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


class ClockedCycle(CycleTimerEventDefinition):
    def cycle_complete(self, my_task):
        value = my_task._get_internal_data("event_value")
        now = _now(my_task)
        if value is None:
            expression = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            value = _parse_cycle(expression, now)
        ready = False
        if value["cycles"] != 0:
            due = datetime.fromisoformat(value["next"])
            if due < now:
                value["next"] = (due + timedelta(seconds=value["duration"])).isoformat()
                value["cycles"] -= 1
                ready = True
        else:
            my_task.internal_data.pop("event_value", None)
            my_task.internal_data["event_fired"] = True
        my_task._set_internal_data(event_value=value)
        return ready


def _parse_cycle(expression: str, now: datetime) -> dict:
    parts = expression.upper().replace("--", "/").strip("R").split("/")
    cycles = int(parts[0]) if parts[0] else -1
    first = _parse_time_or_duration(parts[1])
    second = _parse_time_or_duration(parts[2]) if len(parts) == 3 else None
    if isinstance(first, datetime):
        start, duration = first, TimerEventDefinition.get_timedelta_from_start(second, first)
    elif isinstance(second, datetime):
        duration = TimerEventDefinition.get_timedelta_from_end(first, second)
        start = second - duration
    elif second is None:
        duration = TimerEventDefinition.get_timedelta_from_start(first, now)
        start = now + duration
    else:
        raise ValueError(f"invalid recurring interval «{expression}»")
    return {"cycles": cycles, "next": start.isoformat(), "duration": duration.total_seconds()}


_REPLACEMENTS = {
    TimeDateEventDefinition: ClockedTimeDate,
    DurationTimerEventDefinition: ClockedDuration,
    CycleTimerEventDefinition: ClockedCycle,
}


def install_clocked_timers(process_spec) -> None:
    """Swap every timer definition of a parsed process spec for its clocked twin."""
    for task_spec in process_spec.task_specs.values():
        definition = getattr(task_spec, "event_definition", None)
        replacement = _REPLACEMENTS.get(type(definition))
        if replacement is not None:
            clocked = replacement(definition.name, definition.expression,
                                  description=definition.description)
            task_spec.event_definition = clocked
