"""List pages without per-field serialization: the columns a serializer shows are read
with `.values()` (related objects' brief forms joined into the same query) and turned
into the same dicts that serializer would build, at a fraction of the cost. DRF's
field-by-field path spends ~60 µs a row on a claim (model instance, seven fields,
timezone handling); this spends a few. QUALITY.md's bar for a 50-row page (≥ 0.25× the
requests/s of raw psycopg + orjson) is out of reach otherwise.

Only field kinds the API uses are supported (model columns, primary-key relations,
brief nested serializers, the topic's hyperlink); anything else is a TypeError at
first use, and tests check each resource's rows against its serializer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, tzinfo
from operator import itemgetter
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

Convert = Callable[[Any], Any]
PLACEHOLDER = "__lookup__"


def _converter(field: serializers.Field) -> Convert | None:
    """How a column's value becomes what `field` shows: the field's own to_representation
    where it changes the value (timestamps, dates, uuids), none where it would not."""
    if isinstance(field, serializers.DateTimeField | serializers.DateField | serializers.UUIDField):
        return field.to_representation
    if isinstance(field, serializers.CharField | serializers.ChoiceField | serializers.IntegerField):
        return None
    if isinstance(field, serializers.FloatField | serializers.BooleanField):
        return None
    raise TypeError(f"rows.py cannot read a {type(field).__name__} ({field.field_name}) as a column")


def _in_iso_8601(field: serializers.Field) -> bool:
    """Whether `field` is a timestamp shown as the API shows them all: ISO 8601, in the
    current time zone (not a format or time zone of its own)."""
    return (
        isinstance(field, serializers.DateTimeField)
        and getattr(field, "format", api_settings.DATETIME_FORMAT).lower() == ISO_8601
        and not hasattr(field, "timezone")
    )


def _iso_8601(value: datetime, zone: tzinfo) -> str:
    """What DateTimeField.to_representation gives an aware `value` in the time zone `zone`:
    DRF looks the current time zone up for every value (two per claim), this once per page."""
    shown = value.astimezone(zone).isoformat()
    return shown[:-6] + "Z" if shown.endswith("+00:00") else shown


def _value(column: str, convert: Convert | None) -> Callable[[dict], Any]:
    if convert is None:
        return itemgetter(column)

    def read(values: dict) -> Any:
        value = values[column]
        return None if value is None else convert(value)

    return read


def _brief(id_column: str, subfields: list[tuple[str, Callable[[dict], Any]]]) -> Callable[[dict], Any]:
    def brief(values: dict) -> dict | None:
        if values[id_column] is None:
            return None
        return {key: read(values) for key, read in subfields}

    return brief


class RowReader:
    """Reads a serializer's representation of many rows straight from `.values()`."""

    def __init__(self, serializer: serializers.ModelSerializer):
        model = serializer.Meta.model
        self.columns: list[str] = []
        self.readers: list[tuple[str, Callable[[dict], Any]]] = []  # (key, how to read it), in field order
        self.links: dict[str, tuple[str, str, str]] = {}  # key -> (lookup column, URL keyword, view name)
        # column -> its field, for the timestamps converted once per page (`rows`)
        self.timestamps: dict[str, serializers.DateTimeField] = {}
        for key, field in serializer.fields.items():
            if isinstance(field, serializers.HyperlinkedIdentityField):
                self.links[key] = (self._column(field.lookup_field), field.lookup_url_kwarg, field.view_name)
                self.readers.append((key, itemgetter(key)))  # filled in per request, below
            elif isinstance(field, serializers.PrimaryKeyRelatedField):
                self.readers.append((key, itemgetter(self._column(model._meta.get_field(field.source).attname))))
            elif isinstance(field, serializers.ModelSerializer):
                subfields = [
                    (subkey, self._reader(f"{field.source}__{subfield.source}", subfield))
                    for subkey, subfield in field.fields.items()
                ]
                self.readers.append((key, _brief(self._column(model._meta.get_field(field.source).attname), subfields)))
            else:
                self.readers.append((key, self._reader(field.source, field)))

    def _reader(self, column: str, field: serializers.Field) -> Callable[[dict], Any]:
        """How to read `field` from the `column` of a row: timestamps in ISO 8601 are read
        as `rows` has converted them, the others converted as they are read."""
        self._column(column)
        if _in_iso_8601(field):
            self.timestamps[column] = field
            return itemgetter(column)
        return _value(column, _converter(field))

    def _column(self, name: str) -> str:
        if name not in self.columns:
            self.columns.append(name)
        return name

    def values(self, queryset: QuerySet) -> QuerySet:
        """`queryset` as the rows `rows` reads: the serializer's columns."""
        return queryset.values(*self.columns)

    def rows(self, values: Iterable[dict[str, Any]], request) -> list[dict[str, Any]]:
        """The representation of each row of `values` (a queryset from `self.values`)."""
        templates = {
            key: (column, request.build_absolute_uri(reverse(view, kwargs={kwarg: PLACEHOLDER})))
            for key, (column, kwarg, view) in self.links.items()
        }
        zone = timezone.get_current_timezone() if settings.USE_TZ else None
        timestamps = self.timestamps.items()
        result = []
        for row in values:
            value = dict(row)  # (converted in a copy: a caller may read the row's own values after)
            for key, (column, template) in templates.items():
                value[key] = template.replace(PLACEHOLDER, str(value[column]))
            for column, field in timestamps:
                stamp = value[column]
                if stamp is None:
                    continue
                if zone is None or timezone.is_naive(stamp):
                    value[column] = field.to_representation(stamp)  # (DRF's way, for naive times)
                else:
                    value[column] = _iso_8601(stamp, zone)
            result.append({key: read(value) for key, read in self.readers})
        return result


_readers: dict[type, RowReader] = {}


def reader_for(serializer_class: type[serializers.ModelSerializer]) -> RowReader:
    """The RowReader of a serializer class, built once."""
    if serializer_class not in _readers:
        _readers[serializer_class] = RowReader(serializer_class())
    return _readers[serializer_class]
