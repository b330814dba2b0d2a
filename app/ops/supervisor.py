"""N web processes on one listening socket: start them, restart one that dies, stop them all.

waitress serves from one process (its threads share one GIL), so ``vitrina serve --workers N``
binds the socket here and starts N fresh ``vitrina serve`` processes that inherit it
(``pass_fds``); the kernel hands each connection to one of them. Fresh processes rather than
forks: each imports the app with ``PROMETHEUS_MULTIPROC_DIR`` already set, which prometheus-client
reads when its first metric is built, and none inherits a database connection of this one.
"""
from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from typing import Callable

log = logging.getLogger(__name__)
# A child that dies sooner than this after its start waits before the next try, so a process
# that cannot start (a bad configuration) is not restarted in a tight loop.
MIN_UPTIME = 5.0
RESTART_DELAY = 2.0
STOP_SECONDS = 15.0


def bind(host: str, port: int, backlog: int = 1024) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    sock.set_inheritable(True)
    return sock


@dataclass
class Child:
    index: int
    process: subprocess.Popen
    started: float = field(default_factory=time.monotonic)


class Supervisor:
    """``command(index, fd)`` is the argv of web process ``index`` serving the socket ``fd``."""

    def __init__(self, sock: socket.socket, count: int, command: Callable[[int, int], list[str]],
                 env: dict[str, str] | None = None):
        self.sock, self.count, self.command = sock, count, command
        self.env = dict(os.environ if env is None else env)
        self.children: dict[int, Child] = {}
        self.stopping = False
        self.metrics_dir: str | None = None

    def run(self) -> int:
        """Serve until SIGTERM or SIGINT; returns the exit code."""
        self.metrics_dir = tempfile.mkdtemp(prefix="vitrina-metrics-")
        self.env["PROMETHEUS_MULTIPROC_DIR"] = self.metrics_dir
        previous = {s: signal.signal(s, self._stop) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            for index in range(self.count):
                self._start(index)
            while not self.stopping:
                self._restart_dead()
                time.sleep(0.2)
        finally:
            self._stop_all()
            for s, handler in previous.items():
                signal.signal(s, handler)
            shutil.rmtree(self.metrics_dir, ignore_errors=True)
        return 0

    def _start(self, index: int) -> None:
        process = subprocess.Popen(self.command(index, self.sock.fileno()), env=self.env,
                                   pass_fds=(self.sock.fileno(),))
        self.children[index] = Child(index, process)
        log.info("web process %s started (pid %s)", index, process.pid)

    def _restart_dead(self) -> None:
        for index, child in list(self.children.items()):
            code = child.process.poll()
            if code is None:
                continue
            log.warning("web process %s (pid %s) exited with %s: restarting", index, child.process.pid, code)
            _forget(child.process.pid, self.metrics_dir)
            if time.monotonic() - child.started < MIN_UPTIME:
                time.sleep(RESTART_DELAY)
            if not self.stopping:
                self._start(index)

    def _stop(self, signum, _frame) -> None:
        self.stopping = True

    def _stop_all(self) -> None:
        """SIGTERM to every child, then SIGKILL to what is still there after STOP_SECONDS."""
        for child in self.children.values():
            if child.process.poll() is None:
                child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        for child in self.children.values():
            try:
                child.process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                log.warning("web process %s did not stop in time: killed", child.index)
                child.process.kill()
                child.process.wait()
        self.sock.close()


def die_with_parent() -> None:
    """In a web process: SIGTERM when the supervisor dies, even by SIGKILL, so no web process is
    left serving the socket on its own (Linux; elsewhere nothing happens)."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _forget(pid: int, metrics_dir: str | None) -> None:
    """Live gauges of a dead process leave the sums (counters and histograms stay counted)."""
    from prometheus_client import multiprocess
    try:
        multiprocess.mark_process_dead(pid, metrics_dir)
    except OSError:
        pass
