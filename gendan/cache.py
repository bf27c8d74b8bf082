"""A Redis cache that falls back to this process's memory while Redis does not answer.

The API's throttle counters live in Redis so that every process counts together.
When Redis is down (or times out), a throttle must not take the API with it: each
operation then goes to a local-memory cache of the same name instead, and Redis is
not tried again for ``FALLBACK_SECONDS`` (so a request does not pay a failed
connection attempt each time). The switch is logged once each way. While Redis is
down each process counts on its own: a caller gets at most ``processes ×`` its
budget, which is what a rate limit may give for a few minutes, not a reason to fail.

Settings (``CACHES``)::

    "api": {
        "BACKEND": "gendan.cache.FallbackRedisCache",
        "LOCATION": REDIS_URL,
        "FALLBACK_SECONDS": 5,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Per process and per Redis location: whether Redis is being skipped, and until when.
# Django makes one cache object per thread; the breaker is shared by all of them.
_breakers: dict[str, _Breaker] = {}
_breakers_lock = threading.Lock()


class _Breaker:
    def __init__(self) -> None:
        self.down_until = 0.0
        self.down = False
        self.lock = threading.Lock()

    def open(self, seconds: float) -> bool:
        """Skip Redis for ``seconds``; True when this starts an outage (to log once)."""
        with self.lock:
            self.down_until = time.monotonic() + seconds
            started, self.down = not self.down, True
            return started

    def close(self) -> bool:
        """Redis answered; True when this ends an outage."""
        with self.lock:
            ended, self.down = self.down, False
            return ended

    def skipping(self) -> bool:
        return self.down and time.monotonic() < self.down_until


def _breaker(location: str) -> _Breaker:
    with _breakers_lock:
        return _breakers.setdefault(location, _Breaker())


def _through_call(name: str) -> Callable[..., Any]:
    """The cache operation ``name`` of ``FallbackRedisCache``: Redis's, or local memory's
    while Redis does not answer (``_call``)."""

    def operation(self: FallbackRedisCache, *args: Any, **kwargs: Any) -> Any:
        return self._call(name, *args, **kwargs)

    operation.__name__ = name
    operation.__qualname__ = f"FallbackRedisCache.{name}"
    return operation


class FallbackRedisCache(RedisCache):
    """Django's Redis cache; on a Redis error, the same operation on local memory."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._location = server if isinstance(server, str) else ",".join(server)
        self._fallback_seconds = float(params.get("FALLBACK_SECONDS", 5))
        self._breaker = _breaker(self._location)
        self._fallback = LocMemCache(
            f"fallback:{self._location}",
            {
                "TIMEOUT": params.get("TIMEOUT", 300),
                "KEY_PREFIX": params.get("KEY_PREFIX", ""),
                "VERSION": params.get("VERSION", 1),
            },
        )

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        local: Callable[..., Any] = getattr(self._fallback, name)
        if self._breaker.skipping():
            return local(*args, **kwargs)
        try:
            result = getattr(super(), name)(*args, **kwargs)
        except RedisError as exc:
            if self._breaker.open(self._fallback_seconds):
                logger.warning(
                    "cache %s: Redis unavailable (%s: %s); using this process's memory, "
                    "trying Redis again every %ss",
                    self._location.rsplit("@", 1)[-1],
                    type(exc).__name__,
                    exc,
                    self._fallback_seconds,
                )
            return local(*args, **kwargs)
        if self._breaker.close():
            logger.warning("cache %s: Redis answers again", self._location.rsplit("@", 1)[-1])
        return result

    # Every public operation of RedisCache (the async ones call these).
    add = _through_call("add")
    get = _through_call("get")
    set = _through_call("set")
    touch = _through_call("touch")
    delete = _through_call("delete")
    get_many = _through_call("get_many")
    has_key = _through_call("has_key")
    incr = _through_call("incr")
    set_many = _through_call("set_many")
    delete_many = _through_call("delete_many")
    clear = _through_call("clear")
