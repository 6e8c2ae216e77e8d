"""The embedded store: one SQLite file, written by one thread.

Every operation runs on a single worker thread, so the event loop never
waits on disk, and each is its own transaction (BEGIN IMMEDIATE where it
reads then writes), so two processes sharing the file still reserve budget
atomically. The schema grows by an ordered list of migrations.

Reservations, which a request of a code with limits waits for before it
goes upstream, first try a second connection on the event loop itself: the
hop to the thread and back costs several times the ~25 us the transaction
does. That connection never waits (busy_timeout 0: a held write lock sends
the reservation to the thread, queued like any other write), never
checkpoints (the thread's connection does) and, in WAL mode with
synchronous=NORMAL, never fsyncs on commit; what it can cost the loop is
one small write into the WAL.
"""

from __future__ import annotations

import asyncio
import math
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from chatnext.store.base import Counter, UsageRecord, UsageRow, day_of

T = TypeVar("T")

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL DEFAULT '', num REAL NOT NULL DEFAULT 0,
                     expires REAL);
    CREATE TABLE list_items (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, value TEXT NOT NULL);
    CREATE INDEX list_items_key ON list_items (key, id);
    CREATE TABLE requests (id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, code TEXT NOT NULL,
                           model TEXT NOT NULL, provider TEXT NOT NULL, prompt_tokens INTEGER NOT NULL,
                           completion_tokens INTEGER NOT NULL, cost REAL NOT NULL, status INTEGER NOT NULL,
                           duration REAL NOT NULL, estimated INTEGER NOT NULL);
    CREATE INDEX requests_at ON requests (at);
    CREATE TABLE usage_daily (day TEXT NOT NULL, code TEXT NOT NULL, model TEXT NOT NULL, provider TEXT NOT NULL,
                              requests INTEGER NOT NULL, errors INTEGER NOT NULL, prompt_tokens INTEGER NOT NULL,
                              completion_tokens INTEGER NOT NULL, cost REAL NOT NULL,
                              PRIMARY KEY (day, code, model, provider));
    """,
)

# Expired keys are read as absent at once and deleted now and then.
PURGE_EVERY = 500


class SQLiteStore:
    def __init__(self, path: str | Path, clock: Callable[[], float] = time.time) -> None:
        self.path = str(path)
        self.clock = clock
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chatnext-sqlite")
        self._db: sqlite3.Connection | None = None
        self._writes = 0
        self._pool.submit(self._open).result()
        self._now: sqlite3.Connection | None = None if self.path == ":memory:" else self._open_now()

    def _open(self) -> None:
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=10.0)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA busy_timeout=10000")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            db.execute("BEGIN IMMEDIATE")
            try:
                for statement in script.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version={number}")
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        self._db = db

    def _open_now(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=0)
        db.execute("PRAGMA busy_timeout=0")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA wal_autocheckpoint=0")
        return db

    def _write_now(self, work: Callable[[sqlite3.Connection], T]) -> tuple[bool, T | None]:
        """(True, result) when written at once on the loop; (False, None) when the file is busy."""
        db = self._now
        if db is None:
            return False, None
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return False, None  # another writer (this store's thread, another process) holds the lock
        return True, _committed(db, work)

    async def _run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self._call, work)

    def _call(self, work: Callable[[sqlite3.Connection], T]) -> T:
        assert self._db is not None
        return work(self._db)

    def _write(self, db: sqlite3.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
        def then_purge(db: sqlite3.Connection) -> T:
            result = work(db)
            self._writes += 1
            if self._writes % PURGE_EVERY == 0:
                db.execute("DELETE FROM kv WHERE expires IS NOT NULL AND expires <= ?", (self.clock(),))
            return result

        db.execute("BEGIN IMMEDIATE")
        return _committed(db, then_purge)

    def _left(self, expires: float | None, now: float) -> float:
        return math.inf if expires is None else expires - now

    # --- keys and counters ---------------------------------------------------

    async def get(self, key: str) -> tuple[str, float] | None:
        def work(db: sqlite3.Connection) -> tuple[str, float] | None:
            now = self.clock()
            row = db.execute("SELECT value, expires FROM kv WHERE key = ?", (key,)).fetchone()
            if row is None or (row[1] is not None and row[1] <= now):
                return None
            return row[0], self._left(row[1], now)

        return await self._run(work)

    async def set(self, key: str, value: str, ttl: float | None = None) -> None:
        def work(db: sqlite3.Connection) -> None:
            expires = None if ttl is None else self.clock() + ttl
            db.execute(
                "INSERT INTO kv (key, value, num, expires) VALUES (?, ?, 0, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, num = 0, expires = excluded.expires",
                (key, value, expires),
            )

        await self._run(lambda db: self._write(db, work))

    async def delete(self, *keys: str) -> None:
        def work(db: sqlite3.Connection) -> None:
            db.executemany("DELETE FROM kv WHERE key = ?", [(k,) for k in keys])

        await self._run(lambda db: self._write(db, work))

    def _counter(self, db: sqlite3.Connection, key: str, now: float) -> tuple[float, float | None]:
        row = db.execute("SELECT num, expires FROM kv WHERE key = ?", (key,)).fetchone()
        if row is None or (row[1] is not None and row[1] <= now):
            return 0.0, None
        return float(row[0]), row[1]

    def _add(self, db: sqlite3.Connection, key: str, amount: float, ttl: float | None, now: float) -> float:
        value, expires = self._counter(db, key, now)
        if value == 0.0 and expires is None:
            expires = None if ttl is None else now + ttl
        db.execute(
            "INSERT INTO kv (key, num, expires) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET num = excluded.num, expires = excluded.expires",
            (key, value + amount, expires),
        )
        return value + amount

    async def incr(self, key: str, amount: float = 1.0, ttl: float | None = None) -> float:
        return await self._run(lambda db: self._write(db, lambda db: self._add(db, key, amount, ttl, self.clock())))

    async def reserve(self, counters: list[Counter]) -> int | None:
        # One read and one write statement for all the counters: a chat
        # request of a code with limits waits for this before it goes upstream.
        def work(db: sqlite3.Connection) -> int | None:
            now = self.clock()
            keys = list({c.key: None for c in counters})
            marks = ",".join("?" * len(keys))
            found: dict[str, tuple[float, float | None]] = {
                key: (float(num), expires)
                for key, num, expires in db.execute(f"SELECT key, num, expires FROM kv WHERE key IN ({marks})", keys)
                if expires is None or expires > now
            }
            for i, c in enumerate(counters):
                if c.limit is not None and found.get(c.key, (0.0, None))[0] + c.amount > c.limit:
                    return i
            for c in counters:
                value, expires = found.get(c.key, (0.0, None))
                if value == 0.0 and expires is None:
                    expires = None if c.ttl is None else now + c.ttl
                found[c.key] = (value + c.amount, expires)
            db.executemany(
                "INSERT INTO kv (key, num, expires) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET num = excluded.num, expires = excluded.expires",
                [(key, *found[key]) for key in keys],
            )
            return None

        written, refused = self._write_now(work)
        if written:
            return refused
        return await self._run(lambda db: self._write(db, work))

    async def counters(self, keys: list[str]) -> list[tuple[float, float]]:
        def work(db: sqlite3.Connection) -> list[tuple[float, float]]:
            now = self.clock()
            found = []
            for key in keys:
                value, expires = self._counter(db, key, now)
                found.append((value, 0.0 if expires is None and value == 0.0 else self._left(expires, now)))
            return found

        return await self._run(work)

    async def scan(self, prefix: str) -> list[tuple[str, str, float]]:
        def work(db: sqlite3.Connection) -> list[tuple[str, str, float]]:
            now = self.clock()
            rows = db.execute(
                "SELECT key, value, num, expires FROM kv WHERE key >= ? AND key < ? "
                "AND (expires IS NULL OR expires > ?) ORDER BY key",
                (prefix, prefix + "\uffff", now),
            ).fetchall()
            return [(k, v if v else _num(n), self._left(e, now)) for k, v, n, e in rows]

        return await self._run(work)

    # --- lists ---------------------------------------------------------------

    async def push(self, key: str, value: str, keep: int) -> None:
        def work(db: sqlite3.Connection) -> None:
            db.execute("INSERT INTO list_items (key, value) VALUES (?, ?)", (key, value))
            db.execute(
                "DELETE FROM list_items WHERE key = ? AND id <= "
                "(SELECT id FROM list_items WHERE key = ? ORDER BY id DESC LIMIT 1 OFFSET ?)",
                (key, key, keep),
            )

        await self._run(lambda db: self._write(db, work))

    async def recent(self, key: str, count: int) -> list[str]:
        def work(db: sqlite3.Connection) -> list[str]:
            rows = db.execute(
                "SELECT value FROM list_items WHERE key = ? ORDER BY id DESC LIMIT ?", (key, count)
            ).fetchall()
            return [r[0] for r in rows]

        return await self._run(work)

    # --- usage ---------------------------------------------------------------

    async def record_usage(self, record: UsageRecord) -> None:
        await self.record_usages([record])

    async def record_usages(self, records: list[UsageRecord]) -> None:
        # A batch holds many requests of few (day, code, model, provider):
        # their totals are summed here and written once each.
        totals: dict[tuple[str, str, str, str], list[float]] = {}
        for r in records:
            t = totals.setdefault((day_of(r.at), r.code, r.model, r.provider), [0, 0, 0, 0, 0.0])
            t[0] += 1
            t[1] += r.status >= 400
            t[2] += r.prompt_tokens
            t[3] += r.completion_tokens
            t[4] += r.cost

        def work(db: sqlite3.Connection) -> None:
            db.executemany(
                "INSERT INTO requests (at, code, model, provider, prompt_tokens, completion_tokens, cost, status, "
                "duration, estimated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                records,  # the columns are the record's fields, in order
            )
            db.executemany(
                "INSERT INTO usage_daily VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (day, code, model, provider) DO UPDATE SET requests = requests + excluded.requests, "
                "errors = errors + excluded.errors, prompt_tokens = prompt_tokens + excluded.prompt_tokens, "
                "completion_tokens = completion_tokens + excluded.completion_tokens, cost = cost + excluded.cost",
                [(*key, *t) for key, t in totals.items()],
            )

        if records:
            await self._run(lambda db: self._write(db, work))

    async def usage(self, since_day: str, code: str | None = None) -> list[UsageRow]:
        def work(db: sqlite3.Connection) -> list[UsageRow]:
            query = "SELECT * FROM usage_daily WHERE day >= ?"
            args: tuple[str, ...] = (since_day,)
            if code is not None:
                query += " AND code = ?"
                args += (code,)
            rows = db.execute(query + " ORDER BY day, code, model", args).fetchall()
            return [UsageRow(*row) for row in rows]

        return await self._run(work)

    async def close(self) -> None:
        def work(db: sqlite3.Connection) -> None:
            db.close()

        if self._now is not None:
            self._now.close()
            self._now = None
        if self._db is not None:
            await self._run(work)
            self._db = None
        self._pool.shutdown(wait=True)


def _committed(db: sqlite3.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    """Run `work` in the transaction just begun on `db`: committed if it returns, rolled back if it raises."""
    try:
        result = work(db)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return result


def _num(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)
