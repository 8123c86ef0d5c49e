"""Rules that no column constraint can express, kept by database triggers on SQLite and
PostgreSQL so that they hold whatever writes the data (admin, API, import, raw SQL):

1. A topic's `version` rises (and `changed_at` moves) whenever anything in its map
   changes, deletions included. Stakeholders, sources and relationships are shared
   by every map, so a change to one of them moves every topic's version.
2. A link joins a claim to a position or claim of the same topic, and a position
   or claim with links cannot move to another topic.
3. On PostgreSQL, support links never form a cycle (SQLite cannot run the
   recursive query inside a trigger; there, validation and its serialized writes
   keep the rule).

PostgreSQL uses statement-level triggers with transition tables, so a bulk insert
of 10,000 claims bumps the version once per statement, not once per row.
"""

from django.db import migrations

# For each table: how to find the topic(s) a row belongs to, given the row as `r`.
# None means "every topic" (shared objects).
TOPIC_OF_ROW = {
    "argmap_position": "r.topic_id",
    "argmap_claim": "r.topic_id",
    "argmap_salience": "r.topic_id",
    "argmap_link": "(SELECT c.topic_id FROM argmap_claim c WHERE c.id = r.claim_id)",
    "argmap_citation": "(SELECT c.topic_id FROM argmap_claim c WHERE c.id = r.claim_id)",
    "argmap_stance": (
        "COALESCE((SELECT p.topic_id FROM argmap_position p WHERE p.id = r.position_id),"
        " (SELECT c.topic_id FROM argmap_claim c WHERE c.id = r.claim_id))"
    ),
    "argmap_stakeholder": None,
    "argmap_source": None,
    "argmap_relationship": None,
}

LINK_TOPIC_MISMATCH = """
    (SELECT c.topic_id FROM argmap_claim c WHERE c.id = {r}.claim_id) IS DISTINCT FROM
    COALESCE((SELECT p.topic_id FROM argmap_position p WHERE p.id = {r}.target_position_id),
             (SELECT t.topic_id FROM argmap_claim t WHERE t.id = {r}.target_claim_id))
"""
LINK_TOPIC_MESSAGE = "argmap_link_same_topic: a link must join a claim to a position or claim of the same topic"
MOVE_MESSAGE = "argmap_no_move_with_links: a position or claim with links cannot move to another topic"


def postgresql_version_function(table, topic, *, create="CREATE"):
    """The statement-level function that moves the version of the topics whose map the
    rows of `table` changed (`topic`: a row's topic, given the row as `r`; None: all)."""
    if topic is None:
        body = "UPDATE argmap_topic SET version = version + 1;"
    else:
        new_ids = f"SELECT {topic} FROM new_rows r"
        old_ids = f"SELECT {topic} FROM old_rows r"
        body = f"""
                IF TG_OP = 'INSERT' THEN
                    UPDATE argmap_topic SET version = version + 1 WHERE id IN ({new_ids});
                ELSIF TG_OP = 'UPDATE' THEN
                    UPDATE argmap_topic SET version = version + 1 WHERE id IN ({new_ids} UNION {old_ids});
                ELSE
                    UPDATE argmap_topic SET version = version + 1 WHERE id IN ({old_ids});
                END IF;"""
    return f"""
            {create} FUNCTION {table}_version() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                {body}
                RETURN NULL;
            END $$"""


def sqlite_statements():
    now = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
    yield f"""
        CREATE TRIGGER argmap_topic_version AFTER UPDATE ON argmap_topic
        FOR EACH ROW WHEN NEW.version IS NOT OLD.version + 1
        BEGIN
            UPDATE argmap_topic SET version = OLD.version + 1, changed_at = {now} WHERE id = NEW.id;
        END"""
    for table, topic in TOPIC_OF_ROW.items():
        for event, rows in [("INSERT", ["NEW"]), ("UPDATE", ["OLD", "NEW"]), ("DELETE", ["OLD"])]:
            if topic is None:
                where = ""
            else:
                ids = ", ".join(topic.replace("r.", f"{row}.") for row in rows)
                where = f"WHERE id IN ({ids})"
            yield f"""
                CREATE TRIGGER {table}_version_{event.lower()} AFTER {event} ON {table}
                FOR EACH ROW BEGIN
                    UPDATE argmap_topic SET version = version + 1, changed_at = {now} {where};
                END"""
    mismatch = LINK_TOPIC_MISMATCH.format(r="NEW").replace("IS DISTINCT FROM", "IS NOT")
    for event in ["INSERT", "UPDATE"]:
        yield f"""
            CREATE TRIGGER argmap_link_same_topic_{event.lower()} BEFORE {event} ON argmap_link
            FOR EACH ROW WHEN {mismatch}
            BEGIN SELECT RAISE(ABORT, '{LINK_TOPIC_MESSAGE}'); END"""
    for table, linked in [
        ("argmap_claim", "claim_id = NEW.id OR target_claim_id = NEW.id"),
        ("argmap_position", "target_position_id = NEW.id"),
    ]:
        yield f"""
            CREATE TRIGGER {table}_no_move_with_links BEFORE UPDATE OF topic_id ON {table}
            FOR EACH ROW WHEN NEW.topic_id IS NOT OLD.topic_id
                AND EXISTS (SELECT 1 FROM argmap_link WHERE {linked})
            BEGIN SELECT RAISE(ABORT, '{MOVE_MESSAGE}'); END"""


def postgresql_statements():
    yield """
        CREATE FUNCTION argmap_topic_version() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.version := OLD.version + 1;
            NEW.changed_at := now();
            RETURN NEW;
        END $$"""
    yield """
        CREATE TRIGGER argmap_topic_version BEFORE UPDATE ON argmap_topic
        FOR EACH ROW EXECUTE FUNCTION argmap_topic_version()"""
    for table, topic in TOPIC_OF_ROW.items():
        yield postgresql_version_function(table, topic)
        for event, referencing in [
            ("INSERT", "NEW TABLE AS new_rows"),
            ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("DELETE", "OLD TABLE AS old_rows"),
        ]:
            yield f"""
                CREATE TRIGGER {table}_version_{event.lower()} AFTER {event} ON {table}
                REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {table}_version()"""

    yield f"""
        CREATE FUNCTION argmap_link_rules() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM new_rows r WHERE {LINK_TOPIC_MISMATCH.format(r="r")}) THEN
                RAISE EXCEPTION '{LINK_TOPIC_MESSAGE}' USING ERRCODE = 'check_violation';
            END IF;
            IF EXISTS (
                WITH RECURSIVE reach(start_id, claim_id) AS (
                    SELECT r.claim_id, r.target_claim_id FROM new_rows r
                    WHERE r.polarity = 'supports' AND r.target_claim_id IS NOT NULL
                    UNION
                    SELECT reach.start_id, l.target_claim_id FROM reach
                    JOIN argmap_link l ON l.claim_id = reach.claim_id
                    WHERE l.polarity = 'supports' AND l.target_claim_id IS NOT NULL
                )
                SELECT 1 FROM reach WHERE reach.claim_id = reach.start_id
            ) THEN
                RAISE EXCEPTION 'argmap_link_support_acyclic: support links may not form a cycle'
                    USING ERRCODE = 'check_violation';
            END IF;
            RETURN NULL;
        END $$"""
    for event, referencing in [("INSERT", "NEW TABLE AS new_rows"), ("UPDATE", "NEW TABLE AS new_rows")]:
        yield f"""
            CREATE TRIGGER argmap_link_rules_{event.lower()} AFTER {event} ON argmap_link
            REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION argmap_link_rules()"""
    for table, linked in [
        ("argmap_claim", "claim_id = NEW.id OR target_claim_id = NEW.id"),
        ("argmap_position", "target_position_id = NEW.id"),
    ]:
        yield f"""
            CREATE FUNCTION {table}_no_move_with_links() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.topic_id IS DISTINCT FROM OLD.topic_id AND EXISTS (SELECT 1 FROM argmap_link WHERE {linked}) THEN
                    RAISE EXCEPTION '{MOVE_MESSAGE}' USING ERRCODE = 'check_violation';
                END IF;
                RETURN NEW;
            END $$"""
        yield f"""
            CREATE TRIGGER {table}_no_move_with_links BEFORE UPDATE OF topic_id ON {table}
            FOR EACH ROW EXECUTE FUNCTION {table}_no_move_with_links()"""


def create_rules(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": sqlite_statements, "postgresql": postgresql_statements}.get(vendor)
    if statements is None:
        raise RuntimeError(f"argmap supports SQLite and PostgreSQL, not {vendor}")
    for statement in statements():
        schema_editor.execute(statement, params=None)


def drop_rules(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'argmap_%'")
            for (name,) in cursor.fetchall():
                schema_editor.execute(f'DROP TRIGGER "{name}"', params=None)
        else:
            cursor.execute(
                "SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE n.nspname = current_schema() AND p.proname LIKE 'argmap_%'"
            )
            for (function,) in cursor.fetchall():
                schema_editor.execute(f"DROP FUNCTION {function} CASCADE", params=None)


class Migration(migrations.Migration):
    dependencies = [("argmap", "0001_initial")]

    operations = [migrations.RunPython(create_rules, drop_rules)]
