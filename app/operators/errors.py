"""What the operator services refuse, with a Russian message naming the field."""
from __future__ import annotations


class OperatorError(ValueError):
    """Invalid input: ``field`` names the input the message belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


class TransitionRefused(OperatorError):
    """The decision does not fit the operator's current status or checklist (a conflict, 409)."""
