"""Right of reply (issue 16): a stakeholder answers a stance the map attributes to them.

The form takes text only: markup characters (< and >) and control characters are refused,
not escaped, so that nothing from it can render as HTML anywhere, and every field has a
length limit. Submissions are counted per address and per email in the cache
(REPLY_RATE_LIMIT per REPLY_RATE_WINDOW seconds); the Django CSRF check applies. A reply
waits for a reviewer in the admin (Replies): accepted, it is shown beside the stance with
its date; the topic's next publication notes it.
"""

from __future__ import annotations

import logging
import re

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import render
from django.views import View

from argmap.models import Reply, Stance, TopicStatus

logger = logging.getLogger(__name__)
MARKUP = re.compile(r"[<>]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text_only(value: str) -> str:
    if MARKUP.search(value):
        raise forms.ValidationError("Plain text only: no < or > characters, no control characters.")
    return value


class ReplyForm(forms.ModelForm):
    class Meta:
        model = Reply
        fields = ["name", "role", "email", "text", "link"]
        labels = {"text": "Your reply", "link": "A link (optional)"}
        widgets = {"text": forms.Textarea(attrs={"rows": 8, "maxlength": 5000})}

    def clean(self):
        cleaned = super().clean()
        for name in ("name", "role", "email", "text", "link"):
            value = cleaned.get(name)
            if value:
                try:
                    text_only(value)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return cleaned


def over_limit(*keys: str) -> bool:
    """Count one submission under each key; True if any has passed the limit in its window.
    The cache is an accelerator: if it fails, nothing is counted (and the form still works)."""
    limited = False
    for key in keys:
        try:
            cache.add(key, 0, settings.REPLY_RATE_WINDOW)
            count = cache.incr(key)
        except Exception:  # a cache outage must not take the form down
            logger.warning("reply rate limit: the cache failed; not counted", exc_info=True)
            continue
        limited |= count > settings.REPLY_RATE_LIMIT
    return limited


class StanceReplyView(View):
    """ "Reply as this stakeholder" on a stance of a published topic."""

    template_name = "argmap/reply_form.html"

    def stance(self, slug: str, pk: int) -> Stance:
        stance = (
            Stance.objects.filter(pk=pk, stakeholder__slug=slug, topic__status=TopicStatus.PUBLISHED)
            .select_related("stakeholder", "position", "claim", "topic")
            .first()
        )
        if stance is None:  # no such stance, a draft's, or another stakeholder's
            raise Http404("No such published stance of this stakeholder.")
        return stance

    def get(self, request, slug, pk):
        stance = self.stance(slug, pk)
        return self.page(request, stance, ReplyForm())

    def post(self, request, slug, pk):
        stance = self.stance(slug, pk)
        form = ReplyForm(request.POST)
        address = request.META.get("REMOTE_ADDR", "")
        email = (request.POST.get("email") or "").strip().lower()[:254]
        if over_limit(f"reply:address:{address}", f"reply:email:{email}"):
            form.is_valid()
            form.add_error(None, "Too many replies from here in a short time. Wait an hour and try again.")
            return self.page(request, stance, form, status=429)
        if not form.is_valid():
            return self.page(request, stance, form, status=400)
        reply = form.save(commit=False)
        reply.stance = stance
        reply.save()
        return self.page(request, stance, None, status=201)

    def page(self, request, stance, form, status=200):
        accepted = stance.replies.accepted().order_by("received_at")
        context = {"stance": stance, "form": form, "accepted": accepted, "received": form is None}
        return render(request, self.template_name, context, status=status)
