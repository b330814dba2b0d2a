"""Uploaded documents: checked, stored by content, recorded, and found again.

A file is accepted when its extension is one the form allows AND its first bytes are what that
extension claims (a renamed .exe is not a PDF), and when it is no larger than the form's limit.
It is stored as ``uploads/<instance_id>/<sha256>.<ext>`` under the instance folder: the name is
the content, so a file once written is never overwritten, and the same scan uploaded twice is
kept once (each upload still gets its own ``documents`` row: who, when, under which name).
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Document
from ..workflow.runtime import runtime

# extension -> (content type, magic bytes at the start of the file)
KINDS = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
}
NAMES = {".pdf": "PDF", ".jpg": "JPG", ".jpeg": "JPG", ".png": "PNG"}
DEFAULT_MAX_MB = 20
_CHUNK = 1 << 16


class UploadRejected(ValueError):
    """The file is not accepted; the message is for the user, in Russian."""


def accepted_extensions(spec: dict) -> set[str]:
    allowed = {e.lower() for e in spec.get("x-accept", [])} & set(KINDS)
    if ".jpg" in allowed:
        allowed.add(".jpeg")  # the same format under its other usual name
    return allowed


def store_upload(upload, *, instance_id: int, task_id: str | None, field: str, spec: dict,
                 uploaded_by: str) -> Document:
    """Check and store ``upload`` (a werkzeug FileStorage) for a file field described by ``spec``."""
    stored = store_file(upload, folder=f"uploads/{instance_id}", spec=spec)
    document = Document(instance_id=instance_id, task_id=task_id, field=field, original_name=stored.original_name,
                        content_type=stored.content_type, size=stored.size, sha256=stored.sha256, path=stored.path,
                        uploaded_by=uploaded_by, uploaded_at=runtime().clock.now())
    db.session.add(document)
    db.session.commit()
    return document


@dataclass(frozen=True)
class StoredFile:
    original_name: str
    content_type: str
    size: int
    sha256: str
    path: str  # relative to the instance folder


def store_file(upload, *, folder: str, spec: dict) -> StoredFile:
    """Check ``upload`` against ``spec`` and store it as ``<folder>/<sha256>.<ext>`` under the
    instance folder (``folder`` relative to it); the caller records it."""
    original = os.path.basename((upload.filename or "").replace("\\", "/"))[:255] or "файл"
    extension = os.path.splitext(original)[1].lower()
    allowed = accepted_extensions(spec)
    if extension not in allowed:
        raise UploadRejected(f"Недопустимый тип файла: можно {_allowed_names(allowed)}")
    limit = int(spec.get("x-max-size-mb") or DEFAULT_MAX_MB) * 1024 * 1024
    target_folder = Path(current_app.instance_path) / folder
    target_folder.mkdir(parents=True, exist_ok=True)
    digest, size, head = hashlib.sha256(), 0, b""
    # Written to a temporary file first, so a rejected or broken upload leaves nothing behind.
    with tempfile.NamedTemporaryFile(dir=target_folder, prefix=".upload-", delete=False) as temporary:
        try:
            while chunk := upload.stream.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise UploadRejected(f"Файл больше {limit // (1024 * 1024)} МБ")
                if len(head) < 16:
                    head += chunk[:16 - len(head)]
                digest.update(chunk)
                temporary.write(chunk)
            content_type, magics = KINDS[extension]
            if size == 0:
                raise UploadRejected("Файл пустой")
            if not head.startswith(magics):
                raise UploadRejected(f"Содержимое файла не похоже на {NAMES[extension]}: "
                                     "загрузите настоящий файл этого типа")
        except BaseException:
            temporary.close()
            os.unlink(temporary.name)
            raise
    sha = digest.hexdigest()
    stored_ext = ".jpg" if extension == ".jpeg" else extension
    target = target_folder / f"{sha}{stored_ext}"
    try:
        # link() refuses an existing name: a stored file is never replaced, even in a race.
        os.link(temporary.name, target)
    except FileExistsError:
        pass  # the same content is stored already
    except OSError:
        if not target.exists():  # a file system without hard links
            os.replace(temporary.name, target)
    finally:
        if os.path.exists(temporary.name):
            os.unlink(temporary.name)
    return StoredFile(original, content_type, size, sha, f"{folder}/{sha}{stored_ext}")


def file_fields(schema: dict) -> dict[str, dict]:
    """The file fields of a form, by name, with their specs (accepted types, size limit)."""
    return {key: prop for key, prop in schema.get("properties", {}).items() if prop.get("x-widget") == "file"}


def documents_of(instance_id: int, ids) -> dict[str, Document]:
    """The documents of an instance among ``ids`` (form values), by id as text."""
    wanted = {int(i) for i in ids if str(i).isdigit() and int(i) < 2**31}  # beyond an id column's range
    if not wanted:
        return {}
    rows = db.session.scalars(select(Document).where(Document.instance_id == instance_id, Document.id.in_(wanted)))
    return {str(d.id): d for d in rows}


def file_path(document: Document) -> Path:
    return Path(current_app.instance_path) / document.path


def _allowed_names(allowed: set[str]) -> str:
    return ", ".join(dict.fromkeys(NAMES[e] for e in sorted(allowed, key=[".pdf", ".jpg", ".jpeg", ".png"].index)))
