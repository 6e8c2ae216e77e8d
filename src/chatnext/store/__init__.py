"""The store behind throttles, sessions, usage and budgets: SQLite or Redis."""

from __future__ import annotations

from pathlib import Path

from chatnext.config import Settings
from chatnext.store.base import Counter, Store, UsageRecord, UsageRow, day_of

__all__ = ["Counter", "Store", "UsageRecord", "UsageRow", "day_of", "open_store"]


def open_store(settings: Settings) -> Store:
    url = settings.store_url
    if url.startswith(("redis://", "rediss://", "unix://")):
        from chatnext.store.redis import RedisStore

        return RedisStore(url)
    from chatnext.store.sqlite import SQLiteStore

    path = url.removeprefix("sqlite:///") if url else str(Path(settings.data_dir) / "chatnext.db")
    return SQLiteStore(path)
