"""Log lines as text or as JSON (LOG_FORMAT), each carrying the id of the request it
was written for (argmap.clients.ClientMiddleware), so that one request's lines can be
found across processes and proxies."""

import json
import logging
from datetime import UTC, datetime

from argmap.clients import request_id

# What ClientMiddleware's request line adds, and JSON lines carry as fields of their own.
EXTRA_FIELDS = ("client", "status", "duration_ms")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, and the
    request line's fields; an exception's traceback under "exception"."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        line |= {name: getattr(record, name) for name in EXTRA_FIELDS if hasattr(record, name)}
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)
