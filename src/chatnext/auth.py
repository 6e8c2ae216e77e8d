"""Access codes: who may use the server's keys.

`Authorization: Bearer nk-<code>` carries an access code; any other bearer
token is the user's own API key. Every access-code attempt logs one line
with "got access code", the outcome, the client address and a short salted
hash, so an operator can grep for brute forcing without the log ever
holding a code.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import secrets

from chatnext.config import Settings
from chatnext.errors import HTTPError
from chatnext.throttle import Throttle

log = logging.getLogger("chatnext.auth")

CODE_PREFIX = "nk-"


def bearer_token(authorization: str | None) -> str:
    if not authorization:
        return ""
    scheme, _, token = authorization.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _log_salt(settings: Settings) -> bytes:
    # Stable across restarts (so one code's hash stays recognisable in the
    # log), yet unknown to anyone who only reads the log: it is derived from
    # the server's secrets. No secrets at all means nothing worth guessing.
    material = "\0".join((*settings.code, *settings.openai_api_key, *settings.azure_api_key))
    if not material:
        return secrets.token_bytes(32)
    return hashlib.sha256(b"chatnext log salt\0" + material.encode()).digest()


class AccessControl:
    def __init__(self, settings: Settings, throttle: Throttle | None = None) -> None:
        self.need_code = bool(settings.code)
        self.hide_user_api_key = settings.hide_user_api_key
        self.throttle = throttle or Throttle()
        self._digests = [hashlib.sha256(code.encode()).digest() for code in settings.code]
        self._salt = _log_salt(settings)

    def fingerprint(self, code: str) -> str:
        return hmac.new(self._salt, code.encode(), hashlib.sha256).hexdigest()[:8]

    def _matches(self, code: str) -> bool:
        digest = hashlib.sha256(code.encode()).digest()
        found = False
        for known in self._digests:  # no early exit: the time taken names no code
            found |= hmac.compare_digest(digest, known)
        return found

    def authorize(self, token: str, ip: str) -> str | None:
        """The user's own API key, or None to use the server's keys.

        Raises HTTPError (401/429) when the request may not go on.
        """
        if token.startswith(CODE_PREFIX):
            if self.need_code:
                self._check_code(token[len(CODE_PREFIX) :], ip)
            return None
        if token:
            if self.hide_user_api_key:
                raise HTTPError(401, "user_api_key_forbidden", "you are not allowed to access with your own api key")
            return token
        if self.need_code:
            raise HTTPError(401, "empty_access_code", "empty access code")
        return None

    def _check_code(self, code: str, ip: str) -> None:
        tag = self.fingerprint(code)
        wait = self.throttle.retry_after(ip)
        if wait > 0:
            log.warning("got access code: outcome=locked ip=%s hash=%s retry_after=%d", ip, tag, math.ceil(wait))
            raise _locked(wait)
        if self._matches(code):
            self.throttle.success(ip)
            log.info("got access code: outcome=ok ip=%s hash=%s", ip, tag)
            return
        lockout = self.throttle.failure(ip)
        log.warning("got access code: outcome=wrong ip=%s hash=%s", ip, tag)
        if lockout:
            log.warning("access locked: ip=%s for=%ds", ip, math.ceil(lockout))
            raise _locked(lockout)
        raise HTTPError(401, "wrong_access_code", "wrong access code")


def _locked(seconds: float) -> HTTPError:
    wait = math.ceil(seconds)
    return HTTPError(
        429,
        "access_locked",
        f"too many wrong access codes from your address; try again in {wait} seconds",
        {"Retry-After": str(wait)},
    )
