"""Keys kept outside the database: from an environment variable, or generated once into a file of
the data folder (mode 0600). Used by the SM4 field encryption and the HMAC-SM3 integrity codes."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings


def key_text(env_name: str, filename: str, *, nbytes: int = 32) -> str:
    """The key as hex text: $env_name if set, else DATA_DIR/filename, created on first use."""
    if value := os.environ.get(env_name):
        return value.strip()
    path = Path(getattr(settings, "DATA_DIR", ".")) / filename
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL: two processes starting at once must not write two different keys.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    key = secrets.token_hex(nbytes)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
