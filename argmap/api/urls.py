"""API URLs (namespace `api`): the resources under /api/v1/ (`api:claim-list`,
`api:claim-detail`, `api:topic-map`…), the OpenAPI schema and its two readers."""

from django.http import JsonResponse
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter
from rest_framework.urlpatterns import format_suffix_patterns

from argmap.api import views
from argmap.api.interchange import MapImportViewSet

app_name = "api"


class JSONSuffixRouter(DefaultRouter):
    """Routes that also answer a `.json` suffix (the one format the API speaks), and no
    other: with any suffix allowed, /links/1.0/ read as link 1 in format "0", so that a
    DELETE there with `If-Match: *` deleted link 1. Now it is a 404."""

    include_format_suffixes = False

    def get_urls(self):
        return format_suffix_patterns(super().get_urls(), allowed=["json"])


router = JSONSuffixRouter()
router.register("topics", views.TopicViewSet, basename="topic")
router.register("positions", views.PositionViewSet, basename="position")
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("links", views.LinkViewSet, basename="link")
router.register("stakeholders", views.StakeholderViewSet, basename="stakeholder")
router.register("stances", views.StanceViewSet, basename="stance")
router.register("sources", views.SourceViewSet, basename="source")
router.register("citations", views.CitationViewSet, basename="citation")
router.register("relationships", views.RelationshipViewSet, basename="relationship")
router.register("salience", views.SalienceViewSet, basename="salience")
router.register("imports", MapImportViewSet, basename="import")


def not_found(request, *args, **kwargs):
    """Any other address under /api/: a JSON 404, like every API error."""
    return JsonResponse({"detail": "Not found."}, status=404)


urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html"), name="redoc"),
    re_path(r"", not_found),
]
