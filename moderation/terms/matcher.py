"""Whole-word matching of every active term list against one normalised comment.

Terms are compiled into a map from their first word to the full word sequences starting with
it, so a comment costs one pass over its words plus a dict lookup per word, however many terms
the site has. Terms in scripts written without spaces (Chinese, Japanese, Thai, ...) have no
word boundaries to match at: they match wherever their characters appear, overlapping ones
included, through a map from first character to terms. Matches are in normalised-text offsets;
the Moderator maps them back.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass, field

from moderation.categories import Category
from moderation.features import WORD_RE
from moderation.normalize import normalize
from moderation.policy import Action
from moderation.terms.model import TermList, match_form, term_words


@dataclass(frozen=True, slots=True)
class DenyHit:
    """A deny term found in the normalised text at [start, end)."""

    start: int
    end: int
    list_name: str
    term: str
    category: Category
    action: Action

    @property
    def source(self) -> str:
        return f"list:{self.list_name}"


@dataclass(frozen=True, slots=True)
class TermMatches:
    deny: list[DenyHit] = field(default_factory=list)
    allow: list[tuple[int, int]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.deny or self.allow)


NO_MATCHES = TermMatches()


@dataclass(frozen=True, slots=True)
class _Entry:
    words: tuple[str, ...]
    list_name: str
    term: str
    kind: str
    category: Category | None
    action: Action


# Scripts written without spaces between words.
_UNSPACED = (
    "CJK", "IDEOGRAPHIC", "HIRAGANA", "KATAKANA", "THAI", "LAO", "KHMER", "MYANMAR", "TIBETAN",
)  # fmt: skip


def is_unspaced(words: tuple[str, ...]) -> bool:
    """Whether a term's letters are all of scripts written without spaces."""
    letters = [ch for ch in "".join(words) if ch.isalpha() or ch == "々"]
    return bool(letters) and all(unicodedata.name(ch, "").startswith(_UNSPACED) for ch in letters)


class CompiledLists:
    """The active lists, compiled for matching, with a digest that versions them: the digest
    covers what the lists say (names, kinds, terms), so identical rules give one version."""

    def __init__(self, lists: list[TermList]) -> None:
        self.lists = sorted(lists, key=lambda t: t.name)
        self._by_first: dict[str, list[_Entry]] = {}
        self._by_string: dict[str, list[_Entry]] = {}
        for term_list in self.lists:
            for term in term_list.terms:
                words = term_words(term.term)
                entry = _Entry(
                    words,
                    term_list.name,
                    term.term,
                    term_list.kind,
                    term.category,
                    term.action or "flag",
                )
                if is_unspaced(words):
                    # The normalised term itself, marks included (Thai vowels are not \w).
                    string = "".join(match_form(normalize(term.term)).split())
                    self._by_string.setdefault(string, []).append(entry)
                else:
                    self._by_first.setdefault(words[0], []).append(entry)
        for entries in self._by_first.values():
            entries.sort(key=lambda e: -len(e.words))  # longest phrase first
        self._by_first_char: dict[str, list[str]] = {}
        for string in sorted(self._by_string, key=len, reverse=True):
            self._by_first_char.setdefault(string[0], []).append(string)
        canonical = json.dumps(
            [t.model_dump(mode="json", exclude={"revision", "updated_at"}) for t in self.lists],
            sort_keys=True,
        )
        self.digest = hashlib.sha256(canonical.encode()).hexdigest()[:8]

    def match(self, normalized: str) -> TermMatches:
        """Every deny hit and allow span in normalised text, at word boundaries."""
        if not self._by_first and not self._by_first_char:
            return NO_MATCHES
        by_first = self._by_first
        text = match_form(normalized)
        found = [(m.group(), m.start(), m.end()) for m in WORD_RE.finditer(text)]
        words = [w for w, _, _ in found]
        deny: list[DenyHit] = []
        allow: list[tuple[int, int]] = []
        if self._by_first_char and not text.isascii():
            for start, char in enumerate(text):
                for string in self._by_first_char.get(char, ()):
                    if text.startswith(string, start):
                        for entry in self._by_string[string]:
                            self._record(entry, start, start + len(string), deny, allow)
        for i, word in enumerate(words):
            entries = by_first.get(word)
            if entries is None:
                continue
            for entry in entries:
                n = len(entry.words)
                if tuple(words[i : i + n]) != entry.words:
                    continue
                self._record(entry, found[i][1], found[i + n - 1][2], deny, allow)
        if not deny and not allow:
            return NO_MATCHES
        return TermMatches(deny=deny, allow=allow)

    @staticmethod
    def _record(
        entry: _Entry, start: int, end: int, deny: list[DenyHit], allow: list[tuple[int, int]]
    ) -> None:
        if entry.kind == "allow":
            allow.append((start, end))
        elif entry.category is not None:
            deny.append(
                DenyHit(start, end, entry.list_name, entry.term, entry.category, entry.action)
            )
