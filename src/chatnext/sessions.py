"""Browser sessions: the access code is exchanged once for a cookie.

The cookie holds a random session id and its HMAC (so a forged or guessed id
is refused before any store lookup); the store maps the id to the code it
was opened with. A session ends on logout, at its expiry, or when its code
no longer exists (CODE or the policy file changed): the page's scripts never
hold the code.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import time
from pathlib import Path

from chatnext.config import Settings
from chatnext.store import Store

log = logging.getLogger("chatnext.sessions")

COOKIE = "chatnext_session"
ADMIN_COOKIE = "chatnext_admin"
TTL = 30 * 86400.0
ADMIN_TTL = 12 * 3600.0


def server_secret(settings: Settings) -> bytes:
    """SESSION_SECRET, or one generated once and kept in DATA_DIR (mode 0600)."""
    if settings.session_secret:
        return settings.session_secret.encode()
    path = Path(settings.data_dir) / "session_secret"
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        pass
    except ValueError:
        log.warning("%s is not a hex secret; generating a new one (sessions end)", path)
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_bytes(32)
    # O_EXCL: when two instances start at once, one writes and the other reads its secret.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return bytes.fromhex(path.read_text().strip())
    with os.fdopen(fd, "w") as out:
        out.write(secret.hex())
    return secret


class Sessions:
    def __init__(self, store: Store, secret: bytes) -> None:
        self.store = store
        self._key = hmac.new(secret, b"chatnext session ids", hashlib.sha256).digest()

    def _sign(self, sid: str) -> str:
        return hmac.new(self._key, sid.encode(), hashlib.sha256).hexdigest()[:32]

    def _sid(self, cookie: str) -> str | None:
        sid, _, signature = cookie.partition(".")
        if not sid or not hmac.compare_digest(signature, self._sign(sid)):
            return None
        return sid

    async def open(self, code_id: str, *, kind: str = "user", ttl: float = TTL) -> str:
        """A new session for the code `code_id`; the cookie value."""
        sid = secrets.token_urlsafe(24)
        await self.store.set(f"session:{sid}", json.dumps({"code": code_id, "kind": kind, "at": time.time()}), ttl)
        return f"{sid}.{self._sign(sid)}"

    async def code_of(self, cookie: str, *, kind: str = "user") -> str | None:
        """The code id a live session of `kind` was opened with."""
        sid = self._sid(cookie)
        if sid is None:
            return None
        found = await self.store.get(f"session:{sid}")
        if found is None:
            return None
        try:
            data = json.loads(found[0])
        except ValueError:
            return None
        return str(data["code"]) if data.get("kind") == kind else None

    async def close(self, cookie: str) -> None:
        sid = self._sid(cookie)
        if sid is not None:
            await self.store.delete(f"session:{sid}")
