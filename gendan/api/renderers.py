"""The API's renderers: JSON with orjson, and DRF's browsable API within the CSP.

The JSON renderer is DRF's, encoding with orjson.

A page of 50 orders with their lines is some 60 kB of JSON; the standard library
encoder spends about a millisecond on it, orjson a tenth of that. Output is the
same JSON: moments, decimals, lazy translations and the like still go through
DRF's own encoder (``default``), and an indented response (``Accept:
application/json; indent=2``) is left to DRF's renderer.
"""

from __future__ import annotations

import orjson
from rest_framework.renderers import BrowsableAPIRenderer as DrfBrowsableAPIRenderer
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

from gendan import csp

_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
_fallback = JSONEncoder()


class OrjsonRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:
            return b""
        if self.get_indent(accepted_media_type, renderer_context or {}):
            return super().render(data, accepted_media_type, renderer_context)
        return orjson.dumps(data, default=_fallback.default, option=_OPTIONS)


class BrowsableAPIRenderer(DrfBrowsableAPIRenderer):
    """DRF's browsable API. Its template writes a few ``style`` attributes (the filter
    and format buttons) and a ``<style>`` (code highlighting): its pages alone allow
    inline styles; scripts stay files only."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            csp.allow(response, {"style-src": ["'unsafe-inline'"]})
        return super().render(data, accepted_media_type, renderer_context)
