"""Two middleware that shape error answers (both first in MIDDLEWARE, to see every error):

- DatabaseUnavailableMiddleware: while the database is unreachable every page answers
  503 with Retry-After, not 500: JSON under /api/, a short HTML page elsewhere. Clients
  and proxies then retry later, and once the server is back (connections are health-
  checked, CONN_HEALTH_CHECKS) the next request simply works.
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


def database_unreachable(exception: BaseException | None) -> bool:
    # OperationalError: refused or lost connections, timeouts (also deadlocks and
    # serialization failures, for which "retry shortly" is the right answer too).
    return isinstance(exception, OperationalError | InterfaceError)


def _note_unreachable_database(sender, request=None, **kwargs):
    # Errors raised in other middleware never reach process_exception: Django turns them
    # into a 500 on the spot, telling only this signal. Note it; __call__ answers 503.
    if request is not None and database_unreachable(sys.exc_info()[1]):
        request.database_unreachable = True


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
        return response

    def process_exception(self, request, exception):
        if database_unreachable(exception):
            logger.warning("Database unreachable (%s): answering 503 to %s", exception, request.path)
            return self.unavailable(request)
        return None

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
        if not is_api(request) or database_unreachable(exception) or settings.DEBUG:
            return None  # DEBUG keeps Django's page with the traceback
        got_request_exception.send(sender=None, request=request)
        logger.error("Internal Server Error: %s", request.path, exc_info=True, extra={"request": request})
        return JsonResponse({"detail": "A server error occurred."}, status=500)
