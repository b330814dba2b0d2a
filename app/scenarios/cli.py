"""``vitrina test-model [FOLDER]``: run the model's scenarios and report each."""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from ..engine import ModelInvalid


@click.command("test-model")
@click.argument("folder", required=False, type=click.Path(exists=True, file_okay=False))
@with_appcontext
def test_model_command(folder):
    """Прогнать сценарии модели (FOLDER/scenarios/*.yaml) на модели из FOLDER (по умолчанию bpmn/)."""
    from ..workflow.deployments import read_bundle
    from .format import ScenarioFormatError, read_scenarios
    from .runner import run_scenarios
    folder = folder or current_app.config["VITRINA_BPMN_DIR"]
    try:
        files, scenarios = read_bundle(folder), read_scenarios(folder)
        results = run_scenarios(files, scenarios, forms_dir=current_app.config["VITRINA_FORMS_DIR"],
                                client_waits=current_app.config["VITRINA_CLIENT_WAITS"],
                                model_limits=current_app.config["VITRINA_MODEL_LIMITS"])
    except ScenarioFormatError as exc:
        click.secho("Сценарии не по формату:", fg="red", err=True)
        for error in exc.errors:
            click.echo(f"  {error}", err=True)
        sys.exit(1)
    except ModelInvalid as exc:
        click.secho(f"Модель не принята: {exc}", fg="red", err=True)
        sys.exit(1)
    if not results:
        click.echo(f"В {folder} нет сценариев (scenarios/*.yaml)")
    for result in results:
        click.secho(result.text(), fg=None if result.ok else "red")
    failed = sum(not r.ok for r in results)
    click.echo(f"Сценариев: {len(results)}, прошло {len(results) - failed}, расходится {failed}")
    sys.exit(1 if failed else 0)
