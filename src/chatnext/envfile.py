"""Read a `.env` file: KEY=value lines, as docker compose and NextChat accept them."""

from __future__ import annotations

from pathlib import Path


def parse(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not key:
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        elif " #" in value:
            # An unquoted value may carry a trailing comment, as in shell-style env files.
            value = value.split(" #", 1)[0].rstrip()
        values[key] = value
    return values


def load(path: Path) -> dict[str, str]:
    """Values from `path`, or nothing when the file does not exist."""
    try:
        return parse(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
