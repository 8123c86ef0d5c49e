"""DRF's throttles, counting per client address as argmap.clients finds it (never by a
forged X-Forwarded-For), in the "throttle" cache. When that cache is unavailable, reads
go through unthrottled (the cache logs the failure): a rate limit must not take the API
down with it."""

from django.core.cache import caches
from django.utils.connection import ConnectionProxy
from rest_framework import throttling

from argmap.caching import CacheUnavailable
from argmap.clients import client_address


class CountedPerClient:
    cache = ConnectionProxy(caches, "throttle")

    def get_ident(self, request):
        return getattr(request, "client_address", None) or client_address(request.META)

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except CacheUnavailable:
            return True


class AnonRateThrottle(CountedPerClient, throttling.AnonRateThrottle):
    pass


class ScopedRateThrottle(CountedPerClient, throttling.ScopedRateThrottle):
    pass
