"""``vitrina versions`` (list, diff, revert) and ``vitrina migrate``: model versions from the shell."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from ..dates import fmt_datetime
from ..engine import ModelInvalid

KINDS = {"added": "+", "removed": "-", "changed": "~"}


@click.group("versions", invoke_without_command=True)
@click.pass_context
@with_appcontext
def versions_group(ctx):
    """Развёрнутые версии модели: номер, когда, кто, комментарий, работающих заявок."""
    if ctx.invoked_subcommand is not None:
        return
    from ..workflow.versions import list_versions
    for v in list_versions():
        click.echo(f"{v.number:>4}  {v.key[:12]}  {fmt_datetime(v.deployed_at)}  {v.deployed_by}  "
                   f"заявок: {v.running}  {v.comment or ''}  [{', '.join(v.files)}]".rstrip())


@versions_group.command("diff")
@click.argument("a", type=int)
@click.argument("b", type=int)
@with_appcontext
def diff_command(a, b):
    """Различия версий A и B: элементы добавлены (+), удалены (-), изменены (~)."""
    from ..workflow.errors import NotFound
    from ..workflow.versions import diff_versions
    try:
        diff = diff_versions(a, b)
    except NotFound as exc:
        click.secho(f"Нет такой версии: {exc}", fg="red", err=True)
        sys.exit(1)
    if diff.empty:
        click.echo(f"Версии {a} и {b} не различаются")
    for process in diff.processes:
        click.echo(f"{KINDS[process.kind]} процесс {process.process_id} «{process.name or ''}»")
        for e in process.elements:
            click.echo(f"  {KINDS[e.kind]} {e.element_id} «{e.name or ''}» ({e.type_label})")
            for c in e.changes:
                click.echo(f"      {c.what}: {c.old or '—'} → {c.new or '—'}")
    for f in diff.files:
        click.echo(f"{KINDS[f.kind]} файл {f.element_id}")
        for c in f.changes:
            click.echo(f"      {c.what}: {c.old or '—'} → {c.new or '—'}")


@versions_group.command("revert")
@click.argument("number", type=int)
@click.option("--actor", default="cli", show_default=True, help="Кто возвращает.")
@with_appcontext
def revert_command(number, actor):
    """Вернуться к версии NUMBER: её файлы развёртываются как новая версия."""
    from ..workflow.errors import WorkflowError
    from ..workflow.versions import revert_to
    try:
        deployment = revert_to(number, actor=actor)
    except WorkflowError as exc:
        click.secho(str(exc), fg="red", err=True)
        sys.exit(1)
    except ModelInvalid as exc:
        click.secho(f"Версия {number} не прошла проверку: {exc}", fg="red", err=True)
        sys.exit(1)
    click.echo(f"Развёрнута версия {deployment.id}: {deployment.comment}")


@click.command("migrate")
@click.option("--from", "from_version", type=int, required=True, help="С какой версии.")
@click.option("--to", "to_version", type=int, required=True, help="На какую версию.")
@click.option("--dry-run", is_flag=True, help="Только проверить, ничего не меняя.")
@click.option("--actor", default="cli", show_default=True, help="Кто переносит.")
@with_appcontext
def migrate_command(from_version, to_version, dry_run, actor):
    """Перенести работающие заявки версии FROM на версию TO (каждая — со своим результатом)."""
    from ..workflow.errors import NotFound
    from ..workflow.migration import migrate_version
    try:
        results = migrate_version(from_version, to_version, actor=actor, dry_run=dry_run)
    except NotFound as exc:
        click.secho(f"Нет такой версии: {exc}", fg="red", err=True)
        sys.exit(1)
    for r in results:
        click.echo(f"заявка {r.instance_id}: {r.verdict}")
        for note in r.notes:
            click.echo(f"    {note}")
    moved = sum(r.done for r in results)
    allowed = sum(r.allowed for r in results)
    click.echo(f"Итого: {len(results)} заявок, " + (f"можно перенести {allowed}" if dry_run else f"перенесено {moved}"))
    if not dry_run and moved < len(results):
        sys.exit(2)
