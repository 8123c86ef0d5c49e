"""Who is asking, and which request this is.

Behind proxies and CDNs the address that connects (REMOTE_ADDR) is the last proxy's;
the client's is in X-Forwarded-For, which anyone may also forge. settings.TRUSTED_PROXIES
says which hops to believe: a count (that many proxies stand in front of the site, each
appending the address it saw), or a list of networks (the proxies' addresses). Without
it, forwarded headers are ignored. The client address so found drives the API's
throttle, the login's throttle and the logs.

`ClientMiddleware`, first in MIDDLEWARE, puts it on the request as `client_address`,
drops X-Forwarded-Proto from anyone who is not a trusted proxy (so that
SECURE_PROXY_SSL_HEADER cannot be fooled), and gives each request an id: the one a
trusted proxy sent in X-Request-ID, or a new one. The id goes back in X-Request-ID and
into every log line written while the request is handled (argmap.logs).
"""

import contextvars
import ipaddress
import logging
import re
import time
import uuid
from functools import lru_cache

from django.conf import settings

logger = logging.getLogger("argmap.requests")

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


@lru_cache(maxsize=8)
def networks(trusted: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(network, strict=False) for network in trusted)


def in_networks(address: str, trusted: tuple[str, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks(trusted))


def from_trusted_proxy(meta: dict) -> bool:
    """Did a trusted proxy make this connection? With a count, every connection comes
    through the proxies (the site must not be reachable otherwise)."""
    trusted = settings.TRUSTED_PROXIES
    if isinstance(trusted, int):
        return trusted > 0
    return in_networks(meta.get("REMOTE_ADDR", ""), tuple(trusted))


def client_address(meta: dict) -> str:
    """The client's address: REMOTE_ADDR, or the nearest hop of X-Forwarded-For that
    is not one of the trusted proxies."""
    remote = meta.get("REMOTE_ADDR", "")
    trusted = settings.TRUSTED_PROXIES
    if not trusted:
        return remote
    hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    hops.append(remote)
    if isinstance(trusted, int):
        # The last `trusted` hops are our proxies (the connecting one included): the hop
        # before them is the client. Fewer hops than proxies: the farthest one seen.
        return hops[max(len(hops) - 1 - trusted, 0)]
    for hop in reversed(hops):
        if not in_networks(hop, tuple(trusted)):
            return hop
    return hops[0]


class ClientMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        trusted = from_trusted_proxy(request.META)
        if not trusted:
            request.META.pop("HTTP_X_FORWARDED_PROTO", None)
        request.client_address = client_address(request.META)
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.id = incoming if trusted and REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = request_id.set(request.id)
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.id
            logger.info(
                "%s %s %s",
                request.method,
                request.get_full_path()[:500],
                response.status_code,
                extra={
                    "client": request.client_address,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id.reset(token)
