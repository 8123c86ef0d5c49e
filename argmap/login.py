"""The login's throttle: failed passwords counted per account at an address, and per
address, so that guessing is slow and nobody else is locked out.

- An account at an address: LOGIN_FAILURES_PER_ACCOUNT failures within
  LOGIN_FAILURE_WINDOW seconds, then that account is refused from that address. The
  same account from another address is not (an attacker cannot lock an editor out), nor
  another account from the same address.
- An address: LOGIN_FAILURES_PER_ADDRESS failures, whatever the accounts, then every
  login from it is refused (one address cannot try a password on every account).

Each attempt is counted before its password is checked, with the cache's atomic
`add` and `incr`: forty concurrent attempts get exactly the allowed number checked. A
correct password clears its account's count and does not count for its address. The
counts live in the "throttle" cache, which fails closed: when it is unavailable no
password is checked (CacheUnavailable), since none could be counted.
"""

import contextlib
import hashlib

from django.conf import settings
from django.core.cache import caches


class LoginThrottle:
    def __init__(self, username: str, address: str):
        account = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
        self.account_key = f"login-failures:account:{account}:{address}"
        self.address_key = f"login-failures:address:{address}"
        self.cache = caches["throttle"]

    def count(self, key: str) -> int:
        window = settings.LOGIN_FAILURE_WINDOW
        for _ in range(3):
            self.cache.add(key, 0, window)
            try:
                return self.cache.incr(key)
            except ValueError:  # expired between add and incr: add it again
                continue
        return self.cache.incr(key)

    def attempt(self) -> bool:
        """Count this attempt; may its password be checked?"""
        by_account = self.count(self.account_key)
        by_address = self.count(self.address_key)
        return by_account <= settings.LOGIN_FAILURES_PER_ACCOUNT and by_address <= settings.LOGIN_FAILURES_PER_ADDRESS

    def succeeded(self) -> None:
        """The password was right: this attempt was no failure."""
        self.cache.delete(self.account_key)
        with contextlib.suppress(ValueError):  # the window ended meanwhile
            self.cache.decr(self.address_key)
