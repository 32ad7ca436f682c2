"""Counts of repeats turned into spam findings (pure: no Redis here).

Each signal is a `Finding` of category `spam` whose score grows with its count, so that one
repeat is a hint and a handful is a campaign. With the spam category's evidence combined by
noisy-or, a signal decides on its own only when it is strong; weaker ones add to the
comment's own evidence (a link, a promotional phrase) and to the model's score.

- `duplicate`: other authors who posted the same canonical text (0.6, 0.9, 0.975 ... for 1,
  2, 3 ...), and the author's own earlier copies (0.4, 0.7, 0.85 ...), capped on a lone
  repeat (below);
- `near_duplicate`: the same for MinHash near-duplicates that are not exact copies (0.5,
  0.85, 0.955 ...; own: 0.35, 0.675, 0.84 ...);
- `velocity`: the author's comments in the velocity window beyond `velocity_limit` (0.3,
  0.51, 0.66, 0.76, 0.83, 0.88 ... for 1, 2, 3 ... too many);
- `link_campaign`: authors linking to one non-citation domain beyond `LINK_AUTHORS_FREE`
  (0.4, 0.64, 0.78, 0.87 ...), and the author's own earlier posts of it (0.4, 0.7, 0.85 ...).

A repeat alone is no campaign: readers post the same condolence, birthday wish or quoted line
of the article. So when the comment offers no way to reach anyone (no link, handle, email or
long number: `Fingerprint.channel`), names no strong lure (`has_strong_lure`: pills, casino,
forex ...) and has no velocity signal, the other authors' `duplicate` and `near_duplicate`
together stay at `LONE_REPEAT_CAP` however many authors posted it: a nudge towards a flag with
the model's score, never a flag on their own; so do the author's own near-copies (a reader
reposting a corrected comment). The author's own exact copies are not capped: a reader posts
a condolence once, and the same text from one account a third time (a second is often a
double-click) is flooding.

Evidence spans: the whole comment for repeats and velocity, the link for a link campaign.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from moderation.detectors._links import find_link_spans
from moderation.detectors._offers import has_strong_lure
from moderation.detectors.base import Finding, make_finding, noisy_or, prepare
from moderation.repeats.fingerprint import Fingerprint

__all__ = ["LONE_REPEAT_CAP", "Counts", "RepeatConfig", "grow", "signal_findings"]

#: Distinct authors who may link to the same unknown domain within the link window before it
#: counts: two readers sharing a local site is ordinary, a third in the window is not.
LINK_AUTHORS_FREE = 2
#: Most that `duplicate` and `near_duplicate` add up to (noisy-or) on a comment with no
#: channel, no strong lure and no velocity signal: well below the shipped spam flag threshold
#: (0.631 for v5; a test holds the policy to it), so a repeat needs the comment's own spam
#: evidence or the model's to flag. At 0.75, under v5's threshold, readers repeating a
#: condolence were flagged.
LONE_REPEAT_CAP = 0.5
#: Scores at or below this are no finding (what is left after a cap).
_NOTHING = 1e-9


@dataclass(frozen=True)
class RepeatConfig:
    """Windows (seconds) and limits of the tracker (from `Settings`)."""

    repeat_window: float = 6 * 3600.0
    velocity_window: float = 600.0
    velocity_limit: int = 10
    link_window: float = 3600.0
    trusted_domains: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Counts:
    """What the tracker found before this comment (see `script.OBSERVE`'s return)."""

    exact_authors: int = 0
    exact_self: int = 0
    near_authors: int = 0
    near_self: int = 0
    velocity: int = 0
    domains: tuple[tuple[int, int], ...] = ()  # (other authors, own earlier posts) per link

    @classmethod
    def from_reply(cls, reply: Sequence[int]) -> Counts:
        v = [int(x) for x in reply]
        rest = v[5:]
        return cls(
            exact_authors=v[0],
            exact_self=v[1],
            near_authors=v[2],
            near_self=v[3],
            velocity=v[4],
            domains=tuple(zip(rest[::2], rest[1::2], strict=True)),
        )


def grow(count: int, first: float, step: float) -> float:
    """0 for no count; ``first`` for one; each further one removes ``step`` of what is left."""
    if count <= 0:
        return 0.0
    return 1.0 - (1.0 - first) * (1.0 - step) ** (count - 1)


def _cap_lone_repeats(
    text: str, fp: Fingerprint, duplicate: float, near: float
) -> tuple[float, float]:
    """Other authors' ``duplicate`` and ``near`` capped to `LONE_REPEAT_CAP` together, unless
    the comment has a channel or a strong lure (checked only when the cap would bite)."""
    if noisy_or([duplicate, near]) <= LONE_REPEAT_CAP or fp.channel:
        return duplicate, near
    p = prepare(text)
    if has_strong_lure(p, [(s, e) for s, e, _host in find_link_spans(p)]):  # none in a link
        return duplicate, near
    duplicate = min(duplicate, LONE_REPEAT_CAP)
    room = 1.0 - (1.0 - LONE_REPEAT_CAP) / (1.0 - duplicate)  # what near may still add
    return duplicate, min(near, room) if room > _NOTHING else 0.0


def signal_findings(
    text: str, fp: Fingerprint, counts: Counts, config: RepeatConfig
) -> list[Finding]:
    """The spam findings of one comment's counts, whole-comment ones first."""
    start, end = fp.span
    duplicate = grow(counts.exact_authors, 0.6, 0.75)
    # The author's own near-copies count with other authors' (a reader reposts a corrected
    # comment), own exact copies never are capped: one text posted three times is flooding.
    near = noisy_or([grow(counts.near_authors, 0.5, 0.7), grow(counts.near_self, 0.35, 0.5)])
    velocity = grow(counts.velocity - config.velocity_limit, 0.3, 0.3)
    if velocity <= 0:
        duplicate, near = _cap_lone_repeats(text, fp, duplicate, near)
    duplicate = noisy_or([duplicate, grow(counts.exact_self, 0.4, 0.5)])
    scored = [("duplicate", duplicate), ("near_duplicate", near), ("velocity", velocity)]
    findings = [
        f
        for kind, score in scored
        if score > 0 and (f := make_finding(text, "spam", kind, start, end, score)) is not None
    ]
    for link, (authors, own) in zip(fp.links, counts.domains, strict=False):
        score = noisy_or([grow(authors + 1 - LINK_AUTHORS_FREE, 0.4, 0.4), grow(own, 0.4, 0.5)])
        if score > 0:
            f = make_finding(text, "spam", "link_campaign", link.start, link.end, score)
            if f is not None:
                findings.append(f)
    return findings
