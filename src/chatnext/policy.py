"""Named access codes with their own models, limits and expiry (ACCESS_POLICY_FILE).

The file is TOML; each `[[code]]` table is one code:

    # chatnext access policy
    [[code]]
    label = "alice"                      # required, unique, [A-Za-z0-9._-]{1,40}: shown in usage and logs
    hash = "scrypt$16384$8$1$<salt b64>$<hash b64>"   # required, from `chatnext hash-code`
    models = ["gpt-4o-mini", "claude-*"] # optional; absent = all models
    requests_per_minute = 20             # optional positive int
    tokens_per_day = 200000              # optional positive int (prompt+completion)
    tokens_per_month = 3000000
    cost_per_day = 1.5                   # optional positive number, estimated USD
    cost_per_month = 20
    expires = 2027-01-01                 # optional TOML date or date-time (naive = UTC)

`models` holds fnmatch patterns (`*`, `?`, `[...]`, case-sensitive), each
tried against the model the request names ("name" or "name@provider") and
against the bare name: "gpt-4o" allows gpt-4o from every provider,
"gpt-4o@azure" only Azure's.

`expires` as a date keeps the code working through that whole day (UTC); as
a date-time it is the instant the code stops working.

The file holds no code, only salted scrypt hashes that `chatnext hash-code`
prints. A mistake in the file (unknown keys included, so that a misspelt
limit is not silently dropped) stops start-up with one ConfigError line that
names the file and the entry. An empty file, or one without `[[code]]`
tables, defines no codes.
"""

from __future__ import annotations

import base64
import binascii
import difflib
import hashlib
import hmac
import math
import os
import re
import secrets
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from fnmatch import fnmatchcase
from typing import Any

from chatnext.config import ConfigError
from chatnext.models import split_provider

# n, r, p for new hashes: ~16 MiB and some tens of milliseconds per check.
_COST = (2**14, 8, 1)
_SALT_BYTES = 16
_KEY_BYTES = 32
# Hashes name their own parameters so the cost can rise later; these bounds
# keep a hand-edited hash from asking for gigabytes on every login attempt.
_MAX_MEMORY = 2**28
_MAX_P = 16

_LABEL = re.compile(r"[A-Za-z0-9._-]{1,40}")
_INT_LIMITS = ("requests_per_minute", "tokens_per_day", "tokens_per_month")
_COST_LIMITS = ("cost_per_day", "cost_per_month")
_ENTRY_KEYS = frozenset({"label", "hash", "models", "expires", *_INT_LIMITS, *_COST_LIMITS})


@dataclass(frozen=True)
class Limits:
    requests_per_minute: int | None = None
    tokens_per_day: int | None = None
    tokens_per_month: int | None = None
    cost_per_day: float | None = None
    cost_per_month: float | None = None


@dataclass(frozen=True)
class CodeEntry:
    label: str
    # Kept out of repr so that logging an entry cannot leak something to brute-force offline.
    hash: str = field(repr=False)
    models: tuple[str, ...] = ()  # () = all
    limits: Limits = Limits()
    # Aware, UTC: the first instant at which the code is refused.
    expires: datetime | None = None

    def allows_model(self, model_id: str) -> bool:
        """Whether a request naming `model_id` ("name" or "name@provider") may go on."""
        if not self.models:
            return True
        name, provider = split_provider(model_id)
        candidates = {model_id, name, f"{name}@{provider}" if provider else name}
        return any(fnmatchcase(candidate, pattern) for pattern in self.models for candidate in candidates)

    def expired(self, now: datetime) -> bool:
        if self.expires is None:
            return False
        if now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
        return now >= self.expires


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str) -> bytes:
    # Padding is optional: it is the part most easily lost in a copy and paste.
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def _derive(code: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    # OpenSSL refuses more than 32 MiB unless told; the bounds in _parse_hash cap this.
    maxmem = 128 * r * (n + p + 2) + 2**20
    return hashlib.scrypt(code.encode(), salt=salt, n=n, r=r, p=p, dklen=dklen, maxmem=maxmem)


def _parse_hash(encoded: str) -> tuple[int, int, int, bytes, bytes]:
    """(n, r, p, salt, key) of a hash line; ValueError says what is wrong, never echoing it."""
    parts = encoded.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        raise ValueError("is not scrypt$N$r$p$salt$hash")
    # int() would also take " 16", "+16" and "1_6"; none is something hash-code wrote.
    if not all(re.fullmatch(r"[0-9]{1,10}", part) for part in parts[1:4]):
        raise ValueError("has N, r or p that is not a whole number")
    n, r, p = (int(part) for part in parts[1:4])
    if n < 2 or n & (n - 1) or r < 1 or not 1 <= p <= _MAX_P or 128 * r * n > _MAX_MEMORY:
        raise ValueError("has scrypt parameters out of range")
    try:
        salt, key = _unb64(parts[4]), _unb64(parts[5])
    except (binascii.Error, ValueError):
        raise ValueError("has a salt or hash that is not base64") from None
    if len(salt) < 8 or not 16 <= len(key) <= 64:
        raise ValueError("has a salt or hash of the wrong length")
    return n, r, p, salt, key


def _format(n: int, r: int, p: int, salt: bytes, key: bytes) -> str:
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(key)}"


def hash_code(code: str, *, salt: bytes | None = None) -> str:
    """The `hash` line for `code`: scrypt with a random 16-byte salt unless one is given."""
    salt = secrets.token_bytes(_SALT_BYTES) if salt is None else salt
    n, r, p = _COST
    return _format(n, r, p, salt, _derive(code, salt, n, r, p, _KEY_BYTES))


def verify_code(code: str, encoded: str) -> bool:
    """Whether `code` is the one `encoded` was made from; False for a malformed hash."""
    try:
        n, r, p, salt, key = _parse_hash(encoded)
    except (ValueError, AttributeError, TypeError):
        return False
    return hmac.compare_digest(_derive(code, salt, n, r, p, len(key)), key)


def _positive_int(value: Any) -> int:
    # bool is an int in Python, and `true` must not read as a limit of 1.
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError("must be a positive whole number")
    return value


def _positive_number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        raise ValueError("must be a positive number (USD)")
    return float(value)


def _expiry(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, date):
        return datetime.combine(value + timedelta(days=1), time(), tzinfo=UTC)
    raise ValueError("must be a TOML date or date-time without quotes, like expires = 2027-01-01")


def _models(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise ValueError('must be a list of model names or patterns, like ["gpt-4o-mini", "claude-*"]')
    if not value:
        # () means "every model" in CodeEntry: an empty list must not quietly open them all.
        raise ValueError("is empty; leave models out to allow every model")
    return tuple(item.strip() for item in value)


def _entry(raw: Any) -> CodeEntry:
    """One [[code]] table, checked; ValueError says what is wrong."""
    if not isinstance(raw, dict):
        raise ValueError("must be a [[code]] table")
    unknown = sorted(set(raw) - _ENTRY_KEYS)
    if unknown:
        close = difflib.get_close_matches(unknown[0], _ENTRY_KEYS, n=1)
        hint = f'did you mean "{close[0]}"?' if close else f"known: {', '.join(sorted(_ENTRY_KEYS))}"
        raise ValueError(f'unknown key "{unknown[0]}" ({hint})')
    if "label" not in raw:
        raise ValueError("needs a label")
    if not isinstance(raw["label"], str) or not _LABEL.fullmatch(raw["label"]):
        raise ValueError('label must be 1-40 letters, digits, ".", "_" or "-"')
    if "hash" not in raw:
        raise ValueError("needs a hash (from `chatnext hash-code`)")
    if not isinstance(raw["hash"], str):
        raise ValueError("hash must be a string (from `chatnext hash-code`)")
    try:
        _parse_hash(raw["hash"])
    except ValueError as exc:
        raise ValueError(f"hash {exc}; paste the line `chatnext hash-code` prints") from None
    values: dict[str, Any] = {}
    for key, check in (
        *((key, _positive_int) for key in _INT_LIMITS),
        *((key, _positive_number) for key in _COST_LIMITS),
        ("models", _models),
        ("expires", _expiry),
    ):
        if key in raw:
            try:
                values[key] = check(raw[key])
            except ValueError as exc:
                raise ValueError(f"{key} {exc}") from None
    return CodeEntry(
        label=raw["label"],
        hash=raw["hash"],
        models=values.pop("models", ()),
        expires=values.pop("expires", None),
        limits=Limits(**values),
    )


def _entries(document: dict[str, Any]) -> tuple[CodeEntry, ...]:
    unknown = sorted(set(document) - {"code"})
    if unknown:
        raise ValueError(f'unknown key "{unknown[0]}" (the file holds only [[code]] tables)')
    tables = document.get("code", [])
    if not isinstance(tables, list):
        raise ValueError("code must be [[code]] tables (double brackets)")
    entries: list[CodeEntry] = []
    labels: dict[str, int] = {}
    hashes: dict[str, int] = {}
    for number, raw in enumerate(tables, start=1):
        label = raw.get("label") if isinstance(raw, dict) else None
        where = f"code #{number}" + (f' ("{label}")' if isinstance(label, str) and _LABEL.fullmatch(label) else "")
        try:
            entry = _entry(raw)
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from None
        # Case-blind: "Bob" and "bob" would read as one person in usage and logs.
        first = labels.setdefault(entry.label.lower(), number)
        if first != number:
            raise ValueError(f"{where}: label is already used by code #{first}")
        # Only the first of two identical hashes could ever match.
        first = hashes.setdefault(entry.hash, number)
        if first != number:
            raise ValueError(f"{where}: hash is the same as code #{first}'s")
        entries.append(entry)
    return tuple(entries)


def load_policy(path: str | os.PathLike[str]) -> tuple[CodeEntry, ...]:
    """The codes in the policy file at `path`; no codes when `path` is empty.

    Raises ConfigError, naming ACCESS_POLICY_FILE and the entry, when the file
    cannot be read or has a mistake.
    """
    path = os.fspath(path)
    if not path.strip():
        return ()
    prefix = f"ACCESS_POLICY_FILE={path}:"
    try:
        with open(path, "rb") as file:
            text = file.read().decode("utf-8")
        document = tomllib.loads(text)
    except OSError as exc:
        raise ConfigError(f"{prefix} cannot be read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{prefix} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{prefix} is not valid TOML: {exc}") from None
    try:
        return _entries(document)
    except ValueError as exc:
        raise ConfigError(f"{prefix} {exc}") from None


class PolicyCodes:
    """Finds the entry for a presented code.

    scrypt costs ~30-60 ms, so a code that verified once is remembered (keyed
    by an HMAC of the code with a per-process random key, never the code
    itself), and wrong codes are not (the caller throttles them).
    """

    def __init__(self, entries: tuple[CodeEntry, ...]) -> None:
        self.entries = entries
        self._key = secrets.token_bytes(32)
        self._known: dict[bytes, CodeEntry] = {}

    def _tag(self, code: str) -> bytes:
        return hmac.new(self._key, code.encode(), hashlib.sha256).digest()

    def remembered(self, code: str) -> CodeEntry | None:
        """The entry of a code that verified before: cheap, fine on the event loop."""
        return self._known.get(self._tag(code))

    def match(self, code: str) -> CodeEntry | None:
        """The entry `code` belongs to, or None. CPU-bound: run it in a thread."""
        tag = self._tag(code)
        entry = self._known.get(tag)
        if entry is not None:
            return entry
        for entry in self.entries:
            # Stopping at the match only tells a caller where a code it already
            # holds sits in the file; a wrong code always pays for every entry.
            if verify_code(code, entry.hash):
                self._known[tag] = entry
                return entry
        return None

    def __len__(self) -> int:
        return len(self.entries)
