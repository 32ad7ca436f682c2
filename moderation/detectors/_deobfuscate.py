"""A de-obfuscated view of a comment for the PII rules, with an exact map back.

The scoring normaliser (`moderation.normalize`) folds case and reads "@" as a leetspeak "a",
which is right for words and wrong for addresses and emails. This view keeps case, digits and
"@", and undoes what hides them: `42 3lm 5tr33t`, `j0hn@9m4il.c0m`, `E l m S t r e e t`,
`U s h u r m a@r h y t a.c o m`, `S.t.r.e.e.t`, `sTrEeT`, `Streeeeet`, `Str*et` and Cyrillic or
Greek look-alike letters. Steps, each keeping for every view character the original span it
came from:

1. per character: NFKC, format characters dropped, look-alike letters mapped to Latin (case
   kept);
2. runs of three or more single letters split by spaces joined into one word ("E l m" →
   "Elm"; a capital after a small letter starts a new word, outside an email), and letters
   split by one punctuation mark inside a token joined ("S.t.r.e.e.t");
3. leetspeak in tokens that are mostly letters ("3lm" → "Elm", "c0m" → "com"), not in
   ordinals, times or units ("3rd", "10am", "4x4");
4. mixed case inside a word made title case ("sTrEeT" → "Street");
5. a letter repeated three times or more, and a masked vowel ("Str*et"), resolved to a known
   word of the PII rules when one fits, else to the single letter.

`needs_view` is the cheap gate: only a comment with a sign of obfuscation pays for the view.
"""

from __future__ import annotations

import re
import string
import unicodedata
from itertools import product
from typing import NamedTuple

from moderation.detectors._address import STREET_SUFFIXES
from moderation.detectors.base import Finding, words
from moderation.normalize.chars import homoglyph

__all__ = ["DeobfuscatedView", "deobfuscated_view", "needs_view", "view_to_original"]

# Shapes of the text for the cheap gate: letters as "a" (or "A" for capitals), digits as "0",
# leet symbols as "%", other punctuation as ".", whitespace as " ".
_SHAPE = str.maketrans(
    string.ascii_lowercase
    + string.ascii_uppercase
    + string.digits
    + "@$!(*"
    + "\t\n\r"
    + string.punctuation.translate(str.maketrans("", "", "@$!(*")),
    "a" * 26 + "A" * 26 + "0" * 10 + "%" * 5 + " " * 3 + "." * (len(string.punctuation) - 5),
)
_FOLD = str.maketrans("A", "a")
# j0hn, m@rk, 5tr33t, s p a c e d, S.t.r.e.e.t
_SIGN_SHAPES = ("a0a", "a%a", "a00a", "a%%a", " a a a", "a.a.a.a")
_REPEATS = ("aaa", "eee", "iii", "ooo", "uuu", "yyy")
_NON_LATIN = re.compile(r"[\u0370-\u03ff\u0400-\u04ff]")  # Greek and Cyrillic look-alikes
# "3lm", "5tr33t": a word that starts with leet digits (not "3rd", "10am", "90s").
_LEADING_LEET = re.compile(
    r"(?<![\w@])[0-9]+(?!(?:st|nd|rd|th|am|pm|s|k|m|km|kg|lb|ft|mph|gb|mb|min)\b)[a-z]{2}",
    re.IGNORECASE,
)
# A whole token holding a URL marker. Anchored at the token's start: unanchored, the leading
# `\S*` backtracked from every position of a long token with a "/" and no marker (quadratic).
_URL = re.compile(r"(?<!\S)\S*(?:https?://|www\.|\.com/|\.org/)\S*")

_LEET = {
    "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "9": "g", "8": "b", "@": "a",
    "$": "s", "!": "i", "(": "c",
}  # fmt: skip
_LEET_RUN = re.compile(r"[0134579@$!(8]+")
_DOMAIN_AHEAD = re.compile(r"[\w@$!(*-]+\.[\w@$!(*]")
_TWO_LETTERS = re.compile(r"[^\W\d_]{2}")
_NEXT_LETTER = re.compile(r"[^\W\d_]")
_CASE_NOISE = re.compile(r"\b[A-Za-z]*[a-z][A-Z][A-Za-z]*|\b[A-Z]{2,}[a-z][A-Za-z]*")
_LOWER_WORD = re.compile(r"(?<![\w@.])[a-z][a-z]+\b(?![@.]\w)")
_RUNS = re.compile(r"\S+|\s+")
_MAX_TOKEN = 64  # longer tokens are left out of the view: linear time on junk input
_EDGE_PUNCTUATION = ".,;:!?\"'’“”()[]"
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|\*(?=[^\W\d_]))*")
_NOT_LEET = re.compile(
    r"[0-9]+(?:st|nd|rd|th|am|pm|s|k|m|km|kg|g|lb|lbs|mm|cm|ft|mph|gb|mb|tb|x|p|d|h|min)",
    re.IGNORECASE,
)
_SINGLE = re.compile(r"[^\W\d_][0-9]*(?:[@.]\S*)?[.,;:!?)]?")
_REPEAT = re.compile(r"([^\W\d_])\1\1+")
_MASK = re.compile(r"(?<=[^\W\d_])\*(?=[^\W\d_])")
_PUNCTUATED = re.compile(r"[^\W\d_](?:([.\-_*])[^\W\d_])(?:\1[^\W\d_])+")
_VOCABULARY = frozenset(STREET_SUFFIXES.lower().split("|")) | words(
    "apt apartment flat unit suite box lives live living resides house home address email"
    " via viale rue rua calle carrer avenida piazza paseo"
    " mail call text phone number cell mobile plate works work shift cashier gmail yahoo"
    " hotmail outlook icloud aol protonmail com net org edu gov co uk ca au de fr info"
)


class DeobfuscatedView(NamedTuple):
    """The view's text and, per character, the original span ``[starts[i], ends[i])``."""

    text: str
    starts: list[int]
    ends: list[int]


Chars = list[tuple[str, int, int]]  # (character, original start, original end)


def needs_view(text: str) -> bool:
    """True when ``text`` (a stretch of a comment) shows a sign of obfuscation the view
    undoes: a few C-level substring tests on its shape, URLs left out."""
    if "/" in text or "www." in text:
        text = _URL.sub(" ", text)
    shape = " " + text.translate(_SHAPE)
    if shape.count("aA") >= 3:  # mIxEd case; "iPhone" or "McDonald" alone is not
        return True
    folded = shape.translate(_FOLD)
    if any(sign in folded for sign in _SIGN_SHAPES):
        return True
    if " 0aa" in folded and _LEADING_LEET.search(text):
        return True
    low = text.lower()
    if any(run in low for run in _REPEATS):
        return True
    return not text.isascii() and _NON_LATIN.search(text) is not None


def _letters(text: str) -> Chars:
    if text.isascii():
        return [(c, i, i + 1) for i, c in enumerate(text)]
    out: Chars = []
    for i, ch in enumerate(text):
        if ch.isascii():
            out.append((ch, i, i + 1))
            continue
        if unicodedata.category(ch) == "Cf":
            continue
        for piece in unicodedata.normalize("NFKC", ch):
            latin = homoglyph(piece) if not piece.isascii() else None
            if latin:
                piece = latin.upper() if piece.isupper() else latin.lower()
            out.append((piece, i, i + 1))
    return out


def _tokens(chars: Chars) -> list[tuple[str, Chars]]:
    """Whitespace-separated tokens and the whitespace between them, each with its text."""
    text = "".join(c for c, _, _ in chars)
    return [(m.group(), chars[m.start() : m.end()]) for m in _RUNS.finditer(text)]


def _one(changed: str, char: str) -> str:
    """``changed`` (a case change of ``char``) when it is one character, else ``char``: "İ"
    lowercases to two code points and "ß" uppercases to "SS"."""
    return changed if len(changed) == 1 else char


def _text(token: Chars) -> str:
    return "".join(c for c, _, _ in token)


def _join_spaced(tokens: list[tuple[str, Chars]]) -> list[tuple[str, Chars]]:
    """Join runs of three or more single-letter tokens ("E l m S t r e e t")."""
    out: list[tuple[str, Chars]] = []
    i, n = 0, len(tokens)
    while i < n:
        if not _SINGLE.fullmatch(tokens[i][0]):
            out.append(tokens[i])
            i += 1
            continue
        run = [i]
        while (
            run[-1] + 2 < n
            and tokens[run[-1] + 1][0] == " "
            and _SINGLE.fullmatch(tokens[run[-1] + 2][0])
        ):
            run.append(run[-1] + 2)
        if len(run) < 3:
            out.append(tokens[i])
            i += 1
            continue
        email = any("@" in tokens[k][0] for k in run)
        joined: Chars = []
        for k in run:
            chars = tokens[k][1]
            if joined and not email and joined[-1][0].islower() and chars[0][0].isupper():
                joined.append(tokens[k - 1][1][0])  # a capital after a small letter: a new word
            joined += chars
        out.append((_text(joined), joined))
        i = run[-1] + 1
    return out


def _resolve(pieces: list[str | None], options: list[list[str]]) -> list[str]:
    """One choice per slot (a ``None`` of ``pieces``) that makes the pieces a known word;
    else the first choice of each slot."""
    if len(options) > 4:
        return [o[0] for o in options]
    for choice in product(*options):
        it = iter(choice)
        candidate = "".join(next(it) if piece is None else piece for piece in pieces)
        if candidate.lower().strip(".,;:!?") in _VOCABULARY:
            return list(choice)
    return [o[0] for o in options]


def _join_punctuated(token: Chars) -> Chars:
    """Drop the separators of single letters split by one mark ("S.t.r.e.e.t", "y_a_h_o_o")."""
    text = _text(token)
    drop = {
        k
        for m in _PUNCTUATED.finditer(text)
        for k in range(m.start(), m.end())
        if text[k] == m.group(1)
    }
    return [c for k, c in enumerate(token) if k not in drop] if drop else token


def _deleet(token: Chars) -> Chars:
    """Leet characters inside or at the edge of a word as letters ("5tr33t" → "Street",
    "T3rrac3" → "Terrace"); trailing digits of an all-capital code ("KV13") stay."""
    text = _text(token)
    at = _email_at(text)
    upper = all(c.isupper() for c in text if c.isalpha())
    letters = sum(c.isalpha() for c in text)
    slots: set[int] = set()
    for m in _LEET_RUN.finditer(text):
        a, b = m.span()
        if at is not None and a > at:  # the domain: every leet character ("rhyt@.(0m")
            slots.update(k for k in range(a, b) if text[k] != ".")
            continue
        before = a > 0 and text[a - 1].isalpha()
        after = b < len(text) and text[b].isalpha()
        leading = not before and (a == 0 or not text[a - 1].isalnum())
        trailing = not after and (b == len(text) or not text[b].isalnum())
        if (
            (before and after)
            or (leading and _TWO_LETTERS.match(text, b) and m.group()[0] not in "!(")
            or (
                trailing
                and b - a <= 2
                and not upper
                and a > 0
                and (text[a - 1].isalpha() or text[a - 1] in _LEET)
                and letters >= 2
            )
        ):
            slots.update(range(a, b))
    if at is not None:
        slots.discard(at)
    elif not slots or _NOT_LEET.fullmatch(text):
        # A whole token that reads as a word of the rules ("80x" → "box", "Ap7" → "Apt").
        whole = "".join(_LEET.get(c, c) for c in text).lower()
        if whole not in _VOCABULARY:
            return token
        slots = {k for k, c in enumerate(text) if c in _LEET}
    if not slots:
        return token
    masked: list[str | None] = [None if k in slots else c for k, c in enumerate(text)]
    order = sorted(slots)
    options = [
        (["l", "i"] if k == 0 or not text[k - 1].isalnum() else ["i", "l"])
        if text[k] == "1"
        else [_LEET[text[k]]]
        for k in order
    ]
    picked = dict(zip(order, _resolve(masked, options), strict=True))
    out: Chars = []
    for k, (c, s, e) in enumerate(token):
        if k in picked:
            c = picked[k]
            starts_word = k == 0 or not text[k - 1].isalnum()
            next_letter = _NEXT_LETTER.search(text, k + 1)
            if upper or (starts_word and next_letter and next_letter.group().islower()):
                c = c.upper()
        out.append((c, s, e))
    return out


def _email_at(text: str) -> int | None:
    """Index of the "@" that separates an address's local part from its domain: the last
    one followed by a label and a dot ("m@rk@gmail.com"; not the leet "a" in "rhyt@.com")."""
    found = None
    for m in re.finditer("@", text):
        if m.start() > 0 and _DOMAIN_AHEAD.match(text, m.end()):
            found = m.start()
    return found


def _plain(text: str) -> bool:
    """A token nothing in the view changes: a number, or an ordinary word with punctuation."""
    core = text.strip(_EDGE_PUNCTUATION)
    if core.isdigit() or not core:
        return True
    return (
        core.isalpha()
        and (core.islower() or core.istitle() or core.isupper())
        and not _REPEAT.search(core)
        and "*" not in text
    )


def _clean_token(text: str, token: Chars) -> Chars:
    if len(token) > _MAX_TOKEN or _plain(text):  # no address or e-mail token is this long
        return token
    token = _deleet(_join_punctuated(token))
    text = _text(token)
    out: Chars = []
    pos = 0
    for m in _WORD.finditer(text):  # letters (and masks) only: "dOor:" → "dOor"
        out += token[pos : m.start()] + _repeats_and_case(token[m.start() : m.end()])
        pos = m.end()
    return out + token[pos:]


def _repeats_and_case(token: Chars) -> Chars:
    text = _text(token)
    mixed = re.search(r"[a-z]", text) and re.search(r".[A-Z]", text)
    if text.isalpha() and (mixed or (text.isupper() and text.lower() in _VOCABULARY)):
        token = [
            (_one(c.upper() if k == 0 else c.lower(), c), s, e) for k, (c, s, e) in enumerate(token)
        ]
        text = _text(token)
    if "v" in text.lower() and text.lower() not in _VOCABULARY and len(text) <= 12:
        # perturbed "u" drawn as "v": "Svite" → "Suite", "Rve" → "Rue" (known words only)
        for reading in product(*[("v", "u") if c in "vV" else (c,) for c in text.lower()]):
            if "".join(reading) in _VOCABULARY:
                token = [
                    (("u" if c == "v" else "U") if p == "u" and c in "vV" else c, s, e)
                    for (c, s, e), p in zip(token, reading, strict=True)
                ]
                text = _text(token)
                break
    slots = sorted(
        [(m.start(), m.end(), "run") for m in _REPEAT.finditer(text)]
        + [(m.start(), m.end(), "mask") for m in _MASK.finditer(text)]
    )
    if not slots:
        return token
    skeleton: list[str | None] = []
    pos = 0
    for a, b, _ in slots:
        skeleton += [text[pos:a], None]
        pos = b
    skeleton.append(text[pos:])
    options = [[text[a], text[a] * 2] if kind == "run" else list("eaiou") for a, _, kind in slots]
    picks = _resolve(skeleton, options)
    out: Chars = []
    pos = 0
    for (a, b, _), pick in zip(slots, picks, strict=True):
        out += token[pos:a]
        if len(pick) == 1:
            out.append((pick, token[a][1], token[b - 1][2]))
        else:
            out += [
                (pick[0], token[a][1], token[a][2]),
                (pick[1], token[a + 1][1], token[b - 1][2]),
            ]
        pos = b
    return out + token[pos:]


def deobfuscated_view(text: str) -> DeobfuscatedView:
    """The view of ``text`` (see the module docstring)."""
    chars: Chars = []
    for token_text, token in _join_spaced(_tokens(_letters(text))):
        chars += token if token_text[0].isspace() else _clean_token(token_text, token)
    if len(_CASE_NOISE.findall(text)) >= 2:
        # Case is noise in this comment ("FOrEST pike"): every small word title case, so the
        # rules that need capitals still read names; all-capital codes ("WI") stay.
        chars = _title_words(chars)
    return DeobfuscatedView(
        "".join(c for c, _, _ in chars), [s for _, s, _ in chars], [e for _, _, e in chars]
    )


def _title_words(chars: Chars) -> Chars:
    text = "".join(c for c, _, _ in chars)
    out = list(chars)
    for m in _LOWER_WORD.finditer(text):
        c, s, e = out[m.start()]
        out[m.start()] = (c.upper(), s, e)
    return out


def view_to_original(findings: list[Finding], text: str, view: DeobfuscatedView) -> list[Finding]:
    """Findings on the view re-anchored on ``text`` (``text[start:end] == f.text``)."""
    mapped = []
    for f in findings:
        start, end = view.starts[f.start], view.ends[f.end - 1]
        mapped.append(Finding(f.category, f.kind, start, end, text[start:end], f.score))
    return mapped
