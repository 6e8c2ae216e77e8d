"""The docs (docs/*.md and README.md) checked against the code.

- Every environment variable they name exists in chatnext.config.VARIABLES.
- Every `chatnext ...` command in their shell blocks parses with the real CLI.
- The zh-CN and en FAQs cover the same sections, and each quotes every
  error message its language's page can show, exactly as the i18n files say.
- docs/configuration.md and the FAQs' pricing tables are what
  scripts/config_docs.py generates from the code.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

from chatnext.cli import parser
from chatnext.config import VARIABLES

ROOT = Path(__file__).resolve().parent.parent
DOCS_DIR = ROOT / "docs"
DOCS = [ROOT / "README.md", *sorted(DOCS_DIR.glob("*.md"))]
I18N = ROOT / "web" / "src" / "i18n"
FAQ = {"zh-CN": DOCS_DIR / "faq.zh-CN.md", "en": DOCS_DIR / "faq.en.md"}

KNOWN = {var.name for var in VARIABLES}
# Names shaped like environment variables that the docs may show although
# chatnext does not read them. Keep this short, each with its reason:
NOT_CHATNEXT = {
    # The placeholder of the docs' `NAME=value` and `-e NAME=value` patterns.
    "NAME",
}

NAME = re.compile(r"[A-Z][A-Z0-9_]{2,}")
# `NAME=value` as a shell, .env or `-e` / `--env` assignment, and systemd's Environment=NAME=value.
ASSIGNMENT = re.compile(r"(?:^|[\s\"'])(?:export\s+)?([A-Z][A-Z0-9_]{2,})=")
SYSTEMD_ENVIRONMENT = re.compile(r"\bEnvironment=[\"']?([A-Z][A-Z0-9_]{2,})=")
# compose: `NAME: value` under environment (the docs' YAML has no other upper-case keys).
YAML_KEY = re.compile(r"^\s+(?:-\s+)?([A-Z][A-Z0-9_]{2,}):(?:\s|$)", re.MULTILINE)
ENV_BLOCKS = {"", "sh", "bash", "shell", "console", "env", "dotenv", "ini", "systemd", "text"}
YAML_BLOCKS = {"yaml", "yml"}
SHELL_BLOCKS = {"", "sh", "bash", "shell", "console"}
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*([\w+-]*)")


# --- reading Markdown --------------------------------------------------------


def split_markdown(text: str) -> tuple[str, list[tuple[str, str]]]:
    """(the prose, [(language, code)] of every fenced block)."""
    prose: list[str] = []
    blocks: list[tuple[str, str]] = []
    fence = ""
    lang = ""
    code: list[str] = []
    for line in text.splitlines():
        if not fence:
            match = FENCE.match(line)
            if match:
                fence, lang, code = match[1], match[2].lower(), []
            else:
                prose.append(line)
        elif line.strip().startswith(fence) and not line.strip().strip(fence[0]):
            blocks.append((lang, "\n".join(code)))
            fence = ""
        else:
            code.append(line)
    assert not fence, "a fenced block is never closed"
    return "\n".join(prose), blocks


def env_names(text: str) -> set[str]:
    """Environment-variable names a Markdown text uses: in backticks, and assigned in its code blocks."""
    prose, blocks = split_markdown(text)
    names: set[str] = set()
    for span in re.findall(r"`([^`\n]+)`", prose):
        span = span.strip()
        if NAME.fullmatch(span):
            names.add(span)
        names.update(ASSIGNMENT.findall(span))
        names.update(SYSTEMD_ENVIRONMENT.findall(span))
    for lang, code in blocks:
        if lang in ENV_BLOCKS or lang in YAML_BLOCKS:
            for line in code.splitlines():
                names.update(ASSIGNMENT.findall(line))
                names.update(SYSTEMD_ENVIRONMENT.findall(line))
        if lang in YAML_BLOCKS:
            names.update(YAML_KEY.findall(code))
    return names


def allowed(name: str, text: str) -> bool:
    if name in KNOWN or name in NOT_CHATNEXT:
        return True
    # {NAME}_API_KEY of a CUSTOM_PROVIDERS entry the same doc defines (`ollama=http://...`).
    prefix = name.removesuffix("_API_KEY")
    return (
        prefix != name
        and "CUSTOM_PROVIDERS" in text
        and re.search(rf"(?<![\w-]){re.escape(prefix.lower())}=", text) is not None
    )


# --- finding `chatnext` commands ----------------------------------------------

CONTROL = set("|&;()<>")
SHELL_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
PYTHON = re.compile(r"python(?:3(?:\.\d+)?)?")
# docker / docker compose options that take a separate value; anything else starting with - is a flag.
DOCKER_VALUE_OPTIONS = {
    "-e",
    "--env",
    "--env-file",
    "-v",
    "--volume",
    "-p",
    "--publish",
    "--name",
    "-u",
    "--user",
    "-w",
    "--workdir",
    "--network",
    "--restart",
    "--entrypoint",
    "--add-host",
    "--mount",
    "-l",
    "--label",
    "-h",
    "--hostname",
    "-f",
    "--file",
    "--project-name",
    "--index",
}


def simple_commands(line: str) -> Iterator[list[str]]:
    """The argument lists of the simple commands in one shell line."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    command: list[str] = []
    for word in lexer:
        if word and set(word) <= CONTROL:
            if command:
                yield command
            command = []
        else:
            command.append(word)
    if command:
        yield command


def _docker(args: list[str]) -> list[str] | None:
    """The chatnext arguments of `docker [compose ...] run|exec [options] TARGET chatnext ...`."""
    if args[:1] == ["compose"]:
        args = args[1:]
        while args and args[0].startswith("-"):
            if args.pop(0) in DOCKER_VALUE_OPTIONS:
                args = args[1:]
    if not args or args[0] not in ("run", "exec"):
        return None
    args = args[1:]
    while args and args[0].startswith("-"):
        if args.pop(0) in DOCKER_VALUE_OPTIONS:
            args = args[1:]
    return chatnext_args(args[1:]) if len(args) > 1 else None


def chatnext_args(argv: list[str]) -> list[str] | None:
    """The arguments after `chatnext` when `argv` runs it, else None."""
    argv = list(argv)
    while argv:
        if SHELL_ASSIGNMENT.match(argv[0]):
            argv.pop(0)
        elif argv[0] == "sudo":
            argv.pop(0)
            while argv and argv[0].startswith("-"):
                if argv.pop(0) in ("-u", "-g"):
                    argv = argv[1:]
        elif argv[0] in ("exec", "nohup", "env"):
            argv.pop(0)
        else:
            break
    if not argv:
        return None
    program = argv[0].rsplit("/", 1)[-1]
    if program == "chatnext":
        return argv[1:]
    if PYTHON.fullmatch(program) and argv[1:3] == ["-m", "chatnext"]:
        return argv[3:]
    if program == "docker":
        return _docker(argv[1:])
    return None


def commands_in(text: str) -> list[list[str]]:
    """Every chatnext invocation in the shell blocks (and systemd ExecStart= lines) of a Markdown text."""
    found = []
    for lang, code in split_markdown(text)[1]:
        if lang in SHELL_BLOCKS:
            lines = [line.removeprefix("$ ") for line in code.replace("\\\n", " ").splitlines()]
        elif lang in ("ini", "systemd"):
            lines = [m[1] for m in re.finditer(r"^\s*ExecStart=[-@:+!]*(.*)$", code, re.MULTILINE)]
        else:
            continue
        for line in lines:
            for command in simple_commands(line):
                args = chatnext_args(command)
                if args is not None:
                    found.append(args)
    return found


def subcommands() -> set[str]:
    for action in parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    raise AssertionError("chatnext's parser has no subcommands")


@cache
def all_commands() -> list[tuple[str, list[str]]]:
    return [(doc.relative_to(ROOT).as_posix(), args) for doc in DOCS for args in commands_in(doc.read_text())]


# --- the page's texts -----------------------------------------------------------

# Every error kind of web/src/lib/api.ts, and the i18n keys of what the page
# shows for it (ErrorNotice.tsx). Each FAQ must quote each of them.
ERROR_TEXTS = {
    "unauthorized": ["errorUnauthorized"],
    "wrong_code": ["errorWrongCode"],
    "locked": ["errorLocked"],
    "code_expired": ["errorCodeExpired"],
    "session_expired": ["errorSessionExpired"],
    "limit": [
        "limitRequestsPerMinute",
        "limitTokensPerDay",
        "limitTokensPerMonth",
        "limitCostPerDay",
        "limitCostPerMonth",
        "limitOther",
    ],
    "own_key_forbidden": ["errorOwnKeyForbidden"],
    "missing_key": ["errorMissingKey", "errorMissingKeyHidden"],
    "quota": ["errorQuota"],
    "rate_limited": ["errorRateLimited"],
    "model_not_allowed": ["errorModelNotAllowed"],
    "too_large": ["errorTooLarge"],
    "network": ["errorNetwork"],
    "upstream_unreachable": ["errorUpstreamUnreachable"],
    "timeout": ["errorTimeout"],
    "stream_broken": ["errorStreamBroken"],
    "generic": ["errorGeneric"],
}
# Other page texts the FAQs quote: the Docker lag notice, the balance
# explanation, a stopped answer.
OTHER_TEXTS = ["aboutDockerLag", "balanceUnsupported", "interrupted"]
# The upstream's own words, quoted by both FAQs.
UPSTREAM_TEXTS = ["You exceeded your current quota"]

_ENTRY = re.compile(r"^\s*(\w+):\s*(.+?),?\s*$")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_TEMPLATE = re.compile(r"^\([^()]*\)\s*=>\s*`([^`]*)`$")


@cache
def messages(locale: str) -> dict[str, list[str]]:
    """key -> its raw value texts, from the locale's i18n file and the files it spreads in."""
    main = I18N / ("en.ts" if locale == "en" else "zh-CN.ts")
    found: dict[str, list[str]] = {}
    for path in [main, *sorted(I18N.glob(f"*.{locale}.ts"))]:
        for line in path.read_text(encoding="utf-8").splitlines():
            match = _ENTRY.match(line)
            if match:
                found.setdefault(match[1], []).append(match[2])
    return found


def text_pattern(locale: str, key: str) -> re.Pattern[str]:
    """What the page shows for `key`, as a pattern: a template's ${...} parts match any text."""
    values = messages(locale).get(key, [])
    assert len(values) == 1, f"{key} is defined {len(values)} times in the {locale} i18n files"
    raw = values[0]
    if _STRING.fullmatch(raw):
        return re.compile(re.escape(json.loads(raw)))
    template = _TEMPLATE.match(raw)
    assert template, f"{locale} {key} is neither a string nor a one-template function: {raw}"
    parts = re.split(r"\$\{[^}]*\}", template[1])
    return re.compile(r"[^\n]+?".join(re.escape(part) for part in parts))


def headings(text: str, level: int) -> list[str]:
    prose = split_markdown(text)[0]
    return re.findall(rf"^{'#' * level} (.+)$", prose, re.MULTILINE)


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("config_docs", ROOT / "scripts" / "config_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- (a) environment variables ------------------------------------------------------


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_environment_variable_in_the_docs_exists(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    unknown = sorted(name for name in env_names(text) if not allowed(name, text))
    assert not unknown, f"{doc.name} names variables chatnext does not have: {unknown}"


def test_the_variable_check_sees_names_and_catches_a_wrong_one() -> None:
    seen = set().union(*(env_names(doc.read_text(encoding="utf-8")) for doc in DOCS))
    assert {"BASE_URL", "PROXY_URL", "TRUSTED_PROXIES", "STORE_URL", "SESSION_SECRET", "CODE"} <= seen
    sample = (
        "Set `PROXY_URLS` first.\n\n```sh\ndocker run -e OPENAI_KEY=sk-1 chatnext\n```\n\n"
        "```yaml\nservices:\n  chatnext:\n    environment:\n      BASEURL: https://x\n```\n\n"
        "```nginx\nproxy_set_header X-Forwarded-For $remote_addr;\n```\n"
    )
    assert {n for n in env_names(sample) if not allowed(n, sample)} == {"PROXY_URLS", "OPENAI_KEY", "BASEURL"}
    assert allowed("OLLAMA_API_KEY", "`CUSTOM_PROVIDERS=ollama=http://127.0.0.1:11434`")
    assert not allowed("OLLAMA_API_KEY", "`CUSTOM_PROVIDERS=vllm=http://127.0.0.1:8000`")


# --- (b) chatnext commands -----------------------------------------------------------


def test_the_docs_show_every_subcommand() -> None:
    shown = {args[0] for _, args in all_commands() if args}
    assert subcommands() <= shown


@pytest.mark.parametrize("subcommand", sorted(subcommands()))
def test_each_subcommand_has_help(subcommand: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "chatnext", subcommand, "--help"],
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr


def test_every_chatnext_command_in_the_docs_parses() -> None:
    known = subcommands()
    for where, args in all_commands():
        shown = " ".join(["chatnext", *args])
        assert args and args[0] in known, f"{where}: `{shown}` names no subcommand of {sorted(known)}"
        try:
            parser().parse_args(args)
        except SystemExit as exc:
            pytest.fail(f"{where}: `{shown}` does not parse (exit {exc.code})")


def test_the_command_finder_reads_shell_as_a_shell_does() -> None:
    text = (
        "```sh\n"
        "OPENAI_API_KEY=sk-1 CODE=x chatnext serve --host 0.0.0.0 --port 3000\n"
        "python3 -m chatnext config\n"
        "printf %s 'a code' | chatnext hash-code   # comment\n"
        "docker exec -it chatnext chatnext hash-code --allow-short\n"
        "docker compose -f other.yaml exec chatnext chatnext config\n"
        "docker run -d --name chatnext -p 3000:3000 -v chatnext-data:/data chatnext\n"
        "docker build -t chatnext . && docker logs chatnext 2>&1 | grep x\n"
        "sudo systemctl restart chatnext; journalctl -u chatnext -f\n"
        "/opt/chatnext/.venv/bin/chatnext serve \\\n  --port 8080\n"
        "```\n\n```ini\nExecStart=/opt/chatnext/.venv/bin/chatnext serve --prot 3000\n```\n"
    )
    assert commands_in(text) == [
        ["serve", "--host", "0.0.0.0", "--port", "3000"],
        ["config"],
        ["hash-code"],
        ["hash-code", "--allow-short"],
        ["config"],
        ["serve", "--port", "8080"],
        ["serve", "--prot", "3000"],
    ]
    with pytest.raises(SystemExit):
        parser().parse_args(["serve", "--prot", "3000"])


# --- (c) the two FAQs --------------------------------------------------------------


def test_the_faqs_have_the_same_sections() -> None:
    zh, en = (FAQ[lang].read_text(encoding="utf-8") for lang in ("zh-CN", "en"))
    for level in (2, 3):
        assert len(headings(zh, level)) == len(headings(en, level)), f"different numbers of {'#' * level} headings"
    assert len(headings(zh, 2)) >= 8


def test_the_error_list_covers_every_error_kind_of_the_page() -> None:
    source = (ROOT / "web" / "src" / "lib" / "api.ts").read_text(encoding="utf-8")
    union = re.search(r"export type ErrorKind =(.*?);", source, re.DOTALL)
    assert union, "no ErrorKind in web/src/lib/api.ts"
    assert set(re.findall(r'"(\w+)"', union[1])) == set(ERROR_TEXTS)


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_each_faq_quotes_every_error_message_of_its_language(locale: str) -> None:
    faq = FAQ[locale].read_text(encoding="utf-8")
    keys = [key for keys in ERROR_TEXTS.values() for key in keys] + OTHER_TEXTS
    missing = [key for key in keys if not text_pattern(locale, key).search(faq)]
    assert not missing, f"{FAQ[locale].name} does not quote: " + "; ".join(
        f"{key} = {messages(locale)[key][0]}" for key in missing
    )
    for text in UPSTREAM_TEXTS:
        assert text in faq


def test_the_faqs_quote_nextchats_texts_exactly() -> None:
    faq = FAQ["zh-CN"].read_text(encoding="utf-8")
    assert "出错了，稍后重试吧" in faq
    assert "现在是未授权状态，请在设置页输入访问密码" in faq


# --- generated parts ---------------------------------------------------------------


def test_configuration_doc_is_current() -> None:
    script = load_script()
    assert (DOCS_DIR / "configuration.md").read_text(encoding="utf-8") == script.render_configuration(), (
        "docs/configuration.md is stale: run python scripts/config_docs.py"
    )


def test_configuration_doc_lists_every_variable() -> None:
    text = (DOCS_DIR / "configuration.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([A-Z0-9_]+)`", text, re.MULTILINE)
    assert rows == [var.name for var in VARIABLES]
    assert "{NAME}_API_KEY" in text


def test_faq_pricing_tables_are_current() -> None:
    script = load_script()
    prices = json.loads((ROOT / "src" / "chatnext" / "data" / "pricing.json").read_text(encoding="utf-8"))
    for lang, path in FAQ.items():
        text = path.read_text(encoding="utf-8")
        assert script.with_pricing(text, lang) == text, f"{path.name}'s pricing table is stale"
        gpt4o = prices["models"]["gpt-4o"]
        assert f"| `gpt-4o` | ${gpt4o['input']:.2f} | ${gpt4o['output']:.2f} |" in text


def test_check_exits_1_when_a_generated_file_is_stale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = load_script()
    target = tmp_path / "configuration.md"
    target.write_text("# stale\n")
    monkeypatch.setattr(script, "CONFIGURATION", target)
    monkeypatch.setattr(script, "FAQS", {})
    assert script.main(["--check"]) == 1
    assert target.read_text() == "# stale\n"
    assert script.main([]) == 0
    assert script.main(["--check"]) == 0
    assert target.read_text() == script.render_configuration()


def test_the_script_runs_as_documented() -> None:
    result = subprocess.run(
        [sys.executable, "scripts/config_docs.py", "--check"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
