"""The vitrina command: help everywhere, deploy refuses a broken model and keeps the old one."""
from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from app.cli import COMMANDS, main
from app.extensions import db
from app.demo.samples import sample
from app.models import Deployment, OpenTask
from tests.conftest import ROOT


def _all_commands():
    for command in COMMANDS:
        yield [command.name]
        for sub in getattr(command, "commands", {}):
            yield [command.name, sub]


@pytest.mark.parametrize("words", list(_all_commands()), ids=" ".join)
def test_every_subcommand_has_help(words):
    result = CliRunner().invoke(main, [*words, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_deploy_check_start_complete_from_the_shell(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["check"]).exit_code == 0
    deployed = runner.invoke(args=["deploy", "--comment", "первая версия"])
    assert deployed.exit_code == 0 and "развёрнута" in deployed.output
    started = runner.invoke(args=["start", "--region", "77", "--company-name", "ООО «Ромашка»",
                                  "--company-inn", "7707083893"])
    assert started.exit_code == 0 and "Новая" in started.output
    [task] = db.session.scalars(select(OpenTask)).all()
    assert f"{task.task_id}  [client] шаг 1    Подача Заявки" in runner.invoke(args=["tasks", "--role", "client"]).output
    bad = runner.invoke(args=["complete", str(task.instance_id), task.task_id, "--data", "{}"])
    assert bad.exit_code == 1 and "company_inn" in bad.output
    done = runner.invoke(args=["complete", str(task.instance_id), task.task_id,
                               "--data", json.dumps(sample("application_questionnaire"))])
    assert done.exit_code == 0 and "На рассмотрении ЦПЭ" in done.output
    assert "ООО «Ромашка»" in runner.invoke(args=["instances"]).output
    assert runner.invoke(args=["versions"]).output.count("marketplace_support.bpmn") == 1


def test_deploy_refuses_a_broken_model_naming_file_element_and_reason(app, tmp_path):
    runner = app.test_cli_runner()
    runner.invoke(args=["deploy"])
    broken = tmp_path / "bpmn"
    shutil.copytree(ROOT / "bpmn", broken)
    main_file = broken / "marketplace_support.bpmn"
    main_file.write_text(main_file.read_text().replace('value="application_check"', 'value="missing_form"'))
    result = runner.invoke(args=["deploy", str(broken)])
    assert result.exit_code == 1
    assert "marketplace_support.bpmn, element step_2_check «Проверка Заявки в ЦПЭ»" in result.output
    assert "missing_form" in result.output and "Действующая версия не изменилась" in result.output
    assert len(db.session.scalars(select(Deployment)).all()) == 1


def test_calendar_override_changes_deadlines(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["calendar", "override", "05.11.2025", "--day-off", "--decree", "Тестовое постановление"])
    assert result.exit_code == 0, result.output
    shown = runner.invoke(args=["calendar", "show", "2025"]).output
    assert "05.11.2025  выходной" in shown and "01.11.2025  рабочий" in shown


def test_setup_migrates_deploys_and_seeds_demo_once(app):
    db.drop_all()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["setup"])
    assert first.exit_code == 0, first.output
    assert "Демо-данные созданы" in first.output
    again = runner.invoke(args=["setup"])
    assert again.exit_code == 0 and "Демо-данные" not in again.output
    db.session.remove()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE alembic_version")
