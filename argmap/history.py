"""History for writes that bypass model.save() (fixtures, bulk imports): every object
must still have a history record, with the user who made it when there is one."""

from django.apps import apps


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
