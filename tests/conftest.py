import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from hypothesis import settings as hypothesis_settings

from tests import migrated
from tests.factories import EditorFactory, UserFactory
from tests.properties import FAST

# The edit-test loop's property tests (tests/properties.py): `make test-fast` loads it.
hypothesis_settings.register_profile(FAST, max_examples=10)


@pytest.fixture(scope="session", autouse=True)
def fast_password_hasher():
    """Test users' passwords are hashed with MD5 (as Django's docs advise for tests):
    PBKDF2 costs a quarter of a second or more per hash, and nearly every test makes an
    editor, a reviewer or a user. Production settings are untouched (test_settings checks
    them in a process of their own)."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


def on_sqlite_with_migrations(use_migrations: bool) -> bool:
    return use_migrations and settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings, django_db_use_migrations, django_db_createdb):
    """On SQLite, the test database is loaded from a migrated copy kept by an earlier
    run, when there is one for the current migrations (tests/migrated.py); then Django's
    `migrate` has nothing to do. `--create-db` migrates from nothing (and keeps the
    result). PostgreSQL migrates its test database as before."""
    if not on_sqlite_with_migrations(django_db_use_migrations):
        yield
        return
    settings.DATABASES["default"]["TEST"]["NAME"] = migrated.IN_MEMORY
    copy = migrated.kept_copy()
    database = migrated.load(copy) if copy.exists() and not django_db_createdb else None
    yield
    if database is not None:
        database.close()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_use_migrations, django_db_createdb, django_db_blocker):
    """pytest-django's; then, on SQLite, the freshly migrated database is kept for the
    next runs, if none was kept yet (or `--create-db` asked to migrate)."""
    if on_sqlite_with_migrations(django_db_use_migrations):
        copy = migrated.kept_copy()
        if django_db_createdb or not copy.exists():
            with django_db_blocker.unblock():
                migrated.keep(connection, copy)


@pytest.fixture(autouse=True)
def empty_caches():
    """Every test starts with empty caches (in memory in the tests, unless a test sets
    up its own). Keys name a topic by its id and version, and a rolled-back test leaves
    the next one the same ids: without this, a page, export or list kept by one test
    would be served to another."""
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture(scope="session")
def migrated_groups(django_db_setup, django_db_blocker) -> dict[str, set[tuple[str, str]]]:
    """The groups the migrations made (Editors, Reviewers), each with its permissions as
    (app label, codename): read once, from the freshly migrated test database."""
    with django_db_blocker.unblock():
        return {
            group.name: set(group.permissions.values_list("content_type__app_label", "codename"))
            for group in Group.objects.all()
        }


@pytest.fixture(autouse=True)
def editors_group(request):
    """A transactional test empties the database when it ends, the groups that migrations
    0003 and 0010 made included. Run alone, pytest-django puts those tests last; spread
    over processes (`make test-fast`, pytest-xdist) any test may follow one. So every test
    that uses the database finds the groups as the migrations left them."""
    uses_database = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        request.fixturenames
    )
    if not uses_database:
        return
    groups = request.getfixturevalue("migrated_groups")
    request.getfixturevalue("db")  # the test's own database fixture (transactional if it asks)
    put_back(groups)


def put_back(groups: dict[str, set[tuple[str, str]]]) -> None:
    """Make the migrations' groups again if a flush removed them."""
    if Group.objects.filter(name__in=groups).count() == len(groups):
        return
    for name, permissions in groups.items():
        group, _ = Group.objects.get_or_create(name=name)
        codenames = {codename for _, codename in permissions}
        group.permissions.set(
            permission
            for permission in Permission.objects.filter(codename__in=codenames).select_related("content_type")
            if (permission.content_type.app_label, permission.codename) in permissions
        )


@pytest.fixture(scope="module")
def module_transaction(django_db_setup, django_db_blocker, migrated_groups):
    """A transaction around a whole test module, rolled back after its last test. Rows a
    module-scoped fixture makes inside it are made once and read by each of the module's
    tests, which run inside it in savepoints of their own (pytest-django's `db`): what a
    test changes is undone before the next one. For modules whose every test reads the
    same data and none needs real transactions (`transactional_db` cannot run inside).
    The migrations' groups are there, even after an earlier module's flush, so that
    module-scoped fixtures can make editors and reviewers."""
    with django_db_blocker.unblock(), transaction.atomic():
        put_back(migrated_groups)
        with django_db_blocker.block():  # between tests, as elsewhere, no database
            yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def demo_map(module_transaction, django_db_blocker):
    """The demo map, loaded once per module that asks for it (load_demo takes about a
    second): see module_transaction."""
    with django_db_blocker.unblock():
        call_command("load_demo", verbosity=0)


@pytest.fixture
def editor(db):
    return EditorFactory(username="editor")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def outsider_client(client, db):
    """Logged in as staff, but in no group: may not read or write anything in the admin."""
    client.force_login(UserFactory(username="outsider"))
    return client


@pytest.fixture
def on_postgresql():
    return connection.vendor == "postgresql"
