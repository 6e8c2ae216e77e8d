"""Real outbound proxies on 127.0.0.1 for the proxy tests: HTTP and SOCKS5.

Each records the destinations it was asked for, then pipes bytes both ways.
"""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
from urllib.parse import urlsplit


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def _join(
    client: tuple[asyncio.StreamReader, asyncio.StreamWriter],
    server: tuple[asyncio.StreamReader, asyncio.StreamWriter],
    first: bytes = b"",
) -> None:
    if first:
        server[1].write(first)
    await asyncio.gather(_pipe(client[0], server[1]), _pipe(server[0], client[1]))


class FakeProxy:
    """`kind` is "http" (absolute-form requests) or "socks5" (no auth)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.destinations: list[str] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []
        self.port = 0

    @property
    def url(self) -> str:
        return f"{self.kind}://127.0.0.1:{self.port}"

    def start(self) -> FakeProxy:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(5)
        return self

    def stop(self) -> None:
        async def close() -> None:
            assert self._server is not None
            self._server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for writer in self._writers:
                writer.close()
            await asyncio.sleep(0)

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    async def _start(self) -> None:
        handler = self._http if self.kind == "http" else self._socks5

        async def tracked(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self._writers.append(writer)
            await handler(reader, writer)

        self._server = await asyncio.start_server(tracked, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _http(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        line = await reader.readline()
        _method, target, _version = line.decode().split(" ", 2)
        parts = urlsplit(target)  # an HTTP proxy receives the absolute URL
        self.destinations.append(target)
        upstream = await asyncio.open_connection(parts.hostname, parts.port or 80)
        self._writers.append(upstream[1])
        await _join((reader, writer), upstream, line)

    async def _socks5(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        _version, methods = await reader.readexactly(2)
        await reader.readexactly(methods)
        writer.write(b"\x05\x00")
        _ver, _cmd, _rsv, atyp = await reader.readexactly(4)
        if atyp == 1:
            host = socket.inet_ntoa(await reader.readexactly(4))
        elif atyp == 3:
            host = (await reader.readexactly((await reader.readexactly(1))[0])).decode()
        else:
            host = socket.inet_ntop(socket.AF_INET6, await reader.readexactly(16))
        (port,) = struct.unpack("!H", await reader.readexactly(2))
        self.destinations.append(f"{host}:{port}")
        upstream = await asyncio.open_connection(host, port)
        self._writers.append(upstream[1])
        writer.write(b"\x05\x00\x00\x01" + socket.inet_aton("0.0.0.0") + b"\x00\x00")
        await _join((reader, writer), upstream)
