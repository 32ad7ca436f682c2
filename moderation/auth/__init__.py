"""API keys and scopes: the key store (Redis, hashed), the verifier, and the callers' scopes.

Routes declare the scope they need (`moderation.api.security`); `moderation keys` mints,
lists and revokes keys.
"""

from __future__ import annotations

from moderation.auth.keys import SCOPES, KeyRecord, KeyStore, parse_scopes
from moderation.auth.verifier import (
    DEV_PRINCIPAL,
    AuthUnavailable,
    Forbidden,
    KeyVerifier,
    Principal,
    Unauthorized,
)

__all__ = [
    "DEV_PRINCIPAL",
    "SCOPES",
    "AuthUnavailable",
    "Forbidden",
    "KeyRecord",
    "KeyStore",
    "KeyVerifier",
    "Principal",
    "Unauthorized",
    "parse_scopes",
]
