"""`chatnext serve`, `chatnext config`, `chatnext hash-code`."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from typing import NoReturn

from chatnext import __version__
from chatnext.config import ConfigError, Settings, describe, load_settings
from chatnext.policy import hash_code

MIN_CODE_LENGTH = 8


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
    port: int = args.port or settings.port
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("chatnext").info(
        "chatnext %s on http://%s:%d (access code %s)",
        __version__,
        args.host,
        port,
        "required" if settings.code or settings.access_policy_file else "not required",
    )
    try:
        app = create_app(settings)
    except ConfigError as exc:
        _fail(exc)
    uvicorn.run(
        app,
        host=args.host,
        port=port,
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


def _refuse(message: str) -> NoReturn:
    print(f"chatnext: {message}", file=sys.stderr)
    raise SystemExit(2)


def _read_code(args: argparse.Namespace) -> str:
    if args.code is not None:
        code: str = args.code
        return code
    if sys.stdin.isatty():
        code = getpass.getpass("Access code: ")
        if getpass.getpass("Again: ") != code:
            _refuse("the two codes differ; nothing was hashed")
        return code
    line = sys.stdin.readline()
    if not line:
        _refuse("no code on standard input")
    return line.rstrip("\r\n")


def hash_code_command(args: argparse.Namespace) -> int:
    code = _read_code(args)
    if not code:
        _refuse("the code is empty")
    if code != code.strip():
        # The server strips the Authorization header, so such a code could never be presented.
        _refuse("a code cannot start or end with whitespace")
    if len(code) < MIN_CODE_LENGTH and not args.allow_short:
        _refuse(
            f"refusing a code shorter than {MIN_CODE_LENGTH} characters: it is easy to guess"
            " (--allow-short hashes it anyway)"
        )
    print(f'hash = "{hash_code(code)}"')
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="chatnext", description="A self-hosted chat server for large language models.")
    root.add_argument("--version", action="version", version=f"chatnext {__version__}")
    commands = root.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="start the server")
    run.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    run.add_argument("--port", type=int, default=None, help="port to listen on (default: PORT, else 3000)")
    run.add_argument("--no-access-log", action="store_true", help="do not log one line per request")
    run.set_defaults(func=serve)
    config = commands.add_parser("config", help="print the effective configuration, secrets masked")
    config.set_defaults(func=show_config)
    hasher = commands.add_parser(
        "hash-code",
        help="print the hash line of an access code for ACCESS_POLICY_FILE",
        description='Prints `hash = "scrypt$..."` for a [[code]] entry of ACCESS_POLICY_FILE. '
        "The code is asked for twice without echo on a terminal, or read as one line from a pipe "
        "(printf %s 'the code' | chatnext hash-code).",
    )
    hasher.add_argument(
        "--code", help="the code itself; it lands in your shell history, so prefer the prompt or a pipe"
    )
    hasher.add_argument(
        "--allow-short", action="store_true", help=f"hash a code shorter than {MIN_CODE_LENGTH} characters"
    )
    hasher.set_defaults(func=hash_code_command)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    result: int = args.func(args)
    return result
