"""Who is asking: ``Authorization: Bearer <key>`` checked against the key store, rate limits.

Auth is off only in the local single-user mode (``Settings.auth_required`` is false: auth not
enabled and the server on loopback); then every request is the local admin and sees every
document. With auth on, a missing or wrong key is a 401, and each key may make
``auth.rate_limit`` requests (a moving window, the ``limits`` library); a client address
with ``auth.failed_auth_limit`` failed checks gets 429 before any more argon2 work is done.
The counters live in ``auth.rate_limit_storage``: by default a SQLite file in the state
directory (:mod:`api.rate_storage`), so all workers count against one limit.
"""

from __future__ import annotations

import logging
import math
import time
from typing import TYPE_CHECKING

from assistant.keys import LOCAL_PRINCIPAL, KeyStore, Principal, create_key_store
from corpus import RateLimitedError, Settings, UnauthorizedError

if TYPE_CHECKING:
    from limits import RateLimitItem

log = logging.getLogger("policy_assistant.auth")
_BEARER = {"WWW-Authenticate": 'Bearer realm="policy-assistant"'}


class RateLimits:
    """Per-key request limits and per-address failed-check limits."""

    def __init__(self, settings: Settings) -> None:
        from limits import parse_many
        from limits.strategies import MovingWindowRateLimiter

        from api.rate_storage import create_rate_storage

        auth = settings.auth
        self.per_key: list[RateLimitItem] = parse_many(auth.rate_limit) if auth.rate_limit else []
        self.failures: list[RateLimitItem] = (
            parse_many(auth.failed_auth_limit) if auth.failed_auth_limit else []
        )
        self._limiter = MovingWindowRateLimiter(create_rate_storage(settings))

    def hit_key(self, key_id: str) -> None:
        for item in self.per_key:
            if not self._limiter.hit(item, "key", key_id):
                raise self._error(item, "too many requests for this key", "key", key_id)

    def check_failures(self, address: str) -> None:
        for item in self.failures:
            if not self._limiter.test(item, "auth-fail", address):
                raise self._error(item, "too many failed key checks", "auth-fail", address)

    def record_failure(self, address: str) -> None:
        for item in self.failures:
            self._limiter.hit(item, "auth-fail", address)

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
        self.limits.check_failures(address)
        principal = self.store.verify(key.strip())
        if principal is None or principal.key_id is None:
            self.limits.record_failure(address)
            log.info("rejected an API key from %s", address)
            raise UnauthorizedError(
                "the API key is not valid (unknown, revoked or mistyped)",
                code="invalid_api_key",
                headers=_BEARER,
            )
        self.limits.hit_key(principal.key_id)
        return principal
