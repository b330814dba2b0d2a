"""Drafts of the model: saved from the modeller without checks, deployed later (or never)."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Deployment, ModelDraft, ModelDraftFile
from ..workflow.errors import NotFound
from ..workflow.runtime import runtime


def save_draft(files: dict[str, bytes], actor: str, comment: str | None = None,
               base_version: int | None = None) -> ModelDraft:
    """A new draft row: drafts are never overwritten, so two owners cannot lose each other's work."""
    if base_version is not None and db.session.get(Deployment, base_version) is None:
        base_version = None  # a draft outlives a vanished base; it is still worth keeping
    draft = ModelDraft(saved_at=runtime().clock.now(), saved_by=actor, comment=comment,
                       base_deployment_id=base_version,
                       files=[ModelDraftFile(name=n, content=c) for n, c in sorted(files.items())])
    db.session.add(draft)
    db.session.commit()
    return draft


def get_draft(draft_id: int) -> ModelDraft:
    draft = db.session.get(ModelDraft, draft_id)
    if draft is None:
        raise NotFound(f"no model draft {draft_id}")
    return draft


def list_drafts(limit: int = 100) -> list[ModelDraft]:
    return list(db.session.scalars(select(ModelDraft).order_by(ModelDraft.id.desc()).limit(limit)))


def list_versions(limit: int = 100) -> list[Deployment]:
    return list(db.session.scalars(select(Deployment).order_by(Deployment.id.desc()).limit(limit)))
