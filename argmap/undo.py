"""Undo of the last map-editor action: each editor's last action on a topic's map (a reason
added, a text edited, a claim moved or unlinked) is kept in their session, with what it
changed and when; "Undo" reverts exactly that, in history like any edit, unless something
it touched has changed since (then nothing is undone, and the editor is told what).
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.formats import date_format

from argmap.history import save_as_it_was
from argmap.models import Citation, Claim, Link, Position, Relationship, Source, Stance

SESSION_KEY = "argmap_map_editor_last_action"
MODELS = {"claim": Claim, "link": Link, "citation": Citation, "stance": Stance, "source": Source, "position": Position}


def stamp(obj) -> list:
    """What identifies one object as it is now: its kind, id and last change."""
    return [obj._meta.model_name, obj.pk, obj.updated_at.isoformat()]


def remember(request, topic, *, action: str, label: str, **data) -> None:
    """Keep `action` as the editor's last action on `topic`'s map (the one Undo reverts)."""
    actions = request.session.get(SESSION_KEY, {})
    actions[str(topic.pk)] = {"action": action, "label": label, **data}
    request.session[SESSION_KEY] = actions


def last_action(request, topic) -> dict | None:
    return request.session.get(SESSION_KEY, {}).get(str(topic.pk))


def forget(request, topic) -> None:
    actions = request.session.get(SESSION_KEY, {})
    actions.pop(str(topic.pk), None)
    request.session[SESSION_KEY] = actions


def remember_reason(request, topic, claim, created: list) -> None:
    remember(request, topic, action="add", label=f"added the claim “{claim}”", objects=[stamp(o) for o in created])


def remember_edit(request, topic, obj, field: str, before: str) -> None:
    what = obj._meta.verbose_name
    remember(request, topic, action="edit", label=f"edited the {what} “{obj}”", object=stamp(obj), field=field,
             before=before)  # fmt: skip


def remember_move(request, link, before: dict) -> None:
    remember(request, link.claim.topic, action="move", label=f"moved the claim “{link.claim}”", object=stamp(link),
             before=before)  # fmt: skip


def remember_unlink(request, link, pk: int) -> None:
    remember(request, link.claim.topic, action="unlink", label=f"unlinked the claim “{link.claim}”", link=pk)


class Changed(Exception):  # noqa: N818 - a state, not a failure of the code
    """Something the action touched has changed since: nothing was undone."""


def current(kind: str, pk: int, updated_at: str, *, what: str):
    """The object as it is now, if it has not changed since the action; else Changed."""
    obj = MODELS[kind].objects.filter(pk=pk).first()
    if obj is None:
        raise Changed(f"The {what} has been deleted since. Nothing was undone.")
    if obj.updated_at.isoformat() != updated_at:
        when = date_format(obj.updated_at, "DATETIME_FORMAT")
        raise Changed(f"The {what} was changed at {when}, after your action. Nothing was undone: edit it by hand.")
    return obj


def undo(action: dict, *, user) -> str:
    """Revert `action` (an editor's last action), all or nothing. Returns what was done;
    raises Changed, with what stands in the way, when something it touched has changed."""
    try:
        with transaction.atomic():
            return UNDO[action["action"]](action, user)
    except ValidationError as error:
        raise Changed(f"Nothing was undone: {' '.join(error.messages)}") from error
    except IntegrityError as error:  # a rule broken by a concurrent write
        raise Changed(f"Nothing was undone: {error}") from error


def _undo_add(action, user) -> str:
    objects = {kind: current(kind, pk, at, what=kind) for kind, pk, at in action["objects"]}
    claim = objects["claim"]
    if (
        Link.objects.filter(target_claim=claim).exists()
        or claim.links.exclude(pk=getattr(objects.get("link"), "pk", None)).exists()
        or claim.citations.exclude(pk=getattr(objects.get("citation"), "pk", None)).exists()
        or claim.stances.exclude(pk=getattr(objects.get("stance"), "pk", None)).exists()
    ):
        raise Changed(f"Reasons or sources have been added to “{claim}” since. Nothing was undone.")
    for kind in ("stance", "citation", "link", "claim", "source"):
        obj = objects.get(kind)
        if obj is None:
            continue
        if kind == "source" and (
            obj.citations.exists() or obj.stances.exists() or Relationship.objects.filter(source=obj).exists()
        ):
            continue  # the new source is cited elsewhere since: it stays
        obj._history_user = user
        obj.delete()
    return f"Undone: {action['label']}."


def _undo_edit(action, user) -> str:
    kind, pk, at = action["object"]
    obj = current(kind, pk, at, what=kind)
    setattr(obj, action["field"], action["before"])
    obj.full_clean()
    obj._history_user = user
    obj.save()
    return f"Undone: {action['label']}."


def _undo_move(action, user) -> str:
    _, pk, at = action["object"]
    link = current("link", pk, at, what="link")
    for name, value in action["before"].items():
        setattr(link, name, value)
    link.full_clean()
    link._history_user = user
    link.save()
    return f"Undone: {action['label']}."


def _undo_unlink(action, user) -> str:
    if Link.objects.filter(pk=action["link"]).exists():
        raise Changed("The link is back already. Nothing was undone.")
    record = Link.history.filter(id=action["link"], history_type="-").order_by("-history_date").first()
    if record is None:
        raise Changed("The deleted link is not in the history. Nothing was undone.")
    save_as_it_was(record, user=user, what="the link")
    return f"Undone: {action['label']}."


UNDO = {"add": _undo_add, "edit": _undo_edit, "move": _undo_move, "unlink": _undo_unlink}
