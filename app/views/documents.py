"""Downloading uploaded documents, for whoever may see their application (404 for anyone else)."""
from __future__ import annotations

from flask import Blueprint, abort, send_file
from flask_login import current_user, login_required

from ..access import can_see_instance
from ..applications.documents import file_path
from ..extensions import db
from ..models import Document, ProcessInstance

bp = Blueprint("documents", __name__)


@bp.get("/documents/<int:document_id>")
@login_required
def download(document_id: int):
    document = db.session.get(Document, document_id)
    if document is None or not can_see_instance(current_user, db.session.get(ProcessInstance, document.instance_id)):
        abort(404)
    path = file_path(document)
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype=document.content_type, as_attachment=True,
                     download_name=document.original_name, max_age=0)
