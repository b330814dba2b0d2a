"""Demo data for a first run: applications of two regions at different steps of the table."""
from __future__ import annotations

from sqlalchemy import func, select

from .demo_data import sample
from .extensions import db
from .models import OpenTask, ProcessInstance
from .workflow.instances import complete_task, start_process

REGIONS = {"77": "г. Москва", "66": "Свердловская область"}

COMPANIES = [
    ("77", "ООО «Ромашка»", "7707083893"),
    ("77", "АО «Сибирский мёд»", "7736050003"),
    ("66", "ООО «Уральские самоцветы»", "6658021226"),
    ("66", "ИП Кузнецов Андрей Викторович", "665800123414"),
]

# How far each demo application goes along the happy path: element ids of the steps completed.
HAPPY_PATH = ["step_1_submit", "step_2_check", "step_3_approval", "step_4_originals",
              "step_5_selection", "step_6_agreement", "step_7_approval"]


def seed_demo() -> bool:
    """Create the demo applications once; False when there are applications already."""
    if db.session.scalar(select(func.count()).select_from(ProcessInstance)):
        return False
    for index, (region, name, inn) in enumerate(COMPANIES * 2):
        instance = start_process("marketplace_support", actor="demo", region=region,
                                 company_name=name, company_inn=inn)
        for element_id in HAPPY_PATH[:index]:
            task = db.session.scalar(select(OpenTask).where(OpenTask.instance_id == instance.id,
                                                            OpenTask.element_id == element_id))
            if task is None:
                break
            data = sample(task.form, company_name=name, company_inn=inn) if task.form == "application_questionnaire" \
                else sample(task.form)
            complete_task(instance.id, task.task_id, data, actor="demo")
    return True
