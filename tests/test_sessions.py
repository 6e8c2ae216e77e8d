"""sessions.py: the signing secret and the session records."""

from __future__ import annotations

import stat
from pathlib import Path

from chatnext.config import Settings
from chatnext.sessions import Sessions, server_secret
from chatnext.store.sqlite import SQLiteStore


def test_a_generated_secret_is_kept_private_and_reused(tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path / "data"))
    first = server_secret(settings)
    path = tmp_path / "data" / "session_secret"
    assert len(first) == 32 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert server_secret(settings) == first


def test_session_secret_variable_wins(tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path), session_secret="from-the-environment")
    assert server_secret(settings) == b"from-the-environment"
    assert not (tmp_path / "session_secret").exists()


async def test_sessions_of_one_kind_are_not_another(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    sessions = Sessions(store, b"k")
    user = await sessions.open("c:abc")
    admin = await sessions.open("admin", kind="admin")
    assert await sessions.code_of(user) == "c:abc"
    assert await sessions.code_of(user, kind="admin") is None
    assert await sessions.code_of(admin, kind="admin") == "admin"
    other_secret = Sessions(store, b"other")
    assert await other_secret.code_of(user) is None
    await sessions.close(user)
    assert await sessions.code_of(user) is None
    await store.close()
