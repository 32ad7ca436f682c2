"""The registry of public datasets: files under `raw/`, license, label mapping and loader.

`SOURCES` maps each dataset name to its `SourceInfo`. The `mapping` texts go into the model card
verbatim, so they state every lossy choice and why it was made.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from training.sources.lexicon import LEXICON_FILE
from training.sources.news import (
    load_convabuse,
    load_impermium_insults,
    load_ruddit,
    load_socc_ctc,
    load_stormfront_hate,
    load_toxic_spans,
)
from training.sources.social import (
    load_davidson,
    load_ethos,
    load_gab_hate_corpus,
    load_implicit_hate,
    load_olid,
    load_youtoxic,
)
from training.sources.spam_pii import (
    load_presidio_synth_pii,
    load_sms_spam,
    load_youtube_spam,
)

Loader = Callable[[Path | str], pd.DataFrame]


@dataclass(frozen=True, kw_only=True)
class SourceInfo:
    """One public dataset: its files under `raw/`, license and how its labels map to ours.

    `files` includes the Surge lexicon for the sources whose mapping uses it, so its hash is
    recorded with theirs.
    """

    name: str
    files: tuple[str, ...]
    license: str
    commercial_ok: bool
    mapping: str
    loader: Loader


_SOURCE_LIST = [
    SourceInfo(
        name="davidson",
        files=("davidson/labeled_data.csv", LEXICON_FILE),
        license="MIT",
        commercial_ok=True,
        mapping=(
            "Tweets by majority class. Hate (0) -> racism 1 (the class also holds sexist and "
            "homophobic hate, so this over-reaches). Offensive (1) -> racism 0, profanity 1 when "
            "the tweet has a swear word of the Surge lexicon and vulgarity 1 when it has a sexual "
            "or bodily term, both otherwise unknown (the class mixes swearing, slurs and insults, "
            "so a missing word is not evidence of absence); discourtesy unknown. Neither (2) -> "
            "all seven 0. Doxing and spam 0 throughout. RT @user: prefixes stripped, mentions -> "
            "@USER, HTML entities decoded. The other categories are unknown (NaN). 'Swear word' "
            "follows the lexicon: plain expletives (fuck, shit, ass and their variants) count as "
            "swearing only, not as sexual or bodily terms."
        ),
        loader=load_davidson,
    ),
    SourceInfo(
        name="ethos",
        files=("ethos/Ethos_Dataset_Binary.csv", "ethos/Ethos_Dataset_Multi_Label.csv"),
        license="GNU GPL v3",
        commercial_ok=True,
        mapping=(
            "isHate < 0.5 -> all seven 0. Hateful comments are typed through the multi-label file "
            "(joined on letters and digits of the text): violence = violence >= 0.5, racism = "
            "max(race, national_origin, religion) >= 0.5, discourtesy 1 when directed at a person "
            "(directed_vs_generalized >= 0.5), unknown when aimed at a group. Hateful comments "
            "missing from the multi-label file keep only doxing 0 and spam 0. Profanity and "
            "vulgarity are not annotated, so unknown on hateful rows."
        ),
        loader=load_ethos,
    ),
    SourceInfo(
        name="toxic_spans",
        files=(
            "toxic_spans/comments.csv",
            "toxic_spans/annotations.csv",
            "toxic_spans/spans.csv",
            LEXICON_FILE,
        ),
        license="CC0 1.0 Universal",
        commercial_ok=True,
        mapping=(
            "Civil Comments that were already judged toxic; a category is 1 when at least 2 "
            "distinct raters marked a span of its type (Threat -> violence, Identity based Attack "
            "-> racism, Profane/Obscene -> profanity, Insult -> discourtesy), 0 when no rater "
            "did (on a toxic post the useful signal is which kind it is) and unknown when a "
            "lone rater did (one of three raters is too weak to call either way). Vulgarity 1 when "
            "Profane/Obscene is marked and the comment has a sexual or bodily lexicon term, 0 "
            "when nobody marked Profane/Obscene, else unknown. Other Toxicity is ignored. Doxing "
            "and spam 0. Groups are comment ids."
        ),
        loader=load_toxic_spans,
    ),
    SourceInfo(
        name="olid",
        files=("olid/olid-training-v1.0.tsv",),
        license="CC BY 4.0",
        commercial_ok=True,
        mapping=(
            "NOT -> all seven 0. OFF + UNT (untargeted) -> profanity 1. OFF + TIN + IND (targeted "
            "at an individual) -> discourtesy 1. OFF + TIN + GRP/OTH say nothing specific (the "
            "group need not be racial), so only doxing 0 and spam 0 are kept for every OFF tweet. "
            "The other categories are unknown (NaN). The CSV quoting left in some tweets is "
            "undone."
        ),
        loader=load_olid,
    ),
    SourceInfo(
        name="gab_hate_corpus",
        files=("gab_hate_corpus/ghc_train.tsv", "gab_hate_corpus/ghc_test.tsv", LEXICON_FILE),
        license="none stated",
        commercial_ok=False,
        mapping=(
            "Rows with hd = cv = vo = 0 -> all seven 0. Otherwise violence = cv, racism = hd "
            "(assault on human dignity is wider than racism: a deliberate over-reach), vulgarity "
            "= vo, profanity 1 when vo and a lexicon swear word, else unknown; discourtesy "
            "unknown; doxing and spam 0."
        ),
        loader=load_gab_hate_corpus,
    ),
    SourceInfo(
        name="implicit_hate",
        files=(
            "implicit_hate/implicit_hate_v1_stg1_posts.tsv",
            "implicit_hate/implicit_hate_v1_stg2_posts.tsv",
        ),
        license="CC BY 4.0",
        commercial_ok=True,
        mapping=(
            "Stage 1: not_hate -> racism 0 and violence 0; explicit_hate -> racism 1 (mostly "
            "white-supremacist rhetoric on race, religion and immigration); implicit_hate -> "
            "racism 1 only when its stage-2 class (primary or extra) is an attack on the group "
            "(stereotypical, inferiority, incitement, threatening), else unknown: white "
            "grievance, irony and unclassified implicit posts are resentment or sarcasm that "
            "the policy's 'attacks on people for race, ethnicity, nationality or religion' "
            "does not clearly cover. "
            "Stage 2 joined on the post text: threatening or incitement (as primary or extra "
            "class) -> violence 1, any other class -> violence 0; hateful posts without a stage-2 "
            "class have violence unknown. The other categories are unknown (NaN), doxing and spam "
            "included: these tweets were not checked."
        ),
        loader=load_implicit_hate,
    ),
    SourceInfo(
        name="youtube_spam",
        files=(
            "youtube_spam/Youtube01-Psy.csv",
            "youtube_spam/Youtube02-KatyPerry.csv",
            "youtube_spam/Youtube03-LMFAO.csv",
            "youtube_spam/Youtube04-Eminem.csv",
            "youtube_spam/Youtube05-Shakira.csv",
        ),
        license="none stated",
        commercial_ok=False,
        mapping=(
            "spam = CLASS. Ham comments are also violence 0, racism 0 and doxing 0; the rest is "
            "unknown (ham can still be rude or profane). HTML tags dropped, entities decoded, "
            "trailing U+FEFF stripped."
        ),
        loader=load_youtube_spam,
    ),
    SourceInfo(
        name="sms_spam",
        files=("sms_spam/SMSSpamCollection",),
        license="none stated",
        commercial_ok=False,
        mapping=(
            "spam = (label == 'spam'); doxing 0 (premium-rate numbers in spam are not personal "
            "data). The other categories are unknown (NaN). SMS, not comments: extra spam "
            "examples only."
        ),
        loader=load_sms_spam,
    ),
    SourceInfo(
        name="presidio_synth_pii",
        files=("presidio_synth_pii/synth_dataset_v2.json",),
        license="MIT",
        commercial_ok=True,
        mapping=(
            "Synthetic sentences. doxing 1 when a record has a PHONE_NUMBER, STREET_ADDRESS, "
            "EMAIL_ADDRESS, CREDIT_CARD, US_SSN, IBAN_CODE, IP_ADDRESS or US_DRIVER_LICENSE span, "
            "0 when it has no span at all, unknown when it only names people, places, "
            "organisations or dates (a name alone is not doxing). The other six categories 0. "
            "Grouped by template_id, since sentences of one template differ only in the fake "
            "values."
        ),
        loader=load_presidio_synth_pii,
    ),
    SourceInfo(
        name="socc_ctc",
        files=("socc_ctc/SFU_constructiveness_toxicity.csv",),
        license="CC BY-NC-SA 4.0",
        commercial_ok=False,
        mapping=(
            "Most popular toxicity answer 1 (not toxic) -> all seven 0: real news comments, the "
            "cleanest negatives we have. 2-4 (mildly to very toxic) -> discourtesy 1, doxing and "
            "spam 0; no sub-types are given. The other categories are unknown (NaN)."
        ),
        loader=load_socc_ctc,
    ),
    SourceInfo(
        name="impermium_insults",
        files=(
            "impermium_insults/train.csv",
            "impermium_insults/test_with_solutions.csv",
            "impermium_insults/impermium_verification_labels.csv",
        ),
        license="none stated",
        commercial_ok=False,
        mapping=(
            "Insult 1 -> discourtesy 1 (doxing and spam 0). Insult 0 -> discourtesy, violence, "
            "racism, spam and doxing 0; profanity and vulgarity unknown because swearing alone "
            "did not make a comment an insult. Insults at people outside the thread were labelled "
            "0 by the annotators, so some discourtesy negatives are noisy. Quotes and escapes "
            "decoded; the three files are deduplicated on exact text and texts with conflicting "
            "labels dropped."
        ),
        loader=load_impermium_insults,
    ),
    SourceInfo(
        name="ruddit",
        files=("ruddit/ruddit_with_text.csv",),
        license="none stated",
        commercial_ok=False,
        mapping=(
            "offensiveness_score >= 0.5 -> discourtesy 1 (doxing and spam 0); <= 0 -> "
            "discourtesy, violence, racism, spam and doxing 0; the graded middle (0, 0.5) is "
            "dropped as ambiguous. [deleted]/[removed] bodies dropped. Grouped by Reddit thread "
            "(post_id). The other categories are unknown (NaN). The MIT license covers only the "
            "ids and scores, not this rehydrated text."
        ),
        loader=load_ruddit,
    ),
    SourceInfo(
        name="stormfront_hate",
        files=("stormfront_hate/stormfront_sentences_combined.csv",),
        license="CC BY-SA 3.0 Spain",
        commercial_ok=True,
        mapping=(
            "Sentence labels: hate -> racism 1, noHate -> racism 0; relation and idk/skip "
            "dropped. Hate here is mostly about race, ethnicity, Jews and immigrants. Even noHate "
            "sentences come from a white-supremacist forum, so they only teach racism, not "
            "general cleanliness. The other categories are unknown (NaN). Grouped by post "
            "(file_id before '_')."
        ),
        loader=load_stormfront_hate,
    ),
    SourceInfo(
        name="convabuse",
        files=(
            "convabuse/ConvAbuseEMNLPtrain.csv",
            "convabuse/ConvAbuseEMNLPvalid.csv",
            "convabuse/ConvAbuseEMNLPtest.csv",
        ),
        license="CC BY 4.0",
        commercial_ok=True,
        mapping=(
            "User turns to chatbots. Abusive when at least half of the annotators who labelled "
            "the row chose -1, -2 or -3 (first value of repeat annotations). Not abusive -> all "
            "seven 0. Abusive -> discourtesy 1, vulgarity 1 when at least half marked "
            "sex_harassment, racism 1 when at least half marked racist (else unknown: the type "
            "lists are not exhaustive), doxing and spam 0, the rest unknown."
        ),
        loader=load_convabuse,
    ),
    SourceInfo(
        name="youtoxic",
        files=("youtoxic/youtoxic_english_1000.csv", LEXICON_FILE),
        license="none stated",
        commercial_ok=False,
        mapping=(
            "IsToxic 0 -> all seven 0. Toxic comments: violence = IsThreat, racism = IsRacist or "
            "IsHatespeech, profanity = IsObscene, discourtesy = IsAbusive or IsProvocative, "
            "vulgarity 1 when obscene and a sexual or bodily lexicon term appears (else unknown, "
            "since obscene need not be sexual), doxing and spam 0."
        ),
        loader=load_youtoxic,
    ),
]
SOURCES: dict[str, SourceInfo] = {info.name: info for info in _SOURCE_LIST}
