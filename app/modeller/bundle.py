"""The bundle the modeller edits: opened from a deployed version or a draft, and read back from
the browser's JSON (``{"files": {"name.bpmn": "<xml…>"}}``) with every bad input named."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..workflow.deployments import current_deployment, get_deployment
from ..workflow.forms import model_files
from .model_drafts import get_draft

# What a bundle may hold; the engine decides what the files mean.
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,119}")
EDITABLE_SUFFIXES = (".bpmn", ".dmn")
MAX_FILES = 30
MAX_FILE_BYTES = 4 * 1024 * 1024


class BundleRejected(Exception):
    """The request body is not a bundle the modeller can use; ``field`` names what is wrong."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class Source:
    """Where an opened bundle came from: a version (deployment id) or a draft."""

    kind: str  # "version" or "draft"
    id: int
    label: str
    base_version: int | None
    files: dict[str, bytes]


def _id(value: str | None, field: str) -> int | None:
    if value in (None, ""):
        return None
    if not value.isdigit():
        raise BundleRejected(field, f"Номер должен быть целым числом, получено «{value[:40]}»")
    return int(value)


def open_source(version: str | None = None, draft: str | None = None) -> Source:
    """The bundle to edit: the draft, else the version, else the latest deployed version.

    Raises BundleRejected for a malformed number, workflow NotFound/NothingDeployed otherwise."""
    draft_id, version_id = _id(draft, "draft"), _id(version, "version")
    if draft_id is not None:
        found = get_draft(draft_id)
        return Source("draft", found.id, f"черновик № {found.id}", found.base_deployment_id,
                      model_files(found.file_map()))
    deployment = get_deployment(version_id) if version_id is not None else current_deployment()
    # The forms are edited as files of the forms folder and deployed with the model from there.
    return Source("version", deployment.id, f"версия № {deployment.id}", deployment.id,
                  model_files(deployment.file_map()))


def files_from_json(body) -> dict[str, bytes]:
    """The files of a request body, UTF-8 encoded; BundleRejected names the first bad one."""
    if not isinstance(body, dict):
        raise BundleRejected("files", "Тело запроса должно быть JSON-объектом с полем files")
    files = body.get("files")
    if not isinstance(files, dict) or not files:
        raise BundleRejected("files", "Передайте файлы модели: объект «имя файла → содержимое»")
    if len(files) > MAX_FILES:
        raise BundleRejected("files", f"Слишком много файлов: {len(files)}, допустимо не более {MAX_FILES}")
    result: dict[str, bytes] = {}
    for name, text in files.items():
        if not NAME.fullmatch(name) or ".." in name:
            raise BundleRejected(f"files.{name[:60]}", "Имя файла может содержать только латиницу, цифры, "
                                                       "точку, дефис и подчёркивание")
        if not isinstance(text, str) or not text.strip():
            raise BundleRejected(f"files.{name}", "Файл пуст или передан не строкой")
        content = text.encode("utf-8")
        if len(content) > MAX_FILE_BYTES:
            raise BundleRejected(f"files.{name}", f"Файл больше {MAX_FILE_BYTES // (1024 * 1024)} МБ")
        result[name] = content
    if not any(name.endswith(".bpmn") for name in result):
        raise BundleRejected("files", "В модели нет ни одного файла .bpmn")
    return result


def comment_from_json(body) -> str | None:
    comment = body.get("comment") if isinstance(body, dict) else None
    if comment is None:
        return None
    if not isinstance(comment, str):
        raise BundleRejected("comment", "Комментарий должен быть строкой")
    comment = comment.strip()
    if len(comment) > 1000:
        raise BundleRejected("comment", "Комментарий длиннее 1000 символов")
    return comment or None


def base_from_json(body) -> int | None:
    value = body.get("base_version") if isinstance(body, dict) else None
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise BundleRejected("base_version", "Номер исходной версии должен быть целым положительным числом")
    return value


def as_text(files: dict[str, bytes]) -> dict[str, str]:
    """Files for the browser; a file that is not UTF-8 is shown with replacement characters."""
    return {name: content.decode("utf-8", errors="replace") for name, content in sorted(files.items())}
