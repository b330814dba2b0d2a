"""``vitrina serve``: the web app under waitress, in one process or, with ``--workers N``, in N.

One process (the default, and the only choice on SQLite, whose writers queue one behind the
other): waitress serves in this process, and the background work runs here too. N processes
(PostgreSQL): this process binds the socket and supervises N web processes
(``app/ops/supervisor.py``); the background work runs in web process 0 only.
"""
from __future__ import annotations

import os
import signal
import socket
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db
from ..ops import logs

# Child processes are started as this command again, on the socket the supervisor bound.
_CHILD = [sys.executable, "-c", "from app.cli import main; main()", "serve"]


class SqliteHasOneWriter(click.UsageError):
    pass


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int, help="Потоков waitress в каждом веб-процессе.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Веб-процессов; больше одного — только с PostgreSQL (VITRINA_DATABASE_URL).")
@click.option("--socket-fd", type=int, hidden=True, help="Сокет, открытый родительским процессом.")
@click.option("--process-index", default=0, type=int, hidden=True, help="Номер веб-процесса у родителя.")
@with_appcontext
def serve_command(host, port, threads, workers, socket_fd, process_index):
    """Запустить веб-приложение и планировщик сроков (waitress)."""
    from ..secret_key import InsecureSecretKey, refuse_insecure
    try:
        refuse_insecure(current_app.config)
    except InsecureSecretKey as exc:
        click.secho(str(exc), fg="red", err=True)
        sys.exit(1)
    if workers > 1:
        _refuse_sqlite(workers)
        _configure_logs("json")
        sys.exit(_supervise(host, port, threads, workers))
    _configure_logs("text")
    app = current_app._get_current_object()
    if socket_fd is None:
        sock = _bind(host, port)
        click.echo(f"Витрина: http://{host}:{sock.getsockname()[1]}/")
    else:
        from ..ops.supervisor import die_with_parent
        die_with_parent()
        sock = socket.socket(fileno=socket_fd)
    background = start_background(app, process_index, supervised=socket_fd is not None)
    # A SIGTERM from the supervisor (or systemd) unwinds waitress's loop, so the finally runs.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        _waitress(app, sock, threads)
    finally:
        stop_background(background)


# -- background work: in one process only --------------------------------------------------
# The Alarm (timer sweep and e-mail delivery) runs in the single web process, or in web process 0
# of `--workers N`; never N times. This is the one place that starts it. The other web processes'
# saves do not wake it (their timers are not in its process), so it looks more often on its own.
SUPERVISED_SAFETY_SECONDS = 30


def start_background(app, process_index: int, supervised: bool):
    from ..jobs.queue import in_process
    if process_index != 0 or not in_process(app):  # on the job queue `vitrina worker` does it
        return None
    from ..deadlines.alarm import Alarm
    alarm = Alarm(app, **({"safety_seconds": SUPERVISED_SAFETY_SECONDS} if supervised else {}))
    alarm.start()
    return alarm


def stop_background(background) -> None:
    if background is not None:
        background.shutdown()
# -------------------------------------------------------------------------------------------


def _configure_logs(default: str) -> None:
    try:
        logs.configure(logs.chosen_format(default))
    except logs.UnknownLogFormat as exc:
        raise click.UsageError(str(exc)) from exc


def _refuse_sqlite(workers: int) -> None:
    if db.engine.dialect.name == "sqlite":
        raise SqliteHasOneWriter(
            f"--workers {workers}: на SQLite работает только один веб-процесс (SQLite записывает изменения "
            "по одному). Для нескольких процессов укажите PostgreSQL: VITRINA_DATABASE_URL=postgresql://…")


def _bind(host: str, port: int) -> socket.socket:
    from ..ops.supervisor import bind
    try:
        return bind(host, port)
    except OSError as exc:
        raise click.UsageError(f"--port {port}: адрес {host}:{port} занят или недоступен ({exc.strerror})") from exc


def _supervise(host: str, port: int, threads: int, workers: int) -> int:
    from ..ops.supervisor import Supervisor
    sock = _bind(host, port)
    bound_host, bound_port = sock.getsockname()[:2]
    click.echo(f"Витрина: http://{bound_host}:{bound_port}/ (веб-процессов: {workers})")
    db.engine.dispose()  # the children open their own connections

    def command(index: int, fd: int) -> list[str]:
        return [*_CHILD, "--threads", str(threads), "--socket-fd", str(fd), "--process-index", str(index)]

    env = {"VITRINA_LOG_FORMAT": logs.chosen_format("json")}
    return Supervisor(sock, workers, command, env={**os.environ, **env}).run()


def _waitress(app, sock: socket.socket, threads: int) -> None:
    from waitress import serve
    # waitress buffers a whole body before the app sees it: it stops reading a little above the
    # app's own limit, which answers in between with its Russian 413.
    body_limit = app.config["MAX_CONTENT_LENGTH"] + 1024 * 1024
    serve(app, sockets=[sock], threads=threads, max_request_body_size=body_limit)
