"""Timers and gateways tried on sample data with the restricted script engine.

The engine evaluates a timer only when its step begins and a condition only when a gateway is
reached, so a typo would surface weeks into an application. Here every timer expression is
evaluated on the sample date and every exclusive gateway's conditions are tried with each
answer the preceding form allows: a case no condition covers, without a default flow, would
stop the application at the gateway.
"""
from __future__ import annotations

import re

from ..engine import ProcessCatalog, ScriptNotAllowed
from ..engine.sandbox import Exhausted
from ..engine.sandbox.worker import mark_running
from ..engine.timers import parse_moment
from .findings import Findings
from .samples import SAMPLE_MOMENT, form_schema

_DURATION = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
_CYCLE = re.compile(r"^R\d*/")
_SKIP = object()  # the expression needs a value only known at run time


class ExpressionCheck:
    def __init__(self, catalog: ProcessCatalog, context: dict, known: set[str], environment, forms_dir,
                 out: Findings):
        self.catalog, self.context, self.known = catalog, context, known
        self.environment, self.forms_dir, self.out = environment, forms_dir, out

    def run(self) -> None:
        for element in self.catalog.elements.values():
            if element.timer:
                self._timer(element)
            if element.type == "exclusiveGateway":
                self._gateway(element)
        for flow in self.catalog.flows.values():
            if flow.condition:
                self._evaluate(flow, flow.condition, self.context, "condition-fails", "условие")

    def _evaluate(self, element, source: str, context: dict, rule: str, what: str):
        mark_running(element.id)
        try:
            return self.environment.evaluate(source, dict(context))
        except (ScriptNotAllowed, SyntaxError):
            return _SKIP  # the engine's sandbox check reports it
        except Exhausted as exc:
            self.out.error("script-budget", self.catalog.file, element,
                           f"{what} «{source}» на пробных данных остановлено: {exc.detail}; исправьте выражение")
        except NameError as exc:
            if getattr(exc, "name", None) in self.known:
                return _SKIP  # set by a script or a decision table while the process runs
            self.out.error(rule, self.catalog.file, element,
                           f"{what} «{source}» ссылается на «{getattr(exc, 'name', exc)}», которое не задаёт "
                           "ни одна форма, скрипт, сообщение или таблица решений процесса: исправьте имя")
        except Exception as exc:  # whatever the expression raises is the process owner's to fix
            self.out.error(rule, self.catalog.file, element,
                           f"{what} «{source}» не вычисляется на пробных данных ({SAMPLE_MOMENT:%d.%m.%Y %H:%M}): "
                           f"{type(exc).__name__}: {exc}; исправьте выражение")
        return _SKIP

    def _timer(self, element) -> None:
        which, source = element.timer
        value = self._evaluate(element, source, self.context, "timer-fails", "выражение таймера")
        if value is _SKIP:
            return
        text = value.isoformat() if hasattr(value, "isoformat") else str(value)
        if which == "timeDate":
            try:
                moment = parse_moment(value)
            except (TypeError, ValueError):
                self.out.error("timer-fails", self.catalog.file, element,
                               f"выражение таймера «{source}» дало «{text}», а не дату-время ISO 8601: "
                               "используйте deadline(n), client_wait(...) или next_period(...)")
                return
            if moment < SAMPLE_MOMENT:
                self.out.warning("timer-in-past", self.catalog.file, element,
                                 f"таймер «{source}» на пробную дату {SAMPLE_MOMENT:%d.%m.%Y} даёт срок в прошлом "
                                 f"({text}) и сработает сразу: проверьте выражение")
        elif which == "timeDuration" and not _DURATION.match(text):
            self.out.error("timer-fails", self.catalog.file, element,
                           f"выражение таймера «{source}» дало «{text}», а не длительность ISO 8601 "
                           "(например \"P2D\" в кавычках)")
        elif which == "timeCycle" and not _CYCLE.match(text):
            self.out.error("timer-fails", self.catalog.file, element,
                           f"выражение таймера «{source}» дало «{text}», а не цикл ISO 8601 (например \"R3/PT1H\")")

    def _gateway(self, gateway) -> None:
        flows = [self.catalog.flows[f] for f in gateway.outgoing]
        if len(flows) < 2:
            return
        if gateway.default_flow and gateway.default_flow not in gateway.outgoing:
            self.out.error("gateway-default-not-outgoing", self.catalog.file, gateway,
                           f"поток по умолчанию «{gateway.default_flow}» не выходит из этой развилки: "
                           "выберите поток по умолчанию среди её исходящих")
        for flow in flows:
            if not flow.condition and flow.id != gateway.default_flow:
                self.out.error("gateway-flow-without-condition", self.catalog.file, flow,
                               f"поток из развилки «{gateway.name or gateway.id}» без условия и не по умолчанию: "
                               "задайте условие или сделайте его потоком по умолчанию")
        if gateway.default_flow:
            return
        cases = list(self._cases(gateway))
        if not cases:
            self.out.error("gateway-without-default", self.catalog.file, gateway,
                           "у развилки нет потока по умолчанию, и нельзя проверить, что условия покрывают все "
                           "случаи (перед ней нет задачи с выбором из списка): отметьте один из исходящих потоков "
                           "как поток по умолчанию")
            return
        for field, value in cases:
            results = [self._evaluate(f, f.condition, {**self.context, field: value}, "condition-fails", "условие")
                       for f in flows if f.condition]
            if _SKIP in results:
                return
            if not any(results):
                self.out.error("gateway-uncovered-case", self.catalog.file, gateway,
                               f"при {field} = «{value}» ни одно условие развилки не выполняется, и заявка "
                               "остановится: добавьте поток по умолчанию или условие для этого случая")

    def _cases(self, gateway):
        """(field, value) for every enum answer of the forms of the tasks right before the gateway."""
        for flow_id in gateway.incoming:
            source = self.catalog.elements.get(self.catalog.flows[flow_id].source)
            form = source.properties.get("form") if source is not None and source.is_human else None
            schema = form_schema(form, self.forms_dir) if form else None
            for field, spec in ((schema or {}).get("properties") or {}).items():
                if isinstance(spec, dict) and spec.get("enum"):
                    for value in spec["enum"]:
                        yield field, value
