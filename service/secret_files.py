"""The service's HMAC keys: 32 random bytes in a file of the data dir, created once."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def secret_file(data_dir: Path, name: str) -> bytes:
    """The key in `<data_dir>/<name>`: read, or created once (0600, atomically: written to a
    temporary file and linked into place, so a second process that loses the race reads
    the winner's, never a partial file)."""
    path = data_dir / name
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        temp = data_dir / f".{name}.{secrets.token_hex(6)}"
        descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(secrets.token_bytes(32))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temp, path)
        except FileExistsError:
            pass
        finally:
            temp.unlink()
    return path.read_bytes()
