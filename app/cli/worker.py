"""``vitrina worker``: procrastinate workers running the background jobs on PostgreSQL."""
from __future__ import annotations

import asyncio
import logging
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

NOT_ON_SQLITE = ("Фоновые задания на SQLite выполняет сам `vitrina serve`: отдельный исполнитель нужен "
                 "только с PostgreSQL (VITRINA_DATABASE_URL=postgresql://…). / On SQLite background jobs "
                 "run inside `vitrina serve`; `vitrina worker` is for PostgreSQL only.")


@click.command("worker")
@click.option("--concurrency", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Сколько заданий исполнитель выполняет одновременно.")
@click.option("--once", is_flag=True, help="Выполнить задания, которые уже в очереди, и выйти.")
@with_appcontext
def worker_command(concurrency, once):
    """Запустить исполнителя фоновых заданий (PostgreSQL): сроки, письма, прогоны симуляции."""
    from ..jobs.queue import in_process
    if in_process():
        click.secho(NOT_ON_SQLITE, fg="red", err=True)
        sys.exit(1)
    from ..jobs.procrastinate_backend import run_worker
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    click.echo(f"Исполнитель фоновых заданий: одновременно {concurrency}")
    asyncio.run(run_worker(current_app._get_current_object(), concurrency=concurrency, wait=not once))
