"""Top-level URLs: the public site at /, the editors' admin at /admin/, the JSON API at /api/."""

from django.contrib import admin
from django.urls import include, path

from argmap import monitoring

admin.site.site_header = "argmap editors"
admin.site.site_title = "argmap"
admin.site.index_title = "Maps, stakeholders and sources"

handler400 = "argmap.views.bad_request"  # a form too large to send: a 413 that says what to do

urlpatterns = [
    path("metrics", monitoring.metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/", include("argmap.api.urls")),
    path("", include("argmap.urls")),
]
