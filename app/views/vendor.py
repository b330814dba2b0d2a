"""Third-party front-end files, served by the app itself (no CDN): bpmn-js (viewer, modeler), dmn-js.

bpmn-js is installed from npm into ``node_modules/`` by ``scripts/bootstrap`` (see package.json).
Only the files named in ``BPMN_JS_FILES`` are served, looked up by exact name, so no request can
reach anything else under ``node_modules/``. The version is pinned by package-lock.json and the
URLs carry it, so browsers may cache the files for a long time.
"""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory

from ..config import ROOT

bp = Blueprint("vendor", __name__, url_prefix="/vendor")

# Path under node_modules/bpmn-js/dist/ -> MIME type.
BPMN_JS_FILES = {
    "bpmn-navigated-viewer.production.min.js": "text/javascript",
    "bpmn-modeler.production.min.js": "text/javascript",  # the modeller (app/views/modeller.py)
    "assets/diagram-js.css": "text/css",
    "assets/bpmn-js.css": "text/css",
    "assets/bpmn-font/css/bpmn.css": "text/css",
    "assets/bpmn-font/font/bpmn.woff2": "font/woff2",
    "assets/bpmn-font/font/bpmn.woff": "font/woff",
    "assets/bpmn-font/font/bpmn.ttf": "font/ttf",
    "assets/bpmn-font/font/bpmn.eot": "application/vnd.ms-fontobject",
    "assets/bpmn-font/font/bpmn.svg": "image/svg+xml",
}
# Path under node_modules/dmn-js/dist/ -> MIME type: the modeller edits the scoring DMN with dmn-js.
DMN_JS_FILES = {
    "dmn-modeler.production.min.js": "text/javascript",
    **{f"assets/{name}.css": "text/css" for name in (
        "diagram-js", "dmn-js-shared", "dmn-js-drd", "dmn-js-decision-table", "dmn-js-decision-table-controls",
        "dmn-js-literal-expression", "dmn-js-boxed-expression", "dmn-js-boxed-expression-controls")},
    "assets/dmn-font/css/dmn.css": "text/css",
    "assets/dmn-font/font/dmn.woff2": "font/woff2",
    "assets/dmn-font/font/dmn.woff": "font/woff",
    "assets/dmn-font/font/dmn.ttf": "font/ttf",
    "assets/dmn-font/font/dmn.eot": "application/vnd.ms-fontobject",
    "assets/dmn-font/font/dmn.svg": "image/svg+xml",
}
ONE_YEAR = 365 * 24 * 3600


def node_modules() -> Path:
    return Path(current_app.config.get("VITRINA_NODE_MODULES") or ROOT / "node_modules")


@cache
def _version(folder: str, package: str = "bpmn-js") -> str | None:
    try:
        return json.loads((Path(folder) / package / "package.json").read_text("utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return None


def bpmn_js_version() -> str | None:
    """The installed bpmn-js version (None when npm has not installed it)."""
    return _version(str(node_modules()))


def bpmn_js_url(path: str) -> str:
    from flask import url_for
    return url_for("vendor.bpmn_js", path=path, v=bpmn_js_version())


def dmn_js_url(path: str) -> str:
    from flask import url_for
    return url_for("vendor.dmn_js", path=path, v=_version(str(node_modules()), "dmn-js"))


@bp.get("/bpmn-js/<path:path>")
def bpmn_js(path: str):
    return _serve("bpmn-js", BPMN_JS_FILES, path)


@bp.get("/dmn-js/<path:path>")
def dmn_js(path: str):
    return _serve("dmn-js", DMN_JS_FILES, path)


def _serve(package: str, files: dict[str, str], path: str):
    mimetype = files.get(path)
    if mimetype is None:
        abort(404)
    folder = node_modules() / package / "dist"
    if not (folder / path).is_file():
        abort(404)
    response = send_from_directory(folder, path, mimetype=mimetype, max_age=ONE_YEAR, conditional=True)
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response
