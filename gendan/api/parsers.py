"""The API's JSON parser: DRF's, answering 400 for any body it cannot read.

DRF's parser turns malformed JSON into a 400 but lets Python's ``RecursionError``
through: a body of 100,000 nested brackets was a 500. Here that, and any body
nested deeper than ``MAX_DEPTH`` (no request of the API nests more than a few
levels: an order, its lines, a line's fields), is a ``ParseError``, before a
serializer, the idempotency fingerprint or the error handler walks it.
"""

from __future__ import annotations

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32


def depth_exceeds(data: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether ``data`` nests lists and objects more than ``limit`` deep (iterative,
    so that checking cannot itself recurse too deep)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply") from None
        if depth_exceeds(data):
            raise ParseError(f"JSON parse error - nested more than {MAX_DEPTH} levels")
        return data
