"""Rate limits per caller: each user (person or machine client) has its own budget;
anonymous requests (the token endpoint) share one per IP address. Over the limit the
API answers 429 with ``Retry-After``.

Counters live in the ``api`` cache (Redis when REDIS_URL is set, so every process
counts together); rates are read at request time from REST_FRAMEWORK's
DEFAULT_THROTTLE_RATES.
"""

from __future__ import annotations

from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from gendan.clientip import client_ip


class _GendanRateThrottle(SimpleRateThrottle):
    cache_alias = "api"

    @property
    def cache(self):
        return caches[self.cache_alias]

    def get_rate(self) -> str | None:
        try:
            return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        except KeyError:
            raise ImproperlyConfigured(f"No throttle rate set for scope {self.scope!r}") from None


class ClientRateThrottle(_GendanRateThrottle):
    """One budget per authenticated caller."""

    scope = "client"

    def get_cache_key(self, request, view) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class AnonymousRateThrottle(_GendanRateThrottle):
    """One budget per IP address for requests without a user (e.g. getting a token).
    The address is ``gendan.clientip.client_ip``'s: X-Forwarded-For counts only as
    far as GENDAN_NUM_PROXIES proxies of ours, so a client cannot rotate it."""

    scope = "anon"

    def get_cache_key(self, request, view) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def get_ident(self, request) -> str:
        return client_ip(request)
