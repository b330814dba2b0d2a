"""The REST API for the REC personal account (ЛК) and other systems: JSON over /api/v1, bearer
tokens, errors as JSON, the OpenAPI document at /api/openapi.json.

One blueprint per concern; ``create_app`` registers each of ``BLUEPRINTS``, exempts it from
CSRF (the API takes no cookies, see ``auth``) and calls ``init_app``.
"""
from __future__ import annotations

from . import applications, docs, me, tasks
from .errors import register as register_errors

BLUEPRINTS = (applications.bp, tasks.bp, me.bp, docs.bp)


def init_app(app) -> None:
    register_errors(app)
    # JSON is UTF-8: Russian text stays readable in curl and in logs instead of \u escapes.
    app.json.ensure_ascii = False
