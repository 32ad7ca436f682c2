"""Steps 5-8 of the normaliser: undo word-level obfuscation, keeping the offset map.

Owns what happens to casefolded text with single spaces (URLs and e-mail addresses are cut
out before and skip all of it): (5) lexicon repair of tokens that become an English word
when their leet symbols, 'v'/'u', repeated letters or a masked vowel are read (``repair``);
(6) join >= 3 single letters split by one separator kind ('f.u.c.k') and, when the result is
no word, read it as one (repair) or split it into words at separators ('s t u p i d i d i o
t' -> 'stupid idiot'); (7) leetspeak inside words only, one char for one char, then repair
again where it completed a word; (8) runs of >= 3 identical letters -> 2, of ASCII
punctuation -> 1.

Every step either maps chars one to one or rewrites regions with ``Edit``s, each output char
naming the input chars it covers, so ``Normalized.to_original`` stays exact.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable

from moderation.normalize.chars import Spans
from moderation.normalize.lexicon import lexicon
from moderation.normalize.repair import LEET_EVIDENCE, UNIT, UNIT_RUN, Edit, repair

Region = tuple[int, int, Iterable[Edit]]  # [start, stop) of the text, rewritten as the edits

_LEET = str.maketrans("0134578@$!|€£", "oieastbasilel")
# A leet char that could be converted: next to a letter, or a '!' that is not trailing.
_LEET_HINT = re.compile(
    r"[0134578@$!|€£](?:(?<=[^\W\d_][^!])|(?<!!)(?=[^\W\d_])|(?<=!)(?=[\w@$|€£]))"
)
_LEET_TOKEN = re.compile(r"(?<![\w@$!|€£])[^\W0134578]*+[0134578@$!|€£][\w@$!|€£]*+")
_LEET_RUN = re.compile(r"[0134578@$!|€£]+")
_INTERIOR_LEET = re.compile(r"[^\W\d_]+(?:[0134578@$!|€£]+[^\W\d_]+)+")  # 'sh1t', 'k!ll'
_SEP = "-.*+~/_ "
# Necessary for a join: an isolated letter between separators followed by another one.
_JOIN_HINT = re.compile(rf"[{_SEP}][^\W\d_][{_SEP}]{{1,3}}[^\W\d_](?![^\W_])")
_JOIN_HINT_ASCII = re.compile(rf"[{_SEP}][a-z][{_SEP}]{{1,3}}[a-z](?![a-z0-9])")  # faster
_JOIN = re.compile(  # not from the letter after an apostrophe: "d o n't g e t"
    r"(?<![^\W_])(?<!')[^\W\d_](?P<sep> ?[-.*+~/_] ?| )[^\W\d_](?![^\W_])"
    r"(?:(?P=sep)(?<![^\W_])[^\W\d_](?![^\W_]))+"
)
_LINK_CHARS = frozenset("./:@")  # a joined run right after one of these is part of a link
_LINK_NEXT = re.compile(r"[./][a-z0-9]")  # ... or right before one of these
_REPEAT = re.compile(r"(.)\1\1+", re.DOTALL)
_PUNCTUATION = frozenset(string.punctuation)
_PROTECTED = re.compile(r"(?:https?://|www\.)\S++|(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)++")


def splice(s: str, spans: Spans | None, regions: Iterable[Region]) -> tuple[str, Spans | None]:
    """Rewrite the (ordered, disjoint) regions of ``s``; output chars cover their source spans."""
    out: list[str] = []
    pos = 0
    if spans is None:
        for a, b, edits in regions:
            out.append(s[pos:a])
            out += (char for char, _, _ in edits)
            pos = b
        out.append(s[pos:])
        return "".join(out), None
    starts, ends = spans
    new_starts: list[int] = []
    new_ends: list[int] = []
    for a, b, edits in regions:
        out.append(s[pos:a])
        new_starts += starts[pos:a]
        new_ends += ends[pos:a]
        for char, first, stop in edits:
            out.append(char)
            new_starts.append(starts[first])
            new_ends.append(ends[stop - 1])
        pos = b
    out.append(s[pos:])
    return "".join(out), (new_starts + starts[pos:], new_ends + ends[pos:])


def _apply(
    s: str,
    spans: Spans | None,
    pattern: re.Pattern[str],
    edit: Callable[[re.Match[str]], Iterable[Edit]],
    fast: Callable[[re.Match[str]], str],
) -> tuple[str, Spans | None]:
    """Rewrite matches with ``fast`` or, tracking offsets, with the equivalent ``edit``."""
    if spans is None:
        return pattern.sub(fast, s), None
    return splice(s, spans, ((*m.span(), edit(m)) for m in pattern.finditer(s)))


def _repair(s: str, spans: Spans | None) -> tuple[str, Spans | None]:
    """Step 5: tokens that are no word but read as one after undoing their obfuscation."""
    unknown = set(UNIT_RUN.findall(s)).difference(lexicon().counts)
    todo = {unit: edits for unit in unknown if (edits := repair(unit))}
    if any(LEET_EVIDENCE.search(unit) for unit in todo):  # leetspeak here: read more of it
        todo.update(
            (unit, edits)
            for unit in unknown.difference(todo)
            if (edits := repair(unit, relaxed=True))
        )
    if not todo:
        return s, spans
    regions: list[Region] = []
    for m in UNIT.finditer(s):
        edits = todo.get(m[0])
        if edits is None or ("(" in m[0] and s[m.end() : m.end() + 1] == ")"):
            continue  # not repaired, or 'jo(k)e': parentheses, not a 'c'
        at = m.start()
        regions.append(
            (at + edits[0][1], at + edits[-1][2], [(c, at + a, at + b) for c, a, b in edits])
        )
    return splice(s, spans, regions)


def _deleet_token(match: re.Match[str]) -> str:
    """Undo leetspeak in one token; a trailing '!' run is punctuation."""
    token = match[0]
    if _INTERIOR_LEET.fullmatch(token):
        return token.translate(_LEET)
    body = token.rstrip("!")
    size = len(body)
    runs = [m.span() for m in _LEET_RUN.finditer(body)]
    interior = any(a and b < size and body[a - 1].isalpha() and body[b].isalpha() for a, b in runs)
    parts: list[str] = []
    pos = 0
    for a, b in runs:
        before = body[a - 1].isalpha() if a else None
        after = body[b].isalpha() if b < size else None
        run = body[a:b]
        if not (before and after):
            if {before, after} != {True, None}:
                continue  # next to a digit or other symbol, or a token without letters
            # Edge run: digits only in an obvious leet word ('5h1t', not '10am' or 'mp3');
            # a leading run of '!' stays.
            if not (interior if any(ch.isdigit() for ch in run) else before or run.strip("!")):
                continue
        parts += (body[pos:a], run.translate(_LEET))
        pos = b
    if not parts:
        return token
    parts.append(token[pos:])
    return "".join(parts)


def _deleet(s: str) -> str:
    """Step 7; maps one char to one char, so offsets are unchanged."""
    hint = _LEET_HINT.search(s)
    parts: list[str] = []
    pos = 0
    for _ in range(4):  # rewrite only the space-delimited chunks with a hint (tokens never
        if hint is None:  # span a space) while hints are few, then the whole rest at once
            parts.append(s[pos:])
            return "".join(parts)
        first = s.rfind(" ", 0, hint.start()) + 1
        stop = s.find(" ", hint.end())
        stop = len(s) if stop < 0 else stop
        parts += (s[pos:first], _LEET_TOKEN.sub(_deleet_token, s[first:stop]))
        pos = stop
        hint = _LEET_HINT.search(s, stop)
    parts.append(_LEET_TOKEN.sub(_deleet_token, s[pos:]))
    return "".join(parts)


def _join_edit(m: re.Match[str]) -> list[Edit]:
    """Step 6 for one run of single letters: the joined word, repaired or split into words."""
    step = 1 + len(m["sep"])
    where = range(m.start(), m.end(), step)  # the letters' positions in the text
    run = "".join(m.string[i] for i in where)
    joined = [(m.string[i], i, i + 1) for i in where]
    if run in lexicon() or not run.isascii():
        return joined
    if edits := repair(run):
        return [(c, where[a], where[b - 1] + 1) for c, a, b in edits]
    if m.string[m.start() - 1 : m.start()] in _LINK_CHARS or _LINK_NEXT.match(m.string, m.end()):
        return joined  # part of a domain or path ('f l i p a g r a m . c o m'): no words
    pieces = lexicon().segment(run)
    if not pieces or len(pieces) == 1:
        return joined
    out: list[Edit] = []
    size = 0
    for piece in pieces:
        if size:  # a space where the user put the separator between two words
            out.append((" ", where[size - 1] + 1, where[size]))
        out += joined[size : size + len(piece)]
        size += len(piece)
    return out


def _join_fast(m: re.Match[str]) -> str:
    return "".join(char for char, _, _ in _join_edit(m))


def _repeat_fast(m: re.Match[str]) -> str:
    char = m[1]
    return char + char if char.isalpha() else char if char in _PUNCTUATION else m[0]


def _repeat_edit(m: re.Match[str]) -> Iterable[Edit]:
    char, (a, b) = m[1], m.span()
    if char.isalpha():
        return ((char, a, a + 1), (char, a + 1, b))
    if char in _PUNCTUATION:
        return ((char, a, b),)
    return ((char, i, i + 1) for i in range(a, b))


def _letters(s: str, spans: Spans | None) -> tuple[str, Spans | None]:
    """Steps 5-6: repair, then join letters split apart (before '@u s e r' becomes 'au')."""
    s, spans = _repair(s, spans)
    if (_JOIN_HINT_ASCII if s.isascii() else _JOIN_HINT).search(s):  # s is casefolded
        s, spans = _apply(s, spans, _JOIN, _join_edit, _join_fast)
    return s, spans


def _symbols(s: str, spans: Spans | None) -> tuple[str, Spans | None]:
    """Steps 7-8: leetspeak, then runs."""
    leet = _deleet(s)  # one char for one char: offsets unchanged
    if leet != s:  # what leet symbols it read may complete a word: '$hi7' -> 'shi7' -> 'shit'
        s, spans = _repair(leet, spans)
    return _apply(s, spans, _REPEAT, _repeat_edit, _repeat_fast)


def deobfuscate(s: str, spans: Spans | None) -> tuple[str, Spans | None]:
    """Steps 5-8 on the text between URLs and e-mail addresses (which stay as they are);
    a link that step 6 put together ('h t t p : / / w w w . x . c o m') is kept from 7-8."""
    s, spans = _outside_links(s, spans, _letters)
    return _outside_links(s, spans, _symbols)


def _outside_links(
    s: str, spans: Spans | None, step: Callable[[str, Spans | None], tuple[str, Spans | None]]
) -> tuple[str, Spans | None]:
    if "@" not in s and "://" not in s and "www." not in s:
        return step(s, spans)
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for a, b in [*(m.span() for m in _PROTECTED.finditer(s)), (len(s), len(s))]:
        piece, piece_spans = step(s[pos:a], spans and (spans[0][pos:a], spans[1][pos:a]))
        out += (piece, s[a:b])
        if spans and piece_spans:
            starts += piece_spans[0] + spans[0][a:b]
            ends += piece_spans[1] + spans[1][a:b]
        pos = b
    return "".join(out), spans and (starts, ends)
