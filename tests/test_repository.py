"""The repository is self-contained: nothing tracked in it reads or links a path beside
the checkout (a clone has nothing beside it)."""

import subprocess

from django.conf import settings

# Built from pieces, so that this file does not trip its own test.
OUTSIDE = ["..", "/shared"]
FORBIDDEN = ["".join(OUTSIDE), "BASE_DIR" + ".parent"]
SKIPPED_DIRS = {".git", ".venv", "node_modules", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis"}


def repository_files():
    """The files git tracks or would track (not ignored), or, without git, every file but
    the tools' folders."""
    root = settings.BASE_DIR
    try:
        listed = subprocess.run(  # noqa: S603 - a fixed command, no input
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],  # noqa: S607 - git from PATH, as a developer runs it
            cwd=root,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return [
            path
            for path in root.rglob("*")
            if path.is_file() and not SKIPPED_DIRS.intersection(path.relative_to(root).parts)
        ]
    return [root / name for name in sorted(set(listed.decode().split("\0"))) if name]


def test_the_repository_files_are_found():
    names = {path.relative_to(settings.BASE_DIR).as_posix() for path in repository_files()}
    assert {"README.md", "Makefile", "manage.py", "config/settings.py", "tests/test_repository.py"} <= names
    assert not any(name.startswith((".venv/", ".git/")) for name in names)


def test_nothing_in_the_repository_reaches_outside_it():
    offenders = []
    for path in repository_files():
        if not path.is_file():  # listed by git but deleted in the work tree
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            for forbidden in FORBIDDEN:
                if forbidden in line:
                    offenders.append(f"{path.relative_to(settings.BASE_DIR)}:{number}: {forbidden}")
    assert not offenders, "paths outside the repository:\n" + "\n".join(offenders)
