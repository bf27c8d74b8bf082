"""The address a request came from, trusting ``X-Forwarded-For`` only as far as the
deployment's own proxies (``GENDAN_NUM_PROXIES``).

One rule for everything that counts by address: the API's anonymous throttle
(``gendan.api.throttling``), DRF's own (``NUM_PROXIES``) and django-axes' login
lockout (``AXES_CLIENT_IP_CALLABLE``).

- ``GENDAN_NUM_PROXIES = 0`` (the default): the header is ignored, the address is
  ``REMOTE_ADDR``. Anyone can write any ``X-Forwarded-For``; believing it would let
  a client pick a new address for each request.
- ``N > 0``: Gendan runs behind N proxies, each appending the address it was
  connected from; the client is the N-th address from the right (what the
  outermost proxy of ours saw). Anything further left was written by the client.
"""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str:
    """The client's address for ``request`` (a Django or DRF request)."""
    meta = request.META
    remote_addr = meta.get("REMOTE_ADDR") or ""
    proxies = getattr(settings, "GENDAN_NUM_PROXIES", 0)
    forwarded = meta.get("HTTP_X_FORWARDED_FOR")
    if proxies <= 0 or not forwarded:
        return remote_addr
    addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
    if not addresses:
        return remote_addr
    return addresses[-min(proxies, len(addresses))]
