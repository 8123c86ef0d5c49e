"""Public pages. Anonymous readers see published topics and what belongs to them only;
a draft is a 404 so that its existence does not leak."""

from django.views.generic import DetailView, ListView

from argmap.models import Claim, Source, Stakeholder, Topic


class HomeView(ListView):
    template_name = "argmap/home.html"
    context_object_name = "topics"

    def get_queryset(self):
        return Topic.objects.published().order_by("-changed_at")


class TopicDetailView(DetailView):
    def get_queryset(self):
        return Topic.objects.visible_to(self.request.user)


class ClaimDetailView(DetailView):
    def get_queryset(self):
        return Claim.objects.filter(topic__in=Topic.objects.visible_to(self.request.user)).select_related("topic")


class StakeholderDetailView(DetailView):
    model = Stakeholder


class SourceDetailView(DetailView):
    model = Source
