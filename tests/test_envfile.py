"""envfile.py: the .env format people copy from NextChat's docs."""

from __future__ import annotations

from pathlib import Path

from chatnext.envfile import load, parse


def test_parse_forms() -> None:
    lines = [
        "# NextChat settings",
        "OPENAI_API_KEY=sk-1,sk-2",
        "export CODE = 'a b'",
        'BASE_URL="https://relay.example.com"   ',
        "HIDE_USER_API_KEY=1 # keep keys on the server",
        "EMPTY=",
        "not a line",
        "=novalue",
    ]
    assert parse("\n".join(lines)) == {
        "OPENAI_API_KEY": "sk-1,sk-2",
        "CODE": "a b",
        "BASE_URL": "https://relay.example.com",
        "HIDE_USER_API_KEY": "1",
        "EMPTY": "",
    }


def test_hash_inside_quotes_or_words_is_kept() -> None:
    assert parse('CODE="pa#ss # x"\nKEY=ab#cd') == {"CODE": "pa#ss # x", "KEY": "ab#cd"}


def test_missing_file_is_empty(tmp_path: Path) -> None:
    assert load(tmp_path / "nope") == {}
