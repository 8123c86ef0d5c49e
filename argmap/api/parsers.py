"""JSON in, with limits: the body size (DATA_UPLOAD_MAX_MEMORY_SIZE) and the nesting depth.

The standard library's parser, which DRF uses, recurses once per level: 20,000 nested
brackets in 40 KB crash it with a RecursionError (a 500). orjson stops at 1,024 levels,
and no argmap document is deeper than a handful, so anything deeper than MAX_DEPTH is
refused with a 400 before a serializer sees it.
"""

import orjson
from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser

from argmap.api.exceptions import RequestTooLarge

MAX_DEPTH = 16


def depth_of(value, stop_at: int) -> int:
    """How deeply lists and objects nest in a parsed JSON value (a scalar is 0), counted
    level by level without recursion, and no further than `stop_at`."""
    depth, level = 0, [value]
    while depth < stop_at:
        containers = [item for item in level if isinstance(item, list | dict)]
        if not containers:
            break
        depth += 1
        level = [child for item in containers for child in (item.values() if isinstance(item, dict) else item)]
    return depth


class BoundedJSONParser(BaseParser):
    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = b"" if stream is None else stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(body) > limit:
            raise RequestTooLarge(f"The request body is larger than {limit:,} bytes.")
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError as error:
            raise ParseError(f"JSON parse error: {error}") from None
        if depth_of(data, stop_at=MAX_DEPTH + 1) > MAX_DEPTH:
            raise ParseError(f"The JSON is nested more than {MAX_DEPTH} levels deep.")
        return data
