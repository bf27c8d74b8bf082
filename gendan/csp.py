"""The Content-Security-Policy of every response (defence in depth against injected
markup): scripts, styles, fonts and requests only from this site, images also as
``data:`` URLs, no plugins, no framing, forms posting only here.

The pages need nothing inline: htmx and the vendored Chart.js are files; the few
lines of JavaScript are ``static/js/gendan.js``; htmx's indicator styles are in the
stylesheet (``<meta name="htmx-config">`` turns its inline ones off). Two kinds of
response ask for a little more, each for itself only (``allow``):

- DRF's browsable API writes a few ``style`` attributes and a ``<style>``;
- the plain error pages (500, 503) carry their own few lines of CSS, so that they
  need neither the database nor the static files;
- the admin's pages (Django's and its packages' templates) may carry ``style``
  attributes (``GENDAN_CSP_PATHS``).

Never a script: ``script-src`` is ``'self'`` on every page.

A response that already has a policy keeps it (a file download: ``sandbox``).
``GENDAN_CSP`` holds the directives; ``GENDAN_CSP_REPORT_ONLY`` sends the policy as
``Content-Security-Policy-Report-Only`` instead, to try a change on a live site.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"
REPORT_ONLY_HEADER = "Content-Security-Policy-Report-Only"

DEFAULT_POLICY: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    "img-src": ("'self'", "data:"),
    "font-src": ("'self'",),
    "connect-src": ("'self'",),
    "object-src": ("'none'",),
    "frame-ancestors": ("'none'",),
    "form-action": ("'self'",),
    "base-uri": ("'self'",),
}

_EXTRA = "_gendan_csp_extra"


def allow(response: HttpResponse, directives: Mapping[str, Iterable[str]]) -> HttpResponse:
    """Widen the policy of this one response: each directive gets the extra sources."""
    extra = getattr(response, _EXTRA, {})
    for directive, sources in directives.items():
        extra.setdefault(directive, [])
        extra[directive].extend(source for source in sources if source not in extra[directive])
    setattr(response, _EXTRA, extra)
    return response


def policy_header(extra: Mapping[str, Iterable[str]] | None = None) -> str:
    """The header's value: ``GENDAN_CSP`` (else the default) with ``extra`` added."""
    directives = {
        name: list(sources)
        for name, sources in getattr(settings, "GENDAN_CSP", DEFAULT_POLICY).items()
    }
    for name, sources in (extra or {}).items():
        current = directives.setdefault(name, [])
        current.extend(source for source in sources if source not in current)
    return "; ".join(f"{name} {' '.join(sources)}".strip() for name, sources in directives.items())


class ContentSecurityPolicyMiddleware:
    """Adds the policy to every response that has none."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        header = (
            REPORT_ONLY_HEADER if getattr(settings, "GENDAN_CSP_REPORT_ONLY", False) else HEADER
        )
        if HEADER not in response and REPORT_ONLY_HEADER not in response:
            for prefix, directives in getattr(settings, "GENDAN_CSP_PATHS", {}).items():
                if request.path.startswith(prefix):
                    allow(response, directives)
            response[header] = policy_header(getattr(response, _EXTRA, None))
        return response
