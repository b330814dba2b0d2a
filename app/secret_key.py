"""The key that signs session cookies: generated into ``instance/secret_key`` by ``vitrina setup``.

Whoever knows the key can forge a session of any user (CSRF token included), so no key ships
with the code. ``create_app`` reads the file when it exists; ``instance/config.py`` and
``VITRINA_SECRET_KEY`` are read after it and win. Nothing is written when the app is created:
only ``vitrina setup`` writes the file, once, readable by its owner only.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

FILE_NAME = "secret_key"
# The key older versions shipped as a default: public, so refused like no key at all.
DEVELOPMENT_KEY = "dev-only-change-me"


class InsecureSecretKey(RuntimeError):
    """The app would sign sessions with no key or a public one; the message says how to fix it."""


def path(instance_path: str | os.PathLike) -> Path:
    return Path(instance_path) / FILE_NAME


def read(instance_path: str | os.PathLike) -> str | None:
    """The generated key of this installation, or None when setup has not written one."""
    try:
        key = path(instance_path).read_text("ascii").strip()
    except FileNotFoundError:
        return None
    return key or None


def ensure(instance_path: str | os.PathLike) -> bool:
    """Write a new random key unless the file is there already; True when written now."""
    target = path(instance_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: two setups at once never overwrite each other's key; 0600 from the first byte.
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32) + "\n")
    return True


def refuse_insecure(config) -> None:
    """Raise InsecureSecretKey unless sessions are signed with a key of this installation
    (tests, with TESTING on, bring their own)."""
    if config.get("TESTING"):
        return
    key = config.get("SECRET_KEY")
    if not key:
        raise InsecureSecretKey(
            "Не задан секретный ключ сессий. Выполните «vitrina setup» (он запишет случайный ключ в "
            "instance/secret_key) или задайте VITRINA_SECRET_KEY.")
    if key == DEVELOPMENT_KEY:
        raise InsecureSecretKey(
            f"Секретный ключ сессий «{DEVELOPMENT_KEY}» общеизвестен: с ним любой подделает вход под "
            "любым пользователем. Уберите SECRET_KEY из instance/config.py и VITRINA_SECRET_KEY и "
            "выполните «vitrina setup» (он запишет случайный ключ в instance/secret_key) или задайте "
            "свой случайный ключ, например: python3 -c 'import secrets; print(secrets.token_hex(32))'.")
