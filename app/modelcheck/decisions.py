"""DMN files of the bundle: that they are DMN decision tables the engine can run, and that
every business rule task names a decision one of them defines. (The engine's own DMN parse,
app/engine/decisions.py, checks the entries against the sandbox.)"""
from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from .findings import NS, Findings, local

HIT_POLICIES = ("UNIQUE", "COLLECT")  # what SpiffWorkflow 3.2 evaluates


@dataclass
class DecisionIndex:
    ids: set[str] = field(default_factory=set)
    outputs: set[str] = field(default_factory=set)


def check_dmn_files(roots: dict, out: Findings) -> DecisionIndex:
    """``roots``: the parsed .dmn files by name (``read_model_files``)."""
    index = DecisionIndex()
    for name, root in sorted(roots.items()):
        namespace = etree.QName(root).namespace or ""
        if local(root) != "definitions" or "/DMN/" not in namespace.upper():
            out.error("dmn-not-dmn", name, root, "файл .dmn не является моделью DMN (корень — definitions в "
                      "пространстве имён DMN 1.x): сохраните таблицу решений из моделлера DMN")
            continue
        for decision in root.iter(f"{{{namespace}}}decision"):
            index.ids.add(decision.get("id"))
            table = decision.find(f"{{{namespace}}}decisionTable")
            if table is None:
                out.error("dmn-not-a-table", name, decision, "решение без таблицы решений (decisionTable): "
                          "Витрина исполняет только таблицы решений")
                continue
            policy = table.get("hitPolicy", "UNIQUE")
            if policy not in HIT_POLICIES:
                out.error("dmn-hit-policy", name, decision, f"политика срабатывания {policy} не поддерживается "
                          f"движком: используйте {' или '.join(HIT_POLICIES)}")
            index.outputs |= {o.get("name") for o in table.iterfind(f"{{{namespace}}}output") if o.get("name")}
    return index


def check_decision_refs(file: str, root, index: DecisionIndex, out: Findings) -> None:
    for task in root.iter(f"{{{NS['bpmn']}}}businessRuleTask"):
        called = task.findtext("bpmn:extensionElements/spiffworkflow:calledDecisionId", namespaces=NS)
        called = (called or "").strip()
        if not called:
            out.error("decision-missing", file, task, "задача бизнес-правила не называет таблицу решений: "
                      "укажите calledDecisionId (id решения из файла .dmn)")
        elif called not in index.ids:
            known = ", ".join(sorted(index.ids)) or "в пакете нет файлов .dmn"
            out.error("decision-missing", file, task, f"решения «{called}» нет ни в одном файле .dmn пакета "
                      f"(есть: {known}): исправьте calledDecisionId или добавьте решение")
