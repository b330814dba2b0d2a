"""What a notice template may say: the application, the step, what is expected and by when, and,
asked for by name, the remarks just made or the Act to confirm (read from the case file only
when a template uses them)."""
from __future__ import annotations

from dataclasses import dataclass

from ..applications import casefile
from ..applications.remarks import open_remarks
from ..dates import fmt_date
from ..plain_text import one_line
from ..statuses import CaseKind

# The decisions whose «remarks» send the questionnaire back to the client (2.1 after 2 or 3.1).
RETURNING = (CaseKind.CHECK, CaseKind.APPROVAL)


@dataclass(frozen=True)
class Act:
    date: str
    number: str | None
    goods: str | None
    documents: list[str]


def notice_context(instance, element, task, step, *, link_task: bool = True) -> dict:
    company = one_line(instance.company_name) if instance.company_name else None
    label = f"№ {instance.id}" + (f" ({company})" if company else "")
    link = f"/tasks/{task.id}" if task is not None and link_task else f"/applications/{instance.id}"
    return {
        "number": instance.id,
        "company": company,
        "application": label,  # «№ 7 (ООО «Ромашка»)»: the sentence adds «заявка», «по заявке»…
        "step": element.properties.get("step"),
        "element": element.name,
        "task": task.name if task is not None else None,
        "due": fmt_date(task.normative_due) if task is not None and task.normative_due else None,
        "indicative": fmt_date(task.indicative_due) if task is not None and task.indicative_due else None,
        "wait_until": fmt_date(task.wait_due) if task is not None and task.wait_due else None,
        "status": step.application_status,
        "consultation_offered": any(m.name == "consultation_offer" for m in step.messages),
        "reason": _text(step.data.get("refusal_reason")),
        "link": link,
        "done": step.completed_task.name if step.completed_task is not None else None,
        "comment": lambda: decision_comment(step),
        "remarks": lambda: remarks_of(instance),
        "act": lambda: act_of(instance),
    }


def remarks_of(instance) -> list[str]:
    """The remarks the client is to answer, as the decision wrote them: the comment, then each
    field's remark under the field's title, then the ЦПЭ's own words when it passed them on."""
    found = open_remarks(instance, RETURNING, CaseKind.REWORK)
    if found is None:
        return []
    lines = [found.comment] if found.comment else []
    for name, texts in found.by_field.items():
        lines += [f"«{found.titles.get(name, name)}»: {text}" for text in texts]
    if found.forwarded_comment:
        lines.append(f"Комментарий ЦПЭ: {found.forwarded_comment}")
    return lines


def decision_comment(step) -> str | None:
    """The comment of the step just completed (an approval's or a return's words)."""
    done = step.completed_task
    entry = casefile.of_task(done.id) if done is not None else None
    return _text((entry.data or {}).get("comment")) if entry is not None else None


def act_of(instance) -> Act | None:
    entry = casefile.latest(instance.id, CaseKind.ACT)
    if entry is None:
        return None
    data = entry.data or {}
    return Act(date=fmt_date(data.get("act_date")), number=_text(data.get("act_agreement_number")),
               goods=_text(data.get("act_goods")), documents=[d.get("name") for d in entry.documents or []
                                                               if d.get("name")])


def _text(value) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None
