"""What the roadmap forms open with: the base roadmap (step 8), the last version sent (9.1).

A returned roadmap comes back to the ЦПЭ as it was sent, so only what МО РЭЦ remarked on needs
changing; the first one starts from Appendix 4 without dates, which the ЦПЭ must set.
"""
from __future__ import annotations

import copy

from ..models import ProcessInstance
from .base import load_base_roadmap
from .current import BUILD_FORMS, roadmap_of

TABLE = "roadmap_steps"


def prefill(form: str | None, instance: ProcessInstance) -> dict:
    """Values for a fresh roadmap form of ``instance``; {} for other forms."""
    if form not in BUILD_FORMS:
        return {}
    previous = roadmap_of(instance)
    return {TABLE: copy.deepcopy(previous.rows) if previous else load_base_roadmap().rows()}
