"""The sample data a model's expressions are tried on: what an application carries when it
starts, plus a valid answer to every form its tasks name, plus what its messages deliver."""
from __future__ import annotations

import ast
from datetime import datetime
from pathlib import Path

from ..calendar import MOSCOW, WorkingCalendar
from ..clock import VirtualClock
from ..engine import ProcessCatalog
from ..engine.functions import ClientWaits, model_functions
from ..engine.scripting import RestrictedEnvironment
from ..forms.examples import example
from ..forms.schema import FORMS_DIR, FormError, load_form
from .findings import NS

# Friday before a working Saturday and a holiday: a date where working-day counting matters.
SAMPLE_MOMENT = datetime(2025, 10, 31, 10, 0, tzinfo=MOSCOW)
START_DATA = {"application_id": 1, "region": "77", "company_name": "ООО «Ромашка»", "company_inn": "7707083893"}


def sample_environment(client_waits: dict) -> RestrictedEnvironment:
    """The restricted script environment with the model functions on a clock at SAMPLE_MOMENT."""
    functions = model_functions(VirtualClock(SAMPLE_MOMENT), WorkingCalendar(), ClientWaits(client_waits))
    return RestrictedEnvironment(functions)


def form_schema(form: str, forms_dir: Path | None) -> dict | None:
    if forms_dir is None:
        return None
    try:
        return load_form(form, forms_dir)
    except FormError:
        return None  # reported by the form rules


def form_sample(form: str, forms_dir: Path | None) -> dict:
    """The form's own example; for a form without one, a value made up per field. Without a forms
    folder (the forms are not checked), the shipped forms' examples."""
    if (found := example(form, forms_dir if forms_dir is not None else FORMS_DIR)) is not None:
        return found
    schema = form_schema(form, forms_dir) or {}
    return {name: _value(spec) for name, spec in (schema.get("properties") or {}).items() if isinstance(spec, dict)}


def _value(spec: dict):
    for key in ("default", "const"):
        if key in spec:
            return spec[key]
    if spec.get("enum"):
        return spec["enum"][0]
    kind = spec.get("type")
    if spec.get("format") == "date":
        return "2025-12-01"
    return {"string": "пример", "integer": 1, "number": 1, "boolean": True, "array": [], "object": {}}.get(kind)


def process_context(catalog: ProcessCatalog, forms_dir: Path | None) -> dict:
    """Start data plus a sample answer of every form in the process, in model order."""
    context = dict(START_DATA)
    for element in catalog.human_tasks():
        if form := element.properties.get("form"):
            context.update(form_sample(form, forms_dir))
    return context


def assigned_names(catalog: ProcessCatalog) -> set[str]:
    """Names the process's scripts assign: known at run time, not at deploy."""
    names = set()
    for element in catalog.elements.values():
        for _what, source, mode in element.sources():
            if mode != "exec":
                continue
            try:
                tree = ast.parse(source, mode="exec")
            except SyntaxError:
                continue
            names |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return names


def message_payloads(root) -> dict[str, list[tuple[str, str, object]]]:
    """Message name -> (process id, payload expression, the throwing event) of the events in this
    file that throw it."""
    names = {m.get("id"): m.get("name") or m.get("id") for m in root.iterfind("bpmn:message", NS)}
    found: dict[str, list[tuple[str, str]]] = {}
    for process in root.iterfind("bpmn:process", NS):
        for definition in process.iter(f"{{{NS['bpmn']}}}messageEventDefinition"):
            payload = definition.find("bpmn:extensionElements/spiffworkflow:messagePayload", NS)
            if payload is not None and (payload.text or "").strip():
                name = names.get(definition.get("messageRef"), definition.get("messageRef"))
                found.setdefault(name, []).append((process.get("id"), payload.text.strip(), definition.getparent()))
    return found


def message_variables(root, process_id: str) -> dict[str, str]:
    """Variable -> message name for the catching events of one process."""
    names = {m.get("id"): m.get("name") or m.get("id") for m in root.iterfind("bpmn:message", NS)}
    found = {}
    for process in root.iterfind("bpmn:process", NS):
        if process.get("id") != process_id:
            continue
        for definition in process.iter(f"{{{NS['bpmn']}}}messageEventDefinition"):
            variable = definition.find("bpmn:extensionElements/spiffworkflow:messageVariable", NS)
            if variable is not None and (variable.text or "").strip():
                found[variable.text.strip()] = names.get(definition.get("messageRef"), definition.get("messageRef"))
    return found
