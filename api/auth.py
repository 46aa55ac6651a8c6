"""Who is asking: ``Authorization: Bearer <key>`` checked against the key store, rate limits.

Auth is off only in the local single-user mode (``Settings.auth_required`` is false: auth not
enabled and the server on loopback); then every request is the local admin and sees every
document. With auth on, a missing or wrong key is a 401, and each key may make
``auth.rate_limit`` requests (a moving window, the ``limits`` library).

Failed key checks are counted per client (``auth.failed_auth_limit``; the client address is
the connecting one, or from ``X-Forwarded-For`` behind ``auth.trusted_proxies``) and per key
id, known or not (``auth.failed_key_limit``). Over either limit a check is a 429 before any
argon2 work, except for a key this worker verified in the last ``auth.cache_seconds``: that
needs no argon2 work, so a user who shares an address (a proxy, a NAT) with someone who
mistypes, or whose key id someone is guessing at, keeps working.
The counters live in ``auth.rate_limit_storage``: by default a SQLite file in the state
directory (:mod:`api.rate_storage`), so all workers count against one limit.
"""

from __future__ import annotations

import logging
import math
import time
from typing import TYPE_CHECKING

from assistant.keys import LOCAL_PRINCIPAL, KeyStore, Principal, create_key_store, key_id_of
from corpus import RateLimitedError, Settings, UnauthorizedError

if TYPE_CHECKING:
    from limits import RateLimitItem

log = logging.getLogger("policy_assistant.auth")
_BEARER = {"WWW-Authenticate": 'Bearer realm="policy-assistant"'}


def _parse(limit: str) -> list[RateLimitItem]:
    from limits import parse_many

    return parse_many(limit) if limit.strip() else []


class RateLimits:
    """Per-key request limits and per-address failed-check limits."""

    def __init__(self, settings: Settings) -> None:
        from limits.strategies import MovingWindowRateLimiter

        from api.rate_storage import create_rate_storage

        auth = settings.auth
        self.per_key: list[RateLimitItem] = _parse(auth.rate_limit)
        self.client_failures = _parse(auth.failed_auth_limit)
        self.key_failures = _parse(auth.failed_key_limit)
        self._limiter = MovingWindowRateLimiter(create_rate_storage(settings))

    def hit_key(self, key_id: str) -> None:
        for item in self.per_key:
            if not self._limiter.hit(item, "key", key_id):
                raise self._error(item, "too many requests for this key", "key", key_id)

    def check_failures(self, address: str, key_id: str | None) -> None:
        """429 when this client, or this key id, has had too many failed checks."""
        for item in self.client_failures:
            if not self._limiter.test(item, "auth-fail", address):
                raise self._error(
                    item, "too many failed key checks from this client", "auth-fail", address
                )
        for item in self.key_failures if key_id else ():
            if not self._limiter.test(item, "auth-fail-key", str(key_id)):
                raise self._error(
                    item, "too many failed checks of this key id", "auth-fail-key", str(key_id)
                )

    def record_failure(self, address: str, key_id: str | None) -> None:
        for item in self.client_failures:
            self._limiter.hit(item, "auth-fail", address)
        for item in self.key_failures if key_id else ():
            self._limiter.hit(item, "auth-fail-key", str(key_id))

    def _error(self, item: RateLimitItem, message: str, *ids: str) -> RateLimitedError:
        stats = self._limiter.get_window_stats(item, *ids)
        wait = max(1, math.ceil(stats.reset_time - time.time()))
        return RateLimitedError(
            f"{message} (limit {item}); retry in {wait} s", headers={"Retry-After": str(wait)}
        )


class Authenticator:
    """Turns an ``Authorization`` header into a :class:`Principal` (or a 401/429)."""

    def __init__(self, settings: Settings, store: KeyStore | None = None) -> None:
        self.required = settings.auth_required
        self._settings = settings
        self._store = store
        self.limits = RateLimits(settings) if self.required else None

    @property
    def store(self) -> KeyStore:
        if self._store is None:
            self._store = create_key_store(self._settings)
        return self._store

    def authenticate(self, authorization: str | None, address: str) -> Principal:
        if not self.required or self.limits is None:
            return LOCAL_PRINCIPAL
        if not authorization or not authorization.strip():
            raise UnauthorizedError(
                "an API key is required: send `Authorization: Bearer <key>`",
                code="missing_api_key",
                headers=_BEARER,
            )
        scheme, _, key = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise UnauthorizedError(
                "send the key as `Authorization: Bearer <key>`",
                code="invalid_api_key",
                headers=_BEARER,
            )
        key = key.strip()
        key_id = key_id_of(key)
        if not self.store.recently_verified(key):
            self.limits.check_failures(address, key_id)
        principal = self.store.verify(key)
        if principal is None or principal.key_id is None:
            self.limits.record_failure(address, key_id)
            log.info("rejected an API key from %s", address)
            raise UnauthorizedError(
                "the API key is not valid (unknown, revoked or mistyped)",
                code="invalid_api_key",
                headers=_BEARER,
            )
        self.limits.hit_key(principal.key_id)
        return principal
