"""The login's throttle: failed passwords counted per account at an address, and per
address, so that guessing is slow and nobody else is locked out.

- An account at an address: LOGIN_FAILURES_PER_ACCOUNT failures within
  LOGIN_FAILURE_WINDOW seconds, then that account is refused from that address. The
  same account from another address is not (an attacker cannot lock an editor out), nor
  another account from the same address.
- An address: LOGIN_FAILURES_PER_ADDRESS failures, whatever the accounts, then every
  login from it is refused (one address cannot try a password on every account). Only
  attempts whose account allowed them count here: an attempt refused for its account
  checks no password.

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
        """Count this attempt; may its password be checked?

        An attempt its account refuses is not counted for its address: no password was
        checked. Counted there, the refused attempts of one account would use up the
        address's allowance, locking out the address's other accounts, and among
        concurrent attempts an allowed one could find the address full of refused ones
        (forty at once got three checked instead of five)."""
        if self.count(self.account_key) > settings.LOGIN_FAILURES_PER_ACCOUNT:
            return False
        return self.count(self.address_key) <= settings.LOGIN_FAILURES_PER_ADDRESS

    def succeeded(self) -> None:
        """The password was right: this attempt was no failure."""
        self.cache.delete(self.account_key)
        with contextlib.suppress(ValueError):  # the window ended meanwhile
            self.cache.decr(self.address_key)
