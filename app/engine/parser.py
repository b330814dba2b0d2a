"""Parse and check a bundle of BPMN files into runnable specs.

Every problem found is reported with the file, the element id and the reason, so a process
owner can find it in the modeller: XSD errors are mapped from their line to the enclosing
element, SpiffWorkflow's validation errors carry the element, and every expression, condition
and script is checked against the sandbox here, not only when it first runs.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from .catalog import ProcessCatalog, read_catalog
from .decisions import add_decisions
from .errors import ModelInvalid, ModelProblem, ScriptNotAllowed
from .scripting import check_source
from .timers import install_clocked_timers
from .xmlfile import DoctypeRefused, read_xml

_VALIDATOR = None


def _validator() -> BpmnValidator:
    global _VALIDATOR  # the XSD takes ~100 ms to load: once per process is enough
    if _VALIDATOR is None:
        _VALIDATOR = BpmnValidator()
    return _VALIDATOR


def bundle_hash(files: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name] + b"\0")
    return digest.hexdigest()


@dataclass
class ParsedModel:
    """The specs of every executable process of a bundle, plus what Vitrina reads from them."""

    key: str
    files: dict[str, bytes]
    specs: dict[str, tuple] = field(default_factory=dict)  # process id -> (spec, subprocess specs)
    catalogs: dict[str, ProcessCatalog] = field(default_factory=dict)

    def message_start(self, message: str) -> str | None:
        """The process whose start event catches ``message``."""
        for pid, catalog in self.catalogs.items():
            if message in catalog.start_messages:
                return pid
        return None


def parse_bundle(files: dict[str, bytes]) -> ParsedModel:
    """Parse, validate and prepare ``{file name: content}``; raise ModelInvalid listing every problem."""
    problems: list[ModelProblem] = []
    parser = SpiffBpmnParser(validator=_validator())
    trees: dict[str, etree._ElementTree] = {}
    # Decisions first: a business rule task looks its table up while the BPMN is built.
    for name in sorted(n for n in files if n.endswith(".dmn")):
        if (tree := _xml(name, files[name], problems)) is None:
            continue
        try:
            add_decisions(parser, name, tree, problems)
        except ValidationException as exc:
            problems.append(_problem_from(exc, name, tree))
        except Exception as exc:  # the DMN parser raises bare errors on malformed tables
            problems.append(ModelProblem(name, None, f"cannot read the decision tables: {exc}"))
    for name in sorted(files):
        if not name.endswith(".bpmn"):
            continue
        if (tree := _xml(name, files[name], problems)) is None:
            continue
        try:
            parser.add_bpmn_xml(tree, filename=name)
        except ValidationException as exc:
            problems.append(_problem_from(exc, name, tree))
            continue
        trees[name] = tree
    if not trees and not problems:
        problems.append(ModelProblem("(bundle)", None, "no .bpmn file to deploy"))

    model = ParsedModel(key=bundle_hash(files), files=dict(files))
    for name, tree in trees.items():
        for catalog in read_catalog(tree, name):
            problems.extend(_check_expressions(catalog))
            if not catalog.executable:
                continue
            try:
                spec = parser.get_spec(catalog.process_id)
                subprocess_specs = parser.get_subprocess_specs(catalog.process_id)
            except ValidationException as exc:
                problems.append(_problem_from(exc, name, tree))
                continue
            except Exception as exc:  # the parser raises bare errors for some malformed models
                problems.append(ModelProblem(name, catalog.process_id, f"cannot build the process: {exc}"))
                continue
            for process_spec in [spec, *subprocess_specs.values()]:
                install_clocked_timers(process_spec)
            model.specs[catalog.process_id] = (spec, subprocess_specs)
            model.catalogs[catalog.process_id] = catalog
    if problems:
        raise ModelInvalid(problems)
    return model


def _xml(name: str, content: bytes, problems: list[ModelProblem]):
    """The parsed file (no DTD, no entities, no network), or None with the problem recorded."""
    try:
        return read_xml(content)
    except etree.XMLSyntaxError as exc:
        problems.append(ModelProblem(name, None, f"not well-formed XML: {exc}"))
    except DoctypeRefused as exc:
        problems.append(ModelProblem(name, None, str(exc), rule="xml"))
    return None


def _problem_from(exc: ValidationException, file_name: str, tree) -> ModelProblem:
    element_id = getattr(exc, "id", "") or None
    element_name = getattr(exc, "name", "") or None
    line = getattr(exc, "line_number", "") or None
    if element_id is None and line:
        element_id, element_name = _element_at_line(tree, int(line))
    reason = str(exc.args[0]) if exc.args else str(exc)
    if line:
        reason += f" (line {line})"
    return ModelProblem(exc.file_name or file_name, element_id, reason, element_name)


def _element_at_line(tree, line: int) -> tuple[str | None, str | None]:
    """The innermost element with an id that starts at or encloses ``line``."""
    best = None
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.sourceline is None:
            continue
        if element.sourceline <= line and element.get("id"):
            best = element
        if element.sourceline > line:
            break
    if best is None:
        return None, None
    return best.get("id"), best.get("name")


def _check_expressions(catalog: ProcessCatalog) -> list[ModelProblem]:
    problems = []
    for element in [*catalog.elements.values(), *catalog.flows.values()]:
        for what, source, mode in element.sources():
            try:
                check_source(source, mode)
            except (ScriptNotAllowed, SyntaxError) as exc:
                problems.append(ModelProblem(catalog.file, element.id, f"{what}: {exc}", element.name,
                                             rule="script-sandbox"))
    return problems
