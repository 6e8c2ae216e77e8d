"""`chatnext serve`, `chatnext config`."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import NoReturn

from chatnext import __version__
from chatnext.config import ConfigError, Settings, describe, load_settings


def _fail(exc: ConfigError) -> NoReturn:
    print(f"chatnext: configuration error: {exc}", file=sys.stderr)
    raise SystemExit(2) from None


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        _fail(exc)


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from chatnext.app import create_app

    settings = _settings()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("chatnext").info(
        "chatnext %s on http://%s:%d (access code %s)",
        __version__,
        args.host,
        args.port,
        "required" if settings.code else "not required",
    )
    try:
        app = create_app(settings)
    except ConfigError as exc:
        _fail(exc)
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        # chatnext reads X-Forwarded-For itself, only from TRUSTED_PROXIES;
        # uvicorn's own handling would trust any local proxy's header.
        proxy_headers=False,
        server_header=False,
        access_log=not args.no_access_log,
        log_level="info",
        log_config=None,  # one log format for uvicorn's lines and ours
        timeout_graceful_shutdown=5,
    )
    return 0


def show_config(args: argparse.Namespace) -> int:
    rows = describe(_settings())
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="chatnext", description="A self-hosted chat server for large language models.")
    root.add_argument("--version", action="version", version=f"chatnext {__version__}")
    commands = root.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="start the server")
    run.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    run.add_argument("--port", type=int, default=3000, help="port to listen on (default 3000)")
    run.add_argument("--no-access-log", action="store_true", help="do not log one line per request")
    run.set_defaults(func=serve)
    config = commands.add_parser("config", help="print the effective configuration, secrets masked")
    config.set_defaults(func=show_config)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    result: int = args.func(args)
    return result
