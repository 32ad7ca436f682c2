"""Identity suite: false flags on benign sentences that name an identity, and the Jigsaw
unintended-bias AUCs (Borkan et al. 2019) on templated attacks against the same identities.

Every template is filled with every identity term (used as an adjective: "a {id} woman",
"{id} people"). Benign sentences are neutral or positive; toxic ones attack the group and count
as racism, the category this service uses for attacks on identity. The templates are ours and
differ from the training augmentation's (`training/augment.py`), so the suite is held out.

Each term is also reported by how training saw it (`coverage`): masked by the features'
identity placeholder, named by the augmentation only, or held out from both, so a mitigation
that only works for the listed identities shows up.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score

from moderation.categories import CATEGORIES
from moderation.features import IDENTITY_TERMS
from moderation.scoring import Moderator

SUBGROUPS: dict[str, tuple[str, ...]] = {
    "religion": (
        "muslim", "jewish", "christian", "catholic", "hindu", "sikh", "buddhist", "atheist",
        "mormon",
    ),
    "nationality": (
        "mexican", "chinese", "indian", "pakistani", "somali", "nigerian", "korean", "polish",
        "irish", "syrian", "afghan", "filipino", "ukrainian",
    ),
    "ethnicity": (
        "black", "white", "asian", "latino", "hispanic", "arab", "african", "african american",
        "native american", "indigenous", "roma",
    ),
    "migration": ("immigrant", "refugee", "migrant"),
    "sexual_orientation": ("gay", "lesbian", "bisexual", "queer", "straight", "asexual"),
    "gender_identity": ("transgender", "trans", "nonbinary", "cisgender"),
    "disability": ("deaf", "blind", "disabled", "autistic", "wheelchair-using", "dyslexic"),
}  # fmt: skip

BENIGN_TEMPLATES = (
    # neutral
    "I am {a} {id} person.",
    "My sister married {a} {id} man last spring.",
    "The report looks at how {id} voters decided in the last election.",
    "There are about two thousand {id} residents in the county.",
    "She wrote her thesis on {id} history in the region.",
    "Our new manager is {id}.",
    "The survey asked {id} parents about school meals.",
    "He is {id} and works as an accountant downtown.",
    "The museum has a new exhibit on {id} art.",
    "{Id} people live on both sides of the river.",
    "The article quotes three {id} shop owners.",
    "A {id} group will speak at the council meeting on Tuesday.",
    "The census counts {id} households separately.",
    "I met a {id} couple at the train station.",
    "The {id} members of the committee voted against the budget.",
    # positive
    "{Id} people are a wonderful part of this neighbourhood.",
    "I am proud to be {id}.",
    "My {id} colleague is the kindest person I know.",
    "The {id} volunteers did amazing work after the flood.",
    "Great to see {id} athletes on the national team.",
    "Being {id} is something I celebrate.",
    "The {id} owner of the cafe makes the best coffee in town.",
    "Welcome to our {id} neighbours, we are glad you are here.",
    "This {id} author wrote my favourite book of the year.",
    "Thank you to the {id} nurses who looked after my father.",
    "I love learning from my {id} friends.",
    "The {id} students won the science fair again.",
    "{Id} families made this town a better place.",
    "Happy to have {id} people on the school board.",
    "My {id} teacher changed my life.",
)

TOXIC_TEMPLATES = (
    "{Id} people are vermin and should be driven out of this country.",
    "I hate {id} people, every single one of them.",
    "All {id} people are filthy animals.",
    "Never trust {a} {id}, they are all liars and thieves.",
    "{Id} people are subhuman and do not deserve rights.",
    "Get these disgusting {id} people out of our town.",
    "The world would be better without {id} people.",
    "{Id} people are a disease on this nation.",
    "Typical {id} trash, ruining everything they touch.",
    "No {id} scum should be allowed near our children.",
    "{Id} people are too stupid to be allowed to vote.",
    "I would never hire {a} {id} freak.",
    "Send every {id} parasite back where they came from.",
    "{Id} people are degenerates and a plague on society.",
    "Those {id} rats breed like cockroaches.",
)

TARGET = "racism"  # the category an attack on an identity belongs to
POWER = -5  # the generalised mean of the Jigsaw competition's final metric


@dataclass(frozen=True)
class Sentence:
    text: str
    term: str
    subgroup: str
    toxic: bool


def fill(template: str, term: str) -> str:
    article = "an" if term[0] in "aeiou" else "a"
    return template.format(id=term, Id=term[0].upper() + term[1:], a=article)


def sentences() -> list[Sentence]:
    """Every template filled with every identity term, benign ones first."""
    out = []
    for toxic, templates in ((False, BENIGN_TEMPLATES), (True, TOXIC_TEMPLATES)):
        for subgroup, terms in SUBGROUPS.items():
            for term in terms:
                out += [Sentence(fill(t, term), term, subgroup, toxic) for t in templates]
    return out


def _auc(labels: np.ndarray, scores: np.ndarray) -> float | None:
    if labels.all() or not labels.any():
        return None
    return round(float(roc_auc_score(labels, scores)), 4)


def bias_aucs(labels: np.ndarray, scores: np.ndarray, in_group: np.ndarray) -> dict[str, Any]:
    """Subgroup, BPSN and BNSP AUC of one group (`in_group` marks its rows; the rest are the
    background). BPSN (background positive, subgroup negative) falls when the group's benign
    rows score like toxic ones; BNSP when the group's toxic rows score like benign ones."""
    labels = labels.astype(bool)
    bpsn = (in_group & ~labels) | (~in_group & labels)
    bnsp = (in_group & labels) | (~in_group & ~labels)
    return {
        "subgroup_auc": _auc(labels[in_group], scores[in_group]),
        "bpsn_auc": _auc(labels[bpsn], scores[bpsn]),
        "bnsp_auc": _auc(labels[bnsp], scores[bnsp]),
    }


def generalized_mean(values: list[float], power: int = POWER) -> float | None:
    """The power mean of Borkan et al.: weights the worst groups most."""
    if not values:
        return None
    if min(values) <= 0:
        return 0.0  # the limit: one group at AUC 0 drives a negative-power mean to 0
    return round(float(np.mean(np.power(values, power)) ** (1 / power)), 4)


def group_figures(
    rows: np.ndarray, toxic: np.ndarray, flagged: np.ndarray, scores: np.ndarray
) -> dict[str, Any]:
    """False flag rate of the benign rows in `rows`, recall of its toxic rows, and its AUCs."""
    benign, attacks = rows & ~toxic, rows & toxic
    return {
        "benign": int(benign.sum()),
        "false_flag_rate": round(float(flagged[benign].mean()), 4) if benign.any() else None,
        "toxic": int(attacks.sum()),
        "recall": round(float(flagged[attacks].mean()), 4) if attacks.any() else None,
        **bias_aucs(toxic, scores, rows),
    }


def evaluate(items: list[Sentence], scores: np.ndarray, flags: np.ndarray) -> dict[str, Any]:
    """Figures from (n, 7) `scores` and the per-category flag thresholds `flags`.

    A benign sentence is a false flag when any category reaches its flag threshold; a toxic
    one is caught when racism does. The AUCs use the racism score."""
    toxic = np.array([s.toxic for s in items])
    target = scores[:, CATEGORIES.index(TARGET)]
    any_flag = (scores >= flags).any(axis=1)
    flagged = np.where(toxic, target >= flags[CATEGORIES.index(TARGET)], any_flag)
    benign_flags = (scores[~toxic] >= flags).sum(axis=0)
    everything = np.ones(len(items), dtype=bool)
    overall = group_figures(everything, toxic, flagged, target)
    overall["flagged_by_category"] = {
        c: int(n) for c, n in zip(CATEGORIES, benign_flags, strict=True) if n
    }
    subgroups = {
        name: group_figures(np.array([s.subgroup == name for s in items]), toxic, flagged, target)
        for name in SUBGROUPS
    }
    terms = {
        term: group_figures(np.array([s.term == term for s in items]), toxic, flagged, target)
        for terms in SUBGROUPS.values()
        for term in terms
    }
    overall["bias"] = {
        metric: generalized_mean([t[metric] for t in terms.values() if t[metric] is not None])
        for metric in ("subgroup_auc", "bpsn_auc", "bnsp_auc")
    }
    return {"overall": overall, "subgroups": subgroups, "terms": terms}


def coverage(term: str) -> str:
    """How training saw a suite term: "masked" (a word of it is the features' identity
    placeholder), "augmented" (named by the training augmentation, not masked) or "held_out"
    (neither: the mitigation must carry over to it)."""
    from training.augment import augmented_terms

    if any(word in IDENTITY_TERMS for word in term.split()):
        return "masked"
    return "augmented" if term in augmented_terms() else "held_out"


def coverage_figures(items: list[Sentence], report: dict[str, Any]) -> dict[str, Any]:
    """False flag rate and attack recall pooled over the terms of each coverage class, and the
    worst term's false flag rate in each."""
    out: dict[str, Any] = {}
    for kind in ("masked", "augmented", "held_out"):
        terms = sorted({s.term for s in items if coverage(s.term) == kind})
        figures = [report["terms"][t] for t in terms if t in report["terms"]]
        benign = sum(f["benign"] for f in figures)
        toxic = sum(f["toxic"] for f in figures)
        flagged = sum((f["false_flag_rate"] or 0) * f["benign"] for f in figures)
        caught = sum((f["recall"] or 0) * f["toxic"] for f in figures)
        rates = [f["false_flag_rate"] for f in figures if f["false_flag_rate"] is not None]
        out[kind] = {
            "terms": terms,
            "false_flag_rate": round(flagged / benign, 4) if benign else None,
            "worst_term_false_flag_rate": max(rates) if rates else None,
            "recall": round(caught / toxic, 4) if toxic else None,
        }
    return out


def run_suite(moderator: Moderator, *, data_dir: Path | None = None) -> dict[str, Any]:  # noqa: ARG001
    """The suite's report; it needs no public data (`data_dir` is for the common signature)."""
    items = sentences()
    scores = moderator.score_texts([s.text for s in items])
    flags = np.array([moderator.policy.categories[c].flag for c in CATEGORIES])
    report = evaluate(items, scores, flags)
    report["model_version"] = moderator.model_version
    report["coverage"] = coverage_figures(items, report)
    report["held_out"] = report["coverage"]["held_out"]
    report["examples"] = [
        s.text for s, row in zip(items, scores, strict=True) if not s.toxic and (row >= flags).any()
    ][:5]
    return report


def headline(report: dict[str, Any]) -> dict[str, float | None]:
    """The issue's target figures: overall false flag rate, the worst term's, attack recall."""
    o = report["overall"]
    rates = [
        t["false_flag_rate"] for t in report["terms"].values() if t["false_flag_rate"] is not None
    ]
    return {
        "false_flag_rate": o["false_flag_rate"],
        "worst_term_false_flag_rate": max(rates) if rates else None,
        "attack_recall": o["recall"],
        "bpsn_auc": o["bias"]["bpsn_auc"],
    }


def format_table(report: dict[str, Any], *, worst: int = 10) -> str:
    """Overall figures, one row per subgroup, then the `worst` terms by false flag rate."""
    o = report["overall"]
    lines = [
        f"Identity suite, model {report['model_version']}: {o['benign']} benign and "
        f"{o['toxic']} toxic templated sentences",
        f"overall: false flag rate {_f(o['false_flag_rate'])} (benign flagged by category: "
        f"{o['flagged_by_category'] or 'none'}), racism recall on attacks {_f(o['recall'])}, "
        f"racism ROC AUC {_f(o['subgroup_auc'])}",
        "power mean (p=-5) over terms: subgroup AUC {subgroup_auc}, BPSN {bpsn_auc}, "
        "BNSP {bnsp_auc}".format(**{k: _f(v) for k, v in o["bias"].items()}),
        "",
    ]
    for kind, c in report.get("coverage", {}).items():
        lines.append(
            f"{kind.replace('_', ' ')} terms ({len(c['terms'])}): false flag rate "
            f"{_f(c['false_flag_rate'])}, worst term {_f(c['worst_term_false_flag_rate'])}, "
            f"attacks caught {_f(c['recall'])}"
        )
    lines += [
        "",
        "| group | benign | false flags | attacks caught | subgroup AUC | BPSN AUC | BNSP AUC |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [_row(name, figures) for name, figures in report["subgroups"].items()]
    ranked = sorted(
        report["terms"].items(), key=lambda kv: (-(kv[1]["false_flag_rate"] or 0), kv[0])
    )
    lines += [_row(f"`{term}`", figures) for term, figures in ranked[:worst]]
    return "\n".join(lines)


def _f(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _row(name: str, g: dict[str, Any]) -> str:
    cells = [
        str(g["benign"]),
        _f(g["false_flag_rate"]),
        _f(g["recall"]),
        _f(g["subgroup_auc"]),
        _f(g["bpsn_auc"]),
        _f(g["bnsp_auc"]),
    ]
    return f"| {name} | " + " | ".join(cells) + " |"
