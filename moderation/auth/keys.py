"""API keys: minted once, stored in Redis only as SHA-256 digests, revocable, listable.

A key reads `mk_<key id>_<secret>`: the key id (16 base32 letters) names the record, the
secret is 256 random bits. Only the SHA-256 digest of the whole key is stored; a fast hash is
enough for a 256-bit random secret (there is no dictionary to try), and it keeps a lookup to
microseconds. Digests are compared with `hmac.compare_digest`.

Every key carries the hash tag `{auth}`. With the default prefix `moderation`:

- `moderation:{auth}:key:<key id>` (hash): `name`, `scopes` (comma-separated), `digest`,
  `created_at`, `revoked_at`;
- `moderation:{auth}:keys` (set): every key id, revoked ones included (the audit trail).

A revoked key keeps its record (name, scopes, dates) and loses its digest.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import redis

from moderation.errors import InvalidInput, NotFound
from moderation.queue.keys import check_prefix

SCOPES = ("moderate", "review", "admin")
TOKEN_PREFIX = "mk_"
KEY_ID_CHARS = 16
MAX_NAME_CHARS = 100
TAG = "{auth}"


def digest(token: str) -> str:
    """The stored form of a key: hex SHA-256 of its UTF-8 bytes."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def key_id_of(token: str) -> str | None:
    """The key id inside a presented key, or None when it is not shaped like one of ours."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    key_id, sep, secret = token[len(TOKEN_PREFIX) :].partition("_")
    if not sep or len(key_id) != KEY_ID_CHARS or not key_id.isalnum() or not secret:
        return None
    return key_id


def parse_scopes(raw: str | list[str] | tuple[str, ...]) -> frozenset[str]:
    """Scopes from `moderate,review` (or a list); unknown or no scopes are refused."""
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    scopes = frozenset(s.strip() for s in items if s.strip())
    unknown = sorted(scopes - set(SCOPES))
    if unknown or not scopes:
        raise InvalidInput(
            f"scopes must be some of {', '.join(SCOPES)}; got {raw!r}",
            details={"unknown": unknown, "known": list(SCOPES)},
        )
    return scopes


@dataclass(frozen=True)
class KeyRecord:
    """What the store knows of a key; never the key itself."""

    key_id: str
    name: str
    scopes: frozenset[str]
    created_at: str
    digest: str | None = None
    revoked_at: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None and self.digest is not None

    def matches(self, token: str) -> bool:
        """Constant-time check of a presented key against this record."""
        stored = self.digest or "0" * 64  # a revoked key still costs one comparison
        return hmac.compare_digest(stored, digest(token)) and self.active

    def public(self) -> dict[str, object]:
        """The record as `moderation keys list` shows it: no digest."""
        return {
            "key_id": self.key_id,
            "name": self.name,
            "scopes": sorted(self.scopes),
            "created_at": self.created_at,
            "revoked_at": self.revoked_at,
        }


def _text(value: str | bytes) -> str:
    """Redis replies as text, whether the client decodes them or not."""
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class KeyStore:
    """The API keys of one key prefix, on the service's Redis."""

    def __init__(self, client: redis.Redis, prefix: str = "moderation") -> None:
        check_prefix(prefix)
        self.client = client
        self.prefix = prefix

    def _key(self, key_id: str) -> str:
        return f"{self.prefix}:{TAG}:key:{key_id}"

    @property
    def _index(self) -> str:
        return f"{self.prefix}:{TAG}:keys"

    def create(self, name: str, scopes: frozenset[str]) -> tuple[str, KeyRecord]:
        """Mint a key: returns the key (shown once, never stored) and its record."""
        name = name.strip()
        if not name or len(name) > MAX_NAME_CHARS:
            raise InvalidInput(f"a key's name is 1 to {MAX_NAME_CHARS} characters")
        parse_scopes(tuple(scopes))
        key_id = base64.b32encode(secrets.token_bytes(10)).decode("ascii").lower()
        token = f"{TOKEN_PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
        record = KeyRecord(key_id, name, frozenset(scopes), _now(), digest(token))
        with self.client.pipeline(transaction=True) as pipe:
            pipe.hset(
                self._key(key_id),
                mapping={
                    "name": record.name,
                    "scopes": ",".join(sorted(record.scopes)),
                    "digest": digest(token),
                    "created_at": record.created_at,
                },
            )
            pipe.sadd(self._index, key_id)
            pipe.execute()
        return token, record

    def get(self, key_id: str) -> KeyRecord | None:
        fields = self.client.hgetall(self._key(key_id))
        if not fields:
            return None
        text = {_text(k): _text(v) for k, v in fields.items()}
        return KeyRecord(
            key_id=key_id,
            name=text.get("name", ""),
            scopes=frozenset(s for s in text.get("scopes", "").split(",") if s),
            created_at=text.get("created_at", ""),
            digest=text.get("digest") or None,
            revoked_at=text.get("revoked_at") or None,
        )

    def list(self) -> list[KeyRecord]:
        """Every key, revoked ones included, oldest first."""
        ids = sorted(_text(m) for m in self.client.smembers(self._index))
        records = [r for r in (self.get(i) for i in ids) if r is not None]
        return sorted(records, key=lambda r: (r.created_at, r.key_id))

    def revoke(self, key_id: str) -> KeyRecord:
        """Revoke a key for good: its digest is deleted, the rest stays for the record."""
        record = self.get(key_id)
        if record is None:
            raise NotFound(f"no API key {key_id!r}")
        if record.revoked_at is None:
            with self.client.pipeline(transaction=True) as pipe:
                pipe.hset(self._key(key_id), "revoked_at", _now())
                pipe.hdel(self._key(key_id), "digest")
                pipe.execute()
        revoked = self.get(key_id)
        assert revoked is not None
        return revoked
