"""The checking stage of an import, whatever the format. A reader turns a file into an
IncomingMap (portable rows, see document.py, each with the place in the file it came
from; reading.py); `check` holds the map against every rule of the domain and against
the database and reports every problem with its place; only a map without problems
becomes a Plan, which saving.py writes in one transaction. Nothing is written unless the
whole file is valid.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import orjson
from django.core import validators
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from argmap.graph import support_cycles
from argmap.interchange.document import (
    COLUMNS,
    KEYS,
    MODELS,
    PARTS,
    PLURAL,
    REFERENCES,
    SHARED_PARTS,
    SINGULAR,
    TOPIC_COLUMNS,
    TOPIC_PARTS,
)
from argmap.interchange.reading import IncomingMap, Problem
from argmap.loading import Row
from argmap.models import CONTROL_CHARACTERS, Basis, Polarity, Stakeholder, Topic, WebURLField

REQUIRED = object()
UUID_PATTERN = re.compile(r"^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$")
CANONICAL_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
WEB_URL = validators.URLValidator(schemes=["http", "https"])


@dataclass
class Plan:
    """A checked map, ready to be written: clean rows per part, and which shared rows
    (stakeholders, sources, relationships) the database already has."""

    topic: dict[str, Any]
    rows: dict[str, list[Row]]
    existing: dict[str, dict[str, int]]  # shared part -> {slug or uid: id} already in the database
    notes: list[Problem]

    def created(self) -> dict[str, int]:
        return {part: len(self.rows[part]) for part in PARTS}

    def reused(self) -> dict[str, int]:
        return {part: len(self.existing[part]) for part in SHARED_PARTS}


# ---------------------------------------------------------------------------
# Values: one checker per column, made from the model field it is written to
# ---------------------------------------------------------------------------


class Invalid(ValueError):
    """A value that its column does not accept; the message completes "<column> …"."""


Checker = Callable[[Any], Any]
# A checker may also have `every(values) -> bool`: whether every value of a column is one
# it accepts AND returns unchanged, found column by column at C speed (see _clean_rows).


def _all_typed(values: list[Any], *kinds: type) -> bool:
    return set(map(type, values)) <= set(kinds)


def _strings(values: list[Any], *, nullable: bool) -> list[str] | None:
    """The values that are not None, if every value is a string (or None, if `nullable`)."""
    if not _all_typed(values, str, *((type(None),) if nullable else ())):
        return None
    return [value for value in values if value is not None] if None in values else values


def _text_checker(model_field: models.Field) -> Checker:
    limit, required = model_field.max_length, not model_field.blank
    is_url = isinstance(model_field, WebURLField)

    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise Invalid("must be text")
        if "\x00" in value:
            raise Invalid("contains a NUL character")
        if CONTROL_CHARACTERS.search(value):
            raise Invalid("contains a control character (only tab and line breaks are allowed)")
        if len(value) > limit:
            raise Invalid(f"is {len(value):,} characters long; the limit is {limit:,}")
        if required and not value:
            raise Invalid("may not be empty")
        if is_url and value:
            try:
                WEB_URL(value)
            except ValidationError:
                raise Invalid(f"must be an http:// or https:// address, not “{value[:80]}”") from None
        return value

    def every(values: list[Any]) -> bool:
        if not _all_typed(values, str) or max(map(len, values), default=0) > limit:
            return False
        joined = "".join(values)
        if "\x00" in joined or CONTROL_CHARACTERS.search(joined):
            return False
        if required and not all(values):
            return False
        try:
            for value in values if is_url else ():
                if value:
                    WEB_URL(value)
        except ValidationError:
            return False
        return True

    check.every = every
    return check


def _choice_checker(model_field: models.Field) -> Checker:
    values = {str(value) for value, _label in model_field.choices}
    listed = ", ".join(sorted(values))

    def check(value: Any) -> str:
        if not isinstance(value, str) or value not in values:
            raise Invalid(f"must be one of {listed}, not “{str(value)[:80]}”")
        return value

    def every(column: list[Any]) -> bool:
        return _all_typed(column, str) and set(column) <= values

    check.every = every
    return check


def _bounds(model_field: models.Field) -> tuple[float | None, float | None]:
    low = high = None
    if isinstance(model_field, models.PositiveSmallIntegerField):
        low, high = 0, 32767  # the column's own range
    for validator in model_field.validators:
        if isinstance(validator, validators.MinValueValidator):
            low = validator.limit_value
        elif isinstance(validator, validators.MaxValueValidator):
            high = validator.limit_value
    return low, high


def _number_checker(model_field: models.Field) -> Checker:
    low, high = _bounds(model_field)
    whole = isinstance(model_field, models.IntegerField)
    kind = "a whole number" if whole else "a number"
    span = f" from {low} to {high}" if low is not None and high is not None else ""

    def check(value: Any) -> float | int:
        if isinstance(value, bool) or not isinstance(value, int if whole else (int, float)):
            raise Invalid(f"must be {kind}{span}")
        if (low is not None and not value >= low) or (high is not None and not value <= high):
            raise Invalid(f"must be {kind}{span}, not {value}")
        return value

    def every(values: list[Any]) -> bool:
        if not (_all_typed(values, int) if whole else _all_typed(values, int, float)):
            return False
        # min() and max() would let a NaN through; these comparisons refuse it, as check() does.
        return (low is None or all(value >= low for value in values)) and (
            high is None or all(value <= high for value in values)
        )

    check.every = every
    return check


def _check_date(value: Any) -> str | None:
    if value is None:
        return None
    try:
        if isinstance(value, str) and len(value) == 10:
            return date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    raise Invalid(f"must be a date written YYYY-MM-DD, not “{str(value)[:40]}”")


def _check_datetime(value: Any) -> datetime | None:
    if value is None:
        return None
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None:
        raise Invalid(f"must be a date and time (ISO 8601), not “{str(value)[:40]}”")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, timezone.get_fixed_timezone(0))


def _check_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise Invalid(f"must be true or false, not “{str(value)[:40]}”")


def _check_uid(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and CANONICAL_UUID.match(value):
        return value
    if not isinstance(value, str) or not UUID_PATTERN.match(value.lower()):
        raise Invalid(f"must be a UUID, not “{str(value)[:60]}”")
    return str(uuid.UUID(value))


def _check_uid_given(value: Any) -> str:
    if value is None:
        raise Invalid("is missing")
    return _check_uid(value)


def _every_uid(values: list[Any], *, nullable: bool = True) -> bool:
    uids = _strings(values, nullable=nullable)
    return uids is not None and all(map(CANONICAL_UUID.match, uids))


_check_uid.every = _every_uid
_check_uid_given.every = lambda values: _every_uid(values, nullable=False)


def _slug_checker(limit: int, *, nullable: bool = False) -> Checker:
    def check(value: Any) -> str | None:
        if value is None:
            if nullable:
                return None
            raise Invalid("is missing")
        if not isinstance(value, str) or not validators.slug_re.match(value) or len(value) > limit:
            raise Invalid(f"must be a slug (letters, digits, - and _; at most {limit}), not “{str(value)[:60]}”")
        return value

    def every(values: list[Any]) -> bool:
        slugs = _strings(values, nullable=nullable)
        return (
            slugs is not None and max(map(len, slugs), default=0) <= limit and all(map(validators.slug_re.match, slugs))
        )

    check.every = every
    return check


def _column(model: type[models.Model], name: str, part: str | None) -> tuple[str, Checker, Any]:
    """(name, checker, default) for one portable column; default REQUIRED if it has none."""
    model_field = model._meta.get_field(name)
    if model_field.is_relation:
        target = REFERENCES[part][name]
        if model_field.null:
            return name, _check_uid if KEYS[target] == "uid" else _slug_checker(100, nullable=True), None
        return name, _check_uid_given if KEYS[target] == "uid" else _slug_checker(100), REQUIRED
    if name == "uid":
        return name, _check_uid, None
    if isinstance(model_field, models.SlugField):
        return name, _slug_checker(model_field.max_length), REQUIRED
    if model_field.choices:
        return name, _choice_checker(model_field), model_field.default if model_field.has_default() else REQUIRED
    if isinstance(model_field, models.CharField | models.TextField):
        return name, _text_checker(model_field), "" if model_field.blank else REQUIRED
    if isinstance(model_field, models.FloatField | models.IntegerField):
        return name, _number_checker(model_field), model_field.default if model_field.has_default() else REQUIRED
    if isinstance(model_field, models.BooleanField):
        return name, _check_bool, model_field.default
    if isinstance(model_field, models.DateTimeField):
        return name, _check_datetime, None
    if isinstance(model_field, models.DateField):
        return name, _check_date, None
    raise TypeError(f"No importer for {model.__name__}.{name}")


SPECS: dict[str, list[tuple[str, Checker, Any]]] = {
    part: [_column(MODELS[part], name, part) for name in COLUMNS[part]] for part in PARTS
}
TOPIC_SPEC = [_column(Topic, name, None) for name in TOPIC_COLUMNS]


# ---------------------------------------------------------------------------
# Checking a whole map
# ---------------------------------------------------------------------------


def check(incoming: IncomingMap, *, new_uids: bool = False) -> tuple[Plan | None, list[Problem]]:
    """Check `incoming` against every rule, in a few queries whatever its size.

    Returns (plan, problems): a plan only when there is no problem.
    """
    return _Check(incoming, new_uids=new_uids).run()


class _Check:
    """One check of one map: values first, then the database, then the rules between rows."""

    def __init__(self, incoming: IncomingMap, *, new_uids: bool) -> None:
        self.incoming = incoming
        self.new_uids = new_uids
        self.problems: list[Problem] = list(incoming.problems)
        self.notes: list[Problem] = list(incoming.notes)
        self.rows: dict[str, list[Row]] = {}
        self.where: dict[str, list[str]] = {}
        self.keys: dict[str, dict[str, str]] = {}  # part -> {key: where} of every row with a valid key
        self.given_uids: dict[str, list[tuple[str, str]]] = {}  # part -> [(uid, where)] read from the file
        self.existing: dict[str, dict[str, int]] = {part: {} for part in SHARED_PARTS}

    def problem(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))

    def run(self) -> tuple[Plan | None, list[Problem]]:
        topic = self.check_topic()
        for part in PARTS:
            self.check_rows(part)
        if self.new_uids:
            self.renew_uids()
        self.find_existing()
        self.check_references()
        self.check_positions()
        self.check_links()
        self.check_stakeholders()
        self.check_stances()
        self.check_relationships()
        self.check_salience()
        if self.problems:
            return None, self.problems
        existing = self.existing
        rows = {
            part: [row for row in self.rows[part] if row[KEYS[part]] not in existing.get(part, ())] for part in PARTS
        }
        reused = [(part, len(existing[part])) for part in SHARED_PARTS if existing[part]]
        if reused:
            counted = ", ".join(f"{count} {PLURAL[part] if count > 1 else SINGULAR[part]}" for part, count in reused)
            self.notes.append(
                Problem("", f"reused {counted} already in the database (matched by slug or uid; kept as they are)")
            )
        return Plan(topic=topic, rows=rows, existing=existing, notes=self.notes), []

    # -- values ---------------------------------------------------------------

    def clean(self, spec: list[tuple[str, Checker, Any]], row: Any, where: str) -> dict[str, Any] | None:
        if not isinstance(row, dict):
            self.problem(where, "must be an object with named fields")
            return None
        clean: dict[str, Any] = {}
        ok = True
        for name, checker, default in spec:
            value = row.get(name, default)
            if value is REQUIRED:
                self.problem(where, f"{name}: is missing")
                ok = False
                continue
            try:
                clean[name] = checker(value)
            except Invalid as error:
                self.problem(where, f"{name}: {error}")
                ok = False
        if len(row) > len(clean) and (unknown := sorted(set(row) - {name for name, _c, _d in spec})):
            self.problem(where, f"unknown field{'s' if len(unknown) > 1 else ''}: {', '.join(map(str, unknown))}")
            ok = False
        return clean if ok else None

    def check_topic(self) -> dict[str, Any]:
        where = self.incoming.topic_where
        topic = self.clean(TOPIC_SPEC, self.incoming.topic, where) or {}
        slug = topic.get("slug")
        if slug and Topic.objects.filter(slug=slug).exists():
            self.problem(where, f"slug: a topic “{slug}” already exists; import this map under another slug")
        return topic

    def check_rows(self, part: str) -> None:
        spec, key = SPECS[part], KEYS[part]
        rows, wheres, keys = [], [], {}
        given = []
        incoming = self.incoming.rows[part]
        cleaned = _clean_rows(spec, incoming, in_place=True)
        if cleaned is None:  # somewhere a problem, or a row to complete: row by row, to say where
            cleaned = [
                self.clean(spec, row, where) for row, where in zip(incoming, self.incoming.where[part], strict=True)
            ]
        for row, where, clean in zip(incoming, self.incoming.where[part], cleaned, strict=True):
            value = clean[key] if clean else _valid_key(spec, key, row)
            if value is None and key == "uid":
                value = str(uuid.uuid4())
                if clean:
                    clean[key] = value
            elif value is not None and key == "uid" and part in TOPIC_PARTS:
                given.append((value, where))
            if value is not None:
                if value in keys:
                    self.problem(where, f"{key}: the same as {keys[value]} (“{value}”)")
                    clean = None
                else:
                    keys[value] = where
            if clean is not None:
                rows.append(clean)
                wheres.append(where)
        self.rows[part], self.where[part], self.keys[part], self.given_uids[part] = rows, wheres, keys, given
        # The file's rows are not needed any more (the clean ones are, or are them): let
        # them go, so that a map is held once, not twice.
        self.incoming.rows[part], self.incoming.where[part] = [], []

    def renew_uids(self) -> None:
        """A copy of the map: new uids for what belongs to the topic, references followed."""
        renamed: dict[str, dict[str, str]] = {}
        for part in TOPIC_PARTS:
            renamed[part] = {old: str(uuid.uuid4()) for old in self.keys[part]}
            self.keys[part] = {renamed[part][old]: where for old, where in self.keys[part].items()}
            for row in self.rows[part]:
                row["uid"] = renamed[part][row["uid"]]
            self.given_uids[part] = []
        for part in PARTS:
            for column, target in REFERENCES[part].items():
                if target in renamed:
                    mapping = renamed[target]
                    for row in self.rows[part]:
                        if row[column] is not None:
                            row[column] = mapping.get(row[column], row[column])

    # -- the database -----------------------------------------------------------

    def find_existing(self) -> None:
        """Uids of the topic's objects must be new; stakeholders, sources and relationships
        the database already has are reused."""
        for part in TOPIC_PARTS:
            given = self.given_uids[part]
            if not given:
                continue
            saved = MODELS[part].objects.filter(among("uid", [uid for uid, _where in given])).order_by()
            found = {str(uid) for uid in saved.values_list("uid", flat=True)}
            clashes = [(uid, where) for uid, where in given if uid in found]
            if clashes:
                uid, where = clashes[0]
                self.problem(
                    where,
                    f"uid: {len(clashes):,} of the {PLURAL[part]} in this file are already in the database (“{uid}”…): "
                    "import into another database, or import a copy with new uids",
                )
        for part, model in (("stakeholders", Stakeholder), ("sources", MODELS["sources"])):
            key = KEYS[part]
            wanted = set(self.keys[part]) | self.referenced_keys(part)
            if wanted:
                found = model.objects.filter(among(key, wanted)).order_by().values_list(key, "id")
                self.existing[part].update((str(value), pk) for value, pk in found)
        self.find_existing_relationships()

    def referenced_keys(self, target: str) -> set[str]:
        keys = set()
        for part in PARTS:
            for column, referenced in REFERENCES[part].items():
                if referenced == target:
                    keys.update(row[column] for row in self.rows[part] if row[column] is not None)
        return keys

    def find_existing_relationships(self) -> None:
        rows = self.rows["relationships"]
        if not rows:
            return
        model = MODELS["relationships"]
        saved = model.objects.filter(among("uid", self.keys["relationships"])).order_by()
        self.existing["relationships"].update((str(uid), pk) for uid, pk in saved.values_list("uid", "id"))
        stakeholders = self.existing["stakeholders"]
        both_existing = [
            row
            for row in rows
            if row["uid"] not in self.existing["relationships"]
            and row["from_stakeholder"] in stakeholders
            and row["to_stakeholder"] in stakeholders
        ]
        if not both_existing:
            return
        ids = {stakeholders[row["from_stakeholder"]] for row in both_existing} | {
            stakeholders[row["to_stakeholder"]] for row in both_existing
        }
        saved = {
            (from_id, to_id, kind): pk
            for from_id, to_id, kind, pk in model.objects.filter(
                from_stakeholder_id__in=ids, to_stakeholder_id__in=ids
            ).values_list("from_stakeholder_id", "to_stakeholder_id", "kind", "id")
        }
        for row in both_existing:
            pk = saved.get((stakeholders[row["from_stakeholder"]], stakeholders[row["to_stakeholder"]], row["kind"]))
            if pk is not None:
                self.existing["relationships"][row["uid"]] = pk

    # -- references and rules ---------------------------------------------------

    def check_references(self) -> None:
        """Every reference points at a row of the file, or (stakeholders and sources, which
        every map shares) at one the database has. A position or claim of another topic
        is refused: a map's links, stances and citations stay within its topic."""
        elsewhere: dict[str, list[tuple[str, str, str]]] = defaultdict(list)  # part -> [(key, where, column)]
        for part in PARTS:
            for column, target in REFERENCES[part].items():
                keys = self.keys[target]
                existing = self.existing.get(target, {})
                for row, where in zip(self.rows[part], self.where[part], strict=True):
                    value = row[column]
                    if value is None or value in keys or value in existing:
                        continue
                    if target in ("positions", "claims"):
                        elsewhere[target].append((value, where, column))
                    else:
                        self.problem(
                            where,
                            f"{column}: no {SINGULAR[target]} “{value}” in the file or the database",
                        )
        for target, missing in elsewhere.items():
            uids = {value for value, _where, _column in missing}
            found = MODELS[target].objects.filter(among("uid", uids)).order_by().values_list("uid", "topic__slug")
            topics = {str(uid): slug for uid, slug in found}
            for value, where, column in missing:
                if value in topics:
                    self.problem(
                        where,
                        f"{column}: the {SINGULAR[target]} “{value}” belongs to another topic (“{topics[value]}”); "
                        "a map refers only to its own positions and claims",
                    )
                else:
                    self.problem(where, f"{column}: no {SINGULAR[target]} “{value}” in the file")

    def check_positions(self) -> None:
        seen: dict[str, str] = {}
        for row, where in zip(self.rows["positions"], self.where["positions"], strict=True):
            if row["title"] in seen:
                self.problem(
                    where, f"title: the same as the position at {seen[row['title']]}; titles differ in a topic"
                )
            else:
                seen[row["title"]] = where

    def check_links(self) -> None:
        seen: dict[tuple, str] = {}
        supports: list[tuple[str, str]] = []
        for row, where in zip(self.rows["links"], self.where["links"], strict=True):
            position, claim = row["target_position"], row["target_claim"]
            if (position is None) == (claim is None):
                self.problem(where, "a link targets exactly one thing: a position or a claim")
                continue
            if claim is not None and claim == row["claim"]:
                self.problem(where, "a claim cannot support or oppose itself")
                continue
            identity = (row["claim"], position, claim, row["polarity"])
            if identity in seen:
                self.problem(where, f"the same link as {seen[identity]}")
                continue
            seen[identity] = where
            if claim is not None and row["polarity"] == Polarity.SUPPORTS:
                supports.append((row["claim"], claim))
        del seen  # before support_cycles builds its graph: not both at once
        circles = support_cycles(supports)
        if not circles:
            return
        # Where each step is, only for a map that has a circle (a dict per link otherwise).
        order = {step: index for index, step in enumerate(supports)}
        where_of_support: dict[tuple[str, str], str] = {}
        for row, where in zip(self.rows["links"], self.where["links"], strict=True):
            step = (row["claim"], row["target_claim"])
            if step in order and row["polarity"] == Polarity.SUPPORTS and row["target_position"] is None:
                where_of_support.setdefault(step, where)
        for circle in circles:
            steps = sorted(zip(circle, [*circle[1:], circle[0]], strict=True), key=order.__getitem__)
            places = ", ".join(where_of_support[step] for step in steps)
            claims = " → ".join(self.keys["claims"].get(uid, uid) for uid in [*circle, circle[0]])
            self.problem(places, f"these links close a circle of support ({claims}); support may not run in a circle")

    def check_stakeholders(self) -> None:
        parents: dict[str, str] = {}
        for row, where in zip(self.rows["stakeholders"], self.where["stakeholders"], strict=True):
            if row["slug"] in self.existing["stakeholders"] or row["parent"] is None:
                continue
            if row["parent"] == row["slug"]:
                self.problem(where, "parent: a stakeholder cannot be part of itself")
            else:
                parents[row["slug"]] = row["parent"]
        reported: set[str] = set()
        for start in parents:
            chain, slug = [start], parents[start]
            while slug in parents and slug not in chain and slug not in reported:
                chain.append(slug)
                slug = parents[slug]
            if slug in chain:
                circle = chain[chain.index(slug) :]
                reported.update(circle)
                self.problem(
                    self.keys["stakeholders"][slug],
                    f"parent: {' → '.join([*circle, slug])} is a circle; a stakeholder cannot be part of itself",
                )

    def check_stances(self) -> None:
        seen: dict[tuple, str] = {}
        for row, where in zip(self.rows["stances"], self.where["stances"], strict=True):
            if (row["position"] is None) == (row["claim"] is None):
                self.problem(where, "a stance is about exactly one thing: a position or a claim")
                continue
            subject = ("position", row["position"]) if row["position"] else ("claim", row["claim"])
            identity = (row["stakeholder"], *subject)
            if identity in seen:
                self.problem(where, f"the same stakeholder's stance on the same {subject[0]} as {seen[identity]}")
            else:
                seen[identity] = where
            if row["basis"] == Basis.STATED and not row["quote"]:
                self.problem(where, "quote: a stated stance needs the stakeholder's words")
            if row["basis"] != Basis.INFERRED and row["source"] is None:
                self.problem(where, "source: a stated or paraphrased stance needs its source (or mark it inferred)")

    def check_relationships(self) -> None:
        seen: dict[tuple, str] = {}
        existing = self.existing["relationships"]
        for row, where in zip(self.rows["relationships"], self.where["relationships"], strict=True):
            if row["from_stakeholder"] == row["to_stakeholder"]:
                self.problem(where, "a relationship joins two different stakeholders")
            identity = (row["from_stakeholder"], row["to_stakeholder"], row["kind"])
            if identity in seen:
                self.problem(where, f"the same relationship as {seen[identity]}")
            seen[identity] = where
            started, ended = row["started_on"], row["ended_on"]
            if row["uid"] not in existing and started and ended and ended < started:
                self.problem(where, "ended_on: a relationship cannot end before it starts")

    def check_salience(self) -> None:
        seen: dict[str, str] = {}
        for row, where in zip(self.rows["salience"], self.where["salience"], strict=True):
            if row["stakeholder"] in seen:
                self.problem(where, f"stakeholder: already has a salience estimate at {seen[row['stakeholder']]}")
            else:
                seen[row["stakeholder"]] = where


def _clean_rows(
    spec: list[tuple[str, Checker, Any]], rows: list[Any], *, in_place: bool = False
) -> list[dict[str, Any]] | None:
    """What `_Check.clean` makes of each row, checked a column at a time (the loops in C,
    mostly). None as soon as anything needs the row-by-row check, which then says where:
    a row that is not a dict of exactly the spec's columns in its order (one missing
    takes its default there), or a value that its checker refuses. `in_place`: the rows
    themselves become the clean ones (no copy), for a caller that owns them."""
    names = tuple(name for name, _checker, _default in spec)
    # Rows that are dicts of the spec's columns, in its order (a row's keys, as a tuple).
    if not _all_typed(rows, dict) or set(map(tuple, rows)) - {names}:
        return None
    changed = {}
    for name, checker, _default in spec:
        values = [row[name] for row in rows]
        every = getattr(checker, "every", None)
        if every is not None:
            if not every(values):
                return None
        else:
            try:
                checked = [checker(value) for value in values]
            except Invalid:
                return None
            if checked != values:
                changed[name] = checked
    clean = rows if in_place else list(map(dict, rows))
    for name, values in changed.items():
        for row, value in zip(clean, values, strict=True):
            row[name] = value
    return clean


def _valid_key(spec: list[tuple[str, Checker, Any]], key: str, row: Any) -> str | None:
    """The key of a row that has other problems, so that references to it still resolve."""
    if not isinstance(row, dict) or row.get(key) is None:
        return None
    checker = next(checker for name, checker, _default in spec if name == key)
    try:
        return checker(row[key])
    except Invalid:
        return None


def among(key: str, values: Iterable[Any]) -> Q:
    """`key IN (values)`, the values passed as ONE JSON array that the database expands: one
    query and one parameter however many there are. (An IN list of 10,000 parameters takes
    longer to plan than to run, and SQLite takes at most 32,766.)"""
    payload = orjson.dumps(list(values)).decode()
    if connection.vendor == "postgresql":
        cast = {"uid": "::uuid", "id": "::bigint"}.get(key, "")
        subquery = f"SELECT value{cast} FROM json_array_elements_text(%s::json)"  # noqa: S608 - constants only
    else:
        subquery = "SELECT value FROM json_each(%s)"
    return Q(**{f"{key}__in": RawSQL(subquery, [payload])})  # noqa: S611 - the values go as a parameter
