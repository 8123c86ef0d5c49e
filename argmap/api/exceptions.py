"""Every error under /api/ is JSON: `{"detail": "…"}`, or `{"field": ["…"]}` for invalid
input. Database errors that DRF leaves to Django become answers a client can act on:
a protected delete or a constraint hit by a race is a 409, never a 500. An unreachable
database is left to argmap.api.middleware (503 with Retry-After, site-wide)."""

from collections import Counter

from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError, InterfaceError, OperationalError
from django.db.models import ProtectedError, RestrictedError
from django.utils.text import get_text_list
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.settings import api_settings


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


class TooLargeOnDemand(APIException):
    """A what-if or a lens asked of a map above ANALYSIS_ON_DEMAND_MAX_CLAIMS, which a
    request may not compute (publishing.on_demand)."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "too_large_on_demand"


def refuse_above_on_demand(claims: int, what: str, instead: str) -> None:
    """Raise TooLargeOnDemand unless `what` may be computed for a request from a map of
    `claims` claims (publishing.on_demand), saying what to do `instead`."""
    from argmap.publishing import on_demand, too_large_for_demand  # (publishing imports the API's modules)

    if not on_demand(claims):
        raise TooLargeOnDemand(f"{too_large_for_demand(claims, what)} {instead}")


class NotWrittenYet(APIException):
    """A stored document of a big publication asked for before the worker wrote it."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "This publication's documents are still being written: try again in a minute."
    default_code = "not_written_yet"
    wait = 60  # Retry-After (DRF's handler sends it)


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = (
        "Send If-Match with the ETag of the object as you last read it, so that nobody's change is overwritten."
    )
    default_code = "precondition_required"


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = (
        "Someone else changed this object after you read it (its ETag no longer matches If-Match). "
        "Nothing was saved: read it again, then make your change."
    )
    default_code = "precondition_failed"


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = (
        "This change conflicts with the data as it now stands (another write may have come first). "
        "Nothing was saved: read the data again and retry."
    )
    default_code = "conflict"


def validation_error(error: DjangoValidationError) -> ValidationError | Conflict:
    """A model's ValidationError as DRF's, with rules about no one field under `non_field_errors`;
    a rule the data as it now stands refuses (code "conflict": a stakeholder that would be
    part of itself through others) is a 409 that gives the rule."""
    conflicts = (
        [e.message for e in error.error_list if e.code == "conflict"]
        if not hasattr(error, "error_dict")
        else [e.message for errors in error.error_dict.values() for e in errors if e.code == "conflict"]
    )
    if conflicts:
        return Conflict(" ".join(conflicts) + " Nothing was saved: read the data again.")
    if not hasattr(error, "error_dict"):
        return ValidationError({api_settings.NON_FIELD_ERRORS_KEY: error.messages})
    return ValidationError(
        {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
            for field, messages in error.message_dict.items()
        }
    )


def dependents_of(error: ProtectedError | RestrictedError) -> str:
    """'1 stance and 2 links': the objects that block a delete, counted by kind."""
    objects = error.protected_objects if isinstance(error, ProtectedError) else error.restricted_objects
    counts = Counter(type(obj) for obj in objects)
    return get_text_list(
        [
            f"{n} {model._meta.verbose_name if n == 1 else model._meta.verbose_name_plural}"
            for model, n in sorted(counts.items(), key=lambda item: item[0]._meta.verbose_name)
        ],
        "and",
    )


# The rules the database keeps by triggers (migrations 0002 and 0008), named in their
# error, as a client reads them when a concurrent write made its own change break one.
DATABASE_RULES = {
    "argmap_stakeholder_acyclic": "A stakeholder cannot be part of itself, directly or through others",
    "argmap_link_support_acyclic": "Support links may not form a circle",
    "argmap_link_same_topic": "A link must join a claim to a position or claim of the same topic",
    "argmap_no_move_with_links": "A position or claim with links cannot move to another topic",
}


def broken_rule(error: IntegrityError) -> str:
    """A 409's message: the rule the write broke, if the database named one of ours."""
    for name, rule in DATABASE_RULES.items():
        if name in str(error):
            return (
                f"{rule}: with a change saved at the same time, this one would break that rule. "
                "Nothing was saved: read the data again."
            )
    return Conflict.default_detail


def exception_handler(exc, context):
    # Imported here: rest_framework.views reads the API settings, which name this module.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, OperationalError | InterfaceError):
        return None  # argmap.api.middleware answers 503 (database unreachable) or 409 (a lost race)
    if isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    elif isinstance(exc, ProtectedError | RestrictedError):
        view = context.get("view")
        model = getattr(getattr(view, "queryset", None), "model", None)
        what = f"This {model._meta.verbose_name}" if model else "This object"
        objects = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
        verb = "depends" if len(objects) == 1 else "depend"
        exc = Conflict(f"{what} cannot be deleted: {dependents_of(exc)} {verb} on it. Delete or change those first.")
    elif isinstance(exc, IntegrityError):
        exc = Conflict(broken_rule(exc))
    elif isinstance(exc, DataError):
        exc = ValidationError({api_settings.NON_FIELD_ERRORS_KEY: ["A value does not fit its field."]})
    elif isinstance(exc, DjangoValidationError):
        exc = validation_error(exc)
    return drf_exception_handler(exc, context)
