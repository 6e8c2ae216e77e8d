"""Access codes: who may use the server's keys, and as whom they are metered.

A request proves itself one of three ways: `Authorization: Bearer nk-<code>`
(scripts, NextChat clients), a session cookie the page got for its code at
POST /api/auth, or any other bearer token, which is the user's own API key.
Codes come from CODE (no limits) and the policy file (named, with limits).
Every code attempt logs one line with "got access code", the outcome, the
client address and a short keyed hash, never the code. Wrong codes from
one address lock it out (throttle.py), whichever way they came.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import math
from dataclasses import dataclass
from datetime import UTC, datetime

from chatnext import metrics
from chatnext.config import Settings
from chatnext.errors import HTTPError
from chatnext.policy import CodeEntry, PolicyCodes
from chatnext.throttle import Throttle

log = logging.getLogger("chatnext.auth")

CODE_PREFIX = "nk-"


def bearer_token(authorization: str | None) -> str:
    if not authorization:
        return ""
    scheme, _, token = authorization.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@dataclass(frozen=True)
class Caller:
    """Who a request is: what it is metered as, its limits, its own key."""

    code: str = ""  # a policy label, "code-<hash>" for a CODE entry; "" for an own key or an open server
    entry: CodeEntry | None = None  # the policy entry, with its limits
    user_key: str | None = None  # the user's own API key instead of the server's
    code_id: str = ""  # what a session remembers of the code; "" when there is none


class AccessControl:
    def __init__(self, settings: Settings, throttle: Throttle, secret: bytes, policy: tuple[CodeEntry, ...] = ()):
        self.need_code = bool(settings.code) or bool(policy)
        self.hide_user_api_key = settings.hide_user_api_key
        self.throttle = throttle
        self.policy = PolicyCodes(policy)
        self._key = hmac.new(secret, b"chatnext access codes", hashlib.sha256).digest()
        self._plain: list[tuple[bytes, Caller]] = []
        self._by_id: dict[str, Caller] = {}
        for code in settings.code:
            caller = Caller(code=f"code-{self.fingerprint(code)}", code_id="c:" + self._digest(code).hex()[:24])
            self._plain.append((self._digest(code), caller))
            self._by_id[caller.code_id] = caller
        for entry in policy:
            # The id follows the stored hash: a rotated code ends its sessions.
            code_id = f"p:{entry.label}:{hashlib.sha256(entry.hash.encode()).hexdigest()[:16]}"
            self._by_id[code_id] = Caller(code=entry.label, entry=entry, code_id=code_id)
        self._by_entry = {id(c.entry): c for c in self._by_id.values() if c.entry is not None}

    def _digest(self, code: str) -> bytes:
        return hmac.new(self._key, code.encode(), hashlib.sha256).digest()

    def fingerprint(self, code: str) -> str:
        """The code's short hash for logs: stable across restarts, useless for guessing."""
        return hmac.new(self._key, b"log\0" + code.encode(), hashlib.sha256).hexdigest()[:8]

    def caller_for(self, code_id: str) -> Caller | None:
        """The caller a session's code id stands for, while that code exists."""
        caller = self._by_id.get(code_id)
        if caller is not None and caller.entry is not None and caller.entry.expired(datetime.now(UTC)):
            return None
        return caller

    async def authorize(self, token: str, ip: str, session: str | None = None) -> Caller:
        """Who the request is; raises HTTPError (401/429) when it may not go on.

        `session` is the code id of the request's session cookie, if any.
        """
        if token.startswith(CODE_PREFIX):
            return await self.check_code(token[len(CODE_PREFIX) :], ip) if self.need_code else Caller()
        if token:
            if self.hide_user_api_key:
                raise HTTPError(401, "user_api_key_forbidden", "you are not allowed to access with your own api key")
            return Caller(user_key=token)
        if session is not None and self.need_code:
            caller = self.caller_for(session)
            if caller is not None:
                return caller
            raise HTTPError(401, "session_expired", "your session has ended; enter the access code again")
        if self.need_code:
            raise HTTPError(401, "empty_access_code", "empty access code")
        return Caller()

    async def check_code(self, code: str, ip: str) -> Caller:
        tag = self.fingerprint(code)
        wait = await self.throttle.retry_after(ip)
        if wait > 0:
            log.warning("got access code: outcome=locked ip=%s hash=%s retry_after=%d", ip, tag, math.ceil(wait))
            metrics.auth_attempt("locked")
            raise locked_error(wait)
        caller = self._match(code)
        if caller is None and len(self.policy):
            # scrypt takes tens of milliseconds: off the event loop, unless the code verified before.
            entry = self.policy.remembered(code) or await asyncio.to_thread(self.policy.match, code)
            caller = self._by_entry.get(id(entry)) if entry else None
        if caller is not None:
            await self.throttle.success(ip)
            if caller.entry is not None and caller.entry.expired(datetime.now(UTC)):
                log.warning("got access code: outcome=expired ip=%s hash=%s label=%s", ip, tag, caller.code)
                metrics.auth_attempt("expired")
                raise HTTPError(401, "code_expired", "this access code has expired; ask for a new one")
            log.info("got access code: outcome=ok ip=%s hash=%s", ip, tag)
            metrics.auth_attempt("ok")
            return caller
        lockout = await self.throttle.failure(ip, tag)
        log.warning("got access code: outcome=wrong ip=%s hash=%s", ip, tag)
        metrics.auth_attempt("wrong")
        if lockout:
            log.warning("access locked: ip=%s for=%ds", ip, math.ceil(lockout))
            raise locked_error(lockout)
        raise HTTPError(401, "wrong_access_code", "wrong access code")

    def _match(self, code: str) -> Caller | None:
        digest = self._digest(code)
        found = None
        for known, caller in self._plain:  # no early exit: the time taken names no code
            if hmac.compare_digest(digest, known):
                found = caller
        return found


def locked_error(seconds: float, what: str = "access codes") -> HTTPError:
    wait = math.ceil(seconds)
    return HTTPError(
        429,
        "access_locked",
        f"too many wrong {what} from your address; try again in {wait} seconds",
        {"Retry-After": str(wait)},
    )
