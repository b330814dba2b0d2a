"""``vitrina simulate``: run a scenario (and compare another) from the shell, with a progress bar."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from . import params as parameters
from . import report, runner, experiment as scenario
from .check import EngineRouter
from .params import ParamsInvalid
from ..workflow.forms import model_files as bundle_model_files


def model_files(params: dict) -> tuple[dict[str, bytes], str]:
    """The files to simulate: the folder the parameters name, else the deployed version, else bpmn/."""
    from sqlalchemy.exc import SQLAlchemyError

    from ..workflow.deployments import NothingDeployed, current_deployment
    from .model import read_folder
    if params.get("model"):
        return read_folder(params["model"]), params["model"]
    try:
        deployment = current_deployment()
        return bundle_model_files(deployment.file_map()), f"развёрнутая версия {deployment.key[:12]}"
    except (NothingDeployed, SQLAlchemyError):
        folder = current_app.config["VITRINA_BPMN_DIR"]
        return read_folder(folder), str(folder)


def production_calendar():
    """The app's production calendar with its override table; the plain one before `vitrina setup`."""
    from sqlalchemy.exc import SQLAlchemyError

    from ..calendar import WorkingCalendar
    from ..workflow.runtime import runtime
    try:
        return runtime().calendar.current
    except SQLAlchemyError:
        return WorkingCalendar()


@click.command("simulate")
@click.argument("params_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--compare", "compare_file", type=click.Path(exists=True, dir_okay=False),
              help="Второй сценарий (что-если) для сравнения с первым.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="simulation-out", show_default=True,
              help="Папка для report.html, summary.json и events.csv.")
@click.option("--events/--no-events", default=False, help="Записать журнал событий первого прогона (CSV для pm4py).")
@click.option("--check", "check_mode", is_flag=True, help="Режим проверки: маршруты задаёт настоящий движок (медленно).")
@with_appcontext
def simulate_command(params_file, compare_file, out_dir, events, check_mode):
    """Симуляция процесса по развёрнутой модели: цикл, сроки, загрузка, сравнение сценариев."""
    try:
        from . import library  # ``extends:`` a scenario saved in the page, when no file beside has that name
        loaded = [parameters.load(params_file, library.lookup)] + \
            ([parameters.load(compare_file, library.lookup)] if compare_file else [])
        calendar = production_calendar()
        built = []
        for params in loaded:
            files, source = model_files(params)
            built.append(scenario.build(params, files, calendar))
            click.echo(f"«{params['name']}»: модель — {source}")
    except ParamsInvalid as exc:
        click.secho("Параметры не приняты:", fg="red", err=True)
        for path, message in exc.errors:
            click.echo(f"  {path}: {message}", err=True)
        sys.exit(1)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    results = []
    total = sum(int(s.params["replications"]) for s in built)
    with click.progressbar(length=total, label="Прогоны") as bar:
        for i, scn in enumerate(built):
            log = report.EventLog(out / (f"events-{i + 1}.csv" if len(built) > 1 else "events.csv"), scn.time) \
                if events else None
            try:
                results.append(runner.run(scn, progress=lambda done, reps: bar.update(1), log=log,
                                          router_factory=EngineRouter if check_mode else runner.GraphRouter))
            finally:
                if log:
                    log.close()
    comparison = runner.compare(results[0], results[1]) if len(results) > 1 else None
    paths = report.write(out, results, built[0].files, comparison)
    for r in results:
        click.echo(f"«{r['name']}»: цикл {report.ci(r['cycle_mean'])} дн., p90 {report.ci(r['cycle_p90'])} дн., "
                   f"{report.ci(r['throughput_week'], 2)} заявок/нед.")
        for label, u in r["utilisation"].items():
            if u["overloaded"]:
                click.secho(f"  перегружен: {runner.pool_name(label)} — загрузка {report.ci(u, 1, True)}", fg="yellow")
    click.echo(f"Отчёт: {paths['report']}; сводка: {paths['summary']}")
