"""The Surge AI obscenity lexicon (`raw/surge_profanity/profanity_en.csv`) and whole-word matching.

`load_lexicon` maps each lower-cased term to the set of *kinds* it signals:

- `sexual` ("sexual anatomy / sexual acts"), `bodily` ("bodily fluids / excrement"),
  `slur` ("racial / ethnic slurs"), `insult` ("other / general insult"), from category_1..3;
- `swear` for every Strong/Severe term that is not a slur, and always for the plain swear words
  (fuck, shit, damn, crap, hell, bitch, bastard, ass, piss, their inflections and a few fixed
  compounds such as "asshole" and "bullshit").

The plain swear words are expletives first: "fuck off" and "this is shit" are profanity, not
crude sexual or bodily content. Surge files "fuck" and "ass" under sexual anatomy and "shit" and
"piss" under bodily fluids, which would make every swear a vulgarity, so by default the
sexual/bodily kinds of these words and of every variant whose canonical forms are only plain
swear words ("fuck off", "stfu", "fck") are dropped (`expletives_are_vulgar=True` keeps them).
`AMBIGUOUS_TERMS`, everyday words listed for a rare vulgar sense ("suck", "finger", "sack"), are
left out.

Canonical forms (`canonical_form_1..3`) that are not themselves listed terms are added with the
kinds of most of their variants, never `slur` or `swear`: the canonical form of a slur is
often the neutral identity word it distorts ("jew", "gay"), and a few everyday nouns ("meat",
"wound", "sex") are left out entirely.

`lexicon_kinds` matches whole words case-insensitively (multi-word terms allow any whitespace
between words) with one compiled trie-shaped regular expression per lexicon.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from training.sources.common import raw_dir

LEXICON_FILE = "surge_profanity/profanity_en.csv"
KINDS = frozenset({"swear", "sexual", "bodily", "slur", "insult"})
VULGAR_KINDS = frozenset({"sexual", "bodily"})

_CATEGORY_KINDS = {
    "sexual anatomy / sexual acts": "sexual",
    "bodily fluids / excrement": "bodily",
    "racial / ethnic slurs": "slur",
    "other / general insult": "insult",
}
_SWEAR_SEVERITIES = frozenset({"Strong", "Severe"})


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


PLAIN_SWEARS: frozenset[str] = _words(
    """
    fuck fucks fucked fucking fuckin fucker fuckers fuckery
    shit shits shitty shitting shitted shite shitter bullshit
    damn damns damned damning dammit damnit goddamn goddamned goddamnit
    crap craps crappy crapped crapping
    hell hells
    bitch bitches bitching bitchin bitchy bitched
    bastard bastards
    ass asses asshole assholes
    piss pisses pissed pissing pisser
    """
)
_PLAIN_BASES = _words("fuck shit damn crap hell bitch bastard ass piss")
# everyday words that the lexicon lists for a rare vulgar sense ("this sucks", "a sack of rice")
AMBIGUOUS_TERMS = _words(
    """
    suck sucks finger peter sack nip slit bbc 69 nuggets hustler tramp forked knob snatch tart
    ape sheet buttermilk knickers swine
    """
)
_CANONICAL_STOPLIST = _words("meat wound sex breast loose bang spank ape pig bum nymph scum")

Lexicon = dict[str, set[str]]


def _norm_term(term: str) -> str:
    return " ".join(term.lower().split())


def load_lexicon(data_dir: Path | str, *, expletives_are_vulgar: bool = False) -> Lexicon:
    """Read the Surge lexicon under `data_dir` into {lower-cased term: kinds}."""
    path = raw_dir(data_dir) / LEXICON_FILE
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    lexicon: Lexicon = {}
    canonical: dict[str, list[set[str]]] = {}
    for row in frame.itertuples(index=False):
        term = _norm_term(row.text)
        if not term:
            continue
        kinds = {
            _CATEGORY_KINDS[c]
            for c in (row.category_1, row.category_2, row.category_3)
            if c in _CATEGORY_KINDS
        }
        if row.severity_description.strip() in _SWEAR_SEVERITIES and "slur" not in kinds:
            kinds.add("swear")
        forms = [
            _norm_term(f)
            for f in (row.canonical_form_1, row.canonical_form_2, row.canonical_form_3)
            if _norm_term(f)
        ]
        if forms and set(forms) <= _PLAIN_BASES and not expletives_are_vulgar:
            kinds = (kinds - VULGAR_KINDS) | {"swear"}  # "fuck off", "stfu", "fck": expletives
        lexicon.setdefault(term, set()).update(kinds)
        for form in forms:
            canonical.setdefault(form, []).append(kinds - {"swear", "slur"})
    for form, variant_kinds in canonical.items():
        if form in lexicon or form in PLAIN_SWEARS or form in _CANONICAL_STOPLIST:
            continue
        shared = {k for k in KINDS if 2 * sum(k in v for v in variant_kinds) > len(variant_kinds)}
        if shared:
            lexicon[form] = shared
    for word in PLAIN_SWEARS:
        kinds = lexicon.setdefault(word, set())
        if not expletives_are_vulgar:
            kinds -= VULGAR_KINDS
        kinds.add("swear")
    return {t: kinds for t, kinds in lexicon.items() if kinds and t not in AMBIGUOUS_TERMS}


def _trie_regex(terms: Iterable[str]) -> str:
    """One regex alternation shaped like a trie: fast, and longest term first at each start."""
    trie: dict[str, dict] = {}
    for term in terms:
        node = trie
        for char in term:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        alternatives = [
            (r"\s+" if char == " " else re.escape(char)) + build(child)
            for char, child in sorted(node.items())
            if char
        ]
        if not alternatives:
            return ""
        body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
        if "" in node:
            return f"(?:{body})?"
        return body

    return r"(?<!\w)(?:" + build(trie) + r")(?!\w)"


_Compiled = tuple[re.Pattern[str], dict[str, set[str]]]
_MATCHERS: dict[int, tuple[Mapping[str, set[str]], int, _Compiled]] = {}


def _compiled(lexicon: Mapping[str, set[str]]) -> _Compiled:
    """The regex and normalised-term table for `lexicon`, cached per object (do not mutate it)."""
    cached = _MATCHERS.get(id(lexicon))
    if cached is not None and cached[0] is lexicon and cached[1] == len(lexicon):
        return cached[2]
    table: dict[str, set[str]] = {}
    for term, kinds in lexicon.items():
        if _norm_term(term):
            table.setdefault(_norm_term(term), set()).update(kinds)
    compiled = (re.compile(_trie_regex(table), re.IGNORECASE), table)
    _MATCHERS[id(lexicon)] = (lexicon, len(lexicon), compiled)
    return compiled


def lexicon_matches(text: str, lexicon: Mapping[str, set[str]]) -> list[tuple[int, int, str]]:
    """Whole-word lexicon terms in `text` as (start, end, term), the longest at each word start."""
    if not lexicon:
        return []
    pattern = _compiled(lexicon)[0]
    found: list[tuple[int, int, str]] = []
    pos = 0
    while (match := pattern.search(text, pos)) is not None:
        found.append((match.start(), match.end(), _norm_term(match.group())))
        pos = match.start() + 1
    return found


def lexicon_kinds(text: str, lexicon: Mapping[str, set[str]]) -> set[str]:
    """The union of the kinds of every lexicon term found in `text` (whole words, any case)."""
    kinds: set[str] = set()
    if not lexicon:
        return kinds
    table = _compiled(lexicon)[1]
    for _, _, term in lexicon_matches(text, lexicon):
        kinds |= table.get(term, set())
    return kinds
