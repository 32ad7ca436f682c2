"""Language identification for comments: which language a comment is written in, or undetermined.

The model only knows English, so the policy needs to know when a comment is clearly written in
another language. The risk to avoid is a false alarm: ordinary English comments ('lol', '+1',
slang, typos, capitals, names, obfuscated swearing, a quoted French phrase) must never be
called foreign. So the answer is a language only when the evidence is strong, and otherwise
``code=None`` (undetermined): the caller decides what that means, English is never assumed here.

Library: py3langid 0.4 (a maintained fork of langid.py: naive Bayes over byte n-grams, about 140
language labels, model inside the package, nothing downloaded, deterministic). Chosen with
``bench/language.py``, which puts every candidate behind this module's rule; measured on a
2-core VM, Python 3.11, rule chosen on one sample of English comments and reported on another:

- false non-English on 4,991 English comments sampled from ../shared/data (news, forum and
  social-media comments): 0 (0.00%; the rest: 90% ``en``, 10% undetermined); on 161
  hand-written hard English cases (slang, typos, caps, names, emoji, 'f u c k', quoted
  French): 0;
- foreign sentences named foreign: all 108 hand-written ones of 5+ words in 24 languages, 121
  of 129 with the short ones (the 8 misses are 2-4 word Latin-script exclamations), 93% with
  the right code; 22 of 25 real non-English comments found in the datasets;
- median 70 µs, p99 0.33 ms per comment, 1.0-1.7 ms at 10,000 characters (two runs); 0.4 s to
  load, 75 MB
  RSS. Inside the scoring loop it costs more (about 150 µs a comment on the benchmark corpus):
  the detector's transition table is large and shares the CPU caches with the model's.

Against it: lingua-language-detector in high-accuracy mode behind the same rule names more
short phrases (97% of 129) but takes 0.8 ms a comment, 1 GB RSS and 3 s to load; pycld2 is 4x
faster but calls 'Kuala Lumpur is lovely' and 'Reykjavík in winter is brutal' foreign and gives
no probability to trade that off; lingua's low-accuracy mode, langdetect (random unless
seeded) and cld3 call 0.08-0.4% of English comments, and hard cases, foreign.

Rule, on the prepared text (NFKC; URLs, e-mails, @mentions, #hashtags, HTML, digits removed;
look-alike letters written as Latin when all non-Latin letters are look-alikes):
- fewer than ``MIN_LETTERS`` letters: undetermined;
- mostly letters of a script English does not use (Cyrillic, Arabic, CJK, ...): the detector's
  language, whatever its probability (the script alone rules English out);
- otherwise (Latin script) a language other than English needs at least ``MIN_WORDS`` words,
  a probability of at least ``MIN_PROBABILITY`` (summed over near-identical languages such as
  Indonesian/Malay), and no more than one common English word ('the', 'they', 'has', ...) —
  so a quoted 'je ne sais quoi' or 'c'est la vie' inside English stays undetermined;
- English needs ``MIN_PROBABILITY`` too, else undetermined.

Cost is bounded: the detector reads the first and the last ``SCAN_CHARS`` characters of the
prepared text (cleaned from at most 20,000 characters of the comment), and only
``SHORT_SCAN_CHARS`` of ASCII text with two English marker words in them (the rule can only
call it English or undetermined); a foreign language in either window wins.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import Any

from moderation.normalize.chars import homoglyph as _homoglyph  # the look-alike table

SCAN_CHARS = 300  # the detector reads at most this many characters of prepared text
# ...and this many when the text is ASCII with two English marker words in them (which the
# rule below can only call English or undetermined).
SHORT_SCAN_CHARS = 100
# The comment is cleaned up to this many characters (more than the API accepts), so filler
# before the words (newlines, dots, digits, zero-width characters) cannot push them out of
# sight; the detector then reads the first and the last SCAN_CHARS of what is left.
_RAW_CHARS = 20_000
MIN_LETTERS = 3
MIN_WORDS = 4  # Latin-script text needs this many words to be called foreign
MIN_PROBABILITY = 0.6
# Latin words that make mixed-script text English when they read as English on their own
# ("fuck you idiot" padded with Chinese characters is an English insult).
MIXED_MIN_WORDS = 3

_NOISE = re.compile(
    r"<[^<>\n]{0,200}>"  # HTML tags
    r"|&#?\w{1,10};"  # HTML entities
    r"|(?:https?://|www\.)\S*"  # URLs
    r"|(?<!\S)[^\s@]*+@\S*"  # e-mail addresses, @mentions
    r"|#\w+"  # hashtags
    r"|(?<!\S)[^\s.]++(?:\.[^\s.]++)*?\.(?:com|org|net|edu|gov|io|co|uk|ly|me|tv|info|biz)\b\S*",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")
# Spaced-out letters ('f u c k', 's.h.i.t') joined into one word.
_SPACED = re.compile(r"(?<![A-Za-z])(?:[A-Za-z][ .*_-]+){2,}[A-Za-z](?![A-Za-z])")
_NON_LETTER = re.compile(r"[^A-Za-z]+")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")

# Common English words that are not everyday words of another Latin-script language (so not
# 'a', 'in', 'is', 'to', 'me', 'no', 'so', 'on', 'die', 'war', ...).
_ENGLISH_MARKERS = frozenset(
    """the they them their there he's she he has have had hasn't haven't you your you're yours
    this that these those with what which who whom would should could will won't just like from
    about been being were was wasn't are aren't isn't it's i'm i've i'd don't doesn't didn't
    can't cannot couldn't shouldn't wouldn't and but not because when where why how think know
    say said says want need people really very much guess anyway""".split()  # noqa: SIM905
)
# Labels of the detector mapped to ISO 639-1 (the others are ISO 639-1 already, or ISO 639-3
# for languages without a two-letter code).
_ISO = {"ary": "ar", "arz": "ar", "yue": "zh", "wuu": "zh", "uzs": "uz", "hbo": "he", "iw": "he"}
# Labels that never make a comment foreign: unknown or no language content, Scots, and
# Nigerian Pidgin (English-based; detectors pick them for African-American English and slang).
_NOT_FOREIGN = frozenset({"zxx", "pcm", "sco", "un", "und", "xx", "xxx"})
# Near-identical languages and dialect labels: their probabilities are summed.
NEAR_IDENTICAL = (
    frozenset({"ar", "ary", "arz"}),
    frozenset({"zh", "yue", "wuu"}),
    frozenset({"id", "ms"}),
    frozenset({"bs", "hr", "sr"}),
    frozenset({"da", "no", "nn"}),
    frozenset({"cs", "sk"}),
    frozenset({"gl", "pt"}),
)


@dataclass(frozen=True, slots=True)
class DetectedLanguage:
    """``code``: ISO 639-1, lower case (ISO 639-3 for a language without one); None when
    undetermined. ``confidence``: the detector's probability for ``code``; 0.0 when None."""

    code: str | None
    confidence: float


UNDETERMINED = DetectedLanguage(None, 0.0)

_lock = threading.Lock()
_model: Any = None


def _identifier() -> Any:
    """The py3langid identifier, loaded once (about 0.4 s) on first use."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                _model = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return _model


def warm_up() -> None:
    """Load the model now instead of on the first comment; the API calls this at start-up."""
    detect("Warm up the language model, please.")


def prepare(text: str) -> str:
    """The text the detector reads first: the head window of `_windows`."""
    return _windows(text)[0]


def _windows(text: str) -> list[str]:
    """The text cleaned for the detector (NFKC; URLs, e-mails, @mentions, #hashtags, HTML,
    digits and invisible characters removed; spaced-out letters joined; whitespace collapsed),
    as its first ``SCAN_CHARS`` and, when longer, its last ``SCAN_CHARS`` too."""
    text = text[:_RAW_CHARS]
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)  # fullwidth and styled letters to plain
    cleaned = _DIGITS.sub("", _NOISE.sub(" ", text))  # 'sh1t' -> 'sht'
    cleaned = _SPACED.sub(lambda m: _NON_LETTER.sub("", m[0]), cleaned)
    cleaned = " ".join(cleaned.split())
    if not cleaned.isprintable():  # control, format, private-use, unassigned characters
        cleaned = " ".join("".join(ch for ch in cleaned if ch.isprintable()).split())
    windows = [cleaned[:SCAN_CHARS]]
    if len(cleaned) > SCAN_CHARS:
        windows.append(cleaned[-SCAN_CHARS:])
    return [w if w.isascii() else _latin_lookalikes(w) for w in windows]


def _count_letters(text: str) -> int:
    return sum(map(str.isalpha, text))


def _is_latin(char: str) -> bool:
    return char.isascii() or unicodedata.name(char, "").startswith("LATIN")


def _latin_lookalikes(text: str) -> str:
    """``text`` with look-alike letters written as Latin ('ѕһіt' -> 'shit') when every
    non-Latin letter in it is a look-alike; else unchanged (a Russian sentence has letters
    such as 'д' or 'я' that look like no Latin letter)."""
    out = []
    for char in text:
        if char.isalpha() and not _is_latin(char):
            latin = _homoglyph(char)
            if latin is None:
                return text
            char = latin
        out.append(char)
    return "".join(out)


def _classify(prepared: str) -> tuple[str, float]:
    """py3langid's best label and probability, summed over near-identical languages."""
    identifier = _identifier()
    label, prob = identifier.classify(prepared)
    cluster = next((c for c in NEAR_IDENTICAL if label in c), None)
    if cluster is not None:
        prob = sum(p for other, p in identifier.rank(prepared) if other in cluster)
    return str(label), float(prob)


def decide(
    prepared: str,
    label: str | None,
    confidence: float,
    *,
    min_words: int = MIN_WORDS,
    min_confidence: float = MIN_PROBABILITY,
) -> DetectedLanguage:
    """The rule (see the module docstring) applied to a detector's best ``label`` for
    ``prepared`` text; kept apart from the library so ``bench/language.py`` can put every
    candidate library behind the same rule."""
    letters = prepared if prepared.isascii() else [ch for ch in prepared if ch.isalpha()]
    n_letters = _count_letters(prepared)
    if label is None or n_letters < MIN_LETTERS:
        return UNDETERMINED
    code = label.split("-")[0].lower()
    code = _ISO.get(code, code)
    if code in _NOT_FOREIGN:
        return UNDETERMINED
    if code == "en":
        return DetectedLanguage("en", confidence) if confidence >= min_confidence else UNDETERMINED
    if not prepared.isascii() and sum(not _is_latin(ch) for ch in letters) * 2 > n_letters:
        if _english_inside(prepared, MIXED_MIN_WORDS):
            return UNDETERMINED  # English padded with another script is still read as English
        return DetectedLanguage(code, confidence)  # a script English is not written in
    words = _WORD.findall(prepared)
    if (
        len(words) < min_words
        or sum(w.lower().replace("’", "'") in _ENGLISH_MARKERS for w in words) > 1
    ):
        return UNDETERMINED
    return DetectedLanguage(code, confidence) if confidence >= min_confidence else UNDETERMINED


def _english_inside(prepared: str, min_words: int) -> bool:
    """Whether the Latin-script words of mixed-script text are English on their own: at least
    ``min_words`` of them, with two English marker words or English as the detector's best
    guess (at any probability: a short run of insults is English by nothing else)."""
    words = [w for w in _WORD.findall(prepared) if all(_is_latin(ch) for ch in w)]
    if len(words) < min_words:
        return False
    if sum(w.lower().replace("’", "'") in _ENGLISH_MARKERS for w in words) > 1:
        return True
    label, _ = _identifier().classify(" ".join(words))
    return str(label) == "en"


def detect(text: str) -> DetectedLanguage:
    """The language ``text`` is written in, or undetermined (``code=None``). Deterministic.

    A long comment is read at its start and at its end, and a foreign language found in
    either wins: English padding before or after a comment does not hide it."""
    windows = _windows(text)
    found = _detect_window(windows[0])
    if len(windows) > 1 and found.code in (None, "en"):
        tail = _detect_window(windows[1])
        if tail.code not in (None, "en"):
            return tail
    return found


def _detect_window(prepared: str) -> DetectedLanguage:
    if _count_letters(prepared) < MIN_LETTERS:
        return UNDETERMINED
    if prepared.isascii() and _english_markers(prepared[:SHORT_SCAN_CHARS]) > 1:
        # The rule can only answer English or undetermined for such text, so the detector
        # reads a short prefix: it is the costliest step of scoring a comment otherwise.
        return decide(prepared, *_classify(prepared[:SHORT_SCAN_CHARS]))
    return decide(prepared, *_classify(prepared))


def _english_markers(text: str) -> int:
    return sum(w.lower() in _ENGLISH_MARKERS for w in _WORD.findall(text))
