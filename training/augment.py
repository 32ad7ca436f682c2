"""Identity-mention augmentation: benign sentences naming identities, added to training only.

Hateful posts mention religions, nationalities, ethnicities and orientations far more often
than the clean posts in the public data, so a bag-of-n-grams model learns the identity words
themselves as signs of racism ("I am Muslim." scored 0.39 racism before this). Following
Dixon et al. (2018, "Measuring and Mitigating Unintended Bias in Text Classification"), we add
templated neutral and positive sentences that mention each identity, labelled clean in every
category, to the training split only, so the model must look at what is said about a group.
The sentences are ours (this repository's license); validation and test stay untouched.
"""

from __future__ import annotations

import hashlib
from itertools import product

import pandas as pd

from moderation.categories import CATEGORIES

SOURCE = "identity_templates"

IDENTITIES = (
    "muslim", "jewish", "christian", "catholic", "hindu", "sikh", "buddhist", "atheist",
    "mormon", "black", "white", "asian", "latino", "latina", "hispanic", "arab", "african",
    "african american", "mexican", "chinese", "indian", "pakistani", "somali", "nigerian",
    "korean", "native american", "indigenous", "immigrant", "refugee", "gay", "lesbian",
    "bisexual", "transgender", "trans", "queer", "deaf", "blind", "disabled", "autistic",
)  # fmt: skip

TEMPLATES = (
    "As a {id} {person}, I think the council got this one right.",
    "I am {a} {id} {person} and I support the new library.",
    "My neighbours are {id} and they have been wonderful to us.",
    "{Id} families have lived in this town for generations.",
    "I grew up {id} in a small town and loved it.",
    "Our {id} community centre is hosting a food drive on Saturday.",
    "Being {id} has shaped how I read this story.",
    "The {id} students organised a charity run for the hospital.",
    "My {relative} is {id}.",
    "Speaking as someone who is {id}, this article rings true.",
    "Thank you for covering {id} voices in this piece.",
    "The {id} couple down the street just opened a bakery.",
    "Is anyone else here {id}? I'd love to compare notes.",
)
PERSONS = ("woman", "man", "mother", "father", "student", "veteran", "nurse", "teacher")
RELATIVES = ("wife", "husband", "daughter", "son", "best friend", "grandmother", "neighbour")


def _pick(options: tuple[str, ...], key: str) -> str:
    digest = hashlib.sha256(key.encode()).digest()
    return options[digest[0] % len(options)]


def identity_sentences() -> list[str]:
    """Every template filled with every identity (deterministic choice of person/relative)."""
    sentences = []
    for template, identity in product(TEMPLATES, IDENTITIES):
        key = f"{template}|{identity}"
        article = "an" if identity[0] in "aeiou" else "a"
        sentences.append(
            template.format(
                id=identity,
                Id=identity[0].upper() + identity[1:],
                a=article,
                person=_pick(PERSONS, key),
                relative=_pick(RELATIVES, key),
            )
        )
    return sentences


def identity_frame() -> pd.DataFrame:
    """The augmentation rows in the loaders' format: every category labelled 0."""
    texts = identity_sentences()
    frame = pd.DataFrame(
        {"text": texts, "source": SOURCE, "group": [f"{SOURCE}:{t}" for t in texts]}
    )
    for category in CATEGORIES:
        frame[category] = 0.0
    return frame
