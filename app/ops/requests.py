"""Every request: its id (the caller's X-Request-Id or a new one, echoed back), its latency in
the metrics, and one log line with method, path, status and duration."""
from __future__ import annotations

import logging
import re
import time
import uuid

from flask import g, request

from . import metrics

HEADER = "X-Request-Id"
# A caller's id is kept only if it cannot break a log line or a header.
_VALID_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_APPLICATION_ARGS = ("instance_id", "application_id")
log = logging.getLogger("vitrina.request")


def init_app(app) -> None:
    app.before_request(_begin)
    app.after_request(_end)


def concerns(application_id: int) -> None:
    """A view whose URL does not name the application (a task's) says which one it acts on."""
    g.application_id = application_id


def _begin() -> None:
    given = request.headers.get(HEADER, "")
    g.request_id = given if _VALID_ID.fullmatch(given) else uuid.uuid4().hex
    g.request_started = time.perf_counter()
    for name in _APPLICATION_ARGS:
        if (value := (request.view_args or {}).get(name)) is not None:
            g.application_id = value


def _end(response):
    started = g.get("request_started")
    if started is None:  # a request that failed before _begin (a 404 of routing still runs it)
        return response
    seconds = time.perf_counter() - started
    response.headers[HEADER] = g.request_id
    metrics.observe_request(request.method, request.endpoint or "unmatched", response.status_code, seconds)
    log.info("%s %s %s %.1f ms", request.method, request.path, response.status_code, seconds * 1000,
             extra={"method": request.method, "path": request.path, "status": response.status_code,
                    "duration_ms": round(seconds * 1000, 1)})
    return response
