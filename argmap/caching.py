"""The cache as an accelerator: a failing cache slows the site down, never breaks it.

Every cache alias (settings.CACHES) is a `FailSafeCache` wrapping the real backend
(LocMem, files or Redis, by OPTIONS["BACKEND"]). When the real backend raises, for
whatever reason (Redis stopped, a full disk, a corrupt file, a value that does not
pickle), the wrapper logs the failure and answers as an empty cache would: a read
misses, a write is dropped, so pages are built and served uncached. After a failure
the backend is left alone for OPTIONS["RETRY_AFTER"] seconds (5 by default), so that a
stopped Redis costs one failed connection per process every few seconds, not one per
request, and the log gets one line per outage instead of thousands.

An alias whose OPTIONS["FAIL"] is "closed" (the "throttle" alias) raises
`CacheUnavailable` instead: its callers choose. The API's throttle lets reads through
(argmap.api.throttling), the login refuses to check passwords it cannot count
(argmap.login).
"""

import logging
import time

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.utils.cache import patch_cache_control
from django.utils.module_loading import import_string

from argmap import metrics

logger = logging.getLogger("argmap.cache")


def patch_reader_cache_control(response, request, *, public: bool) -> None:
    """Cache-Control for a page or file derived from one version of a topic's map.

    Published, to an anonymous reader: browsers keep it PUBLIC_MAX_AGE seconds, shared
    caches (CDNs) PUBLIC_S_MAXAGE, and may serve it stale for
    PUBLIC_STALE_WHILE_REVALIDATE more while they fetch the new version (a cheap 304
    when nothing changed). Drafts, and pages seen by someone logged in (an editor wants
    their change at once), stay out of shared caches and are revalidated every time.
    """
    if public and not request.user.is_authenticated:
        patch_cache_control(
            response,
            public=True,
            max_age=settings.PUBLIC_MAX_AGE,
            s_maxage=settings.PUBLIC_S_MAXAGE,
            stale_while_revalidate=settings.PUBLIC_STALE_WHILE_REVALIDATE,
        )
    else:
        patch_cache_control(response, private=True, no_cache=True)


class CacheUnavailable(Exception):  # noqa: N818 - a state, like Django's ImproperlyConfigured
    """The cache of an alias that fails closed could not be used."""


class FailSafeCache(BaseCache):
    def __init__(self, location, params):
        options = dict(params.get("OPTIONS", {}))
        backend = options.pop("BACKEND")
        self.name = options.pop("NAME", backend.rsplit(".", 1)[-1])
        self.fails_closed = options.pop("FAIL", "open") == "closed"
        self.retry_after = float(options.pop("RETRY_AFTER", 5))
        super().__init__(params)
        self.make_backend = lambda: import_string(backend)(location, {**params, "OPTIONS": options})
        self.down_until = 0.0
        self._backend = None

    @property
    def backend(self) -> BaseCache:
        """The real backend, made at first use: making one may fail too (a file cache
        whose folder cannot be created), and is then tried again after a rest."""
        if self._backend is None:
            self._backend = self.make_backend()
        return self._backend

    def _call(self, method: str, *args, default=None, **kwargs):
        if time.monotonic() < self.down_until:
            if self.fails_closed:
                raise CacheUnavailable(f"the {self.name} cache is unavailable")
            return default
        try:
            return getattr(self.backend, method)(*args, **kwargs)
        except Exception as error:
            if method in {"incr", "decr"} and isinstance(error, ValueError):
                raise  # the key does not exist: an answer, not a failure
            self.down_until = time.monotonic() + self.retry_after
            metrics.CACHE_ERRORS.labels(self.name).inc()
            logger.warning(
                "The %s cache failed (%s: %s); going on without it for %g s",
                self.name,
                type(error).__name__,
                error,
                self.retry_after,
            )
            if self.fails_closed:
                raise CacheUnavailable(f"the {self.name} cache is unavailable") from error
            return default

    def ping(self) -> None:
        """Raise if the real backend cannot store and read a value (for /readyz)."""
        key = "argmap:readyz"
        self.backend.set(key, 1, 10)
        if self.backend.get(key) != 1:
            raise CacheUnavailable(f"the {self.name} cache does not keep what it is given")

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version, default=False)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version, default=default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version, default=False)

    def delete(self, key, version=None):
        return self._call("delete", key, version, default=False)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version, default={})

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version, default=list(data))

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version, default=False)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version, default=delta)

    def decr(self, key, delta=1, version=None):
        return self._call("decr", key, delta, version, default=-delta)

    def clear(self):
        return self._call("clear")

    def close(self, **kwargs):
        try:  # at the end of each request: never the request's failure
            if self._backend is not None:
                self._backend.close(**kwargs)
        except Exception:
            logger.warning("The %s cache failed to close", self.name, exc_info=True)
