"""Is there a newer release? Asked lazily, answered from a cache.

NextChat's "update available" never went away for Docker users: it compared
against a commit, not a version. Here a release is newer only when its
version is strictly greater than the running one; equal, older or
unparsable never nags.

Nothing runs until /api/version is asked. The very first answer waits for
the feed (at most FETCH_TIMEOUT); after that, a stale answer is served at
once while a background task refreshes it. A failed check is remembered for
FAILURE_RETRY so a feed that is down is not hammered, and never raises.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp

from chatnext import __version__
from chatnext.config import Settings
from chatnext.upstream import USER_AGENT, UpstreamClient, proxy_for

log = logging.getLogger("chatnext.updates")

FETCH_TIMEOUT = 10.0
FAILURE_RETRY = 600.0
# A release JSON with a long changelog is tens of kB; anything far larger is not a release.
MAX_FEED_BYTES = 2_000_000

# A PEP 440 subset: what release tags actually look like (v1.2.3, 1.2.3rc1,
# 1.2.3-beta.2, 1.2.3.post1, 1.2.3.dev4, 1.2.3+local). `packaging` would do
# this fully, but it is not a runtime dependency of chatnext.
_VERSION = re.compile(
    r"""
    v?
    (?P<release>\d+(?:\.\d+)*)
    (?:[-_.]?(?P<pre>a|alpha|b|beta|c|rc|pre|preview)[-_.]?(?P<pre_n>\d*))?
    (?:[-_.]?(?:post|rev|r)[-_.]?(?P<post>\d*))?
    (?:[-_.]?dev[-_.]?(?P<dev>\d*))?
    (?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?
    """,
    re.IGNORECASE | re.VERBOSE,
)
_PRE_RANK = {"a": 0, "alpha": 0, "b": 1, "beta": 1, "c": 2, "rc": 2, "pre": 2, "preview": 2}
_INF = float("inf")

VersionKey = tuple[tuple[int, ...], tuple[float, float], float, float]


def version_key(text: str) -> VersionKey | None:
    """A sortable key for a version string, or None when it is not one."""
    match = _VERSION.fullmatch(text.strip())
    if match is None:
        return None
    release = tuple(int(part) for part in match["release"].split("."))
    while len(release) > 1 and release[-1] == 0:
        release = release[:-1]  # 1.0 == 1.0.0
    pre, post, dev = match["pre"], match["post"], match["dev"]
    if pre is not None:
        pre_key: tuple[float, float] = (_PRE_RANK[pre.lower()], int(match["pre_n"] or 0))
    elif dev is not None and post is None:
        pre_key = (-_INF, 0)  # 1.0.dev1 comes before 1.0a1
    else:
        pre_key = (_INF, 0)
    post_key = -_INF if post is None else int(post or 0)
    dev_key = _INF if dev is None else int(dev or 0)
    return release, pre_key, post_key, dev_key


def is_newer(latest: str, current: str) -> bool:
    """True only when both parse and `latest` is strictly greater."""
    new, old = version_key(latest), version_key(current)
    return new is not None and old is not None and new > old


def running_in_docker(environ: Mapping[str, str] = os.environ) -> bool:
    # The image sets CHATNEXT_DOCKER=1; guessing from /.dockerenv would also
    # match people who run a pip install inside some other container.
    return environ.get("CHATNEXT_DOCKER", "").strip().lower() not in ("", "0", "false", "no")


@dataclass(frozen=True)
class Release:
    version: str
    url: str | None
    published_at: str | None


def parse_release(payload: Any) -> Release:
    """A GitHub "latest release" object; ValueError when it is not one."""
    if not isinstance(payload, dict):
        raise ValueError("the feed is not a JSON object")
    tag = payload.get("tag_name")
    if not isinstance(tag, str) or not tag.strip():
        raise ValueError("the feed has no tag_name")
    version = tag.strip()
    if version[:1] in "vV" and version[1:2].isdigit():
        version = version[1:]
    url = payload.get("html_url")
    # The page renders this as a link: only web addresses, never javascript: and the like.
    if not (isinstance(url, str) and re.match(r"https?://", url, re.IGNORECASE)):
        url = None
    published = payload.get("published_at")
    return Release(version[:64], url, published if isinstance(published, str) else None)


class UpdateChecker:
    def __init__(
        self,
        settings: Settings,
        client: UpstreamClient,
        *,
        current: str = __version__,
        docker: bool | None = None,
    ) -> None:
        self.url = settings.update_check_url
        self.disabled = settings.disable_update_check or not self.url
        self.interval = settings.update_check_interval
        self.proxy = proxy_for(self.url, settings) if self.url else ""
        self.client = client
        self.current = current
        self.docker = running_in_docker() if docker is None else docker
        self.release: Release | None = None
        self.checked_at: float | None = None  # wall clock of the last successful check
        self._fresh_until = 0.0  # monotonic; 0 = never checked
        self._task: asyncio.Task[None] | None = None

    async def status(self) -> dict[str, Any]:
        """The answer of GET /api/version; starts a check when the cache is stale."""
        if not self.disabled and time.monotonic() >= self._fresh_until:
            task = self._refresh()
            if self._fresh_until == 0.0:
                # Nothing to show yet: worth waiting for (bounded by FETCH_TIMEOUT).
                # shield: a browser that hangs up must not cancel the check for everyone.
                await asyncio.shield(task)
        release = self.release
        return {
            "current": self.current,
            "latest": release.version if release else None,
            "updateAvailable": bool(release and is_newer(release.version, self.current)),
            "releaseUrl": release.url if release else None,
            "publishedAt": release.published_at if release else None,
            "checkedAt": round(self.checked_at) if self.checked_at is not None else None,
            "docker": self.docker,
            "checkDisabled": self.disabled,
        }

    def _refresh(self) -> asyncio.Task[None]:
        """The running check, or a new one: concurrent callers share a single fetch."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._check())
        return self._task

    async def _check(self) -> None:
        try:
            release = await self._fetch()
        except Exception as exc:  # a release check must never break a page
            log.warning("update check failed (%s): retrying in %g s", _reason(exc), min(FAILURE_RETRY, self.interval))
            self._fresh_until = time.monotonic() + min(FAILURE_RETRY, self.interval)
            return
        self.release = release
        self.checked_at = time.time()
        self._fresh_until = time.monotonic() + self.interval
        if is_newer(release.version, self.current):
            log.info("a newer release is out: %s (running %s)", release.version, self.current)

    async def _fetch(self) -> Release:
        session, proxy = self.client.session(self.proxy)
        headers = {
            "User-Agent": USER_AGENT,  # GitHub's API refuses requests without one
            "Accept": "application/vnd.github+json",
            # The shared session does not decompress (the relay passes bytes through).
            "Accept-Encoding": "identity",
        }
        async with asyncio.timeout(FETCH_TIMEOUT):
            async with session.get(self.url, headers=headers, proxy=proxy, allow_redirects=True) as resp:
                if resp.status != 200:
                    raise ValueError(f"HTTP {resp.status}")
                body = bytearray()
                async for chunk in resp.content.iter_chunked(65536):
                    body += chunk
                    if len(body) > MAX_FEED_BYTES:
                        raise ValueError("the feed is too large")
        return parse_release(json.loads(body))


def _reason(exc: Exception) -> str:
    if isinstance(exc, TimeoutError):
        return f"no answer within {FETCH_TIMEOUT:g} s"
    if isinstance(exc, aiohttp.ClientError | OSError):
        return f"cannot reach the feed: {type(exc).__name__}"
    return str(exc) or type(exc).__name__
