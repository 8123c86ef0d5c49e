"""History for writes that bypass model.save() (fixtures, bulk imports): every object
must still have a history record, with the user who made it when there is one."""

from django.apps import apps
from django.db import connection
from django.utils import timezone


def tracked_models():
    return [m for m in apps.get_app_config("argmap").get_models() if hasattr(m, "history")]


def record_missing_history(*, user=None, reason: str = "") -> int:
    """Create a "created" history record for every argmap object that has none. Returns how many."""
    created = 0
    for model in tracked_models():
        history_model = model.history.model
        recorded = history_model.objects.values("id")
        missing = list(model.objects.exclude(pk__in=recorded))
        if missing:
            model.history.bulk_history_create(missing, default_user=user, default_change_reason=reason)
            created += len(missing)
    return created


def record_history(objects, *, user=None, reason: str = "") -> None:
    """Record "created" history for objects written with bulk_create (which sends no signals)."""
    objects = list(objects)
    if objects:
        type(objects[0]).history.bulk_history_create(
            objects, batch_size=2000, default_user=user, default_change_reason=reason
        )


HISTORY_FIELDS = ("history_id", "history_date", "history_change_reason", "history_type", "history_user_id")


def record_history_for(queryset, *, user=None, reason: str = "") -> None:
    """Record "created" history for every row of `queryset` in ONE INSERT … SELECT.

    The same records as record_history(), without building a model instance per row and
    per history row: the history of 10,000 claims takes 0.5 s there and under 0.1 s here.
    """
    model = queryset.model
    history = model.history.model
    columns = [f.attname for f in history._meta.concrete_fields if f.attname not in HISTORY_FIELDS]
    select, params = queryset.order_by("pk").values_list(*columns).query.sql_with_params()
    quote = connection.ops.quote_name
    targets = ", ".join(quote(c) for c in [*columns, "history_date", "history_type", "history_user_id"])
    history_date = connection.ops.adapt_datetimefield_value(timezone.now())
    change_reason = history._meta.get_field("history_change_reason")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(history._meta.db_table)} ({targets}, {quote(change_reason.column)}) "  # noqa: S608 - names from the models
            f"SELECT q.*, %s, %s, %s, %s FROM ({select}) q",
            [history_date, "+", getattr(user, "pk", None), reason[: change_reason.max_length], *params],
        )
