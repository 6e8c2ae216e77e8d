"""The streaming relay: the hot path.

Bytes go to the browser as they arrive from the upstream, unparsed. Before
the first byte is sent a failed key can still be swapped for the next one;
after it, an upstream that dies mid-stream ends the stream with an error
event and no `[DONE]`, so the client knows the answer is cut short.

What the meter needs is gathered on the way at the cost of a byte count per
chunk: the status, the number of `data:` events, and the upstream's token
counts, read once from the last two chunks when the answer is over.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

import aiohttp
from starlette.types import Send

from chatnext.errors import HTTPError
from chatnext.providers.sse import StreamTranslator, error_event
from chatnext.upstream import Target, UpstreamClient

log = logging.getLogger("chatnext.relay")

# Upstream response headers worth passing on: the body's type and what an
# SDK reads to pace its retries.
_PASSED_HEADERS = frozenset(
    {"content-type", "content-encoding", "retry-after", "retry-after-ms", "x-request-id", "x-should-retry"}
)
_STREAM_HEADERS = [(b"cache-control", b"no-cache"), (b"x-accel-buffering", b"no")]
_DONE = b"[DONE]"


def refusal(status: int, body: bytes) -> str | None:
    """Why a key was refused, when another key might do better."""
    if status == 401:
        return "unauthorized"
    if status in (403, 429) and (b"insufficient_quota" in body or b"exceeded your current quota" in body):
        return "quota"
    if status == 429:
        return "rate_limited"
    return None


# (first chunk, last two chunks) -> (prompt, completion) tokens, or None.
UsageReader = Callable[[bytes, bytes], tuple[int, int] | None]

_USAGE_OBJECT = re.compile(rb'"usage"\s*:\s*\{')
_PROMPT_TOKENS = re.compile(rb'"prompt_tokens"\s*:\s*(\d+)')
_COMPLETION_TOKENS = re.compile(rb'"completion_tokens"\s*:\s*(\d+)')
# Room for a usage object with its *_details; it ends long before this.
_USAGE_SPAN = 1024


def openai_usage(first: bytes, tail: bytes) -> tuple[int, int] | None:
    """The token counts of the last `"usage": {...}` in an OpenAI answer's tail.

    That is the final chunk of a stream that asked for include_usage, or the
    end of a whole chat.completion. Text inside the answer cannot fake it:
    JSON escapes its quotes. Chunks before the last carry `"usage": null`.
    """
    end = len(tail)
    while (at := tail.rfind(b'"usage"', 0, end)) >= 0:
        found = _USAGE_OBJECT.match(tail, at)
        if found:
            span = tail[found.end() : found.end() + _USAGE_SPAN]
            prompt, completion = _PROMPT_TOKENS.search(span), _COMPLETION_TOKENS.search(span)
            if prompt and completion:
                return int(prompt[1]), int(completion[1])
        end = at
    return None


@dataclass(slots=True)
class Outcome:
    """What one relayed request came to, for the meter; filled in as it goes."""

    status: int = 0  # the status the client was sent; 0 until one was
    events: int = 0  # SSE `data:` events sent
    size: int = 0  # body bytes sent
    usage: tuple[int, int] | None = None  # (prompt, completion) as the upstream counted them
    # Called once, just before the last bytes go out: whoever meters the
    # request records it before the client can ask for its usage.
    ending: Callable[[Outcome], None] | None = None

    def end(self) -> None:
        if self.ending is not None:
            ending, self.ending = self.ending, None
            ending(self)

    def completion_estimate(self) -> int:
        """Completion tokens when the upstream sent no count."""
        # A streamed chunk carries about a token; a whole answer about one
        # per 4 bytes (its JSON frame counts too: an estimate errs high).
        return self.events if self.events else self.size // 4


@dataclass(frozen=True)
class UpstreamRequest:
    target: Target
    method: str
    path: str  # below the target's base URL, no leading slash
    body: bytes | None = None
    query: dict[str, str] | None = None
    user_key: str | None = None  # the user's own key instead of the pool's
    content_type: str = "application/json"
    # Whether a failed reply means "try the next key"; each protocol says it its own way.
    refusal: Callable[[int, bytes], str | None] = refusal
    # Where a relayed answer states its token counts; so does this.
    usage: UsageReader = openai_usage


@dataclass(frozen=True)
class Reply:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


def _retry_after(resp: aiohttp.ClientResponse) -> float | None:
    try:
        return float(resp.headers.get("Retry-After", ""))
    except ValueError:
        return None


def _passed_headers(resp: aiohttp.ClientResponse) -> list[tuple[bytes, bytes]]:
    return [
        (k.lower().encode(), v.encode("latin-1"))
        for k, v in resp.headers.items()
        if k.lower() in _PASSED_HEADERS or k.lower().startswith("x-ratelimit-")
    ]


class Relay:
    def __init__(self, client: UpstreamClient) -> None:
        self.client = client
        self.timeout = client.timeout

    async def _open(self, req: UpstreamRequest, key: str) -> tuple[aiohttp.ClientResponse, bytes]:
        """Send the request; wait for the status and the first bytes."""
        target = req.target
        session, proxy = self.client.session(target.proxy)
        headers = target.headers(key)
        if req.body is not None:
            headers["Content-Type"] = req.content_type
        query = {**target.default_query, **(req.query or {})}
        url = target.url(req.path)
        try:
            async with asyncio.timeout(self.timeout):
                resp = await session.request(
                    req.method, url, data=req.body, headers=headers, params=query or None, proxy=proxy
                )
                try:
                    first = await (resp.read() if resp.status >= 400 else resp.content.readany())
                except BaseException:
                    resp.close()
                    raise
        except aiohttp.ConnectionTimeoutError as exc:
            raise _unreachable(target, exc) from None
        except TimeoutError:
            raise HTTPError(
                504, "upstream_timeout", f"the upstream sent nothing within {self.timeout:g} seconds"
            ) from None
        except (aiohttp.ClientPayloadError, aiohttp.ServerDisconnectedError):
            raise HTTPError(
                502, "upstream_disconnected", "the upstream closed the connection before answering"
            ) from None
        except (aiohttp.ClientError, OSError) as exc:
            raise _unreachable(target, exc) from None
        return resp, first

    async def _open_with_keys(self, req: UpstreamRequest) -> tuple[aiohttp.ClientResponse, bytes]:
        if req.user_key:
            return await self._open(req, req.user_key)
        pool = req.target.keys
        keys = list(pool.candidates())
        if not keys and req.target.keyless:
            return await self._open(req, "")
        if not keys:
            raise HTTPError(
                401,
                "missing_api_key",
                f"the server has no API key for {req.target.name}; enter your own key in settings",
            )
        for attempt, key in enumerate(keys, 1):
            resp, first = await self._open(req, key)
            reason = req.refusal(resp.status, first) if resp.status >= 400 else None
            if reason is None:
                return resp, first
            pool.cool_down(key, reason, _retry_after(resp) if reason == "rate_limited" else None)
            log.warning(
                "upstream %s refused a key (%s, HTTP %d): cooling it down", req.target.name, reason, resp.status
            )
            if attempt == len(keys):
                return resp, first
            resp.release()
        raise AssertionError("unreachable")

    async def fetch(self, req: UpstreamRequest) -> Reply:
        """The whole upstream reply, for small non-streamed answers."""
        resp, first = await self._open_with_keys(req)
        try:
            rest = await resp.read() if resp.status < 400 else b""
        except (aiohttp.ClientError, TimeoutError):
            resp.close()
            raise HTTPError(502, "upstream_disconnected", "the upstream closed the connection mid-answer") from None
        resp.release()
        return Reply(resp.status, _passed_headers(resp), first + rest)

    async def stream(
        self, req: UpstreamRequest, send: Send, done_marker: bytes | None = _DONE, outcome: Outcome | None = None
    ) -> Outcome:
        """Relay the upstream reply to `send` as it arrives.

        Raises HTTPError only before anything was sent. Cancelling the task
        (the browser went away) closes the upstream connection at once.
        `outcome` is filled in as the relay goes, so a caller whose task was
        cancelled still learns how far it got.
        """
        outcome = Outcome() if outcome is None else outcome
        resp, first = await self._open_with_keys(req)
        try:
            headers = _passed_headers(resp)
            event_stream = resp.content_type == "text/event-stream"
            if event_stream:
                headers += _STREAM_HEADERS
            if resp.status >= 400:
                headers.append((b"content-length", str(len(first)).encode()))
                outcome.status, outcome.size = resp.status, len(first)
                await send({"type": "http.response.start", "status": resp.status, "headers": headers})
                outcome.end()
                await send({"type": "http.response.body", "body": first})
                resp.release()
                return outcome
            await send({"type": "http.response.start", "status": resp.status, "headers": headers})
            outcome.status = resp.status
            await send({"type": "http.response.body", "body": first, "more_body": True})
            before = last = first
            events, size = first.count(b"data:"), len(first)
            failure = ""
            try:
                async for chunk in resp.content.iter_any():
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
                    before, last = last, chunk
                    events += chunk.count(b"data:")
                    size += len(chunk)
            except TimeoutError:
                failure = f"the upstream went silent for {self.timeout:g} seconds mid-answer"
            except aiohttp.ClientError:
                failure = "the upstream connection broke mid-answer"
            finally:
                outcome.events, outcome.size = events, size
            outcome.usage = req.usage(first, last if before is last else before + last)
            if event_stream and done_marker and not failure and done_marker not in (before[-64:] + last[-64:]):
                failure = "the upstream ended the answer early"
            if failure:
                log.warning("upstream %s stream failed: %s", req.target.name, failure)
                resp.close()
                if not event_stream:
                    raise StreamBroken(failure)
                await send({"type": "http.response.body", "body": error_event(failure), "more_body": True})
            else:
                resp.release()
            outcome.end()
            await send({"type": "http.response.body", "body": b""})
            return outcome
        finally:
            # Without this, a cancelled relay (browser gone) would leave the
            # upstream generating tokens someone pays for.
            if not resp.closed:
                resp.close()

    async def stream_translated(
        self,
        req: UpstreamRequest,
        send: Send,
        translator: StreamTranslator,
        error: Callable[[int, bytes], bytes],
        outcome: Outcome | None = None,
    ) -> Outcome:
        """Relay a provider's event stream as OpenAI chunks.

        The same guarantees as stream(): errors before the first byte keep
        their status (in the one error shape), a broken stream ends with an
        error event and no [DONE], and cancelling closes the upstream. The
        token counts are the translator's, which reads every event anyway.
        """
        outcome = Outcome() if outcome is None else outcome
        resp, first = await self._open_with_keys(req)
        try:
            if resp.status >= 400:
                body = error(resp.status, first)
                headers = [
                    *(h for h in _passed_headers(resp) if h[0] not in (b"content-type", b"content-encoding")),
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ]
                outcome.status, outcome.size = resp.status, len(body)
                await send({"type": "http.response.start", "status": resp.status, "headers": headers})
                outcome.end()
                await send({"type": "http.response.body", "body": body})
                resp.release()
                return outcome
            headers = [(b"content-type", b"text/event-stream; charset=utf-8"), *_STREAM_HEADERS]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            outcome.status = 200
            failure = ""
            events = size = 0
            try:
                out = translator.feed(first)
                if out:
                    await send({"type": "http.response.body", "body": out, "more_body": True})
                    events, size = out.count(b"data:"), len(out)
                async for chunk in resp.content.iter_any():
                    out = translator.feed(chunk)
                    if out:
                        await send({"type": "http.response.body", "body": out, "more_body": True})
                        events += out.count(b"data:")
                        size += len(out)
            except TimeoutError:
                failure = f"the upstream went silent for {self.timeout:g} seconds mid-answer"
            except aiohttp.ClientError:
                failure = "the upstream connection broke mid-answer"
            finally:
                outcome.events, outcome.size, outcome.usage = events, size, translator.usage
            tail, ended_badly = translator.end()
            if failure:
                tail = error_event(failure)
            else:
                failure = ended_badly
            if failure:
                log.warning("upstream %s stream failed: %s", req.target.name, failure)
                resp.close()
            else:
                resp.release()
            # end() may have read the last event (one without its blank line).
            outcome.usage = translator.usage
            outcome.end()
            await send({"type": "http.response.body", "body": tail, "more_body": False})
            return outcome
        finally:
            if not resp.closed:
                resp.close()


def _unreachable(target: Target, exc: BaseException) -> HTTPError:
    log.warning("upstream %s unreachable: %s", target.name, type(exc).__name__)
    return HTTPError(
        502, "upstream_unreachable", f"cannot reach the {target.name} upstream; check its URL and the proxy"
    )


class StreamBroken(Exception):
    """A non-event-stream reply broke after its headers went out.

    The only honest signal left is to drop the connection, so the client
    sees a truncated body instead of a short one that looks complete.
    """
