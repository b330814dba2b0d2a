"""The ``vitrina`` command: Flask's CLI with the app's own subcommands."""
from __future__ import annotations

import json
import sys
from datetime import date

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select

from .serve import serve_command
from .worker import worker_command
from .users import users_group
from ..scenarios.cli import test_model_command
from .versions import migrate_command, versions_group
from ..dates import fmt_datetime
from ..engine import ModelInvalid
from ..extensions import db
from ..statuses import ProcessId


def _fail(message: str) -> None:
    click.secho(message, fg="red", err=True)
    sys.exit(1)


def _print_problems(exc: ModelInvalid) -> None:
    click.secho(f"Модель не принята: ошибок {len(exc.errors)}, предупреждений "
                f"{len(exc.problems) - len(exc.errors)}", fg="red", err=True)
    for problem in exc.problems:
        click.echo(f"  [{_SEVERITY[problem.severity]} {problem.rule}] {problem}", err=True)
        for consequence in problem.consequences:
            click.echo(f"      следствие [{consequence.rule}] {consequence}", err=True)


_SEVERITY = {"error": "ошибка", "warning": "предупреждение"}


def _print_warnings(model) -> None:
    for problem in getattr(model, "warnings", []):
        click.echo(f"  [{_SEVERITY[problem.severity]} {problem.rule}] {problem}")


@click.command("check")
@click.argument("folder", required=False, type=click.Path(exists=True, file_okay=False))
@with_appcontext
def check_command(folder):
    """Проверить модель (BPMN) в папке, не развёртывая её."""
    from ..workflow.deployments import check_bundle, read_bundle
    folder = folder or current_app.config["VITRINA_BPMN_DIR"]
    try:
        model = check_bundle(read_bundle(folder))
    except ModelInvalid as exc:
        _print_problems(exc)
        sys.exit(1)
    _print_warnings(model)
    click.echo(f"Модель в порядке: процессы {', '.join(sorted(model.specs))}; версия {model.key[:12]}")


@click.command("deploy")
@click.argument("folder", required=False, type=click.Path(exists=True, file_okay=False))
@click.option("--comment", help="Комментарий к версии.")
@click.option("--actor", default="cli", show_default=True, help="Кто развёртывает.")
@with_appcontext
def deploy_command(folder, comment, actor):
    """Развернуть модель из папки (по умолчанию bpmn/) как новую версию."""
    from ..modeller.scenario_files import current_scenarios
    from ..scenarios import read_scenarios
    from ..workflow.deployments import deploy_bundle, read_bundle
    # The model's own folder is checked against the scenarios as the modeller edited them.
    scenarios = read_scenarios(folder) if folder else current_scenarios()
    folder = folder or current_app.config["VITRINA_BPMN_DIR"]
    try:
        deployment, created = deploy_bundle(read_bundle(folder), actor=actor, comment=comment,
                                            scenarios=scenarios)
    except ModelInvalid as exc:
        _print_problems(exc)
        click.echo("Действующая версия не изменилась.", err=True)
        sys.exit(1)
    word = "развёрнута" if created else "уже развёрнута, без изменений"
    click.echo(f"Версия {deployment.id} ({deployment.key[:12]}) {word}")


@click.command("start")
@click.argument("process_id", default=ProcessId.MARKETPLACE_SUPPORT.value)
@click.option("--region", required=True, help="Код региона (две цифры).")
@click.option("--company-name", required=True)
@click.option("--company-inn", required=True)
@click.option("--actor", default="cli", show_default=True)
@with_appcontext
def start_command(process_id, region, company_name, company_inn, actor):
    """Создать экземпляр процесса (заявку)."""
    from ..workflow.instances import start_process
    instance = start_process(process_id, actor=actor, region=region, company_name=company_name,
                             company_inn=company_inn)
    click.echo(f"Заявка {instance.id}: {instance.application_status}")


@click.command("instances")
@click.option("--limit", default=50, show_default=True)
@with_appcontext
def instances_command(limit):
    """Показать последние заявки и их статусы."""
    from ..models import ProcessInstance
    rows = db.session.scalars(select(ProcessInstance).order_by(ProcessInstance.id.desc()).limit(limit))
    for i in rows:
        click.echo(f"{i.id:>6}  {i.process_id:<20} рег. {i.region or '-':<3} {i.application_status or '-':<38}"
                   f" {i.service_status or '-':<18} {i.company_name or ''}")


@click.command("tasks")
@click.option("--role", help="Роль: client, cpe, mo_rec, ops_rec, operator…")
@click.option("--region", help="Код региона.")
@with_appcontext
def tasks_command(role, region):
    """Показать открытые задачи (индекс списка задач)."""
    from ..models import OpenTask
    query = select(OpenTask).order_by(OpenTask.normative_due.is_(None), OpenTask.normative_due, OpenTask.id)
    if role:
        query = query.where(OpenTask.role == role)
    if region:
        query = query.where(OpenTask.region == region)
    for t in db.session.scalars(query):
        click.echo(f"заявка {t.instance_id:>6}  {t.task_id}  [{t.role}] шаг {t.step or '-':<4} {t.name}"
                   f"  срок {fmt_datetime(t.normative_due)}")


@click.command("complete")
@click.argument("instance_id", type=int)
@click.argument("task_id")
@click.option("--data", default="{}", help="Данные формы в JSON.")
@click.option("--actor", default="cli", show_default=True)
@with_appcontext
def complete_command(instance_id, task_id, data, actor):
    """Выполнить задачу заявки с данными формы."""
    from ..workflow.errors import WorkflowError
    from ..workflow.instances import complete_task
    try:
        instance = complete_task(instance_id, task_id, json.loads(data), actor=actor)
    except json.JSONDecodeError as exc:
        _fail(f"--data: не JSON: {exc}")
    except WorkflowError as exc:
        _fail(str(exc))
    click.echo(f"Заявка {instance.id}: {instance.application_status}")


@click.command("timers")
@with_appcontext
def timers_command():
    """Показать ожидающие таймеры (сроки)."""
    from ..models import Timer
    for t in db.session.scalars(select(Timer).order_by(Timer.due_at)):
        state = "" if t.state == "waiting" else "  (отмечен, ждёт движения заявки)"
        click.echo(f"{fmt_datetime(t.due_at)}  заявка {t.instance_id:>6}  шаг {t.step or '-':<4} "
                   f"{t.kind or '-':<13} {t.name}{state}")


@click.command("fire-timers")
@with_appcontext
def fire_timers_command():
    """Сработать все таймеры, срок которых наступил."""
    from ..deadlines.sweep import fire_due_timers
    from ..workflow.runtime import runtime
    click.echo(str(fire_due_timers(runtime().clock.now())).capitalize())


@click.group("calendar")
def calendar_group():
    """Производственный календарь и его поправки."""


@calendar_group.command("show")
@click.argument("year", type=int)
@with_appcontext
def calendar_show(year):
    """Нерабочие дни года (будни) и рабочие субботы/воскресенья."""
    from datetime import timedelta
    from ..workflow.runtime import runtime
    cal, day = runtime().calendar, date(year, 1, 1)
    while day.year == year:
        working, weekend = cal.is_working_day(day), day.weekday() >= 5
        if working == weekend:
            click.echo(f"{day:%d.%m.%Y}  {'рабочий' if working else 'выходной'}")
        day += timedelta(days=1)


@calendar_group.command("override")
@click.argument("day", type=click.DateTime(formats=["%d.%m.%Y", "%Y-%m-%d"]))
@click.option("--working/--day-off", required=True, help="Рабочий день или выходной.")
@click.option("--decree", required=True, help="Постановление, из которого поправка.")
@with_appcontext
def calendar_override(day, working, decree):
    """Добавить поправку к календарю (побеждает пакет holidays)."""
    from ..workflow.calendar_overrides import set_override
    set_override(day.date(), working, decree)
    click.echo(f"{day:%d.%m.%Y}: {'рабочий' if working else 'выходной'} ({decree})")


@click.command("setup")
@click.option("--demo/--no-demo", default=True, help="Демо-данные при первом запуске.")
@with_appcontext
def setup_command(demo):
    """Подготовить установку: секретный ключ, миграции, развёртывание модели, демо-данные при первом запуске."""
    from flask_migrate import upgrade
    from .. import secret_key
    from ..workflow.deployments import deploy_bundle, read_bundle
    if secret_key.ensure(current_app.instance_path):
        click.echo(f"Секретный ключ сессий записан в {secret_key.path(current_app.instance_path)}")
    upgrade(revision="heads")
    deployment, created = deploy_bundle(read_bundle(current_app.config["VITRINA_BPMN_DIR"]), actor="setup",
                                        once=True)
    click.echo(f"Версия модели {deployment.id} ({'новая' if created else 'без изменений'})")
    if demo:
        from ..demo.seed import DEMO_PASSWORD, seed_demo, seed_demo_users
        # Users first: the demo's steps tell the people of each lane, as in real work.
        if created_users := seed_demo_users():
            click.echo(f"Демо-пользователи созданы: {created_users} (пароль {DEMO_PASSWORD}, список в README)")
        if seed_demo():
            click.echo("Демо-данные созданы")


COMMANDS = [serve_command, check_command, deploy_command, versions_group, start_command, instances_command,
            migrate_command, tasks_command, complete_command, timers_command, fire_timers_command, calendar_group,
            setup_command, users_group, test_model_command, worker_command]


def register_commands(app) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)
    from ..simulation.cli import simulate_command
    app.cli.add_command(simulate_command)


def _create_app():
    from .. import create_app
    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main():
    """Витрина: регламент РЭЦ и ЦПЭ по размещению продукции на ЭТП, исполняемый как BPMN."""


if __name__ == "__main__":
    main()
