"""Identity-mention augmentation: benign sentences naming identities, added to training only.

Hateful posts mention religions, nationalities, ethnicities and orientations far more often
than the clean posts in the public data, so a bag-of-n-grams model learns the identity words
themselves as signs of racism ("I am Muslim." scored 0.39 racism before any mitigation).
Following Dixon et al. (2018, "Measuring and Mitigating Unintended Bias in Text
Classification"), we add neutral and positive sentences that mention identities, labelled clean
in every category, to the training split only, so the model must look at what is said about a
group. Validation and test stay untouched.

The sentences come from a small grammar rather than a handful of templates: identity words are
masked to one placeholder in the features (`moderation.features`), so thirteen templates
filled with forty identities are only thirteen distinct feature vectors, and the model learns
those sentences instead of the lesson. The grammar crosses group and person noun phrases with
many predicates (news reports, community life, first-person remarks, questions, and plain talk
about discrimination, which is not itself an attack), so the words around the identity vary.
The wording is ours (this repository's license) and is written independently of the identity
suite's templates (`training.suites.identity`), which stay held out.

Some identities used by the suite are left out of `IDENTITIES` on purpose (see
`training.suites.identity` for the held-out report), so the suite measures how the mitigation
carries over to groups the training never named.
"""

from __future__ import annotations

import hashlib
from itertools import product

import pandas as pd

from moderation.categories import CATEGORIES

SOURCE = "identity_grammar"

# (adjective, plural noun or "" when the word is not used as a noun for people)
IDENTITIES: tuple[tuple[str, str], ...] = (
    ("muslim", "muslims"), ("jewish", "jews"), ("christian", "christians"),
    ("catholic", "catholics"), ("hindu", "hindus"), ("sikh", "sikhs"),
    ("buddhist", "buddhists"), ("atheist", "atheists"), ("mormon", "mormons"),
    ("black", ""), ("asian", "asians"), ("latino", "latinos"), ("latina", "latinas"),
    ("hispanic", "hispanics"), ("arab", "arabs"), ("african", "africans"),
    ("mexican", "mexicans"), ("chinese", ""), ("indian", "indians"),
    ("pakistani", "pakistanis"), ("somali", "somalis"), ("nigerian", "nigerians"),
    ("korean", "koreans"), ("indigenous", ""), ("immigrant", "immigrants"),
    ("refugee", "refugees"), ("migrant", "migrants"), ("gay", ""), ("lesbian", "lesbians"),
    ("bisexual", ""), ("transgender", ""), ("trans", ""), ("queer", ""), ("deaf", ""),
    ("blind", ""), ("disabled", ""), ("autistic", ""),
    # not masked by the features: the model sees these words themselves
    ("white", ""), ("japanese", ""), ("vietnamese", ""), ("haitian", "haitians"),
    ("jamaican", "jamaicans"), ("cuban", "cubans"), ("iranian", "iranians"),
    ("palestinian", "palestinians"), ("israeli", "israelis"), ("turkish", ""),
    ("kurdish", ""), ("italian", "italians"), ("german", "germans"), ("russian", "russians"),
    ("brazilian", "brazilians"), ("ethiopian", "ethiopians"), ("hmong", ""),
    ("pagan", "pagans"), ("orthodox", ""), ("evangelical", "evangelicals"),
    ("intersex", ""), ("african american", "african americans"),
    ("native american", "native americans"), ("asian american", "asian americans"),
    ("mexican american", "mexican americans"), ("pacific islander", "pacific islanders"),
)  # fmt: skip

# Plural heads for "<identity> <head>" subjects and objects.
GROUPS = (
    "families", "workers", "business owners", "farmers", "doctors", "engineers",
    "teenagers", "seniors", "veterans", "fans", "writers", "musicians", "scientists",
    "employees", "candidates", "lawmakers", "commuters", "tenants", "entrepreneurs", "chefs",
    "artists", "journalists", "churchgoers", "kids", "readers", "players",
)  # fmt: skip
# Singular heads for "a/an <identity> <head>".
PERSONS = (
    "woman", "man", "girl", "boy", "doctor", "lawyer", "engineer", "pilot", "firefighter",
    "mayor", "senator", "scientist", "writer", "singer", "chef", "coach", "player", "officer",
    "judge", "student", "person", "grandmother", "grandfather", "carpenter", "pharmacist", "reader",
)  # fmt: skip
RELATIVES = ("wife", "husband", "daughter", "son", "cousin", "uncle", "aunt", "roommate")

# Predicates for a plural subject ("Somali families ..." / "Many Muslims ...").
GROUP_PREDICATES = (
    "opened a community garden behind the old station",
    "have run the corner market for three decades",
    "were among the first to sign up for the program",
    "make up a growing share of the town's small businesses",
    "marched in the parade on Sunday",
    "are organising a blood drive next month",
    "raised money for the new playground",
    "met with the mayor to talk about housing",
    "say rents have become too expensive",
    "started a youth soccer league last year",
    "were interviewed for the radio programme",
    "host an open house every spring",
    "work in nearly every clinic in the province",
    "have been coming to this festival for years",
    "told the reporter they want better bus service",
    "are running for seats on the city council",
    "donated books to the public library",
    "took part in the study on sleep and health",
    "celebrate the new year with music and food",
    "are cooking for the street fair this weekend",
    "have lived on this street since the fifties",
    "helped clean up the riverbank in April",
    "sponsor a scholarship at the university",
    "disagree about the new parking rules",
    "started a podcast about the neighbourhood",
    "run one of the oldest choirs in the city",
    "were honoured at the awards dinner",
    "filled the stadium for the final",
    "spoke at the town hall about the budget",
    "teach free coding classes on weekends",
    "have opened three restaurants downtown",
    "are the subject of a new documentary",
    "shared their stories at the library on Thursday",
    "own several of the farms along the highway",
    "are a big part of the hospital's staff",
    "asked the province for a new bus route",
    "gathered at the park for a picnic",
    "have mixed feelings about the new stadium",
    "were split on the referendum, the poll found",
    "tend to commute by train, the study says",
)  # fmt: skip
# Predicates for a singular subject ("A deaf engineer ...").
PERSON_PREDICATES = (
    "won the regional spelling bee",
    "was elected to chair the planning board",
    "wrote the letter to the editor printed today",
    "runs the bike shop near the station",
    "has been named coach of the year",
    "gave a talk on climate change at the college",
    "is opening a bookstore on Elm Street",
    "found a lost dog and returned it to its owner",
    "designed the new pedestrian bridge",
    "answered readers' questions in the live chat",
    "will lead the orchestra this season",
    "has served on the hospital board since 2015",
    "told the inquiry what happened that night",
    "was hired to manage the new library branch",
    "finished second in the city marathon",
    "is suing the landlord over the repairs",
)  # fmt: skip
# Sentences with the identity phrase inside: {group} = "<identity> <head>" or the plural noun,
# {one} = "a/an <identity> <head>", {adj} = the identity adjective, {an_adj} = "a/an <adj>",
# {rel} = a relative, {other} = another identity adjective.
FRAMES = (
    "The mayor met with {group} on Monday.",
    "The clinic now has evening hours for {group}.",
    "The bakery hired two {group} this summer.",
    "Researchers surveyed 500 {group} about their commute.",
    "The festival celebrates {adj} music, food and dance.",
    "The library added a shelf of {adj} literature.",
    "The college offers an evening course on {adj} culture.",
    "Discrimination against {group} is illegal under the new law.",
    "The report found that {group} pay more of their income in rent.",
    "A new fund helps {group} start businesses.",
    "Hate crimes against {group} fell this year, police said.",
    "Police said the driver, {one}, was not hurt.",
    "The paper profiles {one} who restores old pianos.",
    "The jury included {one} and a retired teacher.",
    "I'm {adj} and I've lived here for twenty years.",
    "As {one}, I found this interview moving.",
    "My {rel} is {adj}, and we both enjoyed this column.",
    "We're {adj} and we shop at that market every week.",
    "I grew up in {an_adj} household in the suburbs.",
    "Speaking as {one}: good, careful reporting.",
    "Is there {one} on the panel?",
    "Do any {group} read this paper? I'd like to hear your view.",
    "I have {adj} coworkers and we get along great.",
    "My grandparents were {adj} and came here in 1962.",
    "Nothing in the article suggests {group} are to blame.",
    "How many {group} ran for office this year?",
    "The film follows {adj} twins growing up in the north.",
    "The council apologised to {group} for the delay.",
    "Some {group} support the plan and some oppose it.",
    "Why does the headline mention that the suspect was {adj}?",
    "The {adj} community here is small but very active.",
    "The {adj} vote could decide the race, the analyst said.",
    # the identity as a predicate, at the end of a sentence, in lists and after prepositions
    "The pharmacist who runs the night shift is {adj}.",
    "Yes, the author of this piece is {adj}. So what?",
    "Both finalists in the baking contest are {adj}.",
    "My {rel} is {adj}.",
    "Half of the people on my street are {adj}.",
    "The club is open to everyone, {group} included.",
    "The prayer room at the airport is used by {group} and others.",
    "{Adj} and {other} leaders signed the joint statement.",
    "The scholarship is for {adj} and first-generation students.",
    "There's a lot of talent among {group}.",
    "The recipes were collected from {adj} grandmothers.",
    "Tickets are free for {group} on Sundays.",
    "We hired {one} to redesign the garden.",
    "Not every {adj} person thinks alike, obviously.",
    "She is {adj}, he is not, and they have been married forty years.",
    # opinions: comment sections argue about policy that concerns groups
    "I think the province should do more to help {group} find housing.",
    "In my view {group} deserve the same protections as everyone else.",
    "We need more {adj} voices in local government.",
    "Honestly, the {adj} families I know just want decent schools.",
    "The new rules will hurt {group} the most, and that worries me.",
    "I support the program for {group}, even if it costs more.",
    "The columnist is unfair to {group} here; the data say otherwise.",
    "Good on the league for signing {adj} players.",
    "Nobody should lose their job for being {adj}.",
)  # fmt: skip


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def _rank(key: str) -> int:
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")


def _pick(options: tuple[str, ...], key: str) -> str:
    return options[_rank(key) % len(options)]


def _capitalise(text: str) -> str:
    return text[0].upper() + text[1:]


def identity_sentences(*, per_identity: int = 60) -> list[str]:
    """`per_identity` sentences for each identity, drawn deterministically from the grammar.

    Every identity gets a different, seeded selection of (frame or subject + predicate) and
    fillers, so across identities the grammar is covered many times over.
    """
    sentences: list[str] = []
    for adj, noun in IDENTITIES:
        candidates: list[str] = []
        for head, predicate in product(GROUPS, GROUP_PREDICATES):
            candidates.append(f"{adj} {head} {predicate}.")
        # "<identity> people" is how comments most often name a group: every predicate
        candidates += [f"{adj} people {p}." for p in GROUP_PREDICATES]
        if noun:
            candidates += [f"many {noun} {p}." for p in GROUP_PREDICATES]
        for head, predicate in product(PERSONS, PERSON_PREDICATES):
            candidates.append(f"{_article(adj)} {adj} {head} {predicate}.")
        for frame in FRAMES:
            key = f"{frame}|{adj}"
            head = _pick(PERSONS, key)
            candidates.append(
                frame.format(
                    group=f"{noun or adj + ' ' + _pick(GROUPS, key)}",
                    one=f"{_article(adj)} {adj} {head}",
                    adj=adj,
                    Adj=_capitalise(adj),
                    an_adj=f"{_article(adj)} {adj}",
                    rel=_pick(RELATIVES, key),
                    other=_pick(tuple(a for a, _ in IDENTITIES if a != adj), key),
                )
            )
        candidates.sort(key=lambda s: _rank(f"{adj}|{s}"))
        # frames first in rotation: every identity sees some first-person and news frames
        framed = [c for c in candidates if c[0].isupper()]
        plain = [c for c in candidates if not c[0].isupper()]
        take = framed[: per_identity // 3] + plain[: per_identity - per_identity // 3]
        sentences += [_capitalise(s) for s in take]
    return list(dict.fromkeys(sentences))


def identity_frame(*, per_identity: int = 60) -> pd.DataFrame:
    """The augmentation rows in the loaders' format: every category labelled 0."""
    texts = identity_sentences(per_identity=per_identity)
    frame = pd.DataFrame(
        {"text": texts, "source": SOURCE, "group": [f"{SOURCE}:{t}" for t in texts]}
    )
    for category in CATEGORIES:
        frame[category] = 0.0
    return frame


def augmented_terms() -> frozenset[str]:
    """Every identity word the augmentation names (adjectives and nouns)."""
    return frozenset(w for pair in IDENTITIES for w in pair if w)
