"""DMN decision tables of a bundle: parsed for the engine, checked against the sandbox, described.

A business rule task names its decision (``spiffworkflow:calledDecisionId``); SpiffWorkflow
evaluates the table's entries as Python with the model's script engine, so every input
expression, input entry and output entry is checked here at deploy time, not when an
application first reaches the table. An input entry is a comparison with its left side left
out (``>= 70``, ``"b2b"``, ``40 <= ? < 70``): it is checked the way the engine will run it.
"""
from __future__ import annotations

import re

from .errors import ModelProblem, ScriptNotAllowed
from .scripting import check_source

_QUESTION_MARK = re.compile(r"\?(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")  # a `?` outside quotes


def add_decisions(parser, name: str, tree, problems: list[ModelProblem]) -> None:
    """Register the decisions of one DMN file with ``parser``; append what is wrong with the tables
    to ``problems`` (the parser's own exceptions propagate)."""
    _blank_entries_match_anything(tree)
    found = tree.findall(_tag("decision"))
    if len(found) != 1:
        # SpiffWorkflow 3.2 reads the first decision of a file only (and fails on a second one).
        problems.append(ModelProblem(name, found[1].get("id") if len(found) > 1 else None,
                                     f"a DMN file must hold exactly one decision, it has {len(found)}: "
                                     "put each decision table in its own .dmn file"))
        return
    parser.add_dmn_xml(tree, filename=name)  # its ValidationException is the caller's to report
    problems.extend(_check_decision(name, found[0]))


def _blank_entries_match_anything(tree) -> None:
    # dmn-js and Camunda Modeler save an empty cell as an empty <text/>, which DMN reads as
    # "any value"; SpiffWorkflow only knows the "-" spelling and would fail on the blank.
    for entry in tree.iter(_tag("inputEntry")):
        text = entry.find(_tag("text"))
        if text is not None and not (text.text or "").strip():
            text.text = "-"


def _tag(local: str) -> str:
    return f"{{*}}{local}"


def _check_decision(file_name: str, decision) -> list[ModelProblem]:
    problems = []
    decision_id, decision_name = decision.get("id"), decision.get("name")

    def check(what: str, source: str, partial: bool = False) -> None:
        try:
            if partial:
                _check_entry(source)
            else:
                check_source(source, "eval")
        except (ScriptNotAllowed, SyntaxError) as exc:
            problems.append(ModelProblem(file_name, decision_id, f"{what} «{source}»: {exc}", decision_name,
                                         rule="script-sandbox"))

    for index, column in enumerate(decision.iter(_tag("input")), start=1):
        text = column.findtext(f"{_tag('inputExpression')}/{_tag('text')}")
        if text and text.strip():
            check(f"input column {index}", text.strip())
    for row, rule in enumerate(decision.iter(_tag("rule")), start=1):
        for entry in rule.iterfind(_tag("inputEntry")):
            text = (entry.findtext(_tag("text")) or "").strip()
            if text and text != "-":
                check(f"rule {row}, input entry", text, partial=True)
        for entry in rule.iterfind(_tag("outputEntry")):
            text = (entry.findtext(_tag("text")) or "").strip()
            if text:
                check(f"rule {row}, output entry", text)
    return problems


def _check_entry(text: str) -> None:
    """An input entry as the engine will run it: whole, with ``?`` bound, or after the input."""
    if _QUESTION_MARK.search(text):
        check_source(_QUESTION_MARK.sub("dmninputexpr", text), "eval")
        return
    try:
        check_source(text, "eval")
    except SyntaxError:
        check_source(f"dmninputexpr {text}", "eval")
