"""Two middleware that shape error answers (both first in MIDDLEWARE, to see every error):

- DatabaseUnavailableMiddleware: while the database is unreachable every page answers
  503 with Retry-After, not 500: JSON under /api/, a short HTML page elsewhere. Clients
  and proxies then retry later, and once the server is back (connections are health-
  checked, CONN_HEALTH_CHECKS) the next request simply works. A write that lost to a
  concurrent one (a deadlock, a serialization failure) is a 409, not a 503: the
  database is there, and the client should read again before it retries.
- JSONErrorsMiddleware: under /api/, errors that Django answers by itself in HTML (a
  failed CSRF check, a bad Host header, an unexpected exception) are answered in JSON.
"""

import logging
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse

logger = logging.getLogger("argmap.api")

UNAVAILABLE_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>argmap is briefly unavailable</title></head>
<body><h1>argmap is briefly unavailable</h1>
<p>Its database cannot be reached just now. Please try again in a minute.</p></body></html>
"""
CONFLICT_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Your change was not saved</title></head>
<body><h1>Your change was not saved</h1>
<p>It collided with another change made at the same time. Go back, reload, and try again.</p></body></html>
"""


# SQLSTATEs of a write that lost to a concurrent one: the database is there, the data
# moved under the write (deadlock_detected, serialization_failure, lock_not_available).
CONFLICT_STATES = {"40P01", "40001", "55P03"}


def write_conflict(exception: BaseException | None) -> bool:
    return isinstance(exception, OperationalError) and (
        getattr(exception.__cause__, "sqlstate", None) in CONFLICT_STATES
    )


def database_unreachable(exception: BaseException | None) -> bool:
    # OperationalError: refused or lost connections, timeouts; not a write that lost a race.
    return isinstance(exception, OperationalError | InterfaceError) and not write_conflict(exception)


def _note_unreachable_database(sender, request=None, **kwargs):
    # Errors raised in other middleware never reach process_exception: Django turns them
    # into a 500 on the spot, telling only this signal. Note it; __call__ answers 503 (409).
    if request is not None and database_unreachable(sys.exc_info()[1]):
        request.database_unreachable = True
    if request is not None and write_conflict(sys.exc_info()[1]):
        request.write_conflict = True


got_request_exception.connect(_note_unreachable_database, dispatch_uid="argmap.api.database_unreachable")


def is_api(request) -> bool:
    return request.path_info.startswith("/api/")


class DatabaseUnavailableMiddleware:
    """Outermost middleware (first in MIDDLEWARE), so that it sees every error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, "database_unreachable", False):
            return self.unavailable(request)
        if response.status_code == 500 and getattr(request, "write_conflict", False):
            return self.conflict(request)
        return response

    def process_exception(self, request, exception):
        if database_unreachable(exception):
            logger.warning("Database unreachable (%s): answering 503 to %s", exception, request.path)
            return self.unavailable(request)
        if write_conflict(exception):
            logger.warning("Concurrent writes collided (%s): answering 409 to %s", exception, request.path)
            return self.conflict(request)
        return None

    def conflict(self, request):
        message = (
            "This change collided with another made at the same time, and was not saved. Read the data again and retry."
        )
        if is_api(request):
            response = JsonResponse({"detail": message}, status=409)
        else:
            response = HttpResponse(CONFLICT_HTML, status=409, content_type="text/html; charset=utf-8")
        response["Cache-Control"] = "no-store"
        return response

    def unavailable(self, request):
        message = "The database is unreachable just now; retry after the number of seconds in Retry-After."
        if is_api(request):
            response = JsonResponse({"detail": message}, status=503)
        else:
            response = HttpResponse(UNAVAILABLE_HTML, status=503, content_type="text/html; charset=utf-8")
        response["Retry-After"] = str(settings.DATABASE_RETRY_AFTER)
        response["Cache-Control"] = "no-store"
        return response


class JSONErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and is_api(request)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return JsonResponse({"detail": response.reason_phrase}, status=response.status_code)
        return response

    def process_exception(self, request, exception):
        if not is_api(request) or database_unreachable(exception) or write_conflict(exception) or settings.DEBUG:
            return None  # DEBUG keeps Django's page with the traceback
        got_request_exception.send(sender=None, request=request)
        logger.error("Internal Server Error: %s", request.path, exc_info=True, extra={"request": request})
        return JsonResponse({"detail": "A server error occurred."}, status=500)
