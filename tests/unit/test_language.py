"""Language identification: English never called foreign, clear foreign sentences named."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from moderation.language import (
    SCAN_CHARS,
    DetectedLanguage,
    detect,
    prepare,
    warm_up,
)

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "languages.jsonl"
ROWS = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
ENGLISH = [row["text"] for row in ROWS if row["lang"] == "en"]
FOREIGN = [(row["lang"], row["text"]) for row in ROWS if row["lang"] != "en"]
# Same language for the policy's purpose; the detector may name either.
NEAR = {"id": {"id", "ms"}, "no": {"no", "nb", "da"}, "cs": {"cs", "sk"}}


def _long_enough(text: str) -> bool:
    """Five words or more (Chinese and Japanese: ten characters or more)."""
    return len(text.split()) >= 5 or (len(text) >= 10 and not text.isascii() and " " not in text)


@pytest.mark.parametrize("text", ENGLISH)
def test_hard_english_is_english_or_undetermined(text: str) -> None:
    assert detect(text).code in (None, "en")


@pytest.mark.parametrize(
    ("lang", "text"), [(lang, text) for lang, text in FOREIGN if _long_enough(text)]
)
def test_clear_foreign_sentence_is_named(lang: str, text: str) -> None:
    found = detect(text)
    assert found.code in NEAR.get(lang, {lang}), found
    assert found.confidence >= 0.5


def test_most_short_foreign_phrases_in_other_scripts_are_named() -> None:
    short = [(lang, t) for lang, t in FOREIGN if not _long_enough(t) and not t.isascii()]
    named = [lang for lang, t in short if detect(t).code == lang]
    assert len(named) >= len(short) // 2


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("de", "Das ist doch völliger Unsinn, was die Regierung da macht."),
        ("es", "No entiendo por qué nadie habla de los precios de la vivienda."),
        ("fr", "Je ne comprends pas pourquoi les journalistes ne posent jamais les questions."),
        ("pl", "Nie rozumiem, dlaczego nikt o tym nie pisze w gazetach."),
        ("tr", "Hükümet ekonomiyi mahvetti, herkes çok zor durumda."),
        ("ru", "Почему никто не пишет о настоящих проблемах?"),
        ("ar", "لماذا لا يتحدث أحد عن ارتفاع الأسعار؟"),
        ("zh", "为什么没有人报道房价的问题？"),
    ],
)
def test_urls_mentions_and_digits_do_not_sway_it(lang: str, text: str) -> None:
    noisy = f"@the_editor {text} https://www.example.com/the-news/today 2024 #breaking"
    assert detect(noisy).code == lang


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "😂😂😂",
        "👍 🔥 ❤️",
        "2024",
        "+1",
        "10/10 100%",
        "https://www.example.com/une-page-en-francais/avec-des-mots",
        "@jean_dupont @marie_curie",
        "\u200b\u200b\x00",
    ],
)
def test_no_letters_is_undetermined(text: str) -> None:
    assert detect(text) == DetectedLanguage(None, 0.0)


@pytest.mark.parametrize(
    "text",
    [
        "ѕһіt",  # Cyrillic look-alike letters
        "уоu аrе а ѕһіt hеаd",
        "Ｙｏｕ ａｒｅ ａｌｌ ｃｌｏｗｎｓ ｈｅｒｅ",  # fullwidth
        "f u c k  t h i s  a r t i c l e",
        "𝔗𝔥𝔦𝔰 𝔦𝔰 𝔞 𝔰𝔠𝔞𝔪 𝔞𝔯𝔱𝔦𝔠𝔩𝔢",  # mathematical letters
    ],
)
def test_disguised_english_is_not_foreign(text: str) -> None:
    assert detect(text).code in (None, "en")


def test_ordinary_english_sentence_is_english() -> None:
    found = detect("I read the whole article and I still do not understand the council's plan.")
    assert found.code == "en"
    assert found.confidence >= 0.9


def test_undetermined_has_zero_confidence() -> None:
    assert detect("lol") == DetectedLanguage(None, 0.0)


def test_deterministic() -> None:
    texts = [text for _, text in FOREIGN] + ENGLISH
    first = [detect(t) for t in texts]
    assert [detect(t) for t in reversed(texts)] == first[::-1]


def test_long_input_is_bounded() -> None:
    sentence = "Die Politiker lügen doch alle, egal welche Partei. "
    huge = sentence * 40_000  # about 2 million characters
    # The work is bounded by construction: only a prefix of the comment is ever read.
    assert len(prepare(huge)) <= SCAN_CHARS
    assert detect(huge).code == "de"
    no_spaces = "x" * 1_000_000 + "@" + "y." * 500_000
    assert len(prepare(no_spaces)) <= SCAN_CHARS
    assert detect(no_spaces).code is None


def test_prepare_removes_what_should_not_count() -> None:
    text = "See https://t.co/x and www.nytimes.com or me@x.org, @bob #tag <b>sh1t</b> &amp; 42"
    assert prepare(text) == "See and or sht"


def test_warm_up_loads_the_model() -> None:
    warm_up()
    assert detect("Ich stimme dem Autor vollkommen zu, danke.").code == "de"


def test_result_is_frozen() -> None:
    found = detect("Merci pour cet article très intéressant, vraiment.")
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.code = "en"  # type: ignore[misc]


@pytest.mark.parametrize(
    "text",
    [
        "you fucking idiot, shut up you stupid moron " + "好" * 40,
        "fucking idiot stupid moron " + "好" * 60,
        "kill yourself loser, nobody wants you here " + "Привет " * 20,
    ],
)
def test_english_padded_with_another_script_is_not_foreign(text: str) -> None:
    assert detect(text).code is None


@pytest.mark.parametrize(
    "padding",
    ["\n" * 1200, " . " * 1200, "\u200b" * 2000, "1234567890" * 150, "lol " * 400],
)
def test_filler_before_or_after_a_comment_does_not_hide_its_language(padding: str) -> None:
    russian = "Ты тупой идиот, заткнись уже наконец и убирайся отсюда"
    assert detect(padding + russian).code == "ru"
    assert detect(russian + padding).code == "ru"
