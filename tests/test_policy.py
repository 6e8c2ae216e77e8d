"""ACCESS_POLICY_FILE: code hashes, the TOML format and its errors, matching presented codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from chatnext import policy
from chatnext.config import ConfigError
from chatnext.policy import CodeEntry, Limits, PolicyCodes, hash_code, load_policy, verify_code

SALT = b"0123456789abcdef"


def quick_hash(code: str, salt: bytes = SALT) -> str:
    """A well-formed hash with tiny scrypt parameters, so tests that verify many codes stay fast."""
    return policy._format(16, 1, 1, salt, policy._derive(code, salt, 16, 1, 1, 32))


ALICE = quick_hash("alice-code-1")
BOB = quick_hash("bob-code-22")


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


# -- hashes


def test_hash_round_trip_with_the_real_parameters() -> None:
    encoded = hash_code("correct horse battery")
    assert encoded.startswith("scrypt$16384$8$1$")
    assert verify_code("correct horse battery", encoded)
    assert not verify_code("correct horse batterY", encoded)


def test_salts_differ_unless_given() -> None:
    assert hash_code("same-code", salt=SALT) == hash_code("same-code", salt=SALT)
    first, second = hash_code("same-code"), hash_code("same-code")
    assert first != second
    assert first.split("$")[4] != second.split("$")[4]


def test_a_hash_names_its_own_parameters() -> None:
    assert verify_code("alice-code-1", ALICE)
    assert not verify_code("alice-code-2", ALICE)
    # Lost base64 padding, the easiest thing to lose in a paste, still verifies.
    assert verify_code("alice-code-1", ALICE.rstrip("="))


MALFORMED = [
    "",
    "alice-code-1",
    "bcrypt$16$1$1$MDEyMzQ1Njc4OWFiY2RlZg==$AAAAAAAAAAAAAAAAAAAAAA==",
    "scrypt$16$1$1$MDEyMzQ1Njc4OWFiY2RlZg==",
    "scrypt$sixteen$1$1$MDEyMzQ1Njc4OWFiY2RlZg==$AAAAAAAAAAAAAAAAAAAAAA==",
    "scrypt$1_6$1$1$MDEyMzQ1Njc4OWFiY2RlZg==$AAAAAAAAAAAAAAAAAAAAAA==",
    "scrypt$15$1$1$MDEyMzQ1Njc4OWFiY2RlZg==$AAAAAAAAAAAAAAAAAAAAAA==",  # N not a power of two
    "scrypt$1073741824$8$1$MDEyMzQ1Njc4OWFiY2RlZg==$AAAAAAAAAAAAAAAAAAAAAA==",  # 128 GiB
    "scrypt$16$0$1$MDEyMzQ1Njc4OWFiY2RlZg==$AAAAAAAAAAAAAAAAAAAAAA==",
    "scrypt$16$1$99$MDEyMzQ1Njc4OWFiY2RlZg==$AAAAAAAAAAAAAAAAAAAAAA==",
    "scrypt$16$1$1$not*base64$AAAAAAAAAAAAAAAAAAAAAA==",
    "scrypt$16$1$1$MDEy$AAAAAAAAAAAAAAAAAAAAAA==",  # 3-byte salt
    "scrypt$16$1$1$MDEyMzQ1Njc4OWFiY2RlZg==$AAAA",  # 3-byte hash
]


@pytest.mark.parametrize("encoded", MALFORMED)
def test_malformed_hash_never_verifies(encoded: str) -> None:
    assert verify_code("alice-code-1", encoded) is False


def test_a_non_string_hash_never_verifies() -> None:
    assert verify_code("alice-code-1", None) is False  # type: ignore[arg-type]


# -- the file


FULL = f"""
# chatnext access policy
[[code]]
label = "alice"
hash = "{ALICE}"
models = ["gpt-4o-mini", "claude-*"]
requests_per_minute = 20
tokens_per_day = 200000
tokens_per_month = 3000000
cost_per_day = 1.5
cost_per_month = 20
expires = 2027-01-01

[[code]]
label = "bob.smith_2"
hash = "{BOB}"
"""


def test_a_full_example_parses(tmp_path: Path) -> None:
    alice, bob = load_policy(write(tmp_path, FULL))
    assert alice == CodeEntry(
        label="alice",
        hash=ALICE,
        models=("gpt-4o-mini", "claude-*"),
        limits=Limits(
            requests_per_minute=20,
            tokens_per_day=200000,
            tokens_per_month=3000000,
            cost_per_day=1.5,
            cost_per_month=20.0,
        ),
        expires=datetime(2027, 1, 2, tzinfo=UTC),
    )
    assert isinstance(alice.limits.cost_per_month, float)
    assert bob == CodeEntry(label="bob.smith_2", hash=BOB)
    assert bob.allows_model("anything@anywhere") and not bob.expired(datetime(2999, 1, 1, tzinfo=UTC))


def test_repr_never_shows_the_hash(tmp_path: Path) -> None:
    (alice, _) = load_policy(write(tmp_path, FULL))
    assert ALICE.split("$")[5] not in repr(alice)


@pytest.mark.parametrize("text", ["", "# nothing yet\n"])
def test_a_file_without_codes_is_valid(tmp_path: Path, text: str) -> None:
    assert load_policy(write(tmp_path, text)) == ()


def test_no_file_named_means_no_codes() -> None:
    assert load_policy("") == ()


def entry(body: str, label: str = "bob") -> str:
    """A file whose second entry is `label` plus `body`; the first is valid."""
    return f'[[code]]\nlabel = "alice"\nhash = "{ALICE}"\n\n[[code]]\nlabel = "{label}"\n{body}\n'


BOB_HASH = f'hash = "{BOB}"'

ERRORS = [
    ("not toml", "is not valid TOML: "),
    ('codes = 1\n[[code]]\nlabel = "a"', 'unknown key "codes" (the file holds only [[code]] tables)'),
    (f'[code]\nlabel = "alice"\nhash = "{ALICE}"', "code must be [[code]] tables (double brackets)"),
    ("code = [1]", "code #1: must be a [[code]] table"),
    (
        entry(f"{BOB_HASH}\ntoken_per_day = 5"),
        'code #2 ("bob"): unknown key "token_per_day" (did you mean "tokens_per_day"?)',
    ),
    (entry(f"{BOB_HASH}\nzzz = 5"), 'code #2 ("bob"): unknown key "zzz" (known: cost_per_day, cost_per_month,'),
    (f'[[code]]\nhash = "{BOB}"', "code #1: needs a label"),
    (f'[[code]]\nlabel = 7\nhash = "{BOB}"', 'code #1: label must be 1-40 letters, digits, ".", "_" or "-"'),
    (entry(BOB_HASH, label="bob smith"), 'code #2: label must be 1-40 letters, digits, ".", "_" or "-"'),
    (entry(BOB_HASH, label="b" * 41), 'code #2: label must be 1-40 letters, digits, ".", "_" or "-"'),
    (entry(BOB_HASH, label="Alice"), 'code #2 ("Alice"): label is already used by code #1'),
    (entry(""), 'code #2 ("bob"): needs a hash (from `chatnext hash-code`)'),
    (entry("hash = 5"), 'code #2 ("bob"): hash must be a string (from `chatnext hash-code`)'),
    (entry('hash = "hunter22"'), 'code #2 ("bob"): hash is not scrypt$N$r$p$salt$hash; paste the line'),
    (entry(f'hash = "{MALFORMED[6]}"'), 'code #2 ("bob"): hash has scrypt parameters out of range'),
    (entry(f'hash = "{MALFORMED[10]}"'), 'code #2 ("bob"): hash has a salt or hash that is not base64'),
    (entry(f'hash = "{ALICE}"'), 'code #2 ("bob"): hash is the same as code #1\'s'),
    (entry(f"{BOB_HASH}\ntokens_per_day = 0"), 'code #2 ("bob"): tokens_per_day must be a positive whole number'),
    (entry(f'{BOB_HASH}\ntokens_per_day = "5"'), 'code #2 ("bob"): tokens_per_day must be a positive whole number'),
    (entry(f"{BOB_HASH}\ntokens_per_month = 1.5"), 'code #2 ("bob"): tokens_per_month must be a positive whole'),
    (entry(f"{BOB_HASH}\nrequests_per_minute = true"), 'code #2 ("bob"): requests_per_minute must be a positive'),
    (entry(f"{BOB_HASH}\nrequests_per_minute = -3"), 'code #2 ("bob"): requests_per_minute must be a positive'),
    (entry(f"{BOB_HASH}\ncost_per_day = 0.0"), 'code #2 ("bob"): cost_per_day must be a positive number (USD)'),
    (entry(f"{BOB_HASH}\ncost_per_month = inf"), 'code #2 ("bob"): cost_per_month must be a positive number (USD)'),
    (entry(f'{BOB_HASH}\ncost_per_month = "20"'), 'code #2 ("bob"): cost_per_month must be a positive number (USD)'),
    (entry(f'{BOB_HASH}\nmodels = "gpt-4o"'), 'code #2 ("bob"): models must be a list of model names or patterns'),
    (entry(f'{BOB_HASH}\nmodels = ["gpt-4o", 4]'), 'code #2 ("bob"): models must be a list of model names or'),
    (entry(f'{BOB_HASH}\nmodels = [""]'), 'code #2 ("bob"): models must be a list of model names or patterns'),
    (entry(f"{BOB_HASH}\nmodels = []"), 'code #2 ("bob"): models is empty; leave models out to allow every model'),
    (entry(f'{BOB_HASH}\nexpires = "2027-01-01"'), 'code #2 ("bob"): expires must be a TOML date or date-time'),
    (entry(f"{BOB_HASH}\nexpires = 12:00:00"), 'code #2 ("bob"): expires must be a TOML date or date-time'),
    (entry(f"{BOB_HASH}\nexpires = 20270101"), 'code #2 ("bob"): expires must be a TOML date or date-time'),
]


@pytest.mark.parametrize(("text", "message"), ERRORS)
def test_every_mistake_is_one_line_naming_the_file_and_entry(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_policy(path)
    error = str(caught.value)
    assert error.startswith(f"ACCESS_POLICY_FILE={path}: {message}")
    assert "\n" not in error
    # The hashes are what an attacker would brute-force offline; errors must not carry them.
    for secret in (ALICE.split("$")[5], BOB.split("$")[5]):
        assert secret not in error


def test_a_toml_error_says_where(tmp_path: Path) -> None:
    path = write(tmp_path, f'[[code]]\nlabel = "a"\nhash = "{ALICE}"\nmodels = [gpt-4o]\n')
    with pytest.raises(ConfigError, match=r"is not valid TOML: .*\(at line 4, column 11\)$"):
        load_policy(path)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    path = str(tmp_path / "nope.toml")
    with pytest.raises(ConfigError, match=r"^ACCESS_POLICY_FILE=.*nope\.toml: cannot be read: No such file"):
        load_policy(path)


def test_a_file_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_bytes(b'# caf\xe9\n[[code]]\nlabel = "a"\n')
    with pytest.raises(ConfigError, match=r"policy\.toml: is not UTF-8 text$"):
        load_policy(path)


# -- models and expiry


@pytest.mark.parametrize(
    ("patterns", "model", "allowed"),
    [
        ((), "o3@openai", True),
        (("gpt-4o-mini",), "gpt-4o-mini", True),
        (("gpt-4o-mini",), "gpt-4o-mini@openai", True),
        (("gpt-4o-mini",), "gpt-4o", False),
        (("gpt-4o-mini",), "gpt-4o-mini-2024-07-18", False),
        (("gpt-4o-mini",), "GPT-4O-MINI", False),
        (("claude-*",), "claude-3-5-haiku@anthropic", True),
        (("claude-*",), "gpt-4o", False),
        (("gpt-4o@azure",), "gpt-4o@azure", True),
        (("gpt-4o@azure",), "gpt-4o@Azure", True),
        (("gpt-4o@azure",), "gpt-4o@openai", False),
        (("gpt-4o@azure",), "gpt-4o", False),
        (("*@ollama",), "llama3.1:8b@ollama", True),
        (("*@ollama",), "llama3.1:8b", False),
        (("gpt-4o-mini", "o?-mini"), "o3-mini", True),
    ],
)
def test_models_are_globs_on_the_id_and_the_bare_name(patterns: tuple[str, ...], model: str, allowed: bool) -> None:
    assert CodeEntry("x", ALICE, models=patterns).allows_model(model) is allowed


@pytest.mark.parametrize(
    ("value", "last_ok", "first_refused"),
    [
        # A date keeps the code working through that whole day, UTC.
        ("2027-01-01", datetime(2027, 1, 1, 23, 59, 59, tzinfo=UTC), datetime(2027, 1, 2, tzinfo=UTC)),
        # A naive date-time is UTC.
        ("2027-01-01T12:00:00", datetime(2027, 1, 1, 11, 59, 59, tzinfo=UTC), datetime(2027, 1, 1, 12, tzinfo=UTC)),
        ("2027-01-01 12:00:00", datetime(2027, 1, 1, 11, 59, 59, tzinfo=UTC), datetime(2027, 1, 1, 12, tzinfo=UTC)),
        ("2027-01-01T12:00:00Z", datetime(2027, 1, 1, 11, 59, 59, tzinfo=UTC), datetime(2027, 1, 1, 12, tzinfo=UTC)),
        ("2027-01-01T12:00:00+02:00", datetime(2027, 1, 1, 9, 59, tzinfo=UTC), datetime(2027, 1, 1, 10, tzinfo=UTC)),
    ],
)
def test_expiry(tmp_path: Path, value: str, last_ok: datetime, first_refused: datetime) -> None:
    (code,) = load_policy(write(tmp_path, f'[[code]]\nlabel = "a"\nhash = "{ALICE}"\nexpires = {value}\n'))
    assert code.expires == first_refused and code.expires.tzinfo == UTC
    assert not code.expired(last_ok)
    assert code.expired(first_refused)
    assert code.expired(first_refused + timedelta(days=400))
    # Another zone for "now" compares by instant.
    assert code.expired(first_refused.astimezone(timezone(timedelta(hours=-5))))
    # A naive "now" is UTC, like the file's.
    assert not code.expired(last_ok.replace(tzinfo=None))


# -- matching presented codes


@pytest.fixture
def derivations(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Records the salt of every scrypt run."""
    seen: list[bytes] = []
    real = policy._derive

    def counting(code: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
        seen.append(salt)
        return real(code, salt, n, r, p, dklen)

    monkeypatch.setattr(policy, "_derive", counting)
    return seen


TABLE = (
    CodeEntry("alice", quick_hash("alice-code-1", b"alice salt 12345")),
    CodeEntry("bob", quick_hash("bob-code-22", b"bob salt 1234567")),
)


def codes() -> PolicyCodes:
    return PolicyCodes(TABLE)


def test_match_finds_the_entry_and_remembers_it(derivations: list[bytes]) -> None:
    table = codes()
    assert len(table) == 2
    bob = table.match("bob-code-22")
    assert bob is not None and bob.label == "bob"
    assert derivations == [b"alice salt 12345", b"bob salt 1234567"]
    assert table.match("bob-code-22") is bob
    assert len(derivations) == 2, "a remembered code runs no scrypt"


def test_a_wrong_code_tries_every_entry_every_time(derivations: list[bytes]) -> None:
    table = codes()
    assert table.match("bob-code-2") is None
    assert table.match("bob-code-2") is None
    assert len(derivations) == 4
    assert table._known == {}


def test_the_cache_never_holds_a_code(derivations: list[bytes]) -> None:
    table = codes()
    table.match("alice-code-1")
    (key,) = table._known
    assert b"alice-code-1" not in key and len(key) == 32
    # Keyed per process: another table keys the same code differently.
    other = codes()
    other.match("alice-code-1")
    assert set(other._known) != {key}


def test_no_entries_match_nothing() -> None:
    assert PolicyCodes(()).match("anything") is None
    assert len(PolicyCodes(())) == 0
