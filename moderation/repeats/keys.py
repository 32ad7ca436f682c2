"""Redis key names of the repeat tracker.

Every key carries the hash tag `{spam}` (the review queue's is `{queue}`), so the one script
that records a comment touches a single Redis Cluster slot. Every key is a sorted set scored
by the time of the post (ms) and expires with its window. With the default prefix
`moderation`:

- `moderation:{spam}:exact:<hash>`: `<author><comment>` of each comment with this canonical
  text, for `spam_repeat_window`;
- `moderation:{spam}:band:<i>:<hash>`: the same for the comments sharing MinHash band `i`;
- `moderation:{spam}:author:<author>`: `<comment>` of each of the author's comments, for
  `spam_velocity_window`;
- `moderation:{spam}:domain:<domain>`: `<author><comment>` of each comment linking to the
  domain, for `spam_link_window`.

`<author>` and `<comment>` are 16 hex digits of the BLAKE2b hash of the author and comment
id (`MEMBER_PART` long each); an anonymous comment's author is its own comment id.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from moderation.queue.keys import check_prefix

TAG = "{spam}"
MEMBER_PART = 16


def short_hash(value: str) -> str:
    """`MEMBER_PART` hex digits of BLAKE2b(`value`): ids of any length and character."""
    return hashlib.blake2b(value.encode("utf-8"), digest_size=MEMBER_PART // 2).hexdigest()


@dataclass(frozen=True)
class RepeatKeys:
    """Key builders for one key prefix (`settings.redis_prefix`)."""

    prefix: str = "moderation"

    def __post_init__(self) -> None:
        check_prefix(self.prefix)

    @property
    def base(self) -> str:
        return f"{self.prefix}:{TAG}"

    def exact(self, digest: str) -> str:
        return f"{self.base}:exact:{digest}"

    def band(self, band: str) -> str:
        """`band` is `"<index>:<hash>"` (`fingerprint.minhash_bands`)."""
        return f"{self.base}:band:{band}"

    def author(self, author_hash: str) -> str:
        return f"{self.base}:author:{author_hash}"

    def domain(self, domain: str) -> str:
        return f"{self.base}:domain:{domain}"

    @property
    def pattern(self) -> str:
        """SCAN pattern matching every key of the tracker under this prefix."""
        return f"{self.base}:*"
