"""How many examples a property test (Hypothesis) tries. The full run (`make test`, CI)
tries the number each test names. The edit-test loop (`make test-fast`) loads the "fast"
profile (`--hypothesis-profile=fast`, registered in tests/conftest.py), and each property
is tried a fifth as often, never fewer than the profile's max_examples: enough to catch a
property broken outright while editing, while the full run keeps searching hard."""

from hypothesis import settings

FAST = "fast"


def examples(full: int) -> int:
    """`full` in the full run; a fifth of it (at least the fast profile's count) in the fast lane."""
    fast = settings.get_profile(FAST)
    return max(fast.max_examples, full // 5) if settings.default is fast else full
