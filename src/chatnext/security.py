"""Security headers on every response, the page's Content-Security-Policy among them.

Pure ASGI, and it only looks at http.response.start: the relay routes stream
answers through it, so it must not buffer, touch body chunks or `receive`
(they watch `receive` to notice the browser leaving).

A header a handler already set wins; this adds only what is missing, so no
header ever goes out twice.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chatnext.config import Settings

# Each source beyond 'self' is there for something the page does:
# - style-src 'unsafe-inline': KaTeX writes style="" attributes and mermaid puts
#   <style> elements in its SVGs. Scripts get no such exception.
# - img-src data: blob:: attached images are kept as data: URLs (and an SVG one
#   is decoded through a blob: image); the PNG export draws the chat as a data:
#   SVG image.
# - img-src https: http:: answers may show remote images (render.ts allows http(s)
#   sources, loaded without a referrer).
# - font-src data:: the PNG export inlines KaTeX's fonts as data: URLs.
_BASE = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob: https: http:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "worker-src": "'self'",
    "manifest-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

# Powerful features the page never uses, off for it and anything it might
# embed. clipboard-write stays at its default (self): the copy buttons need it.
# A voice feature would have to turn microphone back on here.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
    )
)


def content_security_policy(settings: Settings) -> str:
    directives = dict(_BASE)
    if not settings.hide_user_api_key:
        # With their own key, users may point the browser straight at their own
        # OpenAI-compatible endpoint (often plain http on the LAN, e.g. Ollama).
        # With HIDE_USER_API_KEY the page offers no such field, so fetches stay here.
        directives["connect-src"] = "'self' https: http:"
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def security_headers(settings: Settings) -> list[tuple[bytes, bytes]]:
    return [
        (b"x-content-type-options", b"nosniff"),
        # no-referrer: nothing here reads Referer (Origin still goes out on
        # CORS and POST requests), and a self-hosted server's address is often
        # private; it has no business reaching the user's own endpoint or the
        # hosts of remote images in answers.
        (b"referrer-policy", b"no-referrer"),
        (b"x-frame-options", b"DENY"),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"permissions-policy", PERMISSIONS_POLICY.encode()),
        # On every response, not only the page: the service worker takes its
        # policy from sw.js's own response, and a JSON body opened as a
        # document gets one too.
        (b"content-security-policy", content_security_policy(settings).encode()),
    ]


class SecurityHeaders:
    def __init__(self, app: ASGIApp, headers: list[tuple[bytes, bytes]]) -> None:
        self.app = app
        self.headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in self.headers if h[0] not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
