"""Validation of a model bundle before deploy: the rules beyond what the engine needs to run.

``check_files(files, forms_dir)`` reads the XML as written (not SpiffWorkflow's lazy parse)
and returns every finding as a ModelProblem with a stable rule code, a severity and a Russian
text naming what to do. ``app.workflow.deployments.check_bundle`` runs it together with the
engine's own parse, for ``vitrina check``, ``vitrina deploy`` and the modeller alike. The
rules and their codes are listed in bpmn/README.md.
"""
from __future__ import annotations

from pathlib import Path

from lxml import etree

from ..engine.xmlfile import DoctypeRefused, read_xml
from ..config import DEFAULT_CLIENT_WAITS
from ..engine import ModelProblem, ScriptNotAllowed
from ..engine.catalog import read_catalog
from ..engine.functions import model_functions
from ..engine.sandbox import Exhausted
from ..engine.scripting import check_source
from .decisions import check_decision_refs, check_dmn_files
from .diagram import check_diagram
from .expressions import ExpressionCheck
from .findings import Findings
from .samples import (START_DATA, assigned_names, message_payloads, message_variables, process_context,
                      sample_environment)
from .structure import check_structure
from .vocabulary import check_vocabulary

__all__ = ["check_files"]


def check_files(files: dict[str, bytes], forms_dir: Path | str | None = None,
                client_waits: dict | None = None) -> list[ModelProblem]:
    out = Findings()
    forms_dir = Path(forms_dir) if forms_dir is not None else None
    trees = read_model_files(files, out)
    decisions = check_dmn_files({n: r for n, r in trees.items() if n.endswith(".dmn")}, out)
    roots = {n: r for n, r in trees.items() if n.endswith(".bpmn")}
    catalogs = []
    for name, root in roots.items():
        check_structure(name, root, out)
        check_diagram(name, root, out)
        check_decision_refs(name, root, decisions, out)
        catalogs += [(root, catalog) for catalog in read_catalog(root, name)]

    contexts = {c.process_id: process_context(c, forms_dir) for _root, c in catalogs}
    environment = sample_environment(client_waits if client_waits is not None else DEFAULT_CLIENT_WAITS)
    payloads = _payloads(roots, contexts, environment, out)
    functions = set(model_functions(None, None, None))
    for root, catalog in catalogs:
        check_vocabulary(catalog, forms_dir, out)
        context = contexts[catalog.process_id]
        for variable, message in message_variables(root, catalog.process_id).items():
            context[variable] = payloads.get(message, dict(START_DATA))
        known = set(context) | assigned_names(catalog) | decisions.outputs | functions
        ExpressionCheck(catalog, context, known, environment, forms_dir, out).run()
    return out.items


def read_model_files(files: dict[str, bytes], out: Findings) -> dict:
    """The root of every .bpmn and .dmn file the rules may read; a file with a DOCTYPE is refused
    and left out (a file that is not XML is the engine's to report)."""
    roots = {}
    for name in sorted(n for n in files if n.endswith((".bpmn", ".dmn"))):
        try:
            root = read_xml(files[name])
        except etree.XMLSyntaxError:
            continue
        except DoctypeRefused:
            out.error("xml-doctype", name, None, "файл объявляет DOCTYPE (DTD или сущности): BPMN и DMN в них не "
                      "нуждаются, а через них XML читает файлы сервера и другие адреса. Удалите объявление "
                      "<!DOCTYPE …> и ссылки на сущности &…; из файла")
            continue
        roots[name] = root
    return roots


def _payloads(roots, contexts, environment, out: Findings) -> dict[str, object]:
    """A sample payload per message name, from the first thrower whose payload evaluates; a payload
    outside the sandbox is a finding and is never evaluated."""
    found = {}
    for name, root in roots.items():
        for message, throwers in message_payloads(root).items():
            for process_id, expression, event in throwers:
                try:
                    check_source(expression, "eval")
                except (ScriptNotAllowed, SyntaxError) as exc:
                    out.error("script-sandbox", name, event, f"содержимое сообщения «{message}» ({expression}) "
                              f"не проходит проверку песочницы: {exc}; исправьте выражение")
                    continue
                try:
                    value = environment.evaluate(expression, dict(contexts.get(process_id, START_DATA)))
                except Exhausted as exc:
                    out.error("script-budget", name, process_id,
                              f"содержимое сообщения «{message}» на пробных данных остановлено: {exc.detail}")
                    continue
                except Exception:  # noqa: BLE001  a payload that fails is the engine's to report when thrown
                    continue
                found.setdefault(message, value)
    return found
