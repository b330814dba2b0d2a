"""What the core tells the rest of the app, without importing it: a step was saved (the timer
alarm re-arms), a bundle is about to be deployed with scenarios (the scenario gate runs them).

``create_app`` subscribes the listeners, so the dependency points one way (deadlines and
scenarios import the workflow core, never the reverse) and nothing happens at import time.
"""
from __future__ import annotations

from enum import StrEnum

from flask import current_app

_KEY = "vitrina.hooks"


class Hook(StrEnum):
    SAVED = "saved"          # listener(app, steps): after a commit of engine steps
    DEPLOYING = "deploying"  # listener(files, scenarios): before a version is stored; raise to refuse


def subscribe(app, hook: Hook, listener) -> None:
    app.extensions.setdefault(_KEY, {}).setdefault(hook, []).append(listener)


def _listeners(hook: Hook) -> list:
    return current_app.extensions.get(_KEY, {}).get(hook, [])


def saved(steps: list) -> None:
    for listener in _listeners(Hook.SAVED):
        listener(current_app, steps)


def deploying(files: dict[str, bytes], scenarios: dict[str, bytes]) -> None:
    for listener in _listeners(Hook.DEPLOYING):
        listener(files, scenarios)
